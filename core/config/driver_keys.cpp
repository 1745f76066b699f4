// Checks a device's plugin-specific keys against the keys the plugin declares. Runs when the host
// has loaded the plugin, which is the first moment the set of valid keys is known.
#include "config/config.hpp"

#include <fmt/format.h>

#include "common/strings.hpp"

#include <cmath>

namespace nutpp::config {

namespace {

const char *type_text(KeySpec::Type t) {
    switch (t) {
    case KeySpec::Type::Number: return "a number";
    case KeySpec::Type::Integer: return "a whole number";
    case KeySpec::Type::Bool: return "true/yes/on/1 or false/no/off/0 (or no value)";
    case KeySpec::Type::Enum: return "one of the listed values";
    case KeySpec::Type::String: break;
    }
    return "text";
}

std::string path_of(const DeviceConfig &d, const std::string &key) { return "devices." + d.name + "." + key; }

// " from 1 to 247" for a key with a range (the plugin declared it: NUTPP_KEY_RANGE), else "".
std::string range_text(const KeySpec &spec) {
    if (!spec.range) return "";
    return fmt::format(" from {:g} to {:g}", spec.range->first, spec.range->second);
}

void check_type(const DeviceConfig &d, const std::string &key, const Setting &s, const KeySpec &spec) {
    const std::string &v = s.value;
    const auto bad = [&](std::string expected, std::string suggestion = {}) {
        const std::string problem =
            spec.secret ? "invalid value" : "'" + (v.size() > 40 ? v.substr(0, 40) + "..." : v) + "' is not valid";
        throw ConfigError(s.where, path_of(d, key), problem, std::move(expected), std::move(suggestion));
    };
    switch (spec.type) {
    case KeySpec::Type::String: return;
    case KeySpec::Type::Number: {
        double x = 0;
        if (!common::parse_double(v, x) || !std::isfinite(x)) bad("a number" + range_text(spec));
        if (spec.range && (x < spec.range->first || x > spec.range->second)) bad("a number" + range_text(spec));
        return;
    }
    case KeySpec::Type::Integer: {
        long long x = 0;
        if (!common::parse_int(v, x)) bad("a whole number" + range_text(spec));
        if (spec.range && (double(x) < spec.range->first || double(x) > spec.range->second))
            bad("a whole number" + range_text(spec));
        return;
    }
    case KeySpec::Type::Bool: {
        bool b = false;
        if (!common::parse_flag(v, b)) bad(type_text(spec.type)); // empty = bare NUT flag
        return;
    }
    case KeySpec::Type::Enum:
        for (const auto &e : spec.enum_values)
            if (v == e) return;
        bad("one of " + common::join(spec.enum_values, ", "), spec.secret ? "" : suggest(v, spec.enum_values));
    }
}

} // namespace

void check_driver_keys(const DeviceConfig &device, const std::string &plugin_name, const std::vector<KeySpec> &keys) {
    const auto spec_for = [&](const std::string &k) -> const KeySpec * {
        for (const auto &s : keys)
            if (s.name == k) return &s;
        return nullptr;
    };
    std::vector<std::string> candidates;
    for (const auto &s : keys) candidates.push_back(s.name);
    for (const auto &h : host_device_keys()) candidates.push_back(h);

    for (const auto &[key, setting] : device.driver_keys) {
        if (spec_for(key)) continue;
        std::string expected;
        if (keys.empty())
            expected = "no plugin-specific keys (driver '" + plugin_name + "' declares none)";
        else if (keys.size() <= 12) {
            std::vector<std::string> names;
            for (const auto &s : keys) names.push_back(s.name);
            expected = "a host key or one of driver '" + plugin_name + "': " + common::join(names, ", ");
        } else
            expected = "a host key or a key of driver '" + plugin_name + "' (see upsdrvd --describe " + plugin_name + ")";
        throw ConfigError(setting.key_at, path_of(device, key), "unknown key for driver '" + plugin_name + "'",
                          expected, suggest(key, candidates));
    }
    // Host keys the plugin also declares (e.g. `port`) are type-checked too.
    for (const auto &[key, setting] : device.all_keys)
        if (const KeySpec *spec = spec_for(key)) check_type(device, key, setting, *spec);
    for (const auto &s : keys)
        if (s.required && !device.find(s.name))
            throw ConfigError(device.where, path_of(device, s.name), "missing (driver '" + plugin_name + "' requires it)",
                              type_text(s.type));
}

} // namespace nutpp::config
