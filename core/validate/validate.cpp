#include "validate/validate.hpp"

#include "common/file_trust.hpp"
#include "common/strings.hpp"

#include <unistd.h>

#include <iostream>
#include <map>

namespace nutpp::validate {

namespace {

// Secrets written in the file itself (password_file keeps them elsewhere), as "key at file:line:col".
std::vector<std::string> inline_secrets(const config::Config &cfg,
                                        const std::map<std::string, std::vector<config::KeySpec>> &keys_by_device) {
    std::vector<std::string> out;
    const auto add = [&](const std::string &key, const config::Location &at) {
        if (at.line > 0) out.push_back(key + " at " + at.str());
    };
    for (const auto &u : cfg.users) add("users." + u.name + ".password", u.password_at);
    add("server.certident.password", cfg.server.certident.password_at);
    add("monitor.certident.password", cfg.monitor.certident.password_at);
    for (size_t i = 0; i < cfg.monitor.monitors.size(); ++i)
        add("monitor.monitors[" + std::to_string(i) + "].password", cfg.monitor.monitors[i].password_at);
    add("web.mqtt.password", cfg.web.mqtt.password_at);
    for (const auto &d : cfg.devices) {
        auto it = keys_by_device.find(d.name);
        if (it == keys_by_device.end()) continue;
        for (const auto &spec : it->second)
            if (spec.secret)
                if (const config::Setting *s = d.find(spec.name)) add("devices." + d.name + "." + spec.name, s->key_at);
    }
    return out;
}

} // namespace

config::Config load_checked(const std::string &path, const Options &opts) {
    const auto warn = opts.warn ? opts.warn : [](const std::string &m) { std::cerr << "Warning: " << m << "\n"; };
    // The file names shutdowncmd/notifycmd (run as root) and plugin paths (loaded as root): as root,
    // a file someone else can change is someone else's root shell. Refused before it is even read.
    if (::geteuid() == 0)
        if (const auto problem = common::root_trust_problem(path); !problem.empty())
            throw config::ConfigError(config::Location{path, 0, 0}, "", "refusing to use it as root: " + problem);

    config::Config cfg = config::load_file(path);

    std::map<std::string, std::vector<config::KeySpec>> keys_by_device;
    if (opts.plugins) {
        const std::string dir = !opts.plugin_dir.empty() ? opts.plugin_dir : cfg.plugin_dir;
        std::map<std::string, PluginKeys> probed; // one probe per plugin, however many devices use it
        std::map<std::string, std::string> failed;
        for (const auto &d : cfg.devices) {
            if (failed.count(d.driver)) continue;
            auto it = probed.find(d.driver);
            if (it == probed.end()) {
                try {
                    it = probed.emplace(d.driver, probe_plugin(d.driver, dir)).first;
                } catch (const std::exception &e) {
                    // Not a config error: the plugin file is broken or absent. upsdrvd reports the
                    // same load error for this device and runs the others, as before.
                    failed.emplace(d.driver, e.what());
                    warn(d.where.str() + ": devices." + d.name + ": keys not checked, the plugin cannot be read: " +
                         e.what());
                    continue;
                }
            }
            config::check_driver_keys(d, it->second.plugin, it->second.keys);
            keys_by_device[d.name] = it->second.keys;
        }
    }

    if (common::readable_by_others(path))
        if (const auto secrets = inline_secrets(cfg, keys_by_device); !secrets.empty())
            warn(path + " is readable by others and holds secrets (" + common::join(secrets, ", ") +
                 "); run: chmod o-r " + path + " (or move them to password_file)");
    return cfg;
}

} // namespace nutpp::validate
