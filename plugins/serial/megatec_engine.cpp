#include "megatec_engine.hpp"

#include <nutpp/support/numbers.hpp>
#include <nutpp/support/text.hpp>

#include <nutpp/driver.hpp>

#include <algorithm>
#include <cstdlib>
#include <ctime>

namespace nutpp::serial::megatec {

using support::printable;
using support::trim;
using support::to_number;

namespace {

void fail_on(const Reply &r, const std::string &what) {
    if (r.status == ReadStatus::Gone) throw Error(NUTPP_E_NO_DEVICE, "device vanished during " + what);
    if (r.status == ReadStatus::Timeout)
        throw Error(NUTPP_E_TIMEOUT, r.text.empty() ? "no reply to " + what
                                                    : "incomplete reply to " + what + ": \"" + printable(r.text) + "\"");
}

const Command *find_command(const std::string &name) {
    for (const auto &c : kCommands)
        if (name == c.instcmd) return &c;
    return nullptr;
}

} // namespace

Reply Engine::query(const std::string &q, std::chrono::milliseconds timeout) {
    const std::string junk = link_.drain(); // a late reply to an earlier query must not be taken for this one
    if (!junk.empty()) sink_.log_debug("discarded " + std::to_string(junk.size()) + " stray bytes: " + printable(junk));
    link_.send(q + "\r");
    return link_.read_until("\r", timeout);
}

bool Engine::probe(Link &link, std::chrono::milliseconds timeout) {
    for (int attempt = 0; attempt < 2; ++attempt) {
        link.drain();
        link.send("Q1\r");
        const Reply r = link.read_until("\r", timeout);
        if (r.status == ReadStatus::Gone) return false;
        std::string error;
        if (r.status == ReadStatus::Ok && parse_q1(r.text, error)) return true;
    }
    return false;
}

void Engine::open() {
    // The unit must answer Q1 before anything else is worth asking.
    const Reply first = query("Q1", opt_.reply_timeout);
    fail_on(first, "Q1");
    std::string error;
    const auto reading = parse_q1(first.text, error);
    if (!reading) throw Error(NUTPP_E_IO, "not a Megatec UPS: " + error);
    std::optional<double> rating_nominal;

    if (!opt_.novendor) {
        const Reply r = query("I", opt_.reply_timeout);
        const Values ident = r.status == ReadStatus::Ok ? parse_ident(r.text) : Values{};
        for (const auto &[k, v] : ident) sink_.set(k, v);
        if (ident.empty()) sink_.log_info("vendor information unavailable");
    }
    if (!opt_.norating) {
        const Reply r = query("F", opt_.reply_timeout);
        const Values rating = r.status == ReadStatus::Ok ? parse_rating(r.text) : Values{};
        for (const auto &[k, v] : rating) {
            sink_.set(k, v);
            if (k == "battery.voltage.nominal") rating_nominal = to_number(v);
        }
        if (rating.empty()) sink_.log_info("rating information unavailable");
    }
    for (const auto &variant : kVariants) {
        const Reply r = query(variant.query, opt_.reply_timeout);
        if (r.status != ReadStatus::Ok) continue;
        if (const auto id = parse_variant(variant, r.text)) {
            sink_.set(variant.variable, *id);
            sink_.log_info(std::string("detected ") + variant.name + " variant, protocol " + *id);
        }
    }

    // NUT nutdrv_qx's battery.charge/runtime estimate, started from this first reading, unless
    // this is a re-open of the same UPS (see BatteryMemory).
    if (!battery_ || battery_rating_ != rating_nominal) {
        battery_.emplace(opt_.battery);
        battery_rating_ = rating_nominal;
        for (const auto &[k, v] : battery_->init(rating_nominal, reading->battery_voltage, std::time(nullptr)))
            sink_.set(k, v);
        for (const auto &note : battery_->notes()) sink_.log_info(note);
    }

    for (const auto &c : kCommands) sink_.command(c.instcmd);
    sink_.writable("ups.delay.shutdown", {}, 0);
    sink_.writable("ups.delay.start", {}, 0);
    publish_delays();
}

void Engine::publish_delays() {
    sink_.set("ups.delay.shutdown", std::to_string(opt_.offdelay_s));
    sink_.set("ups.delay.start", std::to_string(opt_.ondelay_min * 60));
}

void Engine::poll() {
    const Reply r = query("Q1", opt_.reply_timeout);
    fail_on(r, "Q1");
    std::string error;
    const auto reading = parse_q1(r.text, error);
    if (!reading) throw Error(NUTPP_E_IO, error);
    // The estimate may replace a reading (battery.voltage times the packs): publish each name once
    // per poll, or clients would see the value flip between the two.
    const auto estimate = battery_ ? battery_->update(std::time(nullptr), reading->online, reading->battery_voltage,
                                                      reading->load)
                                   : Values{};
    for (const auto &[k, v] : reading->values) {
        const bool replaced = std::any_of(estimate.begin(), estimate.end(), [&](const auto &e) { return e.first == k; });
        if (!replaced) sink_.set(k, v);
    }
    for (const auto &[k, v] : estimate) sink_.set(k, v);
    sink_.status(reading->status, reading->alarm);
    beeper_on_ = reading->beeper_on;
}

void Engine::send_command(const std::string &wire) {
    link_.drain();
    link_.send(wire + "\r");
    // Accepted commands get no reply; units that refuse say so at once (NAK, "UPS No Ack", echo).
    const Reply r = link_.read_until("\r", opt_.refusal_wait);
    if (r.status == ReadStatus::Gone) throw Error(NUTPP_E_NO_DEVICE, "device vanished during " + wire);
    if (r.status == ReadStatus::Ok && trim(r.text) != "(ACK") {
        if (is_refusal(r.text, wire)) throw Error(NUTPP_E_REJECTED, "UPS refused " + wire + ": \"" + printable(r.text) + "\"");
        throw Error(NUTPP_E_IO, "unexpected reply to " + wire + ": \"" + printable(r.text) + "\"");
    }
}

void Engine::instcmd(const std::string &name, const char *arg) {
    const Command *c = find_command(name);
    if (!c) throw Error(NUTPP_E_UNSUPPORTED, "unsupported command " + name);
    switch (c->form) {
    case CommandForm::Fixed:
        send_command(c->wire);
        return;
    case CommandForm::TestMinutes: {
        long minutes = 10;
        if (arg) {
            char *end = nullptr;
            minutes = std::strtol(arg, &end, 10);
            if (!end || *end || minutes < 1 || minutes > 99)
                throw Error(NUTPP_E_INVALID_ARG, "test.battery.start takes minutes 1..99, got '" + std::string(arg) + "'");
        }
        char wire[8];
        std::snprintf(wire, sizeof wire, "T%02ld", minutes);
        send_command(wire);
        return;
    }
    case CommandForm::ShutdownReturn:
        send_command("S" + offdelay_wire(opt_.offdelay_s) + "R" + ondelay_wire(opt_.ondelay_min));
        return;
    case CommandForm::ShutdownStayOff:
        send_command("S" + offdelay_wire(opt_.offdelay_s) + "R0000");
        return;
    case CommandForm::BeeperOn:
    case CommandForm::BeeperOff: {
        // The protocol only toggles: read the state first so "enable" never silences the alarm.
        poll();
        const bool want_on = c->form == CommandForm::BeeperOn;
        if (beeper_on_ && *beeper_on_ == want_on) return;
        send_command(c->wire);
        return;
    }
    }
}

void Engine::setvar(const std::string &name, const std::string &value) {
    char *end = nullptr;
    const long v = std::strtol(value.c_str(), &end, 10);
    if (value.empty() || !end || *end) throw Error(NUTPP_E_CONVERSION, name + " must be a whole number of seconds");
    if (name == "ups.delay.shutdown") {
        // What the wire can express: 12..59 s in tenths of a minute, then whole minutes up to 10.
        if (v < 12 || v > 600) throw Error(NUTPP_E_INVALID_ARG, "ups.delay.shutdown must be 12..600 s");
        opt_.offdelay_s = static_cast<unsigned>(v < 60 ? v / 6 * 6 : v / 60 * 60);
    } else if (name == "ups.delay.start") {
        if (v < 0 || v > 9999 * 60) throw Error(NUTPP_E_INVALID_ARG, "ups.delay.start must be 0..599940 s");
        opt_.ondelay_min = static_cast<unsigned>(v / 60);
    } else {
        throw Error(NUTPP_E_UNSUPPORTED, "variable not writable: " + name);
    }
    publish_delays();
}

} // namespace nutpp::serial::megatec
