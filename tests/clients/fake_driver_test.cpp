// ENUM / RANGE variables and tracked SUCCESS results, which dummy-ups cannot produce: a real NUT upsd
// serves tests/clients FakeDriver's data, and our clients must print exactly what NUT's print.
#include "compare.hpp"
#include "fake_driver.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <thread>

namespace t = nutpp::testing;
using namespace std::chrono_literals;

namespace {

class FakeDriverSideBySide : public ::testing::Test {
protected:
    void SetUp() override {
        if (!t::nut_clients_available()) GTEST_SKIP() << t::clients_skip_reason();
        t::NutSandboxOptions o;
        o.start_drivers = false; // the socket is ours
        nut_ = std::make_unique<t::NutSandbox>(o);
        driver_ = std::make_unique<t::FakeDriver>(nut_->driver_socket());
        // upsd retries its driver connections every couple of seconds.
        const auto deadline = std::chrono::steady_clock::now() + 20s;
        while (nut_->query("GET VAR dummy ups.status") != "VAR dummy ups.status \"OL\"") {
            ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "upsd never picked up the fake driver\n"
                                                                  << nut_->upsd_log();
            std::this_thread::sleep_for(200ms);
        }
    }
    void TearDown() override {
        nut_.reset(); // upsd first, so it does not log a vanished driver
        driver_.reset();
    }
    std::string spec() const { return "dummy@" + nut_->host_spec(); }
    std::unique_ptr<t::NutSandbox> nut_;
    std::unique_ptr<t::FakeDriver> driver_;
};

} // namespace

TEST_F(FakeDriverSideBySide, UpsrwListsEnumRangeStringNumber) {
    auto r = t::compare_clients(*nut_, "upsrw", {spec()});
    EXPECT_EQ(r.ours.exit_code, 0);
    const std::string &out = r.ours.out;
    EXPECT_NE(out.find("[input.transfer.high]\nHigh voltage transfer point (V)\nType: RANGE NUMBER\n"
                       "Option: \"130-150\" SELECTED\nOption: \"160-170\"\n\n"),
              std::string::npos) << out;
    EXPECT_NE(out.find("[ups.beeper.status]\nUPS beeper status\nType: ENUM STRING\nMaximum length: 10\n"
                       "Option: \"enabled\" SELECTED\nOption: \"disabled\"\nOption: \"muted\"\n\n"),
              std::string::npos) << out;
    EXPECT_NE(out.find("Type: ENUM NUMBER\nOption: \"10\"\nOption: \"20\" SELECTED\n\n"), std::string::npos);
    EXPECT_NE(out.find("[ups.id]\nUPS system identifier\nType: STRING\nMaximum length: 16\nValue: my ups\n\n"),
              std::string::npos);
    EXPECT_NE(out.find("[ups.range.string]\nDescription unavailable\nType: RANGE NUMBER\nOption: \"1-5\" SELECTED\n"),
              std::string::npos);
}

TEST_F(FakeDriverSideBySide, TrackedActionsReportSuccess) {
    auto r = t::compare_clients(*nut_, "upscmd", {"-u", "admin", "-p", "adminpass", "-w", spec(), "load.off"});
    EXPECT_EQ(r.ours.err, "SUCCESS\n");
    EXPECT_EQ(r.ours.exit_code, 0);
    r = t::compare_clients(*nut_, "upscmd", {"-uadmin", "-padminpass", "-wt5", spec(), "beeper.toggle", "x"});
    EXPECT_EQ(r.ours.err, "SUCCESS\n");
    r = t::compare_clients(*nut_, "upsrw", {"-s", "ups.id=abc", "-u", "admin", "-p", "adminpass", "-w", spec()});
    EXPECT_EQ(r.ours.err, "SUCCESS\n");
    r = t::compare_clients(*nut_, "upsrw", {"-s", "ups.beeper.status=loud", "-u", "admin", "-p", "adminpass", spec()});
    EXPECT_EQ(r.ours.err, "Unexpected response from upsd: ERR INVALID-VALUE\n"); // not one of the ENUM options
    EXPECT_EQ(r.ours.exit_code, 1);
    r = t::compare_clients(*nut_, "upscmd", {"-l", spec()});
    EXPECT_NE(r.ours.out.find("beeper.toggle - "), std::string::npos) << r.ours.out;
}
