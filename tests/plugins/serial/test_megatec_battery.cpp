// The Megatec battery.charge / battery.runtime estimate against numbers worked out by hand from
// NUT nutdrv_qx's formulas (see megatec_battery.hpp), and against NUT's own dumps.
#include "e2e_support.hpp"
#include "megatec_battery.hpp"

#include <nutpp/driver.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <map>

using namespace nutpp::serial::megatec;
using nutpp::serial::testing::ddl_vars;

namespace {

std::map<std::string, std::string> as_map(const Values &v) { return {v.begin(), v.end()}; }

std::string at(const Values &v, const std::string &k) {
    const auto m = as_map(v);
    const auto it = m.find(k);
    return it == m.end() ? "<unset>" : it->second;
}

} // namespace

TEST(MegatecBattery, RuntimecalGivesNutsExponentAndFullLoadRuntime) {
    std::string error;
    // 240 s at 100 %, 720 s at 50 %: e = ln(720/240) / ln(100/50) = ln 3 / ln 2 = 1.5849625, N = 240.
    const auto c = parse_runtimecal("240,100,720,50", error);
    ASSERT_TRUE(c) << error;
    EXPECT_NEAR(c->exponent, 1.5849625, 1e-6);
    EXPECT_NEAR(c->full_load_s, 240.0, 1e-9);
    // 600 s at 80 %, 1500 s at 40 %: e = ln 2.5 / ln 2 = 1.3219281, N = 600 * 0.8^1.3219281 = 600 * 0.74455 = 446.728.
    const auto d = parse_runtimecal("600,80,1500,40", error);
    ASSERT_TRUE(d) << error;
    EXPECT_NEAR(d->exponent, 1.3219281, 1e-6);
    EXPECT_NEAR(d->full_load_s, 446.728, 1e-3);

    EXPECT_FALSE(parse_runtimecal("240,100,720", error));
    EXPECT_NE(error.find("Insufficient parameters"), std::string::npos) << error;
    EXPECT_FALSE(parse_runtimecal("720,100,240,50", error)); // runtime falls with less load
    EXPECT_NE(error.find("(runtime)"), std::string::npos) << error;
    EXPECT_FALSE(parse_runtimecal("240,120,720,50", error)); // load above 100 %
    EXPECT_NE(error.find("(load)"), std::string::npos) << error;
    EXPECT_FALSE(parse_runtimecal("240,50,720,100", error)); // second load above the first
    EXPECT_FALSE(parse_runtimecal("240,100,720,0", error));
    EXPECT_FALSE(parse_runtimecal("240,50,720,50", error)); // equal loads: no exponent
    EXPECT_FALSE(parse_runtimecal("a,b,c,d", error));
    EXPECT_NE(check_chargetime(0), "");
    EXPECT_EQ(check_chargetime(24000), "");
    EXPECT_NE(check_idleload(0), "");
    EXPECT_NE(check_idleload(101), "");
    EXPECT_EQ(check_idleload(10), "");
}

TEST(MegatecBattery, ChargeFromVoltageWithGuessedLimitsMatchesNutDumps) {
    // Units that report battery.voltage.nominal but no limits: NUT guessed low = 104/120, high =
    // 130/120 of the nominal and took the charge from the voltage. Same inputs, same outputs.
    int compared = 0;
    for (const char *dump : {"Aviem_Systems__Aviem_Pro_2000VA__blazer_usb__2.7.4__01.dev",
                             "Tuncmatik__DG1200VA__blazer_usb__2.6.4__01.dev",
                             "Fideltronik_INIGO__Viper_1200__nutdrv_qx__2.7.3.1__01.dev"}) {
        const auto vars = ddl_vars(dump);
        BatteryEstimator e({});
        const auto init = e.init(std::stod(vars.at("battery.voltage.nominal")), std::stod(vars.at("battery.voltage")), 0);
        EXPECT_EQ(at(init, "battery.voltage.low"), vars.at("battery.voltage.low")) << dump;
        EXPECT_EQ(at(init, "battery.voltage.high"), vars.at("battery.voltage.high")) << dump;
        EXPECT_EQ(at(init, "battery.charge"), vars.at("battery.charge")) << dump;
        ++compared;
    }
    EXPECT_EQ(compared, 3);

    // Hand-worked: nominal 23.5 -> low 20.3667, high 25.4583; 24.0 V -> 100 * 3.6333 / 5.0917 = 71.36 %.
    BatteryEstimator e({});
    const auto init = e.init(23.5, 24.0, 0);
    EXPECT_EQ(at(init, "battery.voltage.low"), "20.37");
    EXPECT_EQ(at(init, "battery.voltage.high"), "25.46");
    EXPECT_EQ(at(init, "battery.charge"), "71");
    EXPECT_FALSE(e.estimates_runtime());
    EXPECT_EQ(at(e.update(2, true, 22.0, 30), "battery.charge"), "32"); // 100 * 1.6333 / 5.0917 = 32.08
    EXPECT_EQ(at(e.update(4, false, 19.0, 30), "battery.charge"), "0");  // below low: clamped
    EXPECT_EQ(at(e.update(6, true, 27.0, 30), "battery.charge"), "100"); // above high: clamped
    EXPECT_EQ(at(e.update(6, true, 27.0, 30), "battery.runtime"), "<unset>"); // no runtimecal
}

