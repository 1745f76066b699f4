// The NUTPP WATCH push extension (core/server/push.hpp) on our upsd with upsdrvd (sim on a .dev file
// that the test rewrites): the watcher gets OK + the current state, then one STATUS line per change;
// a plain NUT connection on the same server never sees an unsolicited byte.
#include "fake_driver.hpp"
#include "upsd_fixture.hpp"
#include "upsdrvd_fixture.hpp"
#include "wait_until.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

using namespace std::chrono_literals;
using namespace nutpp::testing;

namespace {

class Push : public ::testing::Test {
protected:
    void SetUp() override {
        dev_ = drivers_.dir().string() + "/flip.dev";
        write_file(dev_, "ups.status: OL\nbattery.charge: 100\n");
        const std::string devices = "  demo:\n    driver: sim\n    port: " + dev_ + "\n    pollinterval: 0.1\n";
        const std::string top = "server:\n  listen: [\"127.0.0.1:{PORT}\"]\n";
        drivers_.write_config(devices, "");
        drivers_.start();
        drivers_.dump("sim", "demo");
        const std::string dir = drivers_.dir().string() + "/upsd";
        std::filesystem::create_directories(dir);
        upsd_ = std::make_unique<YamlUpsd>(dir, "state_dir: " + drivers_.state_dir() + "\n" + top + "devices:\n" + devices);
        ASSERT_TRUE(upsd_->wait_value("demo", "ups.status", 10s)) << upsd_->log();
    }
    void flip(const std::string &status) {
        // A new mtime the sim plugin cannot miss, even within one clock tick of the last write.
        std::this_thread::sleep_for(20ms);
        write_file(dev_, "ups.status: " + status + "\nbattery.charge: 90\n");
    }
    UpsdrvdProcess drivers_;
    std::unique_ptr<YamlUpsd> upsd_;
    std::string dev_;
};

} // namespace

TEST_F(Push, WatchSendsCurrentStateThenChanges) {
    RawConn w(upsd_->port());
    ASSERT_TRUE(w.send("NUTPP WATCH demo\n"));
    EXPECT_EQ(w.read_lines(2), "OK\nSTATUS demo \"OL\"\n");
    flip("OB");
    EXPECT_EQ(w.read_lines(1, 10s), "STATUS demo \"OB\"\n") << upsd_->log();
    flip("OB LB");
    EXPECT_EQ(w.read_lines(1, 10s), "STATUS demo \"OB LB\"\n");
    // battery.charge changed too, but only ups.status changes are pushed.
    EXPECT_EQ(w.read_quiet(500ms), "");
}

TEST_F(Push, PlainNutConnectionNeverGetsUnsolicitedLines) {
    RawConn plain(upsd_->port());
    RawConn w(upsd_->port());
    ASSERT_TRUE(w.send("NUTPP WATCH demo\n"));
    EXPECT_EQ(w.read_lines(2), "OK\nSTATUS demo \"OL\"\n");
    EXPECT_EQ(plain.ask("GET VAR demo ups.status"), "VAR demo ups.status \"OL\"");
    flip("OB");
    EXPECT_EQ(w.read_lines(1, 10s), "STATUS demo \"OB\"\n");
    EXPECT_EQ(plain.read_quiet(500ms), "");
    EXPECT_EQ(plain.ask("GET VAR demo ups.status"), "VAR demo ups.status \"OB\"");
    EXPECT_EQ(plain.ask("GET NUMLOGINS demo"), "NUMLOGINS demo 0") << "the watcher does not log in";
}

TEST_F(Push, DriverLossIsPushed) {
    RawConn w(upsd_->port());
    ASSERT_TRUE(w.send("NUTPP WATCH demo\n"));
    EXPECT_EQ(w.read_lines(2), "OK\nSTATUS demo \"OL\"\n");
    drivers_.signal(SIGTERM);
    drivers_.wait_exit(10s);
    EXPECT_EQ(w.read_lines(1, 10s), "STATUS demo ERR DRIVER-NOT-CONNECTED\n");
}

