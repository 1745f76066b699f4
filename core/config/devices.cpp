// `devices:` (NUT's ups.conf sections) and the driver globals every device inherits.
#include "config/sections.hpp"

#include "common/strings.hpp"

#include <map>

namespace nutpp::config::detail {

namespace {

// Value kinds shared by the globals and the per-device keys (same key, same rule).
// Fractions are allowed (NUT takes whole seconds): interrupt-less devices can be polled faster.
double pollinterval(const Entry &e) { return number(e, 0.05, 86400); }
int maxretry(const Entry &e) { return int(integer(e, 1, 1000)); }
double retrydelay(const Entry &e) { return number(e, 0, 86400); }
int maxstartdelay(const Entry &e) { return int(integer(e, 0)); }
double poll_timeout(const Entry &e) { return number(e, 0.1, 3600); }
int debug_min(const Entry &e) { return int(integer(e, 0, 100)); }

Isolation isolation(const Entry &e) {
    static const std::string expected = "auto, in-process or process";
    const std::string s = text(e, expected);
    if (s == "auto") return Isolation::Auto;
    if (s == "in-process") return Isolation::InProcess;
    if (s == "process") return Isolation::Process;
    fail(e, "'" + s.substr(0, 40) + "' is not valid", expected);
}

// Bytes, with an optional binary suffix: 512M, 1G, 65536K (also KiB/MiB/GiB). At least 16 MiB: a
// worker needs a few MiB for itself before the plugin allocates anything.
uint64_t memory_limit(const Entry &e) {
    static const std::string expected = "a size in bytes with an optional K, M or G suffix (at least 16M), e.g. 256M";
    const std::string s = text(e, expected);
    size_t used = 0;
    unsigned long long n = 0;
    try {
        n = std::stoull(s, &used);
    } catch (const std::exception &) {
        fail(e, "'" + s.substr(0, 40) + "' is not a size", expected);
    }
    std::string unit = s.substr(used);
    if (unit.size() == 3 && unit.substr(1) == "iB") unit.resize(1);
    const uint64_t mult = unit.empty() ? 1 : unit == "K" ? 1ull << 10 : unit == "M" ? 1ull << 20 : unit == "G" ? 1ull << 30 : 0;
    if (mult == 0 || s.front() == '-' || s.front() == '+') fail(e, "'" + s.substr(0, 40) + "' is not a size", expected);
    if (n > (1ull << 50) / mult) fail(e, "is too large", expected);
    if (n * mult < (16ull << 20)) fail(e, "is below 16M", expected);
    return n * mult;
}

// NUT accepts auto, yes or no; any NUT boolean is taken for yes/no.
std::string synchronous(const Entry &e) {
    static const std::string expected = "auto, yes or no";
    const std::string s = text(e, expected);
    if (common::iequals(s, "auto")) return "auto";
    bool b = false;
    if (!common::parse_bool(s, b)) fail(e, "'" + s.substr(0, 40) + "' is not valid", expected);
    return b ? "yes" : "no";
}

// NUT writes "a,b"; a YAML list is accepted too.
std::vector<std::string> sdcommands(const Reader &r, const Entry &e) {
    static const std::string expected = "instant command names (a list, or one comma-separated value)";
    std::vector<std::string> out;
    for (const auto &w : word_entries(r, e, expected, ",")) {
        std::string c = text(w, expected);
        if (!is_simple_name(c)) fail(w, "invalid command name", expected);
        out.push_back(std::move(c));
    }
    return out;
}

std::string driver_name(const Entry &e) {
    static const std::string expected =
        "a plugin name (letters, digits, '_', '.', '-'), e.g. 'usbhid', or an absolute path to a plugin .so";
    const std::string s = text(e, expected);
    // An out-of-tree plugin may be named by absolute path; its socket is named after the file
    // (config/socket_name.hpp: /x/nutpp-foo.so serves foo-<device>).
    if (s.size() > 3 && s.front() == '/' && s.ends_with(".so") && s.find("/../") == std::string::npos) return s;
    // A bare name becomes part of a file name: no path separators, no "..".
    if (!is_simple_name(s) || s.front() == '.') fail(e, "invalid driver name", expected);
    return s;
}

// The string a host key contributes to all_keys (driver.parameter.* shows it as written).
std::string as_written(const Entry &e) {
    if (e.value.IsScalar()) return e.value.Scalar();
    if (e.value.IsSequence()) {
        std::vector<std::string> parts;
        for (auto it = e.value.begin(); it != e.value.end(); ++it) {
            const YAML::Node item = *it;
            if (item.IsScalar()) parts.push_back(item.Scalar());
        }
        return common::join(parts, ",");
    }
    return {};
}

std::vector<Field> device_fields(const Reader &r, DeviceConfig &d) {
    return {
        {"driver", [&d](const Entry &e) { d.driver = driver_name(e); }},
        {"port", [&d](const Entry &e) { d.port = text(e, "a device path, address or 'auto'"); }},
        {"desc", [&d](const Entry &e) { d.desc = printable_text(e, "a one-line description", true); }},
        {"pollinterval", [&d](const Entry &e) { d.pollinterval = pollinterval(e); }},
        {"maxretry", [&d](const Entry &e) { d.maxretry = maxretry(e); }},
        {"retrydelay", [&d](const Entry &e) { d.retrydelay = retrydelay(e); }},
        {"poll_timeout", [&d](const Entry &e) { d.poll_timeout = poll_timeout(e); }},
        {"maxstartdelay", [&d](const Entry &e) { d.maxstartdelay = maxstartdelay(e); }},
        {"ignorelb", [&d](const Entry &e) { d.ignorelb = boolean(e, true); }},
        {"sdorder", [&d](const Entry &e) { d.sdorder = int(integer(e, -1)); }},
        {"sdcommands", [&r, &d](const Entry &e) { d.sdcommands = sdcommands(r, e); }},
        {"allow_killpower", [&d](const Entry &e) { d.allow_killpower = boolean(e, true); }},
        {"nolock", [&d](const Entry &e) { d.nolock = boolean(e, true); }},
        {"synchronous", [&d](const Entry &e) { d.synchronous = synchronous(e); }},
        {"user", [&d](const Entry &e) { d.user = parse_account(e); }},
        {"group", [&d](const Entry &e) { d.group = parse_account(e); }},
        {"debug_min", [&d](const Entry &e) { d.debug_min = debug_min(e); }},
        {"isolation", [&d](const Entry &e) { d.isolation = isolation(e); }},
        {"memory_limit", [&d](const Entry &e) { d.memory_limit = memory_limit(e); }},
    };
}

const char *const var_expected = "a variable name (letters, digits, '.', '_', '-'), e.g. 'ups.mfr'";

// override.<var> / default.<var>: one variable value. `seen` catches the same variable given in
// both the flat and the nested form.
void add_var(const Entry &e, const std::string &var, const char *kind, Settings &to,
             std::map<std::string, Location> &seen, Settings &all) {
    if (!is_simple_name(var)) fail_at(e.key_at, e.path, "invalid variable name", var_expected);
    if (is_null(e)) fail(e, "has no value", "the value to publish");
    const std::string value = printable_text(e, "the value to publish", true);
    auto [prev, fresh] = seen.emplace(common::to_lower(var), e.key_at);
    if (!fresh)
        fail_at(e.key_at, e.path, std::string("duplicate ") + kind + " for '" + var + "' (first written at " +
                                      prev->second.str() + ")",
                "each variable once");
    to.push_back({var, Setting{value, e.value_at, e.key_at}});
    all.push_back({std::string(kind) + "." + var, Setting{value, e.value_at, e.key_at}});
}

DeviceConfig parse_device(const Reader &r, const Entry &dev, const DriverDefaults &g) {
    DeviceConfig d;
    d.name = dev.key;
    d.where = dev.key_at;
    if (!is_simple_name(d.name))
        fail_at(dev.key_at, dev.path, "invalid device name", "letters, digits, '_', '.', '-'");
    if (common::iequals(d.name, "default"))
        fail_at(dev.key_at, dev.path, "'default' is reserved", "another device name");
    if (is_null(dev) || !dev.value.IsMap())
        fail(dev, is_null(dev) ? "has no settings" : "is not a map", "a map with at least 'driver' and 'port'");

    d.pollinterval = g.pollinterval;
    d.maxretry = g.maxretry;
    d.retrydelay = g.retrydelay;
    d.poll_timeout = g.poll_timeout;
    d.maxstartdelay = g.maxstartdelay;
    d.synchronous = g.synchronous;
    d.user = g.user;
    d.group = g.group;
    d.debug_min = g.debug_min;
    d.isolation = g.isolation;
    d.memory_limit = g.memory_limit;

    const auto fields = device_fields(r, d);
    std::map<std::string, Location> seen_override, seen_default;
    bool have_driver = false, have_port = false;
    for (const auto &e : entries(r, dev)) {
        if (e.key == "override" || e.key == "default") {
            const bool ovr = e.key == "override";
            if (!e.value.IsMap()) fail(e, "is not a map", "a map of variable names to values");
            for (const auto &v : entries(r, e))
                add_var(v, v.key, e.key.c_str(), ovr ? d.overrides : d.defaults, ovr ? seen_override : seen_default,
                        d.all_keys);
            continue;
        }
        if (e.key.starts_with("override.")) {
            add_var(e, e.key.substr(9), "override", d.overrides, seen_override, d.all_keys);
            continue;
        }
        if (e.key.starts_with("default.")) {
            add_var(e, e.key.substr(8), "default", d.defaults, seen_default, d.all_keys);
            continue;
        }
        const Field *f = nullptr;
        for (const auto &c : fields)
            if (c.name == e.key) f = &c;
        if (f) {
            f->apply(e);
            have_driver |= e.key == "driver";
            have_port |= e.key == "port";
            d.all_keys.push_back({e.key, Setting{as_written(e), e.value_at, e.key_at}});
            continue;
        }
        // Plugin-specific: only the plugin knows whether it exists (check_driver_keys, later).
        Setting s{printable_text(e, "a single value (text, number or boolean)", true), e.value_at, e.key_at};
        d.driver_keys.push_back({e.key, s});
        d.all_keys.push_back({e.key, std::move(s)});
    }
    // NUT's upsd skips such sections ("ignoring incomplete configuration"); we refuse them.
    if (!have_driver)
        fail_at(d.where, dev.path + ".driver", "missing", "the plugin to run, e.g. 'driver: usbhid-ups'");
    if (!have_port)
        fail_at(d.where, dev.path + ".port", "missing", "the device path or address, e.g. 'port: auto'");
    return d;
}

} // namespace

std::vector<Field> driver_default_fields(DriverDefaults &d) {
    return {
        {"pollinterval", [&d](const Entry &e) { d.pollinterval = pollinterval(e); }},
        {"maxretry", [&d](const Entry &e) { d.maxretry = maxretry(e); }},
        {"retrydelay", [&d](const Entry &e) { d.retrydelay = retrydelay(e); }},
        {"maxstartdelay", [&d](const Entry &e) { d.maxstartdelay = maxstartdelay(e); }},
        {"poll_timeout", [&d](const Entry &e) { d.poll_timeout = poll_timeout(e); }},
        {"synchronous", [&d](const Entry &e) { d.synchronous = synchronous(e); }},
        {"user", [&d](const Entry &e) { d.user = parse_account(e); }},
        {"group", [&d](const Entry &e) { d.group = parse_account(e); }},
        {"debug_min", [&d](const Entry &e) { d.debug_min = debug_min(e); }},
        {"isolation", [&d](const Entry &e) { d.isolation = isolation(e); }},
        {"memory_limit", [&d](const Entry &e) { d.memory_limit = memory_limit(e); }},
    };
}

std::vector<DeviceConfig> parse_devices(const Reader &r, const Entry &section, const DriverDefaults &defaults) {
    std::vector<DeviceConfig> out;
    // NUT compares UPS names case-insensitively, so "demo" and "Demo" would be the same device.
    for (const auto &e : entries(r, section, true)) out.push_back(parse_device(r, e, defaults));
    return out;
}

} // namespace nutpp::config::detail

namespace nutpp::config {

const std::vector<std::string> &host_device_keys() {
    static const std::vector<std::string> keys = [] {
        const detail::Reader r;
        DeviceConfig d;
        auto names = detail::field_names(detail::device_fields(r, d));
        names.emplace_back("override");
        names.emplace_back("default");
        return names;
    }();
    return keys;
}

const char *to_string(Isolation i) {
    switch (i) {
    case Isolation::Auto: return "auto";
    case Isolation::InProcess: return "in-process";
    case Isolation::Process: return "process";
    }
    return "auto";
}

const Setting *DeviceConfig::find(std::string_view key) const {
    for (const auto &[k, s] : all_keys)
        if (k == key) return &s;
    return nullptr;
}

} // namespace nutpp::config
