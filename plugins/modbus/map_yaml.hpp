// The map loader's YAML reading primitives, shared by the parts of a map parsed in different files
// (map_loader.cpp: points, commands, identification; map_probe.cpp: probe). Every mistake becomes a
// MapError "source:line:column: entry 'x': what", so all sections report alike.
#pragma once

#include "register_map.hpp"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <set>
#include <sstream>
#include <string>

namespace nutpp::modbus::detail {

struct Named {
    const char *name;
    int value;
};
inline constexpr Named kTables[] = {{"coil", int(Table::Coil)},
                                    {"discrete", int(Table::Discrete)},
                                    {"holding", int(Table::Holding)},
                                    {"input", int(Table::Input)}};
inline constexpr Named kOrders[] = {{"big", int(Order::Big)}, {"little", int(Order::Little)}};

class MapReader {
public:
    explicit MapReader(std::string source) : source_(std::move(source)) {}

    const std::string &source() const { return source_; }
    // The entry named in errors ("" for map-level keys).
    void set_entry(std::string entry) { entry_ = std::move(entry); }
    const std::string &entry() const { return entry_; }

    [[noreturn]] void fail(const YAML::Node &n, const std::string &what) const {
        std::ostringstream o;
        o << source_;
        if (n.IsDefined() && n.Mark().line >= 0) o << ':' << n.Mark().line + 1 << ':' << n.Mark().column + 1;
        o << ": ";
        if (!entry_.empty()) o << "entry '" << entry_ << "': ";
        o << what;
        throw MapError(o.str());
    }

    // "file:line:column" of a node, for messages that come later (a point's `where`).
    std::string place(const YAML::Node &n) const {
        return source_ + ":" + std::to_string(n.Mark().line + 1) + ":" + std::to_string(n.Mark().column + 1);
    }

    void check_keys(const YAML::Node &n, const std::set<std::string> &known, const char *what) const {
        if (!n.IsMap()) fail(n, std::string(what) + " must be a mapping");
        for (const auto &kv : n) {
            const auto key = kv.first.as<std::string>();
            if (!known.count(key)) fail(kv.first, "unknown key '" + key + "' in " + what);
        }
    }

    std::string str(const YAML::Node &n, const char *key) const {
        if (!n.IsScalar()) fail(n, std::string(key) + " must be a scalar");
        return n.Scalar();
    }

    int64_t integer(const YAML::Node &n, const char *key, int64_t lo, int64_t hi) const {
        if (!n.IsScalar()) fail(n, std::string(key) + " must be an integer");
        const std::string s = n.Scalar();
        try {
            size_t used = 0;
            const long long v = std::stoll(s, &used, 0); // 0x.. accepted for register values
            if (used != s.size()) throw std::invalid_argument(s);
            if (v < lo || v > hi)
                fail(n, std::string(key) + " " + s + " is outside " + std::to_string(lo) + ".." + std::to_string(hi));
            return v;
        } catch (const std::logic_error &) {
            fail(n, std::string(key) + " must be an integer, not '" + s + "'");
        }
    }

    double number(const YAML::Node &n, const char *key) const {
        if (!n.IsScalar()) fail(n, std::string(key) + " must be a number");
        try {
            size_t used = 0;
            const double v = std::stod(n.Scalar(), &used);
            if (used != n.Scalar().size() || !std::isfinite(v)) throw std::invalid_argument("");
            return v;
        } catch (const std::logic_error &) {
            fail(n, std::string(key) + " must be a number, not '" + n.Scalar() + "'");
        }
    }

    bool boolean(const YAML::Node &n, const char *key) const {
        bool b = false;
        if (!n.IsScalar() || !YAML::convert<bool>::decode(n, b)) fail(n, std::string(key) + " must be true or false");
        return b;
    }

    template <class E, size_t N> E pick(const YAML::Node &n, const char *key, const Named (&table)[N]) const {
        const std::string s = str(n, key);
        std::string choices;
        for (const auto &t : table) {
            if (s == t.name) return static_cast<E>(t.value);
            choices += (choices.empty() ? "" : ", ") + std::string(t.name);
        }
        fail(n, std::string(key) + " '" + s + "' is not one of " + choices);
    }

private:
    std::string source_;
    std::string entry_;
};

// The map's `probe` section (map_probe.cpp). `m` is the map read so far: its identification
// (for a device_id probe) and its default function.
Probe read_probe(MapReader &r, const YAML::Node &n, const RegisterMap &m, Table default_table);

} // namespace nutpp::modbus::detail
