// YAML -> RegisterMap, with every mistake reported as "source:line:column: entry 'x': what" before
// anything talks to a device. Keys are checked against the known ones so a typo is an error, not
// a silently ignored line.
#include "map_yaml.hpp"

#include <nutpp/support/text.hpp>

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

namespace nutpp::modbus {

namespace {

using detail::kOrders;
using detail::kTables;
using detail::MapReader;
using detail::Named;

constexpr Named kTypes[] = {{"u16", int(DataType::U16)},       {"s16", int(DataType::S16)},
                            {"u32", int(DataType::U32)},       {"s32", int(DataType::S32)},
                            {"float32", int(DataType::Float32)}, {"string", int(DataType::String)},
                            {"bitfield", int(DataType::Bitfield)}, {"date", int(DataType::Date)},
                            {"words", int(DataType::Words)}};

const std::set<std::string> kMapKeys = {"name", "description", "mfr", "model", "points",
                                        "commands", "shutdown", "max_block", "max_gap", "constants",
                                        "defaults", "slaveid", "identification", "probe"};
const std::set<std::string> kIdentificationKeys = {"read_code", "object", "values"};
const std::set<std::string> kIdValueKeys = {"object", "field", "variables"};
// Map-level defaults: what a point without the key gets.
const std::set<std::string> kDefaultKeys = {"function", "word_order", "byte_order"};
const std::set<std::string> kPointKeys = {"variable", "function", "address", "count", "type",
                                          "word_order", "byte_order", "scale", "divide", "offset",
                                          "decimals", "once", "bits", "enum", "enum_only", "invalid", "derived",
                                          "writable", "min", "max", "truncate", "when", "unless", "format"};
const std::set<std::string> kConditionKeys = {"address", "equals"};
const std::set<std::string> kBitKeys = {"bit", "clear", "status", "alarm", "text"};
const std::set<std::string> kEnumKeys = {"value", "min", "max", "text", "status"};
const std::set<std::string> kDerivedKeys = {"variable", "times", "scale", "decimals"};
const std::set<std::string> kCommandKeys = {"name", "writes"};
const std::set<std::string> kWriteKeys = {"function", "address", "type", "word_order", "value"};

class Loader : public MapReader {
public:
    using MapReader::MapReader;

    std::vector<Condition> conditions(const YAML::Node &n, const char *key) const {
        if (!n.IsSequence() || n.size() == 0) fail(n, std::string(key) + " must be a non-empty list of {address, equals}");
        std::vector<Condition> out;
        for (const auto &c : n) {
            check_keys(c, kConditionKeys, "a condition");
            if (!c["address"] || !c["equals"]) fail(c, "a condition needs address and equals");
            out.push_back({static_cast<uint16_t>(integer(c["address"], "address", 0, 65535)),
                           integer(c["equals"], "equals", 0, 65535)});
        }
        return out;
    }

    // "{1.lo:02}:{0.hi:02}" -> fields; every {..} names a word of the point (0..count-1).
    std::vector<FormatField> parse_format(const YAML::Node &n, unsigned count) const {
        const std::string f = str(n, "format");
        std::vector<FormatField> out;
        FormatField cur;
        for (size_t i = 0; i < f.size(); ++i) {
            if (f[i] != '{') {
                cur.literal += f[i];
                continue;
            }
            const size_t close = f.find('}', i);
            if (close == std::string::npos) fail(n, "format: '{' without '}'");
            std::string spec = f.substr(i + 1, close - i - 1);
            i = close;
            if (const auto colon = spec.find(':'); colon != std::string::npos) {
                const std::string w = spec.substr(colon + 1);
                if (w.empty() || w.size() > 2 || w.find_first_not_of("0123456789") != std::string::npos)
                    fail(n, "format: width '" + w + "' is not 0N (e.g. :02)");
                cur.width = std::stoi(w);
                spec.resize(colon);
            }
            if (const auto sign = spec.find_first_of("+-"); sign != std::string::npos) {
                const std::string a = spec.substr(sign + 1);
                if (a.empty() || a.size() > 9 || a.find_first_not_of("0123456789") != std::string::npos)
                    fail(n, "format: '" + spec + "' adds no number");
                cur.add = std::stoll(a) * (spec[sign] == '-' ? -1 : 1);
                spec.resize(sign);
            }
            if (spec.ends_with(".hi")) cur.part = 1, spec.resize(spec.size() - 3);
            else if (spec.ends_with(".lo")) cur.part = 2, spec.resize(spec.size() - 3);
            if (spec.empty() || spec.size() > 2 || spec.find_first_not_of("0123456789") != std::string::npos ||
                std::stoul(spec) >= count)
                fail(n, "format: field '{" + spec + "}' is not a word 0.." + std::to_string(count - 1) + " of the point");
            cur.word = std::stoi(spec);
            out.push_back(std::move(cur));
            cur = FormatField{};
        }
        if (!cur.literal.empty()) out.push_back(std::move(cur));
        return out;
    }

