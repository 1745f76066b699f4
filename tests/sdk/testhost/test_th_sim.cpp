// The sim plugin through the SDK's test host: a NUT .dev file played once, every value and
// declaration as published, a SET through the host's checks, and `upsdrvd --check` on the same file.
#include "th_support.hpp"

#include <fstream>

using namespace th_test;

namespace {
const std::string kDev = std::string(NUTPP_SOURCE_DIR) + "/tests/support/data/cp1000avrlcd.dev";
}

TEST(TestHostSim, PublishesTheDevFileAsUpsdrvdWould) {
    Th th = load("sim", {{"port", kDev}});
    TH_START(th.get());
    nutpp_th *t = th.get();
    EXPECT_EQ(str(nutpp_th_get(t, "battery.charge")), "100") << report(t);
    EXPECT_EQ(str(nutpp_th_get(t, "ups.model")), "CP1000AVRLCD");
    EXPECT_EQ(str(nutpp_th_status(t)), "OL");
    EXPECT_TRUE(nutpp_th_has_status(t, "OL"));
    EXPECT_FALSE(nutpp_th_has_status(t, "OB"));
    // The host's own publishing: driver.* and the config as driver.parameter.*.
    EXPECT_EQ(str(nutpp_th_get(t, "driver.name")), "sim");
    EXPECT_EQ(str(nutpp_th_get(t, "driver.parameter.port")), kDev);
    // Declarations as the plugin made them (NUT's dummy-ups declares the dump's writable values).
    EXPECT_EQ(nutpp_th_declared_type(t, "ups.delay.shutdown"), NUTPP_TYPE_NUMBER);
    EXPECT_TRUE(nutpp_th_is_writable(t, "ups.delay.shutdown"));
    EXPECT_EQ(nutpp_th_declared_type(t, "no.such.var"), -1);
    EXPECT_TRUE(nutpp_th_has_command(t, "load.off"));
    EXPECT_TRUE(nutpp_th_data_ok(t));
    EXPECT_TRUE(nutpp_th_log_contains(t, "dummy-once"));
    EXPECT_EQ(nutpp_th_breach_count(t), 0u) << report(t);
}

TEST(TestHostSim, SetAndCommandsGoThroughTheHostChecks) {
    Th th = load("sim", {{"port", kDev}});
    TH_START(th.get());
    nutpp_th *t = th.get();
    EXPECT_EQ(nutpp_th_setvar(t, "ups.delay.shutdown", "60"), NUTPP_OK) << report(t);
    EXPECT_EQ(str(nutpp_th_get(t, "ups.delay.shutdown")), "60");
    // Not a variable, and not a command of this device: refused by the host, the plugin never sees them.
    EXPECT_EQ(nutpp_th_setvar(t, "no.such.variable", "x"), NUTPP_E_UNSUPPORTED);
    EXPECT_EQ(nutpp_th_instcmd(t, "beeper.off", nullptr), NUTPP_E_UNSUPPORTED);
    EXPECT_EQ(nutpp_th_breach_count(t), 0u) << report(t);
}

TEST(TestHostSim, ConfigIsValidatedByTheHost) {
    Th th = load("sim", {{"port", kDev}, {"mode", "sometimes"}});
    EXPECT_EQ(nutpp_th_create(th.get()), NUTPP_E_CONFIG);
    const std::string err = nutpp_th_error(th.get());
    EXPECT_NE(err.find("mode"), std::string::npos) << err;
    EXPECT_NE(err.find("dummy-once"), std::string::npos) << err; // the accepted values are listed
    EXPECT_EQ(nutpp_th_open(th.get()), NUTPP_E_STATE);
}

TEST(TestHostSim, FileChangesArriveAsPolls) {
    const std::string dev = testing::TempDir() + "/th_sim.dev";
    {
        std::ofstream(dev) << "ups.status: OL\nbattery.charge: 90\n";
    }
    Th th = load("sim", {{"port", dev}});
    TH_START(th.get());
    nutpp_th *t = th.get();
    EXPECT_EQ(str(nutpp_th_get(t, "battery.charge")), "90");
    {
        std::ofstream(dev) << "ups.status: OB LB\nbattery.charge: 5\n";
    }
    // Whatever the plugin uses to notice (a watched inotify fd or the timer), the host delivers it.
    for (int i = 0; i < 20 && str(nutpp_th_get(t, "battery.charge")) != "5"; ++i) {
        uint32_t reasons = 0;
        ASSERT_EQ(nutpp_th_run(t, 100, &reasons), NUTPP_OK) << report(t);
        if (!reasons) {
            ASSERT_EQ(nutpp_th_poll(t, NUTPP_WAKE_TIMER), NUTPP_OK) << report(t);
        }
    }
    EXPECT_EQ(str(nutpp_th_get(t, "battery.charge")), "5") << report(t);
    EXPECT_TRUE(nutpp_th_has_status(t, "LB"));
    nutpp_th_close(t);
    EXPECT_FALSE(nutpp_th_is_open(t));
    EXPECT_EQ(nutpp_th_watched_count(t), 0u);
    nutpp_th_destroy(t);
    EXPECT_EQ(nutpp_th_breach_count(t), 0u) << report(t);
}

TEST(TestHostSim, UpsdrvdCheckPasses) {
    const auto r = check("sim", {{"port", kDev}});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("PASS: no contract breach"), std::string::npos) << r.out;
}
