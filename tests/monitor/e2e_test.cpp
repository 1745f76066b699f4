// End to end on loopback: sim UPS -> our upsdrvd -> our upsd -> one primary and two secondary
// upsmon processes, each with a recording shutdowncmd and NOTIFYCMD.
#include "monitor_fixture.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <thread>

using namespace std::chrono_literals;
using namespace nutpp::testing;

namespace {

const char *kUsers = "  monp: { password: pp, upsmon: primary }\n"
                     "  mons: { password: ss, upsmon: secondary }\n";

std::string seq_device(const std::string &name, const std::string &file) {
    return "  " + name + ":\n    driver: sim\n    port: " + file + "\n    mode: dummy-once\n    pollinterval: 0.2\n";
}

std::string mon(const std::string &ups, uint16_t port, bool primary, int power = 1) {
    return "{ ups: " + ups + "@127.0.0.1:" + std::to_string(port) + ", power: " + std::to_string(power) +
           (primary ? ", user: monp, password: pp, role: primary }" : ", user: mons, password: ss, role: secondary }");
}

class MonitorE2E : public ::testing::Test {
protected:
    void SetUp() override { dir_ = make_temp_dir("upsmon-e2e"); }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    std::string write_seq(const std::string &name, const std::string &text) {
        const std::string p = dir_ + "/" + name + ".seq";
        write_file(p, text);
        return p;
    }
    std::string dir_;
};

} // namespace

// OL -> short OB that recovers -> OB -> OB LB. Nobody shuts down during the short outage; at LB
// the primary sets FSD, both secondaries shut down, then the primary (within hostsync).
TEST_F(MonitorE2E, PrimaryAndTwoSecondaries) {
    const std::string seq = write_seq("fail", "ups.status: OL\nbattery.charge: 100\n"
                                              "TIMER 1.5\nups.status: OB DISCHRG\nbattery.charge: 80\n"
                                              "TIMER 2.5\nups.status: OL CHRG\n"
                                              "TIMER 3\nups.status: OB DISCHRG\nbattery.charge: 50\n"
                                              "TIMER 2\nups.status: OB DISCHRG LB\nbattery.charge: 5\n"
                                              "TIMER 600\n");
    OurStack stack(seq_device("demo", seq), kUsers);
    Recorder rec(dir_);
    const int hostsync = 8;
    UpsmonOptions p{"primary", {mon("demo", stack.port(), true)}, 1, hostsync, 1};
    UpsmonOptions s1{"sec1", {mon("demo", stack.port(), false)}, 1, hostsync, 0};
    UpsmonOptions s2 = s1;
    s2.who = "sec2";
    UpsmonProcess up(p, rec, dir_ + "/p"), us1(s1, rec, dir_ + "/s1"), us2(s2, rec, dir_ + "/s2");

    ASSERT_TRUE(rec.wait_shutdowns(3, 25s)) << up.log() << us1.log() << stack.upsd().log();
    expect_orderly_shutdown(rec, up, us1, us2, stack, hostsync, dir_ + "/s1");
}

// A secondary that never logs out: the primary waits hostsync, then goes on anyway.
TEST_F(MonitorE2E, PrimaryWaitsAtMostHostsync) {
    const std::string seq = write_seq("lb", "ups.status: OL\nTIMER 1\nups.status: OB LB\nTIMER 600\n");
    OurStack stack(seq_device("demo", seq), kUsers);
    RawConn stuck(stack.port());
    ASSERT_EQ(stuck.ask("USERNAME mons"), "OK");
    ASSERT_EQ(stuck.ask("PASSWORD ss"), "OK");
    ASSERT_EQ(stuck.ask("LOGIN demo"), "OK");
    Recorder rec(dir_);
    const int hostsync = 3;
    UpsmonProcess up(UpsmonOptions{"primary", {mon("demo", stack.port(), true)}, 1, hostsync, 0}, rec, dir_ + "/p");
    ASSERT_TRUE(rec.wait_shutdowns(1, 20s)) << up.log();
    const auto pe = rec.events_of("primary");
    const double waited = rec.shutdowns()[0].t - first_time(pe, "FSD");
    // Both stamps come from forked shells, which may start late under load; a primary that does not
    // wait at all shows about 0.
    EXPECT_GE(waited, hostsync - 1.5);
    EXPECT_LE(waited, hostsync + 1.5);
    EXPECT_GE(first_time(pe, "SHUTDOWN_HOSTSYNC"), 0) << up.log();
}

