#include "host/nut_normalizer.hpp"

#include <spdlog/spdlog.h>

#ifndef NUTPP_VERSION
#define NUTPP_VERSION "0.0.0"
#endif

namespace nutpp::host {

namespace {

bool flag_set(const std::string &v) {
    bool b = false;
    return common::parse_flag(v, b) && b;
}

// Device keys that configure the host or upsd rather than the driver; NUT does not publish them as
// driver.parameter.* either.
bool published_as_parameter(const std::string &key) {
    static const char *const hidden[] = {"driver", "desc", "sdorder", "maxstartdelay", "user", "group", "nolock"};
    for (const char *h : hidden)
        if (key == h) return false;
    return !common::starts_with_i(key, "override.") && !common::starts_with_i(key, "default.");
}

} // namespace

NutNormalizer::NutNormalizer(const config::DeviceConfig &cfg, const Plugin &plugin, store::VarStore &store)
    : cfg_(cfg), plugin_(plugin), store_(store) {
    for (const auto &[k, s] : cfg_.all_keys) config_values_[k] = s.value;
    for (const auto *k : plugin_.config_keys()) {
        if (k->default_value && !config_values_.count(k->name)) config_values_[k->name] = k->default_value;
        if (k->flags & NUTPP_KEY_SECRET) secret_keys_.insert(k->name);
        // The loader accepted any NUT spelling ("True", "off", a bare flag); plugins see one, so no
        // plugin needs its own parser (and none can disagree with the host's check).
        if (k->type != NUTPP_TYPE_BOOL) continue;
        auto it = config_values_.find(k->name);
        bool b = false;
        if (it != config_values_.end() && common::parse_flag(it->second, b)) it->second = b ? "true" : "false";
    }
}

const char *NutNormalizer::config_value(const std::string &key) const {
    auto it = config_values_.find(key);
    return it == config_values_.end() ? nullptr : it->second.c_str();
}

void NutNormalizer::publish_start() {
    store_.set("driver.name", plugin_.name());
    store_.set("driver.version", NUTPP_VERSION);
    store_.set("driver.version.internal", plugin_.descriptor().version);
    std::map<std::string, std::string> params{{"pollinterval", fmt::format("{:g}", cfg_.pollinterval)},
                                              {"synchronous", cfg_.synchronous}};
    for (const auto &[k, s] : cfg_.all_keys)
        if (published_as_parameter(k)) params[k] = s.value;
    for (const auto &[k, v] : params) {
        if (secret_keys_.count(k)) continue; // NUT's VAR_SENSITIVE: never published
        if (is_flag_key(k)) {
            // NUT publishes a flag (an option without a value) as driver.flag.<name>, only when set.
            if (flag_set(v)) store_.set("driver.flag." + k, "enabled");
            continue;
        }
        store_.set("driver.parameter." + k, v);
    }
    for (const auto &[var, s] : cfg_.overrides) {
        if (common::starts_with_i(var, "device.")) explicit_device_vars_.insert(var);
        store_.set_immutable(var, s.value);
        mirror_to_device(var);
    }
}

bool NutNormalizer::is_flag_key(const std::string &key) const {
    static const char *const host_flags[] = {"ignorelb", "allow_killpower"};
    for (const char *f : host_flags)
        if (key == f) return true;
    const nutpp_config_key *k = plugin_.config_key(key);
    return k && k->type == NUTPP_TYPE_BOOL;
}

// NUT mirrors ups.mfr/model/serial to device.* unless the driver sets device.* itself. The mirror
// takes the stored value, not the one just offered: an override.ups.* wins over the plugin there too.
void NutNormalizer::mirror_to_device(const std::string &name) {
    for (const char *mirrored : {"mfr", "model", "serial"}) {
        if (!common::iequals(name, std::string("ups.") + mirrored)) continue;
        const std::string dev = std::string("device.") + mirrored;
        if (explicit_device_vars_.count(dev)) continue;
        if (auto v = store_.value(name)) store_.set(dev, *v);
    }
}

void NutNormalizer::plugin_set(const std::string &name, const std::string &value) {
    if (common::starts_with_i(name, "device.")) explicit_device_vars_.insert(name);
    store_.set(name, value);
    mirror_to_device(name);
}

void NutNormalizer::apply_defaults() {
    for (const auto &[var, s] : cfg_.defaults) {
        if (store_.get(var)) continue;
        store_.set(var, s.value);
        mirror_to_device(var);
    }
    if (!store_.get("device.type")) store_.set("device.type", "ups");
}

std::optional<driver_socket::TrackingResult> NutNormalizer::check_request(const driver_socket::Request &r) const {
    using driver_socket::TrackingResult;
    if (r.kind == driver_socket::Request::Kind::Set) {
        // NUT's checks (READONLY, TOO-LONG, enum, range) before the plugin sees the value.
        const auto check = store_.check_set(r.name, r.value.value_or(""));
        if (check != store::SetCheck::Ok) {
            spdlog::warn("device '{}': SET {} rejected: {}", cfg_.name, r.name, store::to_string(check));
            return check == store::SetCheck::NotSupported || check == store::SetCheck::ReadOnly ? TrackingResult::Unknown
                                                                                               : TrackingResult::Invalid;
        }
        if (!plugin_.has_setvar()) return TrackingResult::Unknown;
        return std::nullopt;
    }
    if (!store_.has_cmd(r.name)) {
        spdlog::warn("device '{}': INSTCMD {} rejected: not supported", cfg_.name, r.name);
        return TrackingResult::Unknown;
    }
    if (!plugin_.has_instcmd()) return TrackingResult::Unknown;
    return std::nullopt;
}

} // namespace nutpp::host