    void defaults(const YAML::Node &d) {
        check_keys(d, kDefaultKeys, "defaults");
        if (d["function"]) default_table_ = pick<Table>(d["function"], "function", kTables);
        if (d["word_order"]) default_word_order_ = pick<Order>(d["word_order"], "word_order", kOrders);
        if (d["byte_order"]) default_byte_order_ = pick<Order>(d["byte_order"], "byte_order", kOrders);
    }

    // Every condition's register must be read by a polled point of the same table, else it would
    // never have a value.
    void check_conditions(const YAML::Node &points, RegisterMap &m) {
        for (size_t i = 0; i < m.points.size(); ++i) {
            const Point &p = m.points[i];
            for (const auto *list : {&p.when, &p.unless})
                for (const auto &c : *list) {
                    m.has_conditions = true;
                    const bool read = std::any_of(m.points.begin(), m.points.end(), [&](const Point &o) {
                        return !o.once && o.table == p.table && c.address >= o.address &&
                               c.address < o.address + point_width(o);
                    });
                    if (!read) {
                        set_entry(p.variable.empty() ? "points[" + std::to_string(i) + "]" : p.variable);
                        fail(points[i], "condition register " + std::to_string(c.address) +
                                            " is not read by any polled point of the same function");
                    }
                }
        }
    }

