// The usbhid plugin's write side end to end: SET and INSTCMD through upsdrvd's driver socket reach
// the emulated CyberPower 0764:0501 (umockdev) as HID SET_REPORTs with the right report ID and bytes.
// Report layout (the CP1500PFCLCD's descriptor, tests/testdata/hid): feature report 0x07 holds six
// bytes DesignCapacity, WarningCapacityLimit, Granularity1, Granularity2, RemainingCapacityLimit,
// FullChargeCapacity; 0x0c is AudibleAlarmControl (1 byte: 1 disabled, 2 enabled, 3 muted);
// 0x14 is Test (1 byte, 1 = quick test); 0x15 is DelayBeforeShutdown (16-bit little endian).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <thread>

#include "cyberpower_fixture.hpp"
#include "driver_socket/dump_client.hpp"
#include "upsdrvd_fixture.hpp"

using namespace std::chrono_literals;
using nutpp::testing::UpsdrvdProcess;
using namespace usbhid_test;
namespace driver_socket = nutpp::driver_socket;

namespace {


std::string request(const UpsdrvdProcess &p, const std::string &line) {
    const auto lines = driver_socket::exchange(p.socket("usbhid", "cp"), line, "TRACKING", 5s);
    return lines.empty() ? "<nothing>" : lines.back();
}

std::string hex(const std::vector<uint8_t> &v) {
    std::string s;
    char b[4];
    for (uint8_t x : v) std::snprintf(b, sizeof b, "%02x ", x), s += b;
    return s;
}

std::string all_hex(const std::vector<std::vector<uint8_t>> &reports) {
    std::string s;
    for (const auto &r : reports) s += "[" + hex(r) + "] ";
    return s;
}

// The SET_REPORTs with report ID `id` received since `from`.
std::vector<std::vector<uint8_t>> with_id(const FakeUsbUps &fake, uint8_t id, size_t from = 0) {
    std::vector<std::vector<uint8_t>> out;
    const auto all = fake.set_reports();
    for (size_t i = from; i < all.size(); ++i)
        if (!all[i].empty() && all[i][0] == id) out.push_back(all[i]);
    return out;
}

} // namespace

TEST(UsbHidActions, SetVariableReachesTheDeviceAsSetReport) {
    REQUIRE_FAKE(fake, cyberpower_config());
    const auto before = fake->feature_report(0x07);
    ASSERT_EQ(before.size(), 7u);
    UpsdrvdProcess p;
    p.write_config(cyberpower_device_yaml(1));
    p.start();
    ASSERT_EQ(wait_var(p, "battery.charge.low", "10", 15s), "10") << p.log();
    ASSERT_TRUE(fake->set_reports().empty()) << all_hex(fake->set_reports());

    EXPECT_EQ(request(p, "SET battery.charge.low \"15\" TRACKING t1"), "TRACKING t1 0") << p.log();
    const auto sent = with_id(*fake, 0x07);
    ASSERT_EQ(sent.size(), 1u) << all_hex(fake->set_reports());
    auto want = before;
    want[5] = 15; // RemainingCapacityLimit; the other fields are sent back as read
    EXPECT_EQ(hex(sent[0]), hex(want));
    EXPECT_EQ(fake->feature_report(0x07)[5], 15);
    EXPECT_EQ(wait_var(p, "battery.charge.low", "15", 5s), "15") << p.log();

    // Out of the descriptor's range (0..100): refused (2, INVALID-VALUE) before any USB traffic.
    const size_t n = fake->set_reports().size();
    EXPECT_EQ(request(p, "SET battery.charge.low \"500\" TRACKING t2"), "TRACKING t2 2") << p.log();
    EXPECT_EQ(fake->set_reports().size(), n) << all_hex(fake->set_reports());

    // ups.delay.shutdown lives in the driver (NUT's offdelay): no SET_REPORT until a command uses it.
    EXPECT_EQ(request(p, "SET ups.delay.shutdown \"60\" TRACKING t3"), "TRACKING t3 0") << p.log();
    EXPECT_EQ(fake->set_reports().size(), n) << all_hex(fake->set_reports());
    EXPECT_EQ(wait_var(p, "ups.delay.shutdown", "60", 5s), "60");
    EXPECT_EQ(request(p, "INSTCMD shutdown.return TRACKING t4"), "TRACKING t4 0") << p.log();
    // DelayBeforeStartup (0x16, ondelay: CyberPower's default 120 s) first, then DelayBeforeShutdown
    // (0x15, offdelay 60 s). This descriptor scales both by 60 s per logical unit (logical -1..32767
    // is physical -60..1966020 s): 120 s is logical 2, 60 s logical 1.
    const auto all = fake->set_reports();
    ASSERT_EQ(all.size(), n + 2) << all_hex(all);
    EXPECT_EQ(hex(all[n]), hex({0x16, 0x02, 0x00})) << all_hex(all);
    EXPECT_EQ(hex(all[n + 1]), hex({0x15, 0x01, 0x00})) << all_hex(all);
}

