// The serial plugin through the SDK's test host, talking to the simulated APC Smart-UPS of
// tests/plugins/serial on a real pty: detection, values, an instant command, an unplug, and
// `upsdrvd --check` against the same simulated unit.
#include "th_support.hpp"

#include "apc_ups.hpp"

using namespace th_test;
using nutpp::serial::testing::ApcUps;

namespace {
std::vector<std::pair<std::string, std::string>> apc_config(const std::string &port) {
    return {{"port", port}, {"reply_timeout", "0.3"}, {"apc_repeat_pause", "0.2"}, {"maxretry", "1"}};
}
} // namespace

TEST(TestHostSerial, ApcSmartUps) {
    ApcUps ups(testing::TempDir() + "/th_apc_port");
    Th th = load("serial", apc_config(ups.port()));
    TH_START(th.get());
    nutpp_th *t = th.get();
    EXPECT_TRUE(nutpp_th_log_contains(t, "APC Smart")) << report(t);
    EXPECT_TRUE(nutpp_th_has_status(t, "OL")) << report(t);
    EXPECT_NE(nutpp_th_get(t, "battery.charge"), nullptr) << report(t);
    EXPECT_NE(nutpp_th_get(t, "ups.model"), nullptr);
    ASSERT_TRUE(nutpp_th_has_command(t, "test.battery.start")) << report(t);
    EXPECT_EQ(nutpp_th_instcmd(t, "test.battery.start", nullptr), NUTPP_OK) << report(t);
    EXPECT_TRUE(ups.wait_received("W"));

    ups.set_power(ApcUps::Power::OnBattery);
    for (int i = 0; i < 10 && !nutpp_th_has_status(t, "OB"); ++i) {
        uint32_t reasons = 0;
        ASSERT_EQ(nutpp_th_run(t, 100, &reasons), NUTPP_OK) << report(t);
        if (!reasons) {
            ASSERT_EQ(nutpp_th_poll(t, NUTPP_WAKE_TIMER), NUTPP_OK) << report(t);
        }
    }
    EXPECT_TRUE(nutpp_th_has_status(t, "OB")) << report(t);

    // Unplugged: the poll fails, the host closes the device (maxretry 1) and the data is stale.
    ups.disconnect();
    nutpp_status st = NUTPP_OK;
    for (int i = 0; i < 5 && nutpp_th_is_open(t); ++i) st = nutpp_th_poll(t, NUTPP_WAKE_TIMER);
    EXPECT_NE(st, NUTPP_OK);
    EXPECT_FALSE(nutpp_th_is_open(t)) << report(t);
    EXPECT_FALSE(nutpp_th_data_ok(t));
    EXPECT_EQ(nutpp_th_watched_count(t), 0u);
    ups.reconnect();
    EXPECT_EQ(nutpp_th_open(t), NUTPP_OK) << report(t);
    EXPECT_EQ(nutpp_th_poll(t, NUTPP_WAKE_FIRST), NUTPP_OK) << report(t);
    EXPECT_TRUE(nutpp_th_data_ok(t));
    nutpp_th_destroy(t);
    EXPECT_EQ(nutpp_th_breach_count(t), 0u) << report(t);
}

TEST(TestHostSerial, UpsdrvdCheckPassesOnTheSimulatedApc) {
    ApcUps ups(testing::TempDir() + "/th_apc_check_port");
    const auto r = check("serial", apc_config(ups.port()));
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}
