// nutpp scan -U on umockdev-emulated USB devices (the usbhid tests' FakeUsbUps): the entry printed
// for an emulated CyberPower is valid for the usbhid plugin and, through the plugin's own matcher,
// picks exactly that device; a device outside the vendor table is not reported.
#include "config/config.hpp"
#include "fake_usb_ups.hpp"
#include "process.hpp"
#include "testdata.hpp"
#include "usb_match.hpp"
#include "validate/validate.hpp"

#include <gtest/gtest.h>

#include <memory>

using nutpp::testing::run_command;

namespace {

FakeUsbUps::Config cyberpower() {
    FakeUsbUps::Config c;
    c.vendor_id = 0x0764;
    c.product_id = 0x0501;
    c.strings = {{1, "CP1000AVRLCD"}, {2, "CRMLV2000234"}, {3, "CPS"}, {4, "PbAcid"}, {5, "CR01505B4"}};
    c.report_descriptor = usbhid_test::load_descriptor("cps_cp1500pfclcd_0764-0501");
    return c;
}

std::unique_ptr<FakeUsbUps> make_fake(FakeUsbUps::Config c, std::string &why) {
    try {
        return std::make_unique<FakeUsbUps>(std::move(c));
    } catch (const std::exception &e) {
        why = e.what();
        return nullptr;
    }
}

} // namespace

TEST(ScanUsb, EmulatedCyberPowerGivesAWorkingEntry) {
    std::string why;
    auto fake = make_fake(cyberpower(), why);
    if (!fake) GTEST_SKIP() << "SKIPPED: umockdev emulation unavailable (run under umockdev-wrapper): " << why;
    const auto r = run_command({NUTPP_BIN, "scan", "-U", "-q"});
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    EXPECT_NE(r.out.find("1 USB UPS(es)"), std::string::npos) << r.out;
    const auto cfg = nutpp::config::load_string(r.out, "scan.yaml");
    ASSERT_EQ(cfg.devices.size(), 1u) << r.out;
    const auto &d = cfg.devices[0];
    EXPECT_EQ(d.name, "cyberpower") << r.out;
    EXPECT_EQ(d.driver, "usbhid");
    EXPECT_EQ(d.port, "auto");
    EXPECT_EQ(d.desc, "CPS CP1000AVRLCD");
    // The plugin accepts every key...
    EXPECT_NO_THROW(nutpp::config::check_driver_keys(d, "usbhid", nutpp::validate::probe_plugin("usbhid", "").keys));
    // ...and its matcher, fed these keys, picks this device and not its twin with another serial.
    nutpp::usbhid::UsbMatcher m;
    for (const char *k : {"vendorid", "productid", "serial", "bus", "busport"})
        if (const auto *s = d.find(k)) m.add(k, s->value);
    ASSERT_NE(d.find("serial"), nullptr) << "the serial number tells identical UPSes apart\n" << r.out;
    nutpp::usbhid::UsbDeviceInfo info;
    info.vendor_id = 0x0764;
    info.product_id = 0x0501;
    info.vendor = "CPS";
    info.product = "CP1000AVRLCD";
    info.serial = "CRMLV2000234";
    EXPECT_TRUE(m.matches(info)) << m.describe();
    info.serial = "CRMLV2000235";
    EXPECT_FALSE(m.matches(info)) << m.describe();
}

TEST(ScanUsb, DeviceOutsideTheVendorTableIsNotReported) {
    std::string why;
    auto c = cyberpower();
    c.vendor_id = 0x1d6b; // Linux Foundation: a hub, never a UPS
    auto fake = make_fake(c, why);
    if (!fake) GTEST_SKIP() << "SKIPPED: umockdev emulation unavailable (run under umockdev-wrapper): " << why;
    const auto r = run_command({NUTPP_BIN, "scan", "-U", "-q"});
    EXPECT_EQ(r.exit_code, 1) << r.err << r.out;
    EXPECT_NE(r.out.find("0 USB UPS(es)"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("devices:"), std::string::npos) << r.out;
}