TEST_F(Push, Errors) {
    RawConn c(upsd_->port());
    EXPECT_EQ(c.ask("NUTPP WATCH nosuch"), "ERR UNKNOWN-UPS");
    EXPECT_EQ(c.ask("NUTPP WATCH"), "ERR INVALID-ARGUMENT");
    EXPECT_EQ(c.ask("NUTPP"), "ERR INVALID-ARGUMENT");
    EXPECT_EQ(c.ask("NUTPP FROB demo"), "ERR UNKNOWN-COMMAND");
    // The session stays a normal NUT session.
    EXPECT_EQ(c.ask("GET VAR demo ups.status"), "VAR demo ups.status \"OL\"");
}

namespace {

// upsd with a short idle timeout and a small per-address limit, to see both rules apply to watchers.
class PushLimits : public ::testing::Test {
protected:
    void SetUp() override {
        const std::string devices = "  demo:\n    driver: sim\n    port: " + std::string(NUTPP_SIM_DATA_DIR) +
                                    "/cp1000avrlcd.dev\n";
        upsd_ = start_yaml_stack(drivers_,
                                 "server:\n  listen: [\"127.0.0.1:{PORT}\"]\n  idle_timeout: 2\n  maxconn: 50\n"
                                 "  maxconn_per_address: 4\n",
                                 devices);
    }
    UpsdrvdProcess drivers_;
    std::unique_ptr<YamlUpsd> upsd_;
};

} // namespace

// A watcher that never speaks is dropped at the idle timeout like any client (idle watchers used
// to hold their slots forever); one that sends NUTPP PING stays and still gets its pushes' answer.
TEST_F(PushLimits, SilentWatchersAreReapedPingingOnesStay) {
    RawConn silent(upsd_->port()), pinging(upsd_->port());
    ASSERT_TRUE(silent.send("NUTPP WATCH demo\n"));
    ASSERT_TRUE(pinging.send("NUTPP WATCH demo\n"));
    EXPECT_EQ(silent.read_lines(2), "OK\nSTATUS demo \"OL\"\n");
    EXPECT_EQ(pinging.read_lines(2), "OK\nSTATUS demo \"OL\"\n");
    for (int i = 0; i < 5; ++i) {
        std::this_thread::sleep_for(1s);
        EXPECT_EQ(pinging.ask("NUTPP PING"), "OK PONG") << "ping " << i;
    }
    EXPECT_TRUE(silent.closed_by_peer(3s)) << "a silent watcher was kept past the idle timeout";
    EXPECT_EQ(pinging.ask("GET VAR demo ups.status"), "VAR demo ups.status \"OL\"");
}

// One address may hold maxconn_per_address connections; the next is closed at once, while the
// ones it has keep working, and a slot freed is usable again.
TEST_F(PushLimits, OneAddressCannotTakeEverySlot) {
    std::vector<RawConn> held;
    for (int i = 0; i < 4; ++i) {
        held.emplace_back(upsd_->port());
        ASSERT_TRUE(held.back().send("NUTPP WATCH demo\n"));
        ASSERT_EQ(held.back().read_lines(2), "OK\nSTATUS demo \"OL\"\n") << "connection " << i;
    }
    RawConn refused(upsd_->port());
    refused.send("VER\n");
    EXPECT_TRUE(refused.closed_by_peer(3s));
    EXPECT_EQ(held[0].ask("GET VAR demo ups.status"), "VAR demo ups.status \"OL\"");
    held.pop_back();
    // The slot is free once upsd has seen the close; a slot never freed fails after 3 s.
    std::string answer;
    wait_until([&] { return (answer = RawConn(upsd_->port()).ask("GET VAR demo ups.status")) == "VAR demo ups.status \"OL\""; },
               3s, 100ms);
    EXPECT_EQ(answer, "VAR demo ups.status \"OL\"");
    std::this_thread::sleep_for(100ms);
    EXPECT_NE(upsd_->log().find("has 4 connections open"), std::string::npos) << upsd_->log();
}

