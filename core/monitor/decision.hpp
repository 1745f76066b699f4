// upsmon's shutdown decision (NUT 2.8.0's is_ups_critical + recalc) as a pure function of what
// the monitor loop knows about each supply. The loop owns the clock and passes ages in seconds, so
// every scenario can be written down as a table row and tested without sockets or sleeps.
#pragma once

#include <string>
#include <vector>

#include "monitor/status.hpp"

namespace nutpp::monitor {

struct SupplyView {
    bool primary = false;  // our role for this UPS
    int power = 1;         // power value (supplies it feeds here)
    bool heard = false;    // ever got a status; a UPS never heard from is assumed OK
    StatusFlags status;    // last known status
    double since_ok = 0;       // seconds since the last successful poll
    double since_noncrit = 0;  // seconds since the loop last judged this supply non-critical
    double oblb_for = 0;       // seconds OB+LB has been seen uninterrupted (OBLBDURATION)
};

struct Rules {
    int deadtime = 15;
    int hostsync = 15;
    int oblbduration = 0;
};

enum class Why {
    NotCritical,
    Fsd,            // FSD set on the server (by a primary or `upsmon -c fsd`)
    LowBattery,     // OB + LB (primary at once; oblbduration respected)
    GaveUpOnPrimary,// secondary: OB + LB and the primary did not set FSD within hostsync
    DeadOnBattery,  // last known OB and no successful poll for more than deadtime
};
const char *why_text(Why w);

Why critical(const SupplyView &s, const Rules &r);

struct Decision {
    bool shutdown = false;
    int power_ok = 0;        // sum of power values of non-critical supplies
    std::vector<Why> why;    // one per supply, same order
};

// Shutdown when the power of the non-critical supplies falls below minsupplies.
Decision decide(const std::vector<SupplyView> &supplies, int minsupplies, const Rules &r);

} // namespace nutpp::monitor
