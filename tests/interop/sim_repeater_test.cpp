// The sim plugin's repeater mode (dummy-ups' `port = ups@host:port`) mirroring a real NUT 2.8.0
// upsd: our upsdrvd shows the remote UPS's variables, follows its changes, forwards SET VAR to it,
// and goes stale when the remote driver goes away.
#include "nut_sandbox.hpp"
#include "upsdrvd_fixture.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

using namespace std::chrono_literals;
using nutpp::testing::NutSandbox;
using nutpp::testing::UpsdrvdProcess;

namespace {

// Dumps until `pred` holds or the timeout passes; returns the last state.
template <class Pred>
nutpp::driver_socket::DriverState wait_state(const UpsdrvdProcess &p, Pred pred, std::chrono::milliseconds timeout = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    auto st = p.dump("sim", "mirror");
    while (!pred(st) && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(100ms);
        st = p.dump("sim", "mirror");
    }
    return st;
}

} // namespace

TEST(SimRepeater, MirrorsARealNutUpsd) {
    if (!NutSandbox::available()) GTEST_SKIP() << "SKIPPED: " << NutSandbox::skip_reason();
    NutSandbox nut;
    UpsdrvdProcess p;
    p.write_config("  mirror:\n    driver: sim\n    port: " + nut.spec() + "\n    pollinterval: 0.5\n" +
                   "    username: " + nutpp::testing::kAdminUser + "\n    password: " +
                   nutpp::testing::kAdminPass + "\n");
    p.start();
    auto st = wait_state(p, [](const auto &s) { return s.data_ok && s.vars.count("device.model"); });
    ASSERT_TRUE(st.data_ok) << p.log();
    EXPECT_EQ(st.vars.at("device.model"), "CP1000AVRLCD");
    EXPECT_EQ(st.vars.at("ups.status"), "OL");
    EXPECT_EQ(st.vars.at("battery.charge"), "100");
    EXPECT_EQ(st.vars.at("driver.name"), "sim"); // our own driver.* variables, not the remote's

    // SET through our driver socket reaches the remote upsd (dummy-ups applies it there).
    auto lines = nutpp::driver_socket::exchange(p.socket("sim", "mirror"), "SET ups.delay.shutdown \"77\" TRACKING rep-1",
                                                "TRACKING", 10s);
    EXPECT_EQ(lines.back(), "TRACKING rep-1 0") << p.log();
    // upsd answers SET VAR once it has passed the request on; dummy-ups applies it a moment later.
    std::string remote;
    for (const auto deadline = std::chrono::steady_clock::now() + 5s; std::chrono::steady_clock::now() < deadline;
         std::this_thread::sleep_for(50ms))
        if ((remote = nut.query("GET VAR dummy ups.delay.shutdown")) == "VAR dummy ups.delay.shutdown \"77\"") break;
    EXPECT_EQ(remote, "VAR dummy ups.delay.shutdown \"77\"");
    st = wait_state(p, [](const auto &s) { return s.vars.count("ups.delay.shutdown") && s.vars.at("ups.delay.shutdown") == "77"; });
    EXPECT_EQ(st.vars.at("ups.delay.shutdown"), "77");

    // The remote driver vanishes: the remote upsd says DRIVER-NOT-CONNECTED, we go stale.
    nut.stop_driver();
    st = wait_state(p, [](const auto &s) { return !s.data_ok; });
    EXPECT_FALSE(st.data_ok) << p.log();
    nut.start_driver();
    st = wait_state(p, [](const auto &s) { return s.data_ok; }, 20s);
    EXPECT_TRUE(st.data_ok) << p.log();
}
