// The usbhid plugin through the SDK's test host, on the emulated CyberPower of tests/plugins/usbhid
// (umockdev under the real libusb, in this process), and `upsdrvd --check` on the same emulated
// device (the child inherits the emulation). Runs under umockdev-wrapper; skips loudly without it.
#include "th_support.hpp"

#include "cyberpower_fixture.hpp"

using namespace th_test;
using namespace usbhid_test;

TEST(TestHostUsbhid, CyberPower) {
    REQUIRE_FAKE(fake, cyberpower_config());
    {
        Th th = load("usbhid", {{"port", "auto"}, {"vendorid", "0764"}});
        TH_START(th.get());
        nutpp_th *t = th.get();
        EXPECT_EQ(str(nutpp_th_get(t, "ups.model")), "CP1000AVRLCD") << report(t);
        EXPECT_EQ(str(nutpp_th_get(t, "battery.charge")), "100");
        EXPECT_TRUE(nutpp_th_has_status(t, "OL")) << report(t);
        EXPECT_TRUE(nutpp_th_data_ok(t));
        EXPECT_GT(nutpp_th_command_count(t), 0u);
        EXPECT_EQ(nutpp_th_poll(t, NUTPP_WAKE_TIMER), NUTPP_OK) << report(t);
        nutpp_th_destroy(t);
        EXPECT_EQ(nutpp_th_breach_count(t), 0u) << report(t);
    } // the plugin's library_deinit (libusb_exit) runs here, before the fake goes
}

TEST(TestHostUsbhid, UpsdrvdCheckPasses) {
    REQUIRE_FAKE(fake, cyberpower_config());
    const auto r = check("usbhid", {{"port", "auto"}, {"vendorid", "0764"}});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}
