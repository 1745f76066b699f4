#include "megatec_battery.hpp"

#include <nutpp/support/numbers.hpp>

#include <nutpp/driver.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace nutpp::serial::megatec {

using support::to_number;
using support::format_fixed;

namespace {

// Multipliers NUT tries, largest first: a freshly discharged battery soon reads at least its
// nominal voltage again, so overlapping ranges go to the larger multiplier.
constexpr double kPackMultipliers[] = {120, 100, 80, 60, 48, 36, 30, 24, 18, 12, 8, 6, 4, 3, 2, 1, 0.5};

std::string pct(double v) { return format_fixed(v, 0); } // NUT's "%.0f"

} // namespace

std::optional<RuntimeCal> parse_runtimecal(std::string_view text, std::string &error) {
    double v[4];
    size_t pos = 0;
    for (int i = 0; i < 4; ++i) {
        const size_t comma = i < 3 ? text.find(',', pos) : text.size();
        const auto n = comma == std::string_view::npos ? std::nullopt : to_number(text.substr(pos, comma - pos));
        if (!n) {
            error = "Insufficient parameters for runtimecal (want runtime,load,runtime,load, e.g. 240,100,720,50)";
            return std::nullopt;
        }
        v[i] = *n;
        pos = comma + 1;
    }
    const double rh = v[0], lh = v[1], rl = v[2], ll = v[3];
    if (rl < rh || rh <= 0) {
        error = "runtimecal: parameter out of range (runtime): the second runtime must not be below the first, "
                "and the first must be above 0";
        return std::nullopt;
    }
    if (lh > 100 || ll > lh || ll <= 0) {
        error = "runtimecal: parameter out of range (load): loads must be 0 < second <= first <= 100";
        return std::nullopt;
    }
    RuntimeCal c{};
    c.exponent = std::log(rl / rh) / std::log(lh / ll);
    c.full_load_s = rh * std::pow(lh / 100, c.exponent);
    // Equal loads give 0/0; NUT would carry the NaN along. A usable calibration needs two loads.
    if (!std::isfinite(c.exponent) || !std::isfinite(c.full_load_s) || !(c.full_load_s > 0) || c.exponent < 0) {
        error = "runtimecal: the two loads must differ";
        return std::nullopt;
    }
    return c;
}

std::string check_chargetime(double seconds) {
    // Bounded above so the seconds fit a long (a value like 1e300 or "inf" is a typo, not a battery).
    return std::isfinite(seconds) && seconds >= 1 && seconds <= 1e9 ? "" : "chargetime out of range [1..1e9] seconds";
}

std::string check_idleload(double percent) {
    return (percent > 0 && percent <= 100) ? "" : "idleload out of range (0..100] %";
}

std::optional<double> detect_packs(double nominal, double reported) {
    for (const double p : kPackMultipliers) {
        if (p * reported > 1.25 * nominal) continue;
        if (p * reported < 0.8 * nominal) return std::nullopt;
        return p;
    }
    return std::nullopt;
}

std::optional<double> BatteryEstimator::charge_from_voltage(double v) const {
    if (!low_ || !high_ || *low_ <= 0 || *high_ <= *low_) return std::nullopt;
    return std::clamp(100 * (v - *low_) / (*high_ - *low_), 0.0, 100.0);
}

double BatteryEstimator::published_voltage(double raw) const {
    return (s_.reports_one_pack && packs_ && *packs_ >= 2) ? raw * *packs_ : raw;
}

Values BatteryEstimator::init(std::optional<double> rating_nominal, std::optional<double> voltage, int64_t now) {
    Values out;
    nominal_ = s_.nominal_override ? s_.nominal_override : (rating_nominal ? rating_nominal : s_.nominal_default);
    low_ = s_.voltage_low;
    high_ = s_.voltage_high;
    if (nominal_ && (!low_ || !high_)) {
        low_ = 104 * *nominal_ / 120;
        high_ = 130 * *nominal_ / 120;
        out.emplace_back("battery.voltage.low", format_fixed(*low_, 2));
        out.emplace_back("battery.voltage.high", format_fixed(*high_, 2));
        notes_.push_back("no battery.voltage.low/high given: guessed " + format_fixed(*low_, 2) + " / " +
                         format_fixed(*high_, 2) + " V from the nominal " + format_fixed(*nominal_, 1) + " V");
    }

    // The first reading: multiplied here only when the number of packs was given.
    std::optional<double> v = voltage;
    packs_ = s_.packs;
    if (v && s_.reports_one_pack && packs_ && *packs_ > 1) {
        v = *v * *packs_;
        out.emplace_back("battery.voltage", format_fixed(*v, 2));
    }
    if (!packs_) {
        if (v && nominal_) packs_ = detect_packs(*nominal_, *v);
        notes_.push_back(packs_ ? "detected " + format_fixed(*packs_, 0) + " battery packs"
                                : "cannot detect the number of battery packs");
    }

    std::optional<double> charge = v ? charge_from_voltage(*v) : std::nullopt;
    if (charge) out.emplace_back("battery.charge", pct(*charge));

    if (!s_.runtimecal) {
        notes_.push_back("battery runtime will not be calculated (runtimecal not set)");
        return out;
    }
    std::string error;
    cal_ = parse_runtimecal(*s_.runtimecal, error);
    if (!cal_) throw Error(NUTPP_E_CONFIG, error);
    last_poll_ = now;
    if (!charge && nominal_ && v) {
        // No usable low/high: NUT falls back to nominal .. 1.15 * nominal for the starting charge.
        low_ = *nominal_;
        high_ = 1.15 * *nominal_;
        charge = charge_from_voltage(*v);
        if (charge) out.emplace_back("battery.charge", pct(*charge));
    }
    if (!charge)
        throw Error(NUTPP_E_CONFIG, "runtimecal is set but the initial battery charge is undetermined "
                                    "(no battery voltage, or no battery.voltage.nominal/low/high)");
    // NUT starts from the published (rounded) charge.
    remaining_s_ = cal_->full_load_s * std::strtod(pct(*charge).c_str(), nullptr) / 100;
    return out;
}

Values BatteryEstimator::update(int64_t now, bool online, std::optional<double> voltage, std::optional<double> load) {
    Values out;
    std::optional<double> v;
    if (voltage) {
        v = published_voltage(*voltage);
        if (*v != *voltage) out.emplace_back("battery.voltage", format_fixed(*v, 2));
    }
    if (!cal_) {
        if (v)
            if (const auto c = charge_from_voltage(*v)) out.emplace_back("battery.charge", pct(*c));
        return out;
    }
    const double full = cal_->full_load_s;
    const double dt = static_cast<double>(now - last_poll_);
    if (online)
        remaining_s_ = std::min(full, remaining_s_ + full * dt / static_cast<double>(s_.chargetime));
    else
        remaining_s_ = std::max(0.0, remaining_s_ - effective_load_ * dt);
    // An old battery runs down faster than the load says: believe the voltage when it is lower.
    if (v && *v > 0)
        if (const auto c = charge_from_voltage(*v))
            if (*c / 100 < remaining_s_ / full) remaining_s_ = *c / 100 * full;
    out.emplace_back("battery.charge", pct(100 * remaining_s_ / full));
    if (load) {
        effective_load_ = std::max(std::pow(*load / 100, cal_->exponent), s_.idleload);
        out.emplace_back("battery.runtime", pct(remaining_s_ / effective_load_));
    }
    last_poll_ = now;
    return out;
}

} // namespace nutpp::serial::megatec
