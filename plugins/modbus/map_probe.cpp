// A map's `probe` section: loading (with the loader's file:line errors), decoding the value read,
// and the check. Kept apart from map_loader.cpp, which holds the points and commands.
#include "map_probe.hpp"

#include "decoder.hpp"
#include "device_id.hpp"
#include "map_yaml.hpp"

#include <nutpp/support/text.hpp>

#include <algorithm>
#include <regex>

namespace nutpp::modbus {

namespace {

const std::set<std::string> kProbeKeys = {"function", "address", "type",  "count",  "word_order", "byte_order", "object",
                                          "field",    "value",   "one_of", "min",   "max",        "matches"};

// The tables a probe reads, and device_id (function 0x2B): a probe never reads coils, since one
// bit identifies nothing.
constexpr int kDeviceId = -1;
constexpr detail::Named kFunctions[] = {
    {"holding", int(Table::Holding)}, {"input", int(Table::Input)}, {"device_id", kDeviceId}};
constexpr detail::Named kProbeTypes[] = {{"u16", int(ProbeType::U16)}, {"s16", int(ProbeType::S16)},
                                         {"u32", int(ProbeType::U32)}, {"s32", int(ProbeType::S32)},
                                         {"u64", int(ProbeType::U64)}, {"string", int(ProbeType::String)}};

bool is_text(const Probe &p) { return p.device_id || p.type == ProbeType::String; }

uint16_t word(const Probe &p, std::span<const uint16_t> regs, size_t i) {
    const uint16_t w = regs[i];
    return p.byte_order == Order::Little ? static_cast<uint16_t>((w << 8) | (w >> 8)) : w;
}

const char *table_word(const Probe &p) { return p.table == Table::Input ? "input register" : "holding register"; }

} // namespace

namespace detail {

Probe read_probe(MapReader &r, const YAML::Node &n, const RegisterMap &m, Table default_table) {
    r.set_entry("probe");
    r.check_keys(n, kProbeKeys, "the probe");
    Probe p;
    p.where = r.place(n);
    p.table = default_table == Table::Input ? Table::Input : Table::Holding;
    if (n["function"]) {
        const int f = r.pick<int>(n["function"], "function", kFunctions);
        p.device_id = f == kDeviceId;
        if (!p.device_id) p.table = static_cast<Table>(f);
    }
    if (p.device_id) {
        for (const char *k : {"address", "type", "count", "word_order", "byte_order"})
            if (n[k]) r.fail(n[k], std::string(k) + " does not apply to a device_id probe (it reads an object)");
        if (!m.identification)
            r.fail(n["function"], "a device_id probe needs the map's identification section (the request it sends)");
        if (!n["object"]) r.fail(n, "a device_id probe needs object");
        p.object = static_cast<uint8_t>(r.integer(n["object"], "object", 0, 255));
        if (n["field"]) p.field = r.str(n["field"], "field");
    } else {
        for (const char *k : {"object", "field"})
            if (n[k]) r.fail(n[k], std::string(k) + " applies to a device_id probe only");
        if (!n["address"]) r.fail(n, "address is required");
        p.address = static_cast<uint16_t>(r.integer(n["address"], "address", 0, 65535));
        if (n["type"]) p.type = r.pick<ProbeType>(n["type"], "type", kProbeTypes);
        if (n["count"] && p.type != ProbeType::String) r.fail(n["count"], "count applies to a string probe only");
        p.count = p.type == ProbeType::U32 || p.type == ProbeType::S32 ? 2 : p.type == ProbeType::U64 ? 4 : 1;
        if (n["count"]) p.count = static_cast<uint16_t>(r.integer(n["count"], "count", 1, 60));
        if (n["word_order"]) p.word_order = r.pick<Order>(n["word_order"], "word_order", detail::kOrders);
        if (n["byte_order"]) p.byte_order = r.pick<Order>(n["byte_order"], "byte_order", detail::kOrders);
        if (p.address + p.count > 65536) r.fail(n["address"], "the probe runs past register 65535");
    }
    const int checks = (n["value"] ? 1 : 0) + (n["one_of"] ? 1 : 0) + (n["min"] || n["max"] ? 1 : 0) + (n["matches"] ? 1 : 0);
    if (checks != 1) r.fail(n, "a probe needs exactly one check: value, one_of, min and max, or matches");
    const auto add_value = [&](const YAML::Node &v, const char *key) {
        if (is_text(p)) p.texts.push_back(r.str(v, key));
        else p.numbers.push_back(r.integer(v, key, INT64_MIN, INT64_MAX));
    };
    if (n["value"]) add_value(n["value"], "value");
    if (const auto one_of = n["one_of"]) {
        if (!one_of.IsSequence() || one_of.size() == 0) r.fail(one_of, "one_of must be a non-empty list");
        for (const auto &v : one_of) add_value(v, "one_of");
    }
    if (n["min"] || n["max"]) {
        if (is_text(p)) r.fail(n["min"] ? n["min"] : n["max"], "min and max check numbers; use matches for text");
        if (!n["min"] || !n["max"]) r.fail(n, "give both min and max");
        p.min = r.integer(n["min"], "min", INT64_MIN, INT64_MAX);
        p.max = r.integer(n["max"], "max", INT64_MIN, INT64_MAX);
        if (*p.max < *p.min) r.fail(n["max"], "max is below min");
    }
    if (n["matches"]) {
        p.matches = r.str(n["matches"], "matches");
        try {
            std::regex check(p.matches);
        } catch (const std::regex_error &e) {
            r.fail(n["matches"], "matches: not a regular expression: " + std::string(e.what()));
        }
    }
    r.set_entry({});
    return p;
}

} // namespace detail

ProbeValue probe_value(const Probe &p, std::span<const uint16_t> regs) {
    ProbeValue v;
    if (regs.size() < p.count) return v;
    if (p.type == ProbeType::String) {
        // The decoder's own string rules (printable, trimmed), so a probe sees what the map shows.
        Point pt;
        pt.variable = "probe";
        pt.type = DataType::String;
        pt.count = p.count;
        pt.byte_order = p.byte_order;
        Reading r;
        decode_point(pt, regs, r);
        v.text = r.vars["probe"];
        return v;
    }
    if (p.type == ProbeType::U64) {
        uint64_t u = 0;
        for (size_t i = 0; i < 4; ++i) u = (u << 16) | word(p, regs, p.word_order == Order::Big ? i : 3 - i);
        v.text = std::to_string(u);
        if (u <= uint64_t(INT64_MAX)) v.number = static_cast<int64_t>(u);
        return v;
    }
    Point pt;
    pt.type = p.type == ProbeType::S16 ? DataType::S16 : p.type == ProbeType::U32 ? DataType::U32
              : p.type == ProbeType::S32 ? DataType::S32 : DataType::U16;
    pt.word_order = p.word_order;
    pt.byte_order = p.byte_order;
    v.number = raw_integer(pt, regs);
    v.text = std::to_string(*v.number);
    return v;
}

std::optional<ProbeValue> probe_value(const Probe &p, const std::map<uint8_t, std::string> &objects) {
    const auto obj = objects.find(p.object);
    if (obj == objects.end()) return std::nullopt;
    std::string text = obj->second;
    if (!p.field.empty()) {
        const auto fields = split_id_fields(text);
        const auto f = fields.find(p.field);
        if (f == fields.end()) return std::nullopt;
        text = f->second;
    }
    return ProbeValue{std::string(support::trim(text)), std::nullopt};
}

bool probe_fits(const Probe &p, const ProbeValue &v) {
    if (!p.matches.empty()) return std::regex_search(v.text, std::regex(p.matches));
    if (p.min) return v.number && *v.number >= *p.min && *v.number <= *p.max;
    if (is_text(p)) return std::find(p.texts.begin(), p.texts.end(), v.text) != p.texts.end();
    return v.number && std::find(p.numbers.begin(), p.numbers.end(), *v.number) != p.numbers.end();
}

std::string probe_describe(const Probe &p, const ProbeValue &v) {
    std::string s;
    if (p.device_id) {
        char obj[8];
        std::snprintf(obj, sizeof obj, "0x%02X", p.object);
        s = std::string("device identification object ") + obj + (p.field.empty() ? "" : " field " + p.field) +
            " \"" + v.text + "\"";
    } else {
        s = std::string(table_word(p)) + " " + std::to_string(p.address) + " " +
            (p.type == ProbeType::String ? "\"" + v.text + "\"" : "= " + v.text);
    }
    if (!p.matches.empty()) return s + " matches " + p.matches;
    if (p.min) return s + " in " + std::to_string(*p.min) + ".." + std::to_string(*p.max);
    const size_t n = is_text(p) ? p.texts.size() : p.numbers.size();
    return s + (n == 1 ? " (the map's value)" : " (one of the map's values)");
}

} // namespace nutpp::modbus
