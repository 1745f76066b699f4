// ups.conf: driver globals and one device per section.
#include "import/detail.hpp"
#include "import/driver_table.hpp"

#include "common/strings.hpp"

#include <algorithm>
#include <set>

namespace nutpp::import::detail {

namespace {

struct Option {
    int line;
    KeyValues kv;
    std::string value() const { return kv.values.empty() ? std::string() : kv.values.front(); }
};

struct Section {
    std::string name;
    int line = 0;
    std::vector<Option> options;
    const Option *find(std::string_view key) const {
        for (const auto &o : options)
            if (o.kv.key == key) return &o;
        return nullptr;
    }
};

// Keys upsdrvd itself takes in a device (the same names in ups.conf and in nutpp.yaml).
const char *const kHostKeys[] = {"desc", "sdorder", "nolock", "ignorelb", "maxstartdelay", "maxretry",
                                 "retrydelay", "pollinterval", "synchronous", "user", "group", "debug_min",
                                 "allow_killpower", "sdcommands"};
const char *const kHostFlags[] = {"nolock", "ignorelb", "allow_killpower"}; // a bare key means yes
// Globals carried under the same name at the top level.
const char *const kGlobalKeys[] = {"maxretry", "retrydelay", "maxstartdelay", "pollinterval", "synchronous",
                                   "user", "group", "debug_min"};

bool one_of(std::string_view k, std::span<const char *const> names) {
    return std::any_of(names.begin(), names.end(), [&](const char *n) { return k == n; });
}

bool simple_name(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-')) return false;
    return true;
}

void global(Run &run, const NutFile &f, const Option &o) {
    const std::string &k = o.kv.key;
    if (one_of(k, kGlobalKeys)) {
        run.globals.entry(0, k, yaml_scalar(o.value()), where(f, o.line));
    } else if (k == "statepath") {
        run.statepath = o.value();
        run.statepath_from = where(f, o.line);
    } else if (k == "chroot") {
        run.refuse(f, o.line, "'chroot': nutpp does not chroot drivers (use 'isolation: process' and systemd's sandboxing)");
    } else if (k == "driverpath") {
        run.refuse(f, o.line, "'driverpath': nutpp loads plugins from plugin_dir, not NUT driver programs");
    } else {
        run.refuse(f, o.line, "'" + k + "': not a ups.conf global nutpp knows");
    }
}

// A device nutpp has no plugin for: upsd serves NUT's own driver through its socket.
void nut_device(Run &run, const NutFile &f, const Section &s, const std::string &driver, const std::string &why) {
    ++run.nut_devices;
    auto &o = run.devices;
    o.open(2, s.name, where(f, s.line) + ": stays NUT's driver " + driver);
    o.comment(4, why + ".");
    o.comment(4, "NUT's " + driver + " keeps reading its options from ups.conf: start it with NUT's upsdrvctl;");
    o.comment(4, "our upsd serves it through its socket <state_dir>/" + driver + "-" + s.name + ".");
    o.entry(4, "driver", yaml_scalar(driver));
    o.entry(4, "port", yaml_scalar(s.find("port")->value()));
    if (const auto *d = s.find("desc")) o.entry(4, "desc", yaml_scalar(d->value()), where(f, d->line));
    run.refuse(f, s.line, "[" + s.name + "] driver '" + driver + "': " + why +
                              "; it stays NUT's driver (start it with upsdrvctl; nutpp's upsd serves its socket)");
}

void plugin_device(Run &run, const NutFile &f, const Section &s, const DriverMapping &m) {
    auto &o = run.devices;
    const std::string plugin = m.plugin;
    o.open(2, s.name, where(f, s.line) + ": NUT driver " + m.nut_driver + " -> plugin " + plugin + " (" + m.note + ")");
    o.entry(4, "driver", plugin, where(f, s.find("driver")->line));
    for (const auto &fx : m.fixed) o.entry(4, fx.key, yaml_scalar(fx.value), std::string("for NUT's ") + m.nut_driver);
    const auto *declared = run.keys_of(plugin);
    const ConvertContext ctx{run.dir};
    std::set<std::string> written;
    for (const auto &opt : s.options) {
        const std::string &k = opt.kv.key;
        const std::string at = where(f, opt.line);
        const auto refuse = [&](const std::string &why) { run.refuse(f, opt.line, "[" + s.name + "] '" + k + "': " + why); };
        if (k == "driver") continue;
        if (one_of(k, kHostKeys) || k.starts_with("override.") || k.starts_with("default.")) {
            const bool flag = opt.kv.values.empty() && one_of(k, kHostFlags);
            o.entry(4, k, flag ? "true" : yaml_scalar(opt.value()), at);
            continue;
        }
        const OptionRule *rule = nullptr;
        for (const auto &r : m.options)
            if (common::iequals(r.nut, k)) rule = &r;
        std::string key = k, value = opt.value();
        if (rule) {
            if (rule->convert) {
                const Converted c = rule->convert(value, ctx);
                if (c.kind == Converted::Kind::Implied) {
                    o.comment(4, at + ": " + k + " " + value + " (implied by the settings above)");
                    continue;
                }
                if (c.kind == Converted::Kind::Refuse) {
                    refuse(c.value);
                    continue;
                }
                value = c.value;
            }
            if (!rule->nutpp) {
                refuse(rule->why ? rule->why : "not carried");
                continue;
            }
            key = rule->nutpp;
        } else if (k != "port") {
            if (!declared) {
                refuse("cannot ask the " + plugin + " plugin for its options (" + run.keys_error[plugin] + ")");
                continue;
            }
            const auto spec = std::find_if(declared->begin(), declared->end(),
                                           [&](const config::KeySpec &ks) { return common::iequals(ks.name, k); });
            if (spec == declared->end()) {
                refuse("the " + plugin + " plugin has no such option");
                continue;
            }
            key = spec->name;
            if (opt.kv.values.empty() && spec->type == config::KeySpec::Type::Bool) value = "true";
        }
        if (!written.insert(key).second) {
            refuse("'" + key + "' is already set for this device");
            continue;
        }
        o.entry(4, key, yaml_scalar(value), at);
    }
}

void device(Run &run, const NutFile &f, const Section &s, std::set<std::string> &names) {
    if (!simple_name(s.name) || common::iequals(s.name, "default")) {
        run.refuse(f, s.line, "[" + s.name + "]: not a valid nutpp device name (letters, digits, '_', '.', '-'; not 'default')");
        return;
    }
    if (!names.insert(common::to_lower(s.name)).second) {
        run.refuse(f, s.line, "[" + s.name + "]: a second section of that name (names are compared case-insensitively)");
        return;
    }
    const Option *drv = s.find("driver");
    const Option *port = s.find("port");
    if (!drv || !port || drv->value().empty() || port->value().empty()) {
        // NUT's upsd skips such sections too ("ignoring incomplete configuration").
        run.refuse(f, s.line, "[" + s.name + "]: no driver or no port; NUT ignores this section, so does the import");
        return;
    }
    run.has_devices = true;
    const std::string driver = drv->value();
    const DriverMapping *m = find_driver(driver);
    if (!m) return nut_device(run, f, s, driver, "nutpp has no plugin for NUT's " + driver);
    if (!m->plugin) return nut_device(run, f, s, driver, m->note);
    if (m->stays_nut) {
        SectionOptions opts;
        for (const auto &o : s.options) opts.emplace_back(o.kv.key, o.value());
        const std::string why = m->stays_nut(port->value(), opts);
        if (!why.empty()) return nut_device(run, f, s, driver, why);
    }
    plugin_device(run, f, s, *m);
}

} // namespace

const std::vector<config::KeySpec> *Run::keys_of(const std::string &plugin) {
    if (auto it = keys_cache.find(plugin); it != keys_cache.end()) return &it->second;
    if (keys_error.count(plugin)) return nullptr;
    try {
        if (!plugin_keys) throw std::runtime_error("no plugin lookup");
        return &keys_cache.emplace(plugin, plugin_keys(plugin)).first->second;
    } catch (const std::exception &e) {
        keys_error[plugin] = e.what();
        return nullptr;
    }
}

void import_ups_conf(Run &run, const NutFile &f) {
    std::vector<Option> globals;
    std::vector<Section> sections;
    for (const auto &l : f.lines) {
        std::string name;
        if (section_header(l, name)) {
            sections.push_back(Section{name, l.line, {}});
            continue;
        }
        Option o{l.line, key_values(l)};
        if (sections.empty()) globals.push_back(std::move(o));
        else sections.back().options.push_back(std::move(o));
    }
    for (const auto &g : globals) global(run, f, g);
    std::set<std::string> names;
    for (const auto &s : sections) device(run, f, s, names);
}

} // namespace nutpp::import::detail
