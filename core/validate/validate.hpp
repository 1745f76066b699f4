// The one "is this configuration file good?" check, run by every program before it acts on the file:
// upsdrvd, upsd and upsmon at start and on reload (a failed reload keeps the running config),
// `nutpp run` before it starts anything, and `upsdrvd --check-config -f FILE` for people.
//
// It covers what config::load_file cannot: the device keys each plugin declares (learned from
// `upsdrvd --describe NAME --keys`, a short-lived process that drops root before loading the plugin,
// so neither the validator nor root ever runs plugin code for it), who can change the file when we
// run as root, and secrets in a file others can read.
#pragma once

#include "config/config.hpp"

#include <functional>
#include <string>
#include <vector>

namespace nutpp::validate {

struct Options {
    std::string plugin_dir; // overrides the file's plugin_dir (upsdrvd --plugin-dir); empty: the file's
    bool plugins = true;    // check device keys against the plugins' declared keys
    std::function<void(const std::string &)> warn; // default: "Warning: <text>" on stderr
};

// Loads `path` and checks all of it. Throws config::ConfigError (programs exit with
// config::kExitConfigError) when:
//   - we run as root and the file or a directory above it is not root's alone
//     ("<file> is writable by group/others; run: chmod go-w <file>");
//   - config::load_file refuses it;
//   - a device sets a key its plugin does not declare, or a declared key has a bad value.
// Warns (does not refuse) when a plugin cannot be probed (upsdrvd reports that device's load error
// itself, and the other devices still run) and when the file is readable by others and holds a
// password or a plugin key flagged secret.
config::Config load_checked(const std::string &path, const Options &opts = {});

// A plugin's declared keys, read by running `upsdrvd --describe DRIVER --keys [--plugin-dir DIR]`.
// Throws std::runtime_error with upsdrvd's message when it cannot be read.
struct PluginKeys {
    std::string plugin; // the descriptor's name
    std::vector<config::KeySpec> keys;
};
PluginKeys probe_plugin(const std::string &driver, const std::string &plugin_dir);

// The upsdrvd that probes plugins: this program when it is upsdrvd, else the upsdrvd next to it
// (nutpp installs its programs together; `nutpp run` finds them the same way).
std::string upsdrvd_path();

} // namespace nutpp::validate