// maxconn is the limit in all: with the per-address limit set to it, the connection after maxconn
// is refused (the 50 slots of PushLimits, 4 per address, cannot show that).
TEST(MaxconnInAll, TheConnectionAfterMaxconnIsRefused) {
    UpsdrvdProcess drivers;
    const std::string devices = "  demo:\n    driver: sim\n    port: " + std::string(NUTPP_SIM_DATA_DIR) +
                                "/cp1000avrlcd.dev\n";
    auto stack = start_yaml_stack(drivers, "server:\n  listen: [\"127.0.0.1:{PORT}\"]\n  maxconn: 3\n  maxconn_per_address: 3\n",
                                  devices);
    YamlUpsd &upsd = *stack;
    std::vector<std::unique_ptr<RawConn>> held;
    for (int i = 0; i < 3; ++i) {
        held.push_back(std::make_unique<RawConn>(upsd.port()));
        ASSERT_EQ(held.back()->ask("VER").rfind("Network UPS Tools upsd", 0), 0u) << "connection " << i;
    }
    RawConn extra(upsd.port());
    EXPECT_TRUE(extra.closed_by_peer());
    std::this_thread::sleep_for(100ms);
    EXPECT_NE(upsd.log().find("maxconn (3) reached"), std::string::npos) << upsd.log();
}

// After a driver restart upsd shows ups.status "WAIT" to GET (NUT does) until the driver's DUMPALL
// answer is complete; that placeholder must never be pushed, or every watcher re-polls into WAIT
// (upsmon then reported OTHER/NOTOTHER/ONLINE for a UPS that stayed on line).
TEST(PushReconnect, NoStatusPushBeforeTheDriverDumpIsDone) {
    char tmpl[] = "/tmp/nutpp-pushwait-XXXXXX";
    ASSERT_TRUE(mkdtemp(tmpl));
    const std::string dir = tmpl;
    std::filesystem::create_directories(dir + "/run");
    {
        FakeDriver driver(dir + "/run/fake-demo");
        YamlUpsd upsd(dir, "state_dir: " + dir + "/run\nserver:\n  listen: [\"127.0.0.1:{PORT}\"]\n"
                           "devices:\n  demo:\n    driver: fake\n    port: none\n");
        ASSERT_TRUE(upsd.wait_value("demo", "ups.status", 10s)) << upsd.log();
        RawConn w(upsd.port());
        ASSERT_TRUE(w.send("NUTPP WATCH demo\n"));
        EXPECT_EQ(w.read_lines(2), "OK\nSTATUS demo \"OL\"\n");

        driver.hold_dumps(); // the restarted driver is still initialising
        driver.drop_connections();
        EXPECT_EQ(w.read_lines(1, 10s), "STATUS demo ERR DRIVER-NOT-CONNECTED\n") << upsd.log();
        // upsd reconnects (once a second) and waits for the dump; GET answers WAIT meanwhile, as NUT's.
        std::string got;
        RawConn plain(upsd.port());
        for (int i = 0; i < 100 && got.find("WAIT") == std::string::npos; ++i) {
            std::this_thread::sleep_for(50ms);
            got = plain.ask("GET VAR demo ups.status");
        }
        EXPECT_EQ(got, "VAR demo ups.status \"WAIT\"") << upsd.log();
        EXPECT_EQ(w.read_quiet(500ms), "") << "nothing is pushed while the dump is pending";

        driver.release_dumps();
        EXPECT_EQ(w.read_lines(1, 10s), "STATUS demo \"OL\"\n") << upsd.log();
        EXPECT_EQ(w.read_quiet(300ms), "");
    }
    std::filesystem::remove_all(dir);
}