TEST(MegatecBattery, GivenLimitsWinAndNominalOverrideBeatsTheRating) {
    BatterySettings s;
    s.voltage_low = 20;
    s.voltage_high = 29.2;
    BatteryEstimator e(s);
    const auto init = e.init(24.0, 27.1, 0); // 100 * 7.1 / 9.2 = 77.17
    EXPECT_EQ(at(init, "battery.voltage.low"), "<unset>"); // given: the host publishes them
    EXPECT_EQ(at(init, "battery.charge"), "77");

    BatterySettings o;
    o.nominal_override = 12;
    BatteryEstimator f(o);
    const auto init_f = f.init(24.0, 13.0, 0); // limits from 12 V: 10.40 / 13.00
    EXPECT_EQ(at(init_f, "battery.voltage.low"), "10.40");
    EXPECT_EQ(at(init_f, "battery.voltage.high"), "13.00");
    EXPECT_EQ(at(init_f, "battery.charge"), "100");

    BatterySettings d;
    d.nominal_default = 36; // used only because the UPS gives no rating
    BatteryEstimator g(d);
    EXPECT_EQ(at(g.init(std::nullopt, 35.0, 0), "battery.voltage.high"), "39.00");
}

TEST(MegatecBattery, PacksAreDetectedAndMultiplyOnlyWithReportsOnePack) {
    // NUT's table, largest first: 2.28 V against 24 V nominal -> 12 * 2.28 = 27.36 is within 19.2..30.
    EXPECT_EQ(detect_packs(24, 2.28), 12.0);
    EXPECT_EQ(detect_packs(24, 13.7), 2.0);  // 27.4
    EXPECT_EQ(detect_packs(12, 13.7), 1.0);
    EXPECT_EQ(detect_packs(24, 0.1), std::nullopt); // 0.5 * 0.1 far below: give up
    EXPECT_EQ(detect_packs(24, 2.28 * 240), std::nullopt);

    BatteryEstimator plain({});
    const auto init = plain.init(24.0, 2.28, 0);
    EXPECT_EQ(plain.packs(), 12.0);
    EXPECT_EQ(at(init, "battery.charge"), "0"); // nutdrv_qx megatec: the raw reading counts
    EXPECT_EQ(at(plain.update(1, true, 2.28, 0), "battery.voltage"), "<unset>");

    BatterySettings one;
    one.reports_one_pack = true;
    BatteryEstimator multiplied(one);
    multiplied.init(24.0, 2.28, 0);
    const auto u = multiplied.update(1, true, 2.28, 0);
    EXPECT_EQ(at(u, "battery.voltage"), "27.36");
    EXPECT_EQ(at(u, "battery.charge"), "100"); // 27.36 > 26.00

    BatterySettings given = one;
    given.packs = 6; // override.battery.packs: no detection, multiplied from the first reading
    BatteryEstimator six(given);
    const auto i6 = six.init(12.0, 2.2, 0);
    EXPECT_EQ(at(i6, "battery.voltage"), "13.20");
    EXPECT_EQ(at(i6, "battery.charge"), "100"); // 13.2 > 13.00
    EXPECT_EQ(at(six.update(1, true, 2.0, 0), "battery.charge"), "62"); // 12.0 V: 100 * 1.6 / 2.6 = 61.54
}

