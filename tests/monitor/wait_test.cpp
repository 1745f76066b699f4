// upsmon across a driver restart: upsd answers ups.status "WAIT" from its reconnect until the
// driver's dump is complete (NUT's placeholder). That is no news about the UPS: a short WAIT must
// not notify anything (it used to give OTHER [WAIT], then ONLINE + NOTOTHER while the UPS stayed on
// line); a WAIT lasting longer than deadtime counts as lost communication (COMMBAD, then COMMOK
// when data returns), like stale data. The driver is tests/clients' FakeDriver (ups.status OL),
// whose DUMPALL answer the test holds back to keep upsd in WAIT as long as it wants.
#include "fake_driver.hpp"
#include "monitor_fixture.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

using namespace std::chrono_literals;
using namespace nutpp::testing;

namespace {

class MonitorWait : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = make_temp_dir("upsmon-wait");
        std::filesystem::create_directories(dir_ + "/run");
        std::filesystem::create_directories(dir_ + "/upsd");
        driver_ = std::make_unique<FakeDriver>(dir_ + "/run/fake-demo");
        upsd_ = std::make_unique<YamlUpsd>(dir_ + "/upsd", "state_dir: " + dir_ +
                                                              "/run\nserver:\n  listen: [\"127.0.0.1:{PORT}\"]\n"
                                                              "users:\n  mon: { password: pp, upsmon: secondary }\n"
                                                              "devices:\n  demo:\n    driver: fake\n    port: none\n");
        ASSERT_TRUE(upsd_->wait_value("demo", "ups.status", 10s)) << upsd_->log();
    }
    void TearDown() override {
        upsd_.reset();
        driver_.reset();
        std::filesystem::remove_all(dir_);
    }
    UpsmonOptions options() const {
        UpsmonOptions o{"mon",
                        {"{ ups: demo@127.0.0.1:" + std::to_string(upsd_->port()) +
                         ", power: 1, user: mon, password: pp, role: secondary }"}};
        o.deadtime = 6;
        return o;
    }
    std::string status() {
        RawConn c(upsd_->port());
        return c.ask("GET VAR demo ups.status");
    }
    // Restarts the driver with its dump held back; returns once upsd answers WAIT.
    bool restart_driver_held() {
        driver_->hold_dumps();
        driver_->drop_connections();
        for (int i = 0; i < 200; ++i, std::this_thread::sleep_for(50ms))
            if (status() == "VAR demo ups.status \"WAIT\"") return true;
        return false;
    }
    static bool any_of_types(const std::vector<Record> &rs, std::initializer_list<const char *> ts) {
        return std::any_of(rs.begin(), rs.end(), [&](const Record &r) {
            return std::find(ts.begin(), ts.end(), r.type) != ts.end();
        });
    }
    static std::string dump(const std::vector<Record> &rs) {
        std::string s;
        for (const auto &r : rs) s += r.type + " " + r.msg + "\n";
        return s;
    }
    std::string dir_;
    std::unique_ptr<FakeDriver> driver_;
    std::unique_ptr<YamlUpsd> upsd_;
};

} // namespace

TEST_F(MonitorWait, DriverRestartOnLineNotifiesNothing) {
    Recorder rec(dir_);
    UpsmonProcess up(options(), rec, dir_ + "/m");
    for (int i = 0; i < 100 && up.log().find("push watch active") == std::string::npos; ++i)
        std::this_thread::sleep_for(50ms);
    ASSERT_NE(up.log().find("push watch active"), std::string::npos) << up.log();

    ASSERT_TRUE(restart_driver_held()) << upsd_->log();
    // pollfreq is 1 s: upsmon polls WAIT a few times, well within deadtime (6 s).
    for (int i = 0; i < 100 && up.log().find("WAIT") == std::string::npos; ++i) std::this_thread::sleep_for(50ms);
    std::this_thread::sleep_for(2s);
    EXPECT_NE(up.log().find("WAIT"), std::string::npos) << "upsmon never saw the WAIT:\n" << up.log();
    driver_->release_dumps();
    ASSERT_TRUE(upsd_->wait_value("demo", "ups.status", 10s));
    std::this_thread::sleep_for(2500ms); // a few more polls with OL back

    const auto ev = rec.events_of("mon");
    EXPECT_FALSE(any_of_types(ev, {"OTHER", "NOTOTHER", "ONLINE", "ONBATT"})) << dump(ev) << up.log();
}

// upsmon starts while the driver is still initialising (no driver-loss poll comes first here, so
// the COMMBAD can only come from the WAIT outlasting deadtime).
TEST_F(MonitorWait, WaitLongerThanDeadtimeIsLostCommunication) {
    ASSERT_TRUE(restart_driver_held()) << upsd_->log();
    Recorder rec(dir_);
    UpsmonOptions o = options();
    o.deadtime = 2;
    UpsmonProcess up(o, rec, dir_ + "/m");
    EXPECT_TRUE(rec.wait_event("mon", "COMMBAD", 15s)) << dump(rec.events_of("mon")) << up.log();
    EXPECT_NE(up.log().find("still WAIT"), std::string::npos) << up.log();
    driver_->release_dumps();
    EXPECT_TRUE(rec.wait_event("mon", "COMMOK", 15s)) << dump(rec.events_of("mon")) << up.log();
    std::this_thread::sleep_for(1500ms);
    const auto ev = rec.events_of("mon");
    EXPECT_FALSE(any_of_types(ev, {"OTHER", "NOTOTHER", "ONLINE", "ONBATT"})) << dump(ev) << up.log();
}
