// upsmon with the push extension (core/monitor/push.hpp): against our upsd a status change reaches
// NOTIFYCMD through a push, with polling made too slow (30 s) to deliver it within the test; the
// fallback to plain polling against real NUT upsd is checked in interop_test.cpp.
#include "monitor_fixture.hpp"

#include <gtest/gtest.h>

#include <thread>

using namespace std::chrono_literals;
using namespace nutpp::testing;

TEST(MonitorPush, OurUpsmonLearnsOfChangesByPush) {
    const std::string dir = make_temp_dir("upsmon-push");
    const std::string dev = dir + "/flip.dev";
    write_file(dev, "ups.status: OL\nbattery.charge: 100\n");
    OurStack stack("  demo:\n    driver: sim\n    port: " + dev + "\n    pollinterval: 0.1\n",
                   "  mon: { password: pp, upsmon: secondary }\n");
    Recorder rec(dir);
    UpsmonOptions o{"push",
                    {"{ ups: demo@127.0.0.1:" + std::to_string(stack.port()) +
                     ", power: 1, user: mon, password: pp, role: secondary }"}};
    o.pollfreq = 30; // the first poll happens at start; the next one long after the waits below
    UpsmonProcess up(o, rec, dir + "/m");
    // Wait until the watch is up (after the first poll), then flip the .dev file.
    for (int i = 0; i < 100 && up.log().find("push watch active") == std::string::npos; ++i)
        std::this_thread::sleep_for(50ms);
    ASSERT_NE(up.log().find("push watch active"), std::string::npos) << up.log();
    write_file(dev, "ups.status: OB DISCHRG\nbattery.charge: 90\n");
    ASSERT_TRUE(rec.wait_event("push", "ONBATT", 15s)) << up.log() << stack.upsd().log();
    write_file(dev, "ups.status: OL CHRG\nbattery.charge: 91\n");
    ASSERT_TRUE(rec.wait_event("push", "ONLINE", 15s)) << up.log();
    const std::string log = up.log();
    EXPECT_NE(log.find("re-polling after a push (1 so far)"), std::string::npos) << log;
    EXPECT_NE(log.find("re-polling after a push (2 so far)"), std::string::npos) << log;
    up.process().stop();
    std::filesystem::remove_all(dir);
}
