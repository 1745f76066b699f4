// NUT's rules for what a device publishes, apart from how its plugin is run: driver.* variables,
// override.* / default.* from the config, ups.* mirrored to device.*, the config values a plugin
// reads (booleans canonical, secrets known), and the checks an INSTCMD or SET passes before the
// plugin sees it. The runner that calls the plugin (today a thread in upsdrvd, Device) owns one and
// calls it; a runner in another process or on a shared loop would use the same one, so every way of
// running a plugin publishes the same way.
#pragma once

#include <nutpp/driver.h>

#include <map>
#include <optional>
#include <set>
#include <string>

#include "common/strings.hpp"
#include "config/config.hpp"
#include "driver_socket/request.hpp"
#include "host/plugin.hpp"
#include "store/var_store.hpp"

namespace nutpp::host {

class NutNormalizer {
public:
    // `plugin` and `store` must outlive the normalizer.
    NutNormalizer(const config::DeviceConfig &cfg, const Plugin &plugin, store::VarStore &store);

    // The value the plugin reads for `key` (config_get): the device's own, else the plugin's default;
    // booleans as "true"/"false" whatever NUT spelling the file used. nullptr when unset.
    const char *config_value(const std::string &key) const;

    // Before create(): driver.name/version/parameter.*/flag.* (secrets never) and the overrides.
    void publish_start();
    // After each successful open(): default.* where the plugin set nothing, and device.type.
    void apply_defaults();
    // The plugin set `name`: keep NUT's ups.* -> device.* mirror (unless the plugin set device.*).
    void plugin_set(const std::string &name, const std::string &value);

    // An INSTCMD or SET the store knows how to judge: nullopt when the plugin may run it, else the
    // result to answer with (and the reason is logged).
    std::optional<driver_socket::TrackingResult> check_request(const driver_socket::Request &r) const;

private:
    bool is_flag_key(const std::string &key) const; // published as driver.flag.<key>
    void mirror_to_device(const std::string &name);

    const config::DeviceConfig &cfg_;
    const Plugin &plugin_;
    store::VarStore &store_;
    std::map<std::string, std::string> config_values_; // key -> value (config, then plugin defaults)
    std::set<std::string, common::ILess> secret_keys_;
    std::set<std::string, common::ILess> explicit_device_vars_; // device.* the plugin or config set
};

} // namespace nutpp::host
