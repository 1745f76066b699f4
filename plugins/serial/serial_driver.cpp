#include "serial_driver.hpp"

#include <nutpp/support/numbers.hpp>

namespace nutpp::serial {

using support::to_number;

namespace {

// Boolean keys are declared NUTPP_TYPE_BOOL: the host checked the value and hands it over as
// "true" or "false" (core/host/device.cpp), so there is nothing to parse here.
bool truthy(const std::string &v) { return v == "true"; }

} // namespace

SerialDriver::SerialDriver(const nutpp_host_api *api, nutpp_host_ctx *ctx) : Driver(api, ctx) {
    const Host &h = host();
    port_path_ = h.config_or("port", "");
    if (port_path_.empty()) throw Error(NUTPP_E_CONFIG, "port is required (e.g. /dev/ttyS0)");
    const std::string proto = h.config_or("protocol", "auto");
    const auto parsed = parse_protocol(proto);
    if (!parsed) throw Error(NUTPP_E_CONFIG, "protocol must be auto, megatec or apcsmart, not '" + proto + "'");
    configured_ = *parsed;

    if (auto b = h.config_number("baud_rate")) baud_ = static_cast<int>(*b);
    if (baud_constant(baud_) == 0) throw Error(NUTPP_E_CONFIG, "unsupported baud_rate " + std::to_string(baud_));
    cablepower_ = h.config_or("cablepower", "");
    cable_ = h.config_or("cable", "");
    (void)cable_lines(baud_, true, cablepower_, cable_); // reject unknown names now, not at open
    read_apc_settings();
    if (auto t = h.config_number("reply_timeout")) {
        reply_timeout_ = std::chrono::milliseconds(static_cast<long>(*t * 1000));
    }
    megatec_options_.reply_timeout = reply_timeout_;
    apc_options_.reply_timeout = reply_timeout_;
    if (auto d = h.config_number("offdelay")) {
        megatec_options_.offdelay_s = static_cast<unsigned>(*d);
    }
    if (auto d = h.config_number("ondelay")) {
        megatec_options_.ondelay_min = static_cast<unsigned>(*d);
    }
    if (auto v = h.config("norating")) megatec_options_.norating = truthy(*v);
    if (auto v = h.config("novendor")) megatec_options_.novendor = truthy(*v);
    read_battery_settings();
    // Test hook and slow-cable knob: the APC "say it twice" pause (must stay above 1.5 s on real units).
    if (auto p = h.config_number("apc_repeat_pause")) apc_options_.repeat_pause = std::chrono::milliseconds(static_cast<long>(*p * 1000));
}

// NUT's battery estimate settings: its own keys, and the override./default. variables it reads back.
void SerialDriver::read_battery_settings() {
    const Host &h = host();
    auto &b = megatec_options_.battery;
    const auto number = [&](const std::string &key) -> std::optional<double> {
        const auto v = h.config(key.c_str());
        if (!v) return std::nullopt;
        const auto n = to_number(*v);
        if (!n) throw Error(NUTPP_E_CONFIG, key + " must be a number, not '" + *v + "'");
        return n;
    };
    const auto variable = [&](const std::string &var) {
        auto v = number("override." + var);
        return v ? v : number("default." + var);
    };
    b.voltage_low = variable("battery.voltage.low");
    b.voltage_high = variable("battery.voltage.high");
    b.packs = variable("battery.packs");
    b.nominal_override = number("override.battery.voltage.nominal");
    b.nominal_default = number("default.battery.voltage.nominal");
    if (auto v = h.config("battery_voltage_reports_one_pack")) b.reports_one_pack = truthy(*v);
    if (auto v = h.config("runtimecal")) {
        std::string error;
        if (!megatec::parse_runtimecal(*v, error)) throw Error(NUTPP_E_CONFIG, error);
        b.runtimecal = *v;
    }
    if (auto t = number("chargetime")) {
        if (const auto e = megatec::check_chargetime(*t); !e.empty()) throw Error(NUTPP_E_CONFIG, e);
        b.chargetime = static_cast<long>(*t);
    }
    if (auto l = number("idleload")) {
        if (const auto e = megatec::check_idleload(*l); !e.empty()) throw Error(NUTPP_E_CONFIG, e);
        b.idleload = *l / 100;
    }
}

LineSettings SerialDriver::line_settings(Protocol p) const {
    return cable_lines(baud_, p == Protocol::ApcSmart, cablepower_, cable_);
}

// NUT apcsmart's shutdown keys: sdtype (0..5), advorder (methods in turn, replaces sdtype), awd
// ('@' digits), cshdelay (CS hack pause).
void SerialDriver::read_apc_settings() {
    const Host &h = host();
    if (auto v = h.config("sdtype")) {
        const auto m = apc::parse_sdtype(*v);
        if (!m) throw Error(NUTPP_E_CONFIG, "invalid value (" + *v + ") for option 'sdtype': 0..5");
        apc_options_.sdtype = *m;
    }
    if (auto v = h.config("advorder")) {
        const auto order = apc::parse_advorder(*v);
        if (!order)
            throw Error(NUTPP_E_CONFIG, "invalid value (" + *v + ") for option 'advorder': no, or 1..5 digits 0..4");
        apc_options_.advorder = *order;
    }
    if (auto v = h.config("awd")) {
        const auto d = apc::hard_hibernate_digits(*v);
        if (!d) throw Error(NUTPP_E_CONFIG, "invalid value (" + *v + ") for option 'awd': 1..3 digits");
        apc_options_.awd = *d;
    }
    if (auto v = h.config("confirm_window")) {
        const auto w = apc::parse_confirm_window(*v);
        if (!w) throw Error(NUTPP_E_CONFIG, "invalid value (" + *v + ") for option 'confirm_window': MIN-MAX seconds (e.g. 3-15) or off");
        apc_options_.confirm_min = std::chrono::seconds(w->first);
        apc_options_.confirm_max = std::chrono::seconds(w->second);
    }
    // `upsdrvd -k` at the end of a system shutdown: nobody is there to send a command twice.
    if (h.shutdown_run()) apc_options_.confirm_min = apc_options_.confirm_max = std::chrono::milliseconds(0);
    if (auto v = h.config("cshdelay")) {
        const auto d = apc::parse_cshdelay(*v);
        if (!d) throw Error(NUTPP_E_CONFIG, "invalid value (" + *v + ") for option 'cshdelay': e.g. 3.5");
        apc_options_.cshdelay = std::chrono::milliseconds(static_cast<long>(*d * 1000));
    }
}

Protocol SerialDriver::detect() {
    // The same detection as `nutpp scan --serial` (serial_probe.hpp).
    if (const auto p = detect_protocol(port_, reply_timeout_)) return *p;
    throw Error(NUTPP_E_NO_DEVICE, "no Megatec or APC Smart UPS answers on " + port_path_);
}

nutpp_status SerialDriver::open() {
    port_.open(port_path_, line_settings(configured_));
    Protocol p = configured_;
    if (p == Protocol::Auto) {
        p = detect();
        // The lines may have to change now that we know who is on the other end.
        if (line_settings(p).dtr != line_settings(Protocol::Auto).dtr) port_.open(port_path_, line_settings(p));
        host().info(std::string("detected ") + (p == Protocol::Megatec ? "Megatec/Q1" : "APC Smart") + " protocol on " + port_path_);
    }
    if (p == Protocol::Megatec) {
        Sink &sink = *this; // private base: convert here, where it is accessible
        megatec_ = std::make_unique<megatec::Engine>(port_, sink, megatec_options_, megatec_battery_);
        megatec_->open();
    } else {
        Sink &sink = *this;
        apc_ = std::make_unique<apc::Engine>(port_, sink, apc_options_);
        apc_->open();
        // APC units announce line failure etc. with unsolicited characters: wake up for them.
        watching_ = host().watch(port_.fd(), NUTPP_FD_READ) == NUTPP_OK;
    }
    return NUTPP_OK;
}

nutpp_status SerialDriver::poll(uint32_t wake_reasons) {
    if (megatec_) {
        megatec_->poll();
    } else if (apc_) {
        // Woken only by bytes on the line: an alert; the status alone is what changed.
        if (wake_reasons == NUTPP_WAKE_FD)
            apc_->poll_status();
        else
            apc_->poll();
    } else {
        return host().fail(NUTPP_E_STATE, "poll without an open device");
    }
    return NUTPP_OK;
}

nutpp_status SerialDriver::instcmd(const char *cmd, const char *arg) {
    if (megatec_) megatec_->instcmd(cmd, arg);
    else if (apc_) apc_->instcmd(cmd, arg);
    else return host().fail(NUTPP_E_STATE, "device not open");
    return NUTPP_OK;
}

nutpp_status SerialDriver::setvar(const char *name, const char *value) {
    if (megatec_) megatec_->setvar(name, value);
    else if (apc_) apc_->setvar(name, value);
    else return host().fail(NUTPP_E_STATE, "device not open");
    return NUTPP_OK;
}

void SerialDriver::close() {
    if (watching_ && port_.is_open()) host().unwatch(port_.fd());
    watching_ = false;
    megatec_.reset();
    apc_.reset();
    port_.close();
}

void SerialDriver::set(const std::string &name, const std::string &value) { host().set(name.c_str(), value); }
void SerialDriver::remove(const std::string &name) { host().remove(name.c_str()); }
void SerialDriver::status(const std::vector<std::string> &tokens, const std::string &alarm) { host().status(tokens, alarm); }
void SerialDriver::command(const std::string &name) { host().command(name.c_str()); }
void SerialDriver::writable(const std::string &name, const std::vector<std::string> &choices, unsigned max_length) {
    if (!choices.empty()) host().declare(name.c_str(), NUTPP_TYPE_ENUM, true, 0, {}, choices);
    else if (max_length > 0) host().declare(name.c_str(), NUTPP_TYPE_STRING, true, max_length);
    else host().declare(name.c_str(), NUTPP_TYPE_INTEGER, true);
}
void SerialDriver::log_info(const std::string &message) { host().info(message); }
void SerialDriver::log_debug(const std::string &message) { host().debug(message); }

} // namespace nutpp::serial
