#include "nut_diff.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace nutpp::modbus::testing {

namespace {

std::vector<std::string> sorted_words(const std::string &s) {
    std::vector<std::string> w;
    std::istringstream in(s);
    for (std::string x; in >> x;) w.push_back(x);
    std::sort(w.begin(), w.end());
    return w;
}

std::string replace_all(std::string s, const std::string &from, const std::string &to) {
    for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
    return s;
}

const Explained *find(const std::vector<Explained> &table, const std::string &map, const std::string &var, Kind kind,
                      const std::string &nut, const std::string &ours) {
    for (const auto &e : table)
        if (map == e.map && var == e.variable && e.kind == kind && (!e.accept || e.accept(nut, ours))) return &e;
    return nullptr;
}

const char *kind_name(Kind k) {
    switch (k) {
    case Kind::Different: return "different";
    case Kind::OnlyNut: return "only NUT";
    default: return "only ours";
    }
}

} // namespace

bool same_tokens_without_duplicates(const std::string &nut, const std::string &ours) {
    auto a = sorted_words(nut), b = sorted_words(ours);
    a.erase(std::unique(a.begin(), a.end()), a.end());
    b.erase(std::unique(b.begin(), b.end()), b.end());
    return a == b;
}

bool ours_adds_ob(const std::string &nut, const std::string &ours) {
    auto a = sorted_words(nut + " OB");
    return a == sorted_words(ours);
}

Vars upsc_vars(const nutpp::testing::NutSandbox &nut) {
    const auto r = nut.run({"upsc", nut.spec()});
    Vars out;
    std::istringstream in(r.out);
    std::string line;
    while (std::getline(in, line)) {
        const auto colon = line.find(": ");
        if (colon != std::string::npos) out[line.substr(0, colon)] = line.substr(colon + 2);
    }
    return out;
}

void compare_vars(const std::string &map, const std::string &situation, const Vars &nut, const Vars &ours,
                  const std::vector<Explained> &table, DiffTally &tally) {
    std::vector<std::string> names;
    for (const auto &[k, v] : nut) names.push_back(k);
    for (const auto &[k, v] : ours)
        if (!nut.count(k)) names.push_back(k);
    std::printf("--- %s, %s\n", map.c_str(), situation.c_str());
    for (const auto &name : names) {
        if (name.rfind("driver.", 0) == 0) continue; // each driver's own name, version, parameters
        const auto n = nut.find(name);
        const auto o = ours.find(name);
        ++tally.compared;
        std::string verdict;
        Kind kind = Kind::Different;
        if (n != nut.end() && o != ours.end()) {
            bool same = n->second == o->second;
            const char *note = "equal";
            if (!same && name == "ups.status" && sorted_words(n->second) == sorted_words(o->second))
                same = true, note = "equal as a set (token order differs)";
            if (!same && name == "ups.alarm" && replace_all(o->second, ", ", " ") == n->second)
                same = true, note = "equal texts (nutpp joins alarms with ', ', NUT 2.8.0 with ' ')";
            if (same) {
                ++tally.equal;
                auto &v = tally.verdict[name];
                if (v.empty() || v == "equal") v = note;
                continue;
            }
            verdict = "NUT '" + n->second + "', ours '" + o->second + "'";
        } else if (n != nut.end()) {
            kind = Kind::OnlyNut;
            verdict = "NUT '" + n->second + "'";
        } else {
            kind = Kind::OnlyOurs;
            verdict = "ours '" + o->second + "'";
        }
        const Explained *e = find(table, map, name, kind, n != nut.end() ? n->second : "", o != ours.end() ? o->second : "");
        std::printf("  %-28s %-9s %s%s%s\n", name.c_str(), kind_name(kind), verdict.c_str(), e ? " -- " : "",
                    e ? e->reason : "");
        tally.verdict[name] = std::string(kind_name(kind)) + (e ? std::string(": ") + e->reason : ": UNEXPLAINED");
        if (!e) {
            ++tally.unexplained;
            ADD_FAILURE() << map << ", " << situation << ": unexplained difference in " << name << " (" << kind_name(kind)
                          << ": " << verdict << ")";
        }
    }
}

void print_tally(const std::string &map, const DiffTally &tally) {
    std::printf("=== %s against NUT: %d comparisons, %d equal, %d unexplained\n", map.c_str(), tally.compared, tally.equal,
                tally.unexplained);
    for (const auto &[k, v] : tally.verdict) std::printf("  %-28s %s\n", k.c_str(), v.c_str());
}

} // namespace nutpp::modbus::testing