    Point point(const YAML::Node &n, size_t index) {
        Point p;
        set_entry("points[" + std::to_string(index) + "]");
        if (n.IsMap() && n["variable"] && n["variable"].IsScalar()) set_entry(n["variable"].Scalar());
        else if (n.IsMap() && n["address"] && n["address"].IsScalar()) set_entry(entry() + " @" + n["address"].Scalar());
        check_keys(n, kPointKeys, "a point");
        p.where = place(n) + " (" + entry() + ")";
        if (n["variable"]) p.variable = str(n["variable"], "variable");
        if (!n["address"]) fail(n, "address is required");
        p.table = default_table_;
        p.word_order = default_word_order_;
        p.byte_order = default_byte_order_;
        p.address = static_cast<uint16_t>(integer(n["address"], "address", 0, 65535));
        if (n["function"]) p.table = pick<Table>(n["function"], "function", kTables);
        if (n["type"]) p.type = pick<DataType>(n["type"], "type", kTypes);
        else if (is_bit_table(p.table)) p.type = DataType::Bitfield;
        if (is_bit_table(p.table) && p.type != DataType::Bitfield)
            fail(n["type"], "coils and discrete inputs are single bits: type must be bitfield");
        if (n["count"]) {
            if (p.type != DataType::String && p.type != DataType::Bitfield && p.type != DataType::Words)
                fail(n["count"], "count applies to string, bitfield and words points only");
            p.count = static_cast<uint16_t>(integer(n["count"], "count", 1, p.type == DataType::Bitfield ? 2 : 60));
        }
        if (n["format"]) {
            if (p.type != DataType::Words) fail(n["format"], "format applies to words points only");
            p.format = parse_format(n["format"], p.count);
        } else if (p.type == DataType::Words) {
            fail(n, "a words point needs format");
        }
        if (is_bit_table(p.table)) p.count = 1;
        if (n["word_order"]) p.word_order = pick<Order>(n["word_order"], "word_order", kOrders);
        if (n["byte_order"]) p.byte_order = pick<Order>(n["byte_order"], "byte_order", kOrders);
        if (n["scale"] && n["divide"]) fail(n["divide"], "give scale or divide, not both");
        if (n["scale"]) p.scale = number(n["scale"], "scale");
        if (n["divide"]) {
            const double d = number(n["divide"], "divide");
            if (d == 0) fail(n["divide"], "divide must not be 0");
            p.scale = 1.0 / d;
        }
        if (n["offset"]) p.offset = number(n["offset"], "offset");
        if (n["decimals"]) p.decimals = static_cast<int>(integer(n["decimals"], "decimals", 0, 6));
        if (n["once"]) p.once = boolean(n["once"], "once");
        if (const auto bits = n["bits"]) {
            if (p.type != DataType::Bitfield) fail(bits, "bits apply to bitfield points only");
            if (!bits.IsSequence()) fail(bits, "bits must be a list");
            const unsigned width = is_bit_table(p.table) ? 1 : 16u * p.count;
            for (const auto &b : bits) {
                check_keys(b, kBitKeys, "a bit rule");
                BitRule r;
                if (!b["bit"]) fail(b, "bit is required");
                if (b["bit"].IsSequence()) { // a group: all of these bits
                    if (b["bit"].size() == 0) fail(b["bit"], "a bit group needs at least one bit");
                    for (const auto &one : b["bit"])
                        r.mask |= 1u << static_cast<unsigned>(integer(one, "bit", 0, width - 1));
                } else {
                    r.mask = 1u << static_cast<unsigned>(integer(b["bit"], "bit", 0, width - 1));
                }
                if (b["clear"]) r.when_set = !boolean(b["clear"], "clear");
                if (b["status"]) r.status = str(b["status"], "status");
                if (b["alarm"]) r.alarm = str(b["alarm"], "alarm");
                if (b["text"]) r.text = str(b["text"], "text");
                if (r.status.empty() && r.alarm.empty() && r.text.empty())
                    fail(b, "a bit rule needs status, alarm or text");
                if (!r.text.empty() && p.variable.empty()) fail(b["text"], "text needs the point's variable");
                p.bits.push_back(std::move(r));
            }
        }
        if (const auto en = n["enum"]) {
            if (!en.IsSequence()) fail(en, "enum must be a list of {value, text} / {value, status}");
            for (const auto &e : en) {
                check_keys(e, kEnumKeys, "an enum entry");
                EnumRule r;
                if (e["value"]) {
                    if (e["min"] || e["max"]) fail(e, "give value, or a range min..max, not both");
                    r.value = r.max = integer(e["value"], "value", INT32_MIN, UINT32_MAX);
                } else if (e["min"] && e["max"]) {
                    r.value = integer(e["min"], "min", INT32_MIN, UINT32_MAX);
                    r.max = integer(e["max"], "max", INT32_MIN, UINT32_MAX);
                    if (r.max < r.value) fail(e["max"], "max is below min");
                } else {
                    fail(e, "an enum entry needs value, or min and max");
                }
                if (e["text"]) r.text = str(e["text"], "text");
                if (e["status"]) r.status = str(e["status"], "status");
                if (r.text.empty() && r.status.empty()) fail(e, "an enum entry needs text or status");
                p.enums.push_back(std::move(r));
            }
        }
        if (n["enum_only"]) p.enum_only = boolean(n["enum_only"], "enum_only");
        if (const auto inv = n["invalid"]) {
            if (!inv.IsSequence()) fail(inv, "invalid must be a list of raw values");
            for (const auto &v : inv) p.invalid.push_back(integer(v, "invalid", INT32_MIN, UINT32_MAX));
        }
        if (const auto d = n["derived"]) {
            check_keys(d, kDerivedKeys, "derived");
            Derived v;
            if (!d["variable"] || !d["times"]) fail(d, "derived needs variable and times");
            v.variable = str(d["variable"], "variable");
            v.times = str(d["times"], "times");
            if (d["scale"]) v.scale = number(d["scale"], "scale");
            if (d["decimals"]) v.decimals = static_cast<int>(integer(d["decimals"], "decimals", 0, 6));
            p.derived = v;
        }
        if (n["truncate"]) p.truncate = boolean(n["truncate"], "truncate");
        if (n["when"]) p.when = conditions(n["when"], "when");
        if (n["unless"]) p.unless = conditions(n["unless"], "unless");
        if ((!p.when.empty() || !p.unless.empty()) && p.once) fail(n, "when/unless apply to polled points, not once");
        if (n["writable"]) p.writable = boolean(n["writable"], "writable");
        if (n["min"]) p.min = integer(n["min"], "min", INT32_MIN, UINT32_MAX);
        if (n["max"]) p.max = integer(n["max"], "max", INT32_MIN, UINT32_MAX);
        if (p.writable) {
            if (p.variable.empty()) fail(n, "a writable point needs a variable");
            if (p.table != Table::Holding && p.table != Table::Coil) fail(n, "only holding registers and coils are writable");
            for (const auto &e : p.enums)
                if (e.max != e.value) fail(n["enum"], "a writable enum has single values, not ranges");
            if (p.type == DataType::Bitfield || p.type == DataType::Float32 || p.type == DataType::Date ||
                p.type == DataType::Words)
                fail(n["type"] ? n["type"] : n, "writable points are integers, enums or strings");
        }
        if (p.variable.empty() && p.bits.empty() && std::none_of(p.enums.begin(), p.enums.end(),
                                                                 [](const EnumRule &e) { return !e.status.empty(); }))
            fail(n, "a point needs a variable, or bits / enum entries that set ups.status or ups.alarm");
        if (point_width(p) + p.address > 65536u) fail(n, "the point runs past register 65535");
        return p;
    }

