// The NUTPP WATCH push extension (core/server/push.hpp) on our upsd with upsdrvd (sim on a .dev file
// that the test rewrites): the watcher gets OK + the current state, then one STATUS line per change;
// a plain NUT connection on the same server never sees an unsolicited byte.
#include "fake_driver.hpp"
#include "upsd_fixture.hpp"
#include "upsdrvd_fixture.hpp"

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