// ondelay 30 / offdelay 90 on a UPS that counts minutes: the device gets what NUT would send
// (libhid's physical_to_logical truncates: 30 s -> 0 min, 90 s -> 1 min), and the log says so.
TEST(UsbHidActions, CyberPowerDelaysReachTheDeviceInWholeMinutesAsNutSendsThem) {
    REQUIRE_FAKE(fake, cyberpower_config());
    UpsdrvdProcess p;
    p.write_config(cyberpower_device_yaml(1) + "    ondelay: 30\n    offdelay: 90\n");
    p.start();
    ASSERT_EQ(wait_var(p, "ups.delay.start", "30", 15s), "30") << p.log(); // shown as set, as NUT does
    EXPECT_EQ(p.dump("usbhid", "cp").vars.at("ups.delay.shutdown"), "90");
    EXPECT_TRUE(p.wait_log("ondelay=30: this UPS counts DelayBeforeStartup in steps of 60 s, so it gets 0 s", 5s))
        << p.log();
    EXPECT_TRUE(p.wait_log("offdelay=90: this UPS counts DelayBeforeShutdown in steps of 60 s, so it gets 60 s", 5s))
        << p.log();
    const size_t n = fake->set_reports().size();
    EXPECT_EQ(request(p, "INSTCMD shutdown.return TRACKING d1"), "TRACKING d1 0") << p.log();
    const auto all = fake->set_reports();
    ASSERT_EQ(all.size(), n + 2) << all_hex(all);
    EXPECT_EQ(hex(all[n]), hex({0x16, 0x00, 0x00})) << all_hex(all);     // 0 minutes, not rounded up to 1
    EXPECT_EQ(hex(all[n + 1]), hex({0x15, 0x01, 0x00})) << all_hex(all); // 1 minute
    // A whole number of minutes set at run time goes through unchanged and without a warning.
    EXPECT_EQ(request(p, "SET ups.delay.start \"180\" TRACKING d2"), "TRACKING d2 0") << p.log();
    EXPECT_EQ(request(p, "INSTCMD shutdown.stop TRACKING d3"), "TRACKING d3 0") << p.log();
    EXPECT_EQ(request(p, "INSTCMD shutdown.return TRACKING d4"), "TRACKING d4 0") << p.log();
    const auto later = fake->set_reports();
    ASSERT_GE(later.size(), 2u) << all_hex(later);
    EXPECT_EQ(hex(later[later.size() - 2]), hex({0x16, 0x03, 0x00})) << all_hex(later);
    EXPECT_EQ(p.log().find("ups.delay.start=180"), std::string::npos) << p.log();
}