    Command command(const YAML::Node &n, size_t index) {
        set_entry("commands[" + std::to_string(index) + "]");
        if (n.IsMap() && n["name"] && n["name"].IsScalar()) set_entry(n["name"].Scalar());
        check_keys(n, kCommandKeys, "a command");
        Command c;
        if (!n["name"]) fail(n, "name is required");
        c.name = str(n["name"], "name");
        const auto ws = n["writes"];
        if (!ws || !ws.IsSequence() || ws.size() == 0) fail(ws ? ws : n, "writes must be a non-empty list");
        for (const auto &w : ws) {
            check_keys(w, kWriteKeys, "a write");
            Write x;
            if (!w["address"] || !w["value"]) fail(w, "a write needs address and value");
            x.address = static_cast<uint16_t>(integer(w["address"], "address", 0, 65535));
            if (w["function"]) x.table = pick<Table>(w["function"], "function", kTables);
            if (x.table != Table::Holding && x.table != Table::Coil) fail(w["function"], "writes go to holding registers or coils");
            if (w["type"]) x.type = pick<DataType>(w["type"], "type", kTypes);
            if (x.type != DataType::U16 && x.type != DataType::S16 && x.type != DataType::U32 && x.type != DataType::S32)
                fail(w["type"], "a write's type is u16, s16, u32 or s32");
            if (w["word_order"]) x.word_order = pick<Order>(w["word_order"], "word_order", kOrders);
            x.value = integer(w["value"], "value", INT32_MIN, UINT32_MAX);
            c.writes.push_back(x);
        }
        return c;
    }

    Identification identification(const YAML::Node &n) {
        check_keys(n, kIdentificationKeys, "identification");
        Identification id;
        if (n["read_code"]) id.read_code = static_cast<uint8_t>(integer(n["read_code"], "read_code", 1, 4));
        if (n["object"]) id.object = static_cast<uint8_t>(integer(n["object"], "object", 0, 255));
        const auto values = n["values"];
        if (!values || !values.IsSequence() || values.size() == 0) fail(values ? values : n, "values must be a non-empty list");
        for (const auto &v : values) {
            check_keys(v, kIdValueKeys, "an identification value");
            IdValue x;
            if (!v["object"] || !v["variables"]) fail(v, "an identification value needs object and variables");
            x.object = static_cast<uint8_t>(integer(v["object"], "object", 0, 255));
            if (v["field"]) x.field = str(v["field"], "field");
            const auto vars = v["variables"];
            if (!vars.IsSequence() || vars.size() == 0) fail(vars, "variables must be a non-empty list");
            for (const auto &name : vars) x.variables.push_back(str(name, "variables"));
            id.values.push_back(std::move(x));
        }
        return id;
    }

