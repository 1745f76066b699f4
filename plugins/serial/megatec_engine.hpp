// Talks Megatec/Q1 to one UPS over a Link: identification at open, Q1 each poll, commands, and the
// two delay variables the shutdown commands use.
#pragma once

#include "link.hpp"
#include "megatec_battery.hpp"
#include "megatec_proto.hpp"
#include "sink.hpp"

#include <chrono>
#include <optional>
#include <string>

namespace nutpp::serial::megatec {

struct Options {
    std::chrono::milliseconds reply_timeout{1000};
    std::chrono::milliseconds refusal_wait{300}; // commands have no reply; a refusal comes fast
    unsigned offdelay_s = 30;  // ups.delay.shutdown (NUT blazer default)
    unsigned ondelay_min = 3;  // ups.delay.start / 60 (NUT blazer default)
    bool norating = false;     // skip 'F' (NUT option)
    bool novendor = false;     // skip 'I' (NUT option)
    BatterySettings battery;   // battery.charge / battery.runtime estimate (NUT nutdrv_qx)
};

// The battery estimate outlives an Engine: NUT never re-opens the port, we do (USB-serial adapters
// vanish), and a hiccup in mid-discharge must not restart the estimate from the voltage. The
// plugin instance keeps this; an Engine made on re-open of the same UPS (same rating) goes on with it.
struct BatteryMemory {
    std::optional<BatteryEstimator> estimator;
    std::optional<double> rating; // the 'F' nominal the estimator was started with
};

class Engine {
public:
    Engine(Link &link, Sink &sink, Options options, BatteryMemory &battery)
        : link_(link), sink_(sink), opt_(options), battery_(battery.estimator), battery_rating_(battery.rating) {}

    // True when the other end answers Q1 like a Megatec UPS (used by protocol=auto).
    static bool probe(Link &link, std::chrono::milliseconds timeout);
    // Identifies the unit (F, I, variants), declares commands and variables. Throws nutpp::Error.
    void open();
    // One Q1 round; throws nutpp::Error on silence or a bad reply.
    void poll();
    // Throws nutpp::Error (UNSUPPORTED / INVALID_ARG / REJECTED / IO).
    void instcmd(const std::string &name, const char *arg);
    void setvar(const std::string &name, const std::string &value);

private:
    Reply query(const std::string &q, std::chrono::milliseconds timeout);
    void send_command(const std::string &wire);
    void publish_delays();

    Link &link_;
    Sink &sink_;
    Options opt_;
    std::optional<bool> beeper_on_;
    std::optional<BatteryEstimator> &battery_; // in the BatteryMemory given at construction
    std::optional<double> &battery_rating_;
};

} // namespace nutpp::serial::megatec