// Two UPSes feed this host (power 1 each, minsupplies 1): one reaching LB is no reason to stop.
TEST_F(MonitorE2E, RedundantSuppliesNobodyShutsDown) {
    const std::string lb = write_seq("lb", "ups.status: OL\nTIMER 1\nups.status: OB DISCHRG\nTIMER 1\nups.status: OB LB\nTIMER 600\n");
    const std::string ol = write_seq("ol", "ups.status: OL\n");
    OurStack stack(seq_device("a", lb) + seq_device("b", ol), kUsers);
    Recorder rec(dir_);
    UpsmonOptions p{"primary", {mon("a", stack.port(), true), mon("b", stack.port(), true)}, 1, 3, 0};
    UpsmonOptions s{"sec1", {mon("a", stack.port(), false), mon("b", stack.port(), false)}, 1, 3, 0};
    UpsmonProcess up(p, rec, dir_ + "/p"), us(s, rec, dir_ + "/s");
    ASSERT_TRUE(rec.wait_event("primary", "LOWBATT", 10s)) << up.log();
    ASSERT_TRUE(rec.wait_event("sec1", "LOWBATT", 5s)) << us.log();
    std::this_thread::sleep_for(6s); // > hostsync: the secondary's own give-up timer passes too
    EXPECT_TRUE(rec.shutdowns().empty());
    EXPECT_TRUE(up.process().running());
    EXPECT_TRUE(us.process().running());
    EXPECT_EQ(stack.query("GET VAR a ups.status").find("FSD"), std::string::npos);
    EXPECT_EQ(run_command({UPSMON_BIN, "-f", up.config(), "-K"}).exit_code, 1);
}

// `upsmon -c fsd` forces the shutdown path on a healthy UPS; NUMLOGINS/LIST CLIENT show the session.
TEST_F(MonitorE2E, ControlFsdAndLogins) {
    const std::string ol = write_seq("ol", "ups.status: OL\n");
    OurStack stack(seq_device("demo", ol), kUsers);
    Recorder rec(dir_);
    UpsmonProcess up(UpsmonOptions{"primary", {mon("demo", stack.port(), true)}, 1, 3, 0}, rec, dir_ + "/p");
    std::string n;
    for (int i = 0; i < 50 && n != "NUMLOGINS demo 1"; ++i, std::this_thread::sleep_for(100ms))
        n = stack.query("GET NUMLOGINS demo");
    EXPECT_EQ(n, "NUMLOGINS demo 1");
    std::this_thread::sleep_for(1500ms);
    EXPECT_TRUE(rec.shutdowns().empty());
    EXPECT_EQ(run_command({UPSMON_BIN, "-f", up.config(), "-c", "reload"}).exit_code, 0);
    EXPECT_EQ(run_command({UPSMON_BIN, "-f", up.config(), "-c", "fsd"}).exit_code, 0);
    ASSERT_TRUE(rec.wait_shutdowns(1, 10s)) << up.log();
    EXPECT_NE(stack.query("GET VAR demo ups.status").find("FSD"), std::string::npos);
    EXPECT_NE(up.log().find("configuration reloaded"), std::string::npos) << up.log();
}

// Started as root with run_as_user: the monitor runs unprivileged, the root parent runs shutdowncmd.
TEST_F(MonitorE2E, PrivilegeSeparation) {
    if (geteuid() != 0) GTEST_SKIP() << "SKIPPED: needs root to switch to run_as_user";
    if (run_command({"id", "nobody"}).exit_code != 0) GTEST_SKIP() << "SKIPPED: no user 'nobody'";
    // The unprivileged NOTIFYCMD writes events.log here. Sticky, as /tmp is: a directory others can
    // write without it would let them swap the config file, which upsmon refuses as root.
    chmod(dir_.c_str(), 01777);
    const std::string seq = write_seq("lb", "ups.status: OL\nTIMER 1\nups.status: OB LB\nTIMER 600\n");
    OurStack stack(seq_device("demo", seq), kUsers);
    Recorder rec(dir_);
    UpsmonOptions p{"primary", {mon("demo", stack.port(), true)}, 1, 3, 0};
    p.extra = "  run_as_user: nobody\n";
    UpsmonProcess up(p, rec, dir_ + "/p");
    ASSERT_TRUE(rec.wait_shutdowns(1, 15s)) << up.log();
    EXPECT_EQ(rec.shutdowns()[0].msg, "root") << "shutdowncmd runs in the privileged parent";
    EXPECT_TRUE(rec.wait_event("primary", "SHUTDOWN", 2s)) << "NOTIFYCMD runs in the unprivileged child";
    EXPECT_EQ(read_file(up.flag()).rfind("upsmon-shutdown-file", 0), 0u);
    for (int i = 0; i < 50 && up.process().running(); ++i) std::this_thread::sleep_for(100ms);
    EXPECT_FALSE(up.process().running()) << up.log();
}
