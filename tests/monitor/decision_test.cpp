// The shutdown decision over tables of scenarios: each row is one situation upsmon can be in.
#include <gtest/gtest.h>

#include "monitor/decision.hpp"

using namespace nutpp::monitor;

namespace {

// A supply row: role, power, status string (nullptr = never heard), ages in seconds.
struct Row {
    const char *name;
    bool primary;
    int power;
    const char *status;
    double since_ok;
    double since_noncrit;
    double oblb_for;
    Why expect;
};

SupplyView view(const Row &r) {
    SupplyView v;
    v.primary = r.primary;
    v.power = r.power;
    v.heard = r.status != nullptr;
    if (r.status) v.status = parse_status(r.status);
    v.since_ok = r.since_ok;
    v.since_noncrit = r.since_noncrit;
    v.oblb_for = r.oblb_for;
    return v;
}

const Rules kRules{/*deadtime*/ 15, /*hostsync*/ 15, /*oblbduration*/ 0};

} // namespace

TEST(Decision, CriticalTable) {
    const Row rows[] = {
        {"OL primary", true, 1, "OL", 0, 0, 0, Why::NotCritical},
        {"OL CHRG secondary", false, 1, "OL CHRG", 0, 0, 0, Why::NotCritical},
        {"OB alone", true, 1, "OB DISCHRG", 0, 0, 0, Why::NotCritical},
        {"LB alone (online)", true, 1, "OL LB", 0, 0, 0, Why::NotCritical},
        {"OB LB primary: at once", true, 1, "OB LB", 0, 0, 0, Why::LowBattery},
        {"OB LB lower case", true, 1, "ob lb", 0, 0, 0, Why::LowBattery},
        {"OB LB secondary: waits for the primary", false, 1, "OB LB", 0, 5, 5, Why::NotCritical},
        {"OB LB secondary: gives up after hostsync", false, 1, "OB LB", 0, 16, 16, Why::GaveUpOnPrimary},
        {"OB LB CAL: calibration is not critical", true, 1, "OB LB CAL", 0, 0, 0, Why::NotCritical},
        {"FSD primary", true, 1, "FSD OL", 0, 0, 0, Why::Fsd},
        {"FSD secondary: at once", false, 1, "FSD OB LB", 0, 0, 0, Why::Fsd},
        {"never heard from: assumed OK", true, 1, nullptr, 100, 100, 0, Why::NotCritical},
        {"comm lost while OL, past deadtime", true, 1, "OL", 100, 100, 0, Why::NotCritical},
        {"comm lost while OB, within deadtime", true, 1, "OB", 10, 0, 0, Why::NotCritical},
        {"comm lost while OB, past deadtime (primary)", true, 1, "OB", 16, 0, 0, Why::DeadOnBattery},
        {"comm lost while OB, past deadtime (secondary, hostsync left)", false, 1, "OB", 16, 1, 0,
         Why::NotCritical},
        {"comm lost while OB, past deadtime and hostsync (secondary)", false, 1, "OB", 40, 20, 0,
         Why::DeadOnBattery},
        {"comm lost before OB (last known OL) stays OK", false, 1, "OL", 400, 400, 0, Why::NotCritical},
        {"unknown words do not matter", true, 1, "WAIT", 0, 0, 0, Why::NotCritical},
        {"empty status", true, 1, "", 0, 0, 0, Why::NotCritical},
    };
    for (const auto &r : rows) EXPECT_EQ(critical(view(r), kRules), r.expect) << r.name;
}

TEST(Decision, OblbDurationDelaysPrimary) {
    const Rules slow{15, 15, 10};
    const Row rows[] = {
        {"OB LB for 3 s", true, 1, "OB LB", 0, 0, 3, Why::NotCritical},
        {"OB LB for 10 s", true, 1, "OB LB", 0, 0, 10, Why::LowBattery},
    };
    for (const auto &r : rows) EXPECT_EQ(critical(view(r), slow), r.expect) << r.name;
}

TEST(Decision, ShutdownTable) {
    struct Scenario {
        const char *name;
        int minsupplies;
        std::vector<Row> supplies;
        bool shutdown;
        int power_ok;
    };
    const Row ol{"ol", true, 1, "OL", 0, 0, 0, Why::NotCritical};
    const Row ob{"ob", true, 1, "OB", 0, 0, 0, Why::NotCritical};
    const Row oblb{"oblb", true, 1, "OB LB", 0, 0, 0, Why::LowBattery};
    const Row fsd{"fsd", false, 1, "FSD OL", 0, 0, 0, Why::Fsd};
    const Row dead_ob{"dead", true, 1, "OB", 60, 0, 0, Why::DeadOnBattery};
    Row monitor_only = oblb;
    monitor_only.power = 0;
    Row double_ol = ol;
    double_ol.power = 2;
    const Scenario scenarios[] = {
        {"single OL", 1, {ol}, false, 1},
        {"single OB (short outage)", 1, {ob}, false, 1},
        {"single OB LB", 1, {oblb}, true, 0},
        {"single FSD", 1, {fsd}, true, 0},
        {"single dead on battery", 1, {dead_ob}, true, 0},
        {"2 of 3 needed, one OB LB", 2, {ol, ol, oblb}, false, 2},
        {"2 of 3 needed, two OB LB", 2, {ol, oblb, oblb}, true, 1},
        {"2 of 3 needed, one FSD one dead", 2, {ol, fsd, dead_ob}, true, 1},
        {"redundant pair, one OB LB", 1, {ol, oblb}, false, 1},
        {"redundant pair, both OB LB", 1, {oblb, oblb}, true, 0},
        {"power value 2 covers minsupplies 2", 2, {double_ol, oblb}, false, 2},
        {"monitor-only UPS (power 0) critical", 1, {ol, monitor_only}, false, 1},
        {"minsupplies 0 never shuts down", 0, {oblb}, false, 0},
    };
    for (const auto &s : scenarios) {
        std::vector<SupplyView> views;
        for (const auto &r : s.supplies) views.push_back(view(r));
        const Decision d = decide(views, s.minsupplies, kRules);
        EXPECT_EQ(d.shutdown, s.shutdown) << s.name;
        EXPECT_EQ(d.power_ok, s.power_ok) << s.name;
        ASSERT_EQ(d.why.size(), s.supplies.size()) << s.name;
        for (size_t i = 0; i < s.supplies.size(); ++i) EXPECT_EQ(d.why[i], s.supplies[i].expect) << s.name << " #" << i;
    }
}
