#include "mapping_loader.hpp"

#include <nutpp/support/numbers.hpp>

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace nutpp::snmp {
namespace {

// Keyword -> value tables (one place each; unknown words are errors listing these).
template <class E> struct Word {
    const char *word;
    E value;
};
constexpr Word<VarType> kTypes[] = {{"string", VarType::String}, {"number", VarType::Number},
                                    {"timeticks", VarType::Timeticks}, {"enum", VarType::Enum},
                                    {"status", VarType::Status}, {"alarm", VarType::Alarm},
                                    {"bits", VarType::Bits}};
constexpr Word<BitsEncoding> kEncodings[] = {{"chars", BitsEncoding::Chars}, {"octets", BitsEncoding::Octets}};
constexpr Word<BitsTarget> kTargets[] = {{"alarm", BitsTarget::Alarm}, {"status", BitsTarget::Status}};
constexpr Word<SetType> kSetTypes[] = {{"integer", SetType::Integer}, {"string", SetType::String}};
constexpr Word<Conversion> kConversions[] = {{"apc_date", Conversion::ApcDate},
                                             {"hex_to_text", Conversion::HexToText},
                                             {"strip_to_first_word", Conversion::StripToFirstWord}};

class Loader {
public:
    explicit Loader(std::string file) : file_(std::move(file)) {}

    [[noreturn]] void fail(const YAML::Node &n, const std::string &msg) const {
        const auto m = n.Mark();
        throw MappingError(file_ + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1) + ": " +
                           msg);
    }

    void keys_allowed(const YAML::Node &map, std::initializer_list<const char *> allowed, const std::string &what) {
        if (!map.IsMap()) fail(map, what + ": expected a mapping");
        for (const auto &kv : map) {
            const std::string k = kv.first.as<std::string>();
            if (std::none_of(allowed.begin(), allowed.end(), [&](const char *a) { return k == a; })) {
                std::string list;
                for (const char *a : allowed) list += std::string(list.empty() ? "" : ", ") + a;
                fail(kv.first, what + ": unknown key '" + k + "' (allowed: " + list + ")");
            }
        }
    }

    std::string scalar(const YAML::Node &n, const std::string &key) {
        if (!n.IsScalar()) fail(n, key + ": expected a single value");
        return n.Scalar();
    }

    std::string oid(const YAML::Node &n, const std::string &key) {
        std::string s = scalar(n, key);
        if (!valid_oid(s)) fail(n, key + ": '" + s + "' is not a numeric OID with a leading dot");
        return s;
    }

    int64_t integer(const YAML::Node &n, const std::string &key) {
        auto v = support::to_integer(scalar(n, key));
        if (!v) fail(n, key + ": '" + n.Scalar() + "' is not an integer");
        return *v;
    }

    double number(const YAML::Node &n, const std::string &key) {
        auto v = support::to_number(scalar(n, key));
        if (!v) fail(n, key + ": '" + n.Scalar() + "' is not a number");
        return *v;
    }

    template <class E, size_t N> E word(const YAML::Node &n, const Word<E> (&table)[N], const std::string &key) {
        const std::string s = scalar(n, key);
        for (const auto &w : table)
            if (s == w.word) return w.value;
        std::string list;
        for (const auto &w : table) list += std::string(list.empty() ? "" : ", ") + w.word;
        fail(n, key + ": '" + s + "' is not one of " + list);
    }

    std::shared_ptr<const Mapping> load(const YAML::Node &root) {
        auto m = std::make_shared<Mapping>();
        m->file = file_;
        keys_allowed(root, {"name", "version", "description", "detect_order", "sysoid", "probe", "enums", "vars",
                            "commands"},
                     "mapping");
        if (!root["name"]) fail(root, "name: missing");
        m->name = scalar(root["name"], "name");
        if (m->name.empty()) fail(root["name"], "name: empty");
        if (root["version"]) m->version = scalar(root["version"], "version");
        if (root["description"]) m->description = scalar(root["description"], "description");
        if (root["detect_order"]) m->detect_order = static_cast<int>(integer(root["detect_order"], "detect_order"));
        if (auto s = root["sysoid"]) {
            if (s.IsScalar()) m->sysoid.push_back(oid(s, "sysoid"));
            else if (s.IsSequence())
                for (const auto &o : s) m->sysoid.push_back(oid(o, "sysoid"));
            else fail(s, "sysoid: expected an OID or a list of OIDs");
        }
        if (!root["probe"]) fail(root, "probe: missing (the OID that identifies this MIB)");
        m->probe = oid(root["probe"], "probe");
        if (auto e = root["enums"]) load_enums(e, *m);
        if (auto v = root["vars"]) {
            if (!v.IsSequence()) fail(v, "vars: expected a list");
            for (const auto &entry : v) m->vars.push_back(load_var(entry, *m));
        }
        if (auto c = root["commands"]) {
            if (!c.IsSequence()) fail(c, "commands: expected a list");
            for (const auto &entry : c) m->commands.push_back(load_command(entry));
        }
        return m;
    }

private:
    void load_enums(const YAML::Node &e, Mapping &m) {
        if (!e.IsMap()) fail(e, "enums: expected a mapping of tables");
        for (const auto &table : e) {
            const std::string name = table.first.as<std::string>();
            if (!table.second.IsMap()) fail(table.second, "enums." + name + ": expected value: text pairs");
            EnumTable t;
            for (const auto &kv : table.second) {
                std::string key = scalar(kv.first, "enums." + name);
                // Integer keys are normalised ("02" and "2" are the same code).
                if (auto i = support::to_integer(key)) key = std::to_string(*i);
                const std::string text = kv.second.IsNull() ? "" : scalar(kv.second, "enums." + name + "." + key);
                if (!t.by_key.emplace(key, text).second)
                    fail(kv.first, "enums." + name + ": key '" + key + "' appears twice");
            }
            m.enums.emplace(name, std::move(t));
        }
    }

    const EnumTable *table_ref(const YAML::Node &n, const Mapping &m, const std::string &key) {
        const std::string name = scalar(n, key);
        auto it = m.enums.find(name);
        if (it == m.enums.end()) fail(n, key + ": no enum table named '" + name + "' in enums");
        return &it->second;
    }

    VarSpec load_var(const YAML::Node &n, const Mapping &m) {
        keys_allowed(n,
                     {"name", "oid", "default", "type", "scale", "decimals", "flags", "enum", "writable", "convert",
                      "encoding", "bits", "target", "phases"},
                     "vars entry");
        VarSpec v;
        v.mark = {n.Mark().line + 1, n.Mark().column + 1};
        if (!n["name"]) fail(n, "vars entry: name missing");
        v.name = scalar(n["name"], "name");
        if (v.name.rfind("driver.", 0) == 0) fail(n["name"], "name: driver.* variables are the engine's own");
        if (n["oid"]) v.oid = oid(n["oid"], "oid");
        if (n["default"]) v.dflt = scalar(n["default"], "default");
        if (v.oid.empty() && !v.dflt) fail(n, v.name + ": needs an oid or a default");
        if (n["type"]) v.type = word(n["type"], kTypes, "type");
        if (n["scale"]) v.scale = number(n["scale"], "scale");
        if (n["decimals"]) {
            auto d = integer(n["decimals"], "decimals");
            if (d < 0 || d > 6) fail(n["decimals"], "decimals: must be 0..6");
            v.decimals = static_cast<int>(d);
        }
        if (auto f = n["flags"]) {
            if (!f.IsSequence()) fail(f, "flags: expected a list");
            for (const auto &flag : f) {
                const std::string s = scalar(flag, "flags");
                if (s == "static") v.is_static = true;
                else if (s == "optional") v.optional = true;
                else if (s == "neg_invalid") v.neg_invalid = true;
                else if (s == "zero_invalid") v.zero_invalid = true;
                else fail(flag, "flags: '" + s + "' is not one of static, optional, neg_invalid, zero_invalid");
            }
        }
        const bool needs_enum = v.type == VarType::Enum || v.type == VarType::Status || v.type == VarType::Alarm;
        if (n["enum"]) {
            if (!needs_enum) fail(n["enum"], "enum: only for type enum, status or alarm");
            v.table = table_ref(n["enum"], m, "enum");
        } else if (needs_enum && !v.oid.empty()) {
            fail(n, v.name + ": type needs an `enum` table");
        }
        if (v.type == VarType::Bits) {
            if (!n["bits"]) fail(n, v.name + ": type bits needs a `bits` table");
            v.table = table_ref(n["bits"], m, "bits");
            if (n["encoding"]) v.encoding = word(n["encoding"], kEncodings, "encoding");
            if (n["target"]) v.target = word(n["target"], kTargets, "target");
        } else {
            for (const char *k : {"bits", "encoding", "target"})
                if (n[k]) fail(n[k], std::string(k) + ": only for type bits");
        }
        if (n["convert"]) v.convert = word(n["convert"], kConversions, "convert");
        if (auto w = n["writable"]) {
            keys_allowed(w, {"set_type", "min", "max", "maxlen"}, "writable");
            if (v.oid.empty()) fail(w, "writable: needs an oid");
            Writable wr;
            if (w["set_type"]) wr.set_type = word(w["set_type"], kSetTypes, "set_type");
            if (w["min"]) wr.min = integer(w["min"], "min");
            if (w["max"]) wr.max = integer(w["max"], "max");
            if (wr.min && wr.max && *wr.min > *wr.max) fail(w, "writable: min > max");
            if (w["maxlen"]) {
                auto l = integer(w["maxlen"], "maxlen");
                if (l < 0 || l > 255) fail(w["maxlen"], "maxlen: must be 0..255");
                wr.maxlen = static_cast<uint32_t>(l);
            }
            v.writable = wr;
        }
        if (auto p = n["phases"]) {
            keys_allowed(p, {"of", "count"}, "phases");
            if (!p["of"] || !p["count"]) fail(p, "phases: needs `of` (input, output, bypass) and `count` (1 or 3)");
            PhaseCondition c;
            c.of = scalar(p["of"], "phases.of");
            if (c.of != "input" && c.of != "output" && c.of != "bypass")
                fail(p["of"], "phases.of: '" + c.of + "' is not one of input, output, bypass");
            const auto count = integer(p["count"], "phases.count");
            if (count != 1 && count != 3) fail(p["count"], "phases.count: must be 1 or 3");
            c.count = static_cast<int>(count);
            v.phases = c;
        }
        return v;
    }

    Command load_command(const YAML::Node &n) {
        keys_allowed(n, {"name", "oid", "set_type", "value"}, "commands entry");
        Command c;
        for (const char *k : {"name", "oid", "value"})
            if (!n[k]) fail(n, std::string("commands entry: ") + k + " missing");
        c.name = scalar(n["name"], "name");
        c.oid = oid(n["oid"], "oid");
        if (n["set_type"]) c.set_type = word(n["set_type"], kSetTypes, "set_type");
        c.value = scalar(n["value"], "value");
        if (c.set_type == SetType::Integer && !support::to_integer(c.value))
            fail(n["value"], "value: '" + c.value + "' is not an integer (set_type integer)");
        return c;
    }

    std::string file_;
};

} // namespace

