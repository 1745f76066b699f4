// upsmon through the faults of the layers below it (issue: isolation and fault tests): upsd
// restarting, upsdrvd restarting, and an isolated device whose worker crash-loops. None of them is
// news about the power: upsmon may say it lost and regained communication (COMMBAD, COMMOK), and
// must never say ONBATT nor shut the machine down.
#include "monitor_fixture.hpp"
#include "upsd_fixture.hpp"
#include "upsdrvd_fixture.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <signal.h>
#include <thread>

using namespace std::chrono_literals;
using namespace nutpp::testing;

namespace {

const std::string kTop = "server:\n  listen: [\"127.0.0.1:{PORT}\"]\n  maxage: 5\n"
                         "users:\n  mon: { password: pp, upsmon: primary }\n";

UpsmonOptions primary_of(const std::string &ups, uint16_t port) {
    UpsmonOptions o{"mon", {"{ ups: " + ups + "@127.0.0.1:" + std::to_string(port) +
                            ", power: 1, user: mon, password: pp, role: primary }"}};
    o.deadtime = 2;
    return o;
}

std::string dump(const std::vector<Record> &rs) {
    std::string s;
    for (const auto &r : rs) s += r.type + " " + r.msg + "\n";
    return s;
}

void expect_no_power_news(const Recorder &rec, UpsmonProcess &up) {
    const auto ev = rec.events_of("mon");
    for (const auto &r : ev)
        EXPECT_TRUE(r.type == "COMMBAD" || r.type == "COMMOK" || r.type == "NOCOMM")
            << "unexpected " << r.type << "\n" << dump(ev) << up.log();
    EXPECT_TRUE(rec.shutdowns().empty()) << dump(ev) << up.log();
}

} // namespace

// The device's plugin crashes at its 2nd poll in each of its first 3 workers, then works: about 8 s
// of (mostly) stale data. upsmon reports lost communication and its return; no shutdown.
TEST(MonitorFaults, WorkerCrashLoopIsLostCommunicationNotAShutdown) {
    UpsdrvdProcess drivers;
    const std::string devices = "  bad:\n    driver: " + std::string(NUTPP_FIXTURE_DIR) +
                                "/nutpp-segv_in_poll.so\n    port: none\n    pollinterval: 0.2\n    segv_on_poll: 2\n"
                                "    crash_file: " + drivers.dir().string() + "/crashes\n    crashes: 3\n";
    auto upsd = start_yaml_stack(drivers, kTop, devices, "");
    Recorder rec(drivers.dir().string());
    UpsmonProcess up(primary_of("bad", upsd->port()), rec, drivers.dir().string() + "/m");
    EXPECT_TRUE(rec.wait_event("mon", "COMMBAD", 20s)) << dump(rec.events_of("mon")) << up.log() << drivers.log();
    EXPECT_TRUE(rec.wait_event("mon", "COMMOK", 25s)) << dump(rec.events_of("mon")) << up.log() << drivers.log();
    EXPECT_NE(drivers.log().find("(2 times in a row)"), std::string::npos) << drivers.log(); // it did crash-loop
    std::this_thread::sleep_for(2s);
    expect_no_power_news(rec, up);
}

// upsd goes away for longer than deadtime and comes back on the same port; then upsdrvd restarts.
TEST(MonitorFaults, UpsdAndUpsdrvdRestartsAreNotAShutdown) {
    UpsdrvdProcess drivers;
    const std::string devices = "  demo:\n    driver: sim\n    port: " + std::string(NUTPP_SIM_DATA_DIR) +
                                "/cp1000avrlcd.dev\n    pollinterval: 0.5\n";
    auto upsd = start_yaml_stack(drivers, kTop, devices, "demo");
    Recorder rec(drivers.dir().string());
    UpsmonProcess up(primary_of("demo", upsd->port()), rec, drivers.dir().string() + "/m");
    for (int i = 0; i < 100 && up.log().find("push watch active") == std::string::npos; ++i) std::this_thread::sleep_for(50ms);

    upsd->process().stop();
    EXPECT_TRUE(rec.wait_event("mon", "COMMBAD", 15s)) << dump(rec.events_of("mon")) << up.log();
    upsd->process() = Daemon({UPSD_BIN, "-F", "-f", upsd->config()}, {}, drivers.dir().string() + "/upsd/upsd2.log");
    EXPECT_TRUE(rec.wait_event("mon", "COMMOK", 20s)) << dump(rec.events_of("mon")) << up.log();

    drivers.signal(SIGTERM);
    ASSERT_EQ(drivers.wait_exit(10s), 0) << drivers.log();
    drivers.start();
    EXPECT_TRUE(upsd->wait_value("demo", "ups.status", 15s));
    std::this_thread::sleep_for(4s); // upsmon polls every second: several polls across the restart
    expect_no_power_news(rec, up);
}