    RegisterMap load(const YAML::Node &root) {
        if (!root.IsMap()) fail(root, "a map file is a YAML mapping (name, points, commands...)");
        check_keys(root, kMapKeys, "the map");
        RegisterMap m;
        if (!root["name"]) fail(root, "name is required");
        m.name = str(root["name"], "name");
        if (root["description"]) m.description = str(root["description"], "description");
        if (root["mfr"]) m.mfr = str(root["mfr"], "mfr");
        if (root["model"]) m.model = str(root["model"], "model");
        if (root["max_block"]) m.max_block = static_cast<unsigned>(integer(root["max_block"], "max_block", 1, 125));
        if (root["slaveid"]) m.slaveid = static_cast<int>(integer(root["slaveid"], "slaveid", 0, 247));
        if (root["max_gap"]) m.max_gap = static_cast<unsigned>(integer(root["max_gap"], "max_gap", 0, 125));
        const auto points = root["points"];
        if (!points || !points.IsSequence() || points.size() == 0) fail(points ? points : root, "points must be a non-empty list");
        if (root["defaults"]) defaults(root["defaults"]);
        for (size_t i = 0; i < points.size(); ++i) m.points.push_back(point(points[i], i));
        check_conditions(points, m);
        if (const auto cmds = root["commands"]) {
            if (!cmds.IsSequence()) fail(cmds, "commands must be a list");
            for (size_t i = 0; i < cmds.size(); ++i) {
                auto c = command(cmds[i], i);
                for (const auto &o : m.commands)
                    if (o.name == c.name) fail(cmds[i], "command defined twice");
                m.commands.push_back(std::move(c));
            }
        }
        set_entry({});
        if (const auto c = root["constants"]) {
            if (!c.IsMap()) fail(c, "constants must map variable names to values");
            for (const auto &kv : c) m.constants.emplace_back(kv.first.as<std::string>(), str(kv.second, "constant"));
        }
        if (const auto id = root["identification"]) m.identification = identification(id);
        if (const auto sd = root["shutdown"]) {
            if (!sd.IsSequence()) fail(sd, "shutdown must be a list of command names");
            for (const auto &s : sd) {
                const auto name = str(s, "shutdown");
                if (std::none_of(m.commands.begin(), m.commands.end(), [&](const Command &c) { return c.name == name; }))
                    fail(s, "shutdown names '" + name + "', which is not one of the map's commands");
                m.shutdown.push_back(name);
            }
        }
        // Last: a device_id probe asks with the identification request read above.
        if (const auto pr = root["probe"]) m.probe = detail::read_probe(*this, pr, m, default_table_);
        return m;
    }

private:
    Table default_table_ = Table::Holding;
    Order default_word_order_ = Order::Big, default_byte_order_ = Order::Big;
};

} // namespace

bool is_bit_table(Table t) { return t == Table::Coil || t == Table::Discrete; }

unsigned point_width(const Point &p) {
    if (is_bit_table(p.table)) return 1;
    switch (p.type) {
    case DataType::U32:
    case DataType::S32:
    case DataType::Float32: return 2;
    case DataType::String:
    case DataType::Words:
    case DataType::Bitfield: return p.count;
    default: return 1;
    }
}

RegisterMap load_map_text(const std::string &text, const std::string &source) {
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception &e) {
        throw MapError(source + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) +
                       ": " + e.msg);
    }
    try {
        return Loader(source).load(root);
    } catch (const YAML::Exception &e) { // e.g. a key that is not a scalar
        throw MapError(source + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) +
                       ": " + e.msg);
    }
}

RegisterMap load_map_file(const std::string &path) {
    std::ifstream in(path);
    if (!in) throw MapError(path + ": cannot read the map file");
    std::ostringstream text;
    text << in.rdbuf();
    return load_map_text(text.str(), path);
}

RegisterMap resolve_map(const std::string &name_or_path) {
    for (const auto &b : builtin_maps())
        if (name_or_path == b.name) return load_map_text(b.yaml, std::string("builtin:") + b.name);
    const bool path_like = name_or_path.find('/') != std::string::npos ||
                           name_or_path.ends_with(".yaml") || name_or_path.ends_with(".yml");
    if (path_like) return load_map_file(name_or_path);
    std::string names;
    for (const auto &b : builtin_maps()) names += (names.empty() ? "" : ", ") + std::string(b.name);
    throw MapError("map '" + name_or_path + "' is neither a built-in map (" + names + ") nor a file path");
}

} // namespace nutpp::modbus