TEST(MegatecBattery, RuntimeFollowsChargingAndTheVoltageLikeThe2eDump) {
    // The 2E PS1000L dump's settings: runtimecal 8640,100,17280,50 (e = 1, N = 8640 s), chargetime
    // 24000, default.battery.voltage.low/high 20 / 29.2, load 14 %.
    BatterySettings s;
    s.voltage_low = 20;
    s.voltage_high = 29.2;
    s.runtimecal = "8640,100,17280,50";
    s.chargetime = 24000;
    BatteryEstimator e(s);
    // 27.0 V: 100 * 7 / 9.2 = 76.09 -> "76"; R = 8640 * 76 / 100 = 6566.4 s.
    EXPECT_EQ(at(e.init(24, 27.0, 1000), "battery.charge"), "76");
    // 30 s on line: R + 8640 * 30 / 24000 = 6577.2, above the voltage's 0.76087 * 8640 = 6573.91,
    // so R = 6573.91: charge 76, runtime 6573.91 / 0.14 = 46956.5.
    auto u = e.update(1030, true, 27.0, 14);
    EXPECT_EQ(at(u, "battery.charge"), "76");
    EXPECT_EQ(at(u, "battery.runtime"), "46957");
    // 27.1 V allows 6667.8; R = 6573.91 + 10.8 = 6584.71: runtime 47033.7 (the dump, a few seconds
    // of charging later, says 47039).
    u = e.update(1060, true, 27.1, 14);
    EXPECT_EQ(at(u, "battery.charge"), "76");
    EXPECT_EQ(at(u, "battery.runtime"), "47034");
    const auto dump = ddl_vars("2E__PS1000L__nutdrv_qx__2.8.1__01.dev");
    EXPECT_NEAR(std::stod(at(u, "battery.runtime")), std::stod(dump.at("battery.runtime")), 10);
    EXPECT_EQ(at(u, "battery.charge"), dump.at("battery.charge"));
}

TEST(MegatecBattery, OnBatteryTheRemainingRuntimeDrainsWithTheEffectiveLoad) {
    BatterySettings s;
    s.runtimecal = "240,100,720,50"; // e = 1.58496, N = 240 s; chargetime 43200, idleload 10 %
    BatteryEstimator e(s);
    const auto init = e.init(24, 27.0, 0); // limits 20.80 / 26.00: full, R = 240
    EXPECT_EQ(at(init, "battery.charge"), "100");
    // 10 s on battery at the starting effective load 1: R = 230 -> 95.8 %; the load 50 % gives
    // 0.5^1.58496 = 1/3, runtime 230 * 3 = 690.
    auto u = e.update(10, false, 26.0, 50);
    EXPECT_EQ(at(u, "battery.charge"), "96");
    EXPECT_EQ(at(u, "battery.runtime"), "690");
    u = e.update(20, false, 26.0, 50); // R = 230 - 10/3 = 226.67
    EXPECT_EQ(at(u, "battery.charge"), "94");
    EXPECT_EQ(at(u, "battery.runtime"), "680");
    // The voltage drops to 21.84 V: (21.84 - 20.8) / 5.2 = 0.2 of 240 = 48 s is below R: R = 48.
    u = e.update(30, false, 21.84, 50);
    EXPECT_EQ(at(u, "battery.charge"), "20");
    EXPECT_EQ(at(u, "battery.runtime"), "144");
    // Back on line 100 s: + 240 * 100 / 43200 = 0.56 s, but the voltage still says 48.
    u = e.update(130, true, 21.84, 50);
    EXPECT_EQ(at(u, "battery.charge"), "20");
    EXPECT_EQ(at(u, "battery.runtime"), "144");
    // Light load: 0.05^1.58496 = 0.0087 is below idleload, so 0.1: R = 48.056 -> runtime 480.6.
    u = e.update(140, true, 26.0, 5);
    EXPECT_EQ(at(u, "battery.runtime"), "481");
    u = e.update(150, false, 26.0, 5); // R = 48.056 - 0.1 * 10 = 47.056
    EXPECT_EQ(at(u, "battery.runtime"), "471");
    u = e.update(1000, false, 26.0, 5); // drained: never below 0
    EXPECT_EQ(at(u, "battery.charge"), "0");
    EXPECT_EQ(at(u, "battery.runtime"), "0");
}

TEST(MegatecBattery, IdleloadAndUndeterminedInitialCharge) {
    BatterySettings s;
    s.runtimecal = "240,100,720,50";
    s.idleload = 0.25;
    BatteryEstimator e(s);
    e.init(24, 27.0, 0);
    EXPECT_EQ(at(e.update(1, true, 27.0, 10), "battery.runtime"), "960"); // 0.1^1.585 = 0.026 -> 0.25: 240 / 0.25

    BatteryEstimator blind(s); // no nominal, no limits: nothing to start the estimate from
    EXPECT_THROW(blind.init(std::nullopt, 13.7, 0), nutpp::Error);

    BatterySettings bad = s; // given limits unusable (high below low): NUT's nominal .. 1.15 * nominal
    bad.voltage_low = 30;
    bad.voltage_high = 20;
    BatteryEstimator fallback(bad);
    EXPECT_EQ(at(fallback.init(24, 25.0, 0), "battery.charge"), "28"); // 100 * 1 / 3.6 = 27.8
}