bool valid_oid(const std::string &oid) {
    if (oid.size() < 2 || oid[0] != '.') return false;
    bool digit = false;
    for (size_t i = 1; i < oid.size(); ++i) {
        if (oid[i] == '.') {
            if (!digit) return false;
            digit = false;
        } else if (oid[i] >= '0' && oid[i] <= '9') {
            digit = true;
        } else {
            return false;
        }
    }
    return digit;
}

std::shared_ptr<const Mapping> load_mapping_text(const std::string &text, const std::string &file) {
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception &e) {
        throw MappingError(file + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) +
                           ": " + e.msg);
    }
    try {
        return Loader(file).load(root);
    } catch (const YAML::Exception &e) { // conversion errors inside a node
        throw MappingError(file + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) +
                           ": " + e.msg);
    }
}

std::shared_ptr<const Mapping> load_mapping_file(const std::string &path) {
    std::ifstream in(path);
    if (!in) throw MappingError(path + ": cannot read the mapping file");
    std::stringstream ss;
    ss << in.rdbuf();
    return load_mapping_text(ss.str(), path);
}

std::vector<std::shared_ptr<const Mapping>> load_mapping_dir(const std::string &dir, std::vector<std::string> *errors) {
    std::vector<std::shared_ptr<const Mapping>> out;
    std::vector<std::string> files;
    std::error_code ec;
    for (const auto &e : std::filesystem::directory_iterator(dir, ec))
        if (e.path().extension() == ".yaml") files.push_back(e.path().string());
    if (ec) throw MappingError(dir + ": cannot list the mapping directory: " + ec.message());
    std::sort(files.begin(), files.end());
    std::set<std::string> names;
    for (const auto &f : files) {
        try {
            auto m = load_mapping_file(f);
            if (!names.insert(m->name).second) throw MappingError(f + ": mapping name '" + m->name + "' used twice");
            out.push_back(std::move(m));
        } catch (const MappingError &e) {
            if (!errors) throw;
            errors->push_back(e.what());
        }
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const auto &a, const auto &b) { return a->detect_order < b->detect_order; });
    return out;
}

} // namespace nutpp::snmp
