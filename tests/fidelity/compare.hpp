// The differential harness's comparison: two upsc outputs, variable by variable, against a reviewed
// list of deliberate differences (each with its reason) and a visible list of OPEN ones (found, not
// fixed yet). Prints the table; returns the lines that must fail the test.
#pragma once

#include <cstdio>
#include <map>
#include <sstream>
#include <string>
#include <utility>

namespace fidelity {

using Vars = std::map<std::string, std::string>;
using Reasons = std::map<std::string, std::string>; // variable -> one-line reason

inline Vars parse_upsc(const std::string &out) {
    Vars vars;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);)
        if (auto colon = line.find(':'); colon != std::string::npos)
            vars[line.substr(0, colon)] = colon + 2 <= line.size() ? line.substr(colon + 2) : "";
    return vars;
}

// `deliberate` and `open` for this device (merge the all-device list in before calling).
inline std::string compare_and_print(const std::string &device, const Vars &nut, const Vars &ours,
                                     const Reasons &deliberate, const Reasons &open) {
    std::map<std::string, bool> names;
    for (auto &[k, v] : nut) names[k] = true;
    for (auto &[k, v] : ours) names[k] = true;
    std::map<std::string, int> counts;
    std::string table = "\n== " + device + " ==  (variable, NUT 2.8.0, ours, verdict)\n", failures;
    for (auto &[k, _] : names) {
        const std::string a = nut.count(k) ? "\"" + nut.at(k) + "\"" : "<absent>";
        const std::string b = ours.count(k) ? "\"" + ours.at(k) + "\"" : "<absent>";
        std::string verdict = "equal";
        if (a != b)
            verdict = deliberate.count(k) ? "deliberate: " + deliberate.at(k)
                      : open.count(k)     ? "OPEN (not fixed yet): " + open.at(k)
                                          : "DIFFERENT";
        else if (open.count(k))
            verdict = "equal (fixed: remove it from the OPEN list)";
        if (verdict == "DIFFERENT") failures += k + ": NUT " + a + " ours " + b + "\n";
        if (verdict.rfind("equal (fixed", 0) == 0) failures += k + ": now equal, remove it from the OPEN list\n";
        counts[verdict.substr(0, verdict.find_first_of(": "))]++;
        char line[512];
        std::snprintf(line, sizeof line, "%-32s %-44s %-44s %s\n", k.c_str(), a.c_str(), b.c_str(), verdict.c_str());
        table += line;
    }
    table += "equal " + std::to_string(counts["equal"]) + ", deliberate " + std::to_string(counts["deliberate"]) +
             ", OPEN " + std::to_string(counts["OPEN"]) + ", different " + std::to_string(counts["DIFFERENT"]) + "\n";
    std::printf("%s", table.c_str());
    std::fflush(stdout);
    return failures;
}

} // namespace fidelity