TEST(UsbHidActions, InstantCommandsReachTheDeviceAsSetReport) {
    REQUIRE_FAKE(fake, cyberpower_config());
    UpsdrvdProcess p;
    p.write_config(cyberpower_device_yaml(1));
    p.start();
    ASSERT_EQ(wait_var(p, "ups.beeper.status", "enabled", 15s), "enabled") << p.log();

    EXPECT_EQ(request(p, "INSTCMD beeper.disable TRACKING c1"), "TRACKING c1 0") << p.log();
    auto sent = with_id(*fake, 0x0c);
    ASSERT_EQ(sent.size(), 1u) << all_hex(fake->set_reports());
    EXPECT_EQ(hex(sent[0]), hex({0x0c, 0x01}));
    EXPECT_EQ(wait_var(p, "ups.beeper.status", "disabled", 5s), "disabled") << p.log();

    EXPECT_EQ(request(p, "INSTCMD beeper.enable TRACKING c2"), "TRACKING c2 0") << p.log();
    sent = with_id(*fake, 0x0c);
    ASSERT_EQ(sent.size(), 2u) << all_hex(fake->set_reports());
    EXPECT_EQ(hex(sent[1]), hex({0x0c, 0x02}));

    EXPECT_EQ(request(p, "INSTCMD test.battery.start.quick TRACKING c3"), "TRACKING c3 0") << p.log();
    sent = with_id(*fake, 0x14);
    ASSERT_EQ(sent.size(), 1u) << all_hex(fake->set_reports());
    EXPECT_EQ(hex(sent[0]), hex({0x14, 0x01}));

    const size_t n = fake->set_reports().size();
    EXPECT_EQ(request(p, "INSTCMD no.such.command TRACKING c4"), "TRACKING c4 1") << p.log();
    EXPECT_EQ(fake->set_reports().size(), n);
}

namespace {

// Waits until the device's data_ok is `want`; returns what it last saw.
bool wait_data_ok(const UpsdrvdProcess &p, bool want, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    bool seen = !want;
    do {
        try {
            seen = p.dump("usbhid", "cp", 1s).data_ok;
            if (seen == want) break;
        } catch (const std::exception &) {
        }
        std::this_thread::sleep_for(20ms);
    } while (std::chrono::steady_clock::now() < deadline);
    return seen;
}

} // namespace

TEST(UsbHidActions, UnplugGoesStaleAndReplugRecoversWithoutRestart) {
    REQUIRE_FAKE(fake, cyberpower_config());
    UpsdrvdProcess p;
    p.write_config(cyberpower_device_yaml(1) + "    maxretry: 1\n    retrydelay: 0.2\n");
    p.start();
    ASSERT_EQ(wait_var(p, "ups.status", "OL", 15s), "OL") << p.log();
    ASSERT_TRUE(wait_data_ok(p, true, 5s)) << p.log();

    fake->unplug();
    EXPECT_FALSE(wait_data_ok(p, false, 10s)) << p.log();
    ASSERT_TRUE(p.running()) << p.log();
    // Gone from the bus: upsdrvd's reconnect attempts find nothing to open meanwhile.
    EXPECT_TRUE(p.wait_log("no USB UPS matches", 10s)) << p.log();

    fake->replug();
    EXPECT_TRUE(wait_data_ok(p, true, 15s)) << p.log();
    EXPECT_TRUE(p.running());
    // The same UPS again: its data flows (the interrupt pipe included).
    fake->send_input_report({0x0b, 0x04});
    EXPECT_EQ(wait_var(p, "ups.status", "OB DISCHRG", 5s), "OB DISCHRG") << p.log();
    EXPECT_EQ(p.dump("usbhid", "cp").vars.at("ups.serial"), "CRMLV2000234");
}

// upsdrvd -k (the last step of a power-failure shutdown) on the emulated CyberPower: no
// shutdown.default in usbhid, so NUT's chain starts with shutdown.return: both delays go out.
TEST(UsbHidActions, KillPowerSendsShutdownReturn) {
    REQUIRE_FAKE(fake, cyberpower_config());
    UpsdrvdProcess p;
    p.write_config(cyberpower_device_yaml(1));
    std::string out;
    EXPECT_EQ(UpsdrvdProcess::run_sync("-k -f " + p.config_path(), out), 0) << out;
    EXPECT_NE(out.find("device 'cp': UPS shutdown sent (shutdown.return)"), std::string::npos) << out;
    const auto all = fake->set_reports();
    ASSERT_GE(all.size(), 2u) << all_hex(all);
    EXPECT_EQ(hex(all[all.size() - 2]), hex({0x16, 0x02, 0x00})) << all_hex(all); // ondelay 120 s
    EXPECT_EQ(hex(all[all.size() - 1]), hex({0x15, 0x01, 0x00})) << all_hex(all); // offdelay 60 s
}
