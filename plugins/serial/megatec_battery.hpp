// battery.charge and battery.runtime for Megatec units, which report neither: NUT nutdrv_qx's
// "guesstimation", computed the way that driver does it.
//
// - Charge from voltage: 100 * (V - battery.voltage.low) / (battery.voltage.high - battery.voltage.low),
//   clamped to 0..100. Without low/high (override./default.) but with a nominal voltage, low and high
//   are guessed as 104/120 and 130/120 of the nominal and published.
// - battery.packs (override./default.) or, failing that, the number of packs detected from the
//   nominal voltage; it multiplies the reported battery.voltage only with
//   battery_voltage_reports_one_pack (as nutdrv_qx's megatec subdriver does).
// - runtimecal "rh,lh,rl,ll" (runtime rh s at load lh %, rl s at ll %): exponent
//   e = ln(rl/rh) / ln(lh/ll), full-load runtime N = rh * (lh/100)^e. The remaining full-load runtime
//   R starts at N * charge/100 and each poll moves by the seconds since the last one: on line up by
//   N * dt / chargetime (at most N), on battery down by the previous poll's effective load * dt
//   (at least 0), then down to N * voltage-charge if that is lower. battery.charge = 100 * R / N;
//   effective load = max((load/100)^e, idleload/100); battery.runtime = R / effective load.
//
// Pure arithmetic: the caller passes the time (seconds) and the readings, which keeps it testable.
#pragma once

#include "megatec_proto.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nutpp::serial::megatec {

struct BatterySettings {
    std::optional<double> voltage_low;      // battery.voltage.low (override. or default.)
    std::optional<double> voltage_high;     // battery.voltage.high
    std::optional<double> nominal_override; // override.battery.voltage.nominal: beats the 'F' reply
    std::optional<double> nominal_default;  // default.battery.voltage.nominal: when 'F' says nothing
    std::optional<double> packs;            // battery.packs (override. or default.)
    bool reports_one_pack = false;          // NUT flag battery_voltage_reports_one_pack
    std::optional<std::string> runtimecal;  // "rh,lh,rl,ll", as NUT's key
    long chargetime = 43200;                // seconds from empty to full (NUT default 12 h)
    double idleload = 0.1;                  // fraction (config key is a percentage; NUT default 10 %)
};

struct RuntimeCal {
    double exponent;     // load exponent e
    double full_load_s;  // N, runtime at 100 % load
};

// Parses and range-checks runtimecal like NUT; nullopt and `error` (NUT's wording) when unusable.
std::optional<RuntimeCal> parse_runtimecal(std::string_view text, std::string &error);
// Config checks of chargetime (seconds > 0) and idleload (percent, 0 < x <= 100); "" when fine.
std::string check_chargetime(double seconds);
std::string check_idleload(double percent);

// Battery packs from the nominal and the reported voltage (NUT's table, largest multiplier first);
// nullopt when no multiplier brings the reading within 80..125 % of the nominal.
std::optional<double> detect_packs(double nominal, double reported);

class BatteryEstimator {
public:
    explicit BatteryEstimator(BatterySettings s) : s_(std::move(s)) {}

    // After the first Q1 and 'F': nominal is the 'F' value (if any), voltage and load the Q1 ones.
    // Returns what to publish; throws nutpp::Error(NUTPP_E_CONFIG) when runtimecal is set but no
    // initial charge can be determined (NUT's "Initial battery charge undetermined").
    Values init(std::optional<double> rating_nominal, std::optional<double> voltage, int64_t now);
    // Each Q1: returns battery.voltage (when packs multiply it), battery.charge, battery.runtime.
    Values update(int64_t now, bool online, std::optional<double> voltage, std::optional<double> load);

    std::optional<double> packs() const { return packs_; }
    const std::vector<std::string> &notes() const { return notes_; } // NUT's log lines, for the log
    bool estimates_runtime() const { return cal_.has_value(); }

private:
    double published_voltage(double raw) const;
    std::optional<double> charge_from_voltage(double v) const;

    BatterySettings s_;
    std::optional<double> nominal_, low_, high_, packs_;
    std::optional<RuntimeCal> cal_;
    double remaining_s_ = 0;  // R
    double effective_load_ = 1; // NUT starts at 1 until the first load reading
    int64_t last_poll_ = 0;
    std::vector<std::string> notes_;
};

} // namespace nutpp::serial::megatec
