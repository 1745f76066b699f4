#include "monitor/decision.hpp"

namespace nutpp::monitor {

const char *why_text(Why w) {
    switch (w) {
    case Why::NotCritical: return "not critical";
    case Why::Fsd: return "forced shutdown (FSD) set";
    case Why::LowBattery: return "on battery with low battery";
    case Why::GaveUpOnPrimary: return "on battery with low battery; gave up waiting for the primary";
    case Why::DeadOnBattery: return "was on battery and communication lost past deadtime";
    }
    return "?";
}

Why critical(const SupplyView &s, const Rules &r) {
    if (!s.heard) return Why::NotCritical;
    if (s.status.fsd) return Why::Fsd;
    // NUT promotes a dead UPS last seen on battery to OB+LB; we keep the reason apart for logs.
    const bool dead = s.since_ok > r.deadtime;
    if (dead && s.status.ob) {
        // A secondary still gives the primary hostsync to set FSD, as for a live OB+LB.
        if (s.primary || s.since_noncrit > r.hostsync) return Why::DeadOnBattery;
        return Why::NotCritical;
    }
    if (!s.status.ob || !s.status.lb) return Why::NotCritical;
    if (s.status.cal) return Why::NotCritical; // calibration drains the battery on purpose
    if (s.primary) return s.oblb_for >= r.oblbduration ? Why::LowBattery : Why::NotCritical;
    // The primary should see it at the same time and set FSD; wait up to hostsync for that.
    return s.since_noncrit > r.hostsync ? Why::GaveUpOnPrimary : Why::NotCritical;
}

Decision decide(const std::vector<SupplyView> &supplies, int minsupplies, const Rules &r) {
    Decision d;
    for (const auto &s : supplies) {
        const Why w = critical(s, r);
        d.why.push_back(w);
        if (w == Why::NotCritical) d.power_ok += s.power;
    }
    d.shutdown = d.power_ok < minsupplies;
    return d;
}

} // namespace nutpp::monitor
