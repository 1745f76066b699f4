// The mapping tables applied to real devices: NUT variables, ups.status and commands.
#include <gtest/gtest.h>

#include <map>

#include "ups_model.hpp"
#include "testdata.hpp"

using namespace nutpp::usbhid;
using namespace usbhid_test;

namespace {

UpsModel loaded(const char *file, uint16_t vid, std::string usb_product = {}) {
    UpsModel m(parse_descriptor(load_descriptor(file)), find_vendor(vid), 0, std::move(usb_product));
    for (const auto &row : load_reports(file)) m.apply(row.type, row.bytes);
    return m;
}

std::map<std::string, std::string> texts(const UpsModel &m, const StringLookup &strings = [](int i) {
    return "string" + std::to_string(i);
}) {
    std::map<std::string, std::string> out;
    for (const auto &v : m.nut_values(strings)) {
        if (v.text) out[v.name] = *v.text;
        else {
            char b[64];
            std::snprintf(b, sizeof b, "%.*f", v.decimals, v.number);
            out[v.name] = b;
        }
    }
    return out;
}

} // namespace

TEST(Mapping, CyberPowerVariablesInNutUnits) {
    const auto m = loaded("cps_cp1500pfclcd_0764-0501", 0x0764);
    const auto v = texts(m);
    EXPECT_EQ(v.at("battery.charge"), "100");
    EXPECT_EQ(v.at("battery.runtime"), "9180");
    EXPECT_EQ(v.at("battery.runtime.low"), "300");
    EXPECT_EQ(v.at("battery.charge.low"), "10");
    EXPECT_EQ(v.at("battery.charge.warning"), "20");
    EXPECT_EQ(v.at("battery.voltage"), "24.0");
    EXPECT_EQ(v.at("battery.voltage.nominal"), "24");
    EXPECT_EQ(v.at("battery.type"), "string4");      // iDeviceChemistry index 4
    EXPECT_EQ(v.at("battery.mfr.date"), "string3");  // CyberPower quirk row: iOEMInformation
    EXPECT_EQ(v.at("ups.timer.shutdown"), "-60");
    EXPECT_EQ(m.status_tokens(), (std::vector<std::string>{"OL"}));
}

TEST(Mapping, InputReportClearingAcPresentGivesOnBatteryDischarging) {
    auto m = loaded("cps_cp1500pfclcd_0764-0501", 0x0764);
    // Report 0x0b: bit0 ACPresent, bit1 Charging, bit2 Discharging
    ASSERT_TRUE(m.apply(ReportType::Input, std::vector<uint8_t>{0x0b, 0x04}));
    EXPECT_EQ(m.status_tokens(), (std::vector<std::string>{"OB", "DISCHRG"}));
    ASSERT_TRUE(m.apply(ReportType::Input, std::vector<uint8_t>{0x0b, 0x0c})); // + BelowRemainingCapacityLimit
    EXPECT_EQ(m.status_tokens(), (std::vector<std::string>{"OB", "DISCHRG", "LB"}));
}

TEST(Mapping, CyberPowerBatteryVoltageScaleQuirk) {
    auto m = loaded("cps_cp1500pfclcd_0764-0501", 0x0764);
    ASSERT_TRUE(m.apply(ReportType::Feature, std::vector<uint8_t>{0x0a, 0xff})); // 25.5 V read...
    ASSERT_TRUE(m.apply(ReportType::Feature, std::vector<uint8_t>{0x09, 0x78})); // ...on a 12 V nominal
    EXPECT_EQ(texts(m).at("battery.voltage"), "17.0");                          // 25.5 * 2/3
    UpsModel generic(parse_descriptor(load_descriptor("cps_cp1500pfclcd_0764-0501")), nullptr);
    generic.apply(ReportType::Feature, std::vector<uint8_t>{0x0a, 0xff});
    generic.apply(ReportType::Feature, std::vector<uint8_t>{0x09, 0x78});
    EXPECT_EQ(texts(generic).at("battery.voltage"), "25.5");
}

TEST(Mapping, ApcOnLineDischargingFlagIsDropped) {
    const auto m = loaded("apc_back-ups_bk650m2-ch_051d-0002", 0x051d);
    const auto tokens = m.status_tokens();
    EXPECT_NE(std::find(tokens.begin(), tokens.end(), "OL"), tokens.end());
    EXPECT_EQ(std::find(tokens.begin(), tokens.end(), "DISCHRG"), tokens.end());
}

TEST(Mapping, EatonVendorRowsAndGenericRows) {
    const auto v = texts(loaded("eaton_3s700_0463-ffff", 0x0463));
    EXPECT_EQ(v.at("ups.power.nominal"), "700");
    EXPECT_EQ(v.at("output.voltage.nominal"), "230");
    EXPECT_EQ(v.at("battery.charge.low"), "20");
    EXPECT_EQ(v.at("ups.beeper.status"), "disabled");
}

// apc-hid.c's vendor usages on the Back-UPS: APCSensitivity (ff860061) and APCDelayBeforeReboot
// (ff86007c in the APCGeneralCollection ff860005).
TEST(Mapping, ApcSensitivityAndRebootTimerFromVendorUsages) {
    auto m = loaded("apc_back-ups_bk650m2-ch_051d-0002", 0x051d);
    auto v = texts(m);
    EXPECT_EQ(v.at("input.sensitivity"), "low");
    EXPECT_EQ(v.at("ups.timer.reboot"), "0");
    const Binding *sens = m.variable("input.sensitivity");
    ASSERT_NE(sens, nullptr);
    EXPECT_TRUE(sens->row->writable);
    EXPECT_STREQ(m.path(*sens->field).c_str(), "UPS.Input.APCSensitivity");
    EXPECT_FALSE(m.parse_setting(*sens, "loud").has_value());
    const auto high = m.parse_setting(*sens, "high");
    ASSERT_TRUE(high.has_value());
    EXPECT_EQ(*high, 2);
    const auto buf = m.set_report_buffer(*sens->field, *high);
    ASSERT_TRUE(buf.has_value());
    m.apply(ReportType::Feature, *buf); // what the UPS reports after the SET_REPORT
    EXPECT_EQ(texts(m).at("input.sensitivity"), "high");

    // NUT shows ups.delay.shutdown/start only where a command writes them: the BK650M2 has no
    // DelayBeforeStartup, the CS 500 neither delay.
    EXPECT_TRUE(m.uses_delay(CommandValue::OffDelay));
    EXPECT_FALSE(m.uses_delay(CommandValue::OnDelay));
    EXPECT_FALSE(loaded("apc_back-ups_cs500_051d-0002", 0x051d).uses_delay(CommandValue::OffDelay));
    EXPECT_TRUE(loaded("cps_cp1500pfclcd_0764-0501", 0x0764).uses_delay(CommandValue::OnDelay));

    const auto cs = texts(loaded("apc_back-ups_cs500_051d-0002", 0x051d));
    EXPECT_EQ(cs.at("ups.timer.reboot"), "0");
    EXPECT_EQ(cs.count("input.sensitivity"), 0u); // the CS 500 has no APCSensitivity
}

// mge-hid.c on the Eaton 3S: model name from iProduct + iModel (else the VA rating), the outlet
// collection, ups.type, and the realpower estimate from load and nominal power.
TEST(Mapping, EatonModelNameOutletsTypeAndRealpower) {
    const auto m = loaded("eaton_3s700_0463-ffff", 0x0463, "Eaton 3S");
    // The unit's iModel (string 11) is not among its strings: NUT falls back to ConfigApparentPower.
    const auto v = texts(m, [](int) { return std::string(); });
    EXPECT_EQ(v.at("ups.model"), "Eaton 3S 700");
    EXPECT_EQ(v.at("outlet.id"), "0");
    EXPECT_EQ(v.at("outlet.desc"), "Main Outlet");
    EXPECT_EQ(v.at("outlet.switchable"), "yes");
    EXPECT_EQ(v.at("outlet.1.id"), "1");
    EXPECT_EQ(v.at("outlet.1.desc"), "PowerShare Outlet 1");
    EXPECT_EQ(v.at("outlet.1.switchable"), "no");
    EXPECT_EQ(v.at("outlet.1.status"), "on");
    EXPECT_EQ(v.count("outlet.2.id"), 0u); // no third outlet on the 3S
    EXPECT_EQ(v.at("ups.type"), "offline / line interactive");
    // round(load 8 % x 700 VA x 0.8)
    EXPECT_EQ(v.at("ups.load"), "8");
    EXPECT_EQ(v.at("ups.realpower"), "45");
    // With an iModel string the pair goes through mge-hid.c's rename table, else "iProduct iModel".
    EXPECT_EQ(texts(loaded("eaton_3s700_0463-ffff", 0x0463, "ELLIPSE"), [](int) { return "650"; }).at("ups.model"),
              "ellipse 650");
    EXPECT_EQ(texts(m, [](int i) { return i == 11 ? "3S 700" : ""; }).at("ups.model"), "Eaton 3S 3S 700");
}

TEST(Mapping, CommandsAndWritableVariablesOfTheCyberPower) {
    const auto m = loaded("cps_cp1500pfclcd_0764-0501", 0x0764);
    const auto cmds = m.commands();
    for (const char *c : {"beeper.enable", "beeper.disable", "beeper.mute", "test.battery.start.quick",
                          "test.battery.start.deep", "test.battery.stop", "load.off.delay", "shutdown.return",
                          "shutdown.stayoff", "shutdown.stop"})
        EXPECT_NE(std::find(cmds.begin(), cmds.end(), c), cmds.end()) << c;
    const auto steps = m.command_steps("shutdown.return");
    ASSERT_EQ(steps.size(), 2u);
    EXPECT_STREQ(steps[0].row->hid_path, "UPS.Output.DelayBeforeStartup");
    EXPECT_STREQ(steps[1].row->hid_path, "UPS.Output.DelayBeforeShutdown");

    const Binding *beeper = m.variable("ups.beeper.status");
    ASSERT_NE(beeper, nullptr);
    EXPECT_TRUE(beeper->row->writable);
    const auto v = m.parse_setting(*beeper, "muted");
    ASSERT_TRUE(v.has_value());
    const auto buf = m.set_report_buffer(*beeper->field, *v);
    ASSERT_TRUE(buf.has_value());
    EXPECT_EQ(*buf, (std::vector<uint8_t>{0x0c, 0x03}));
    EXPECT_FALSE(m.parse_setting(*beeper, "loud").has_value());
    // Delay 20 s through the CyberPower's -60..1966020 physical range
    const auto delay = m.set_report_buffer(*steps[1].field, 20);
    ASSERT_TRUE(delay.has_value());
    EXPECT_EQ(delay->size(), 3u);
}

TEST(Mapping, TableRowsHaveNamesAndValidKinds) {
    for (const auto &row : generic_mapping()) {
        ASSERT_NE(row.hid_path, nullptr);
        ASSERT_NE(row.nut_name, nullptr);
        EXPECT_EQ(std::string(row.hid_path).rfind("UPS.", 0), 0u) << row.hid_path;
    }
}

// NUT's apc-hid.c split of the product string, and the HID date format (values from the APC dumps).
TEST(MappingConversions, ApcProductStringSplitsLikeNut) {
    using nutpp::usbhid::apc_product_part;
    using C = nutpp::usbhid::Conversion;
    const std::string cs = "Back-UPS CS 500 FW:808.q8.I USB FW:q8";
    EXPECT_EQ(apc_product_part(cs, C::ProductModelPart), "Back-UPS CS 500");
    EXPECT_EQ(apc_product_part(cs, C::ProductFirmwarePart), "808.q8.I");
    EXPECT_EQ(apc_product_part(cs, C::ProductFirmwareAuxPart), "q8");
    const std::string bk = "Back-UPS BK650M2-CH FW:294803G -292804G";
    EXPECT_EQ(apc_product_part(bk, C::ProductModelPart), "Back-UPS BK650M2-CH");
    EXPECT_EQ(apc_product_part(bk, C::ProductFirmwarePart), "294803G -292804G");
    EXPECT_EQ(apc_product_part(bk, C::ProductFirmwareAuxPart), "");
    EXPECT_EQ(apc_product_part("Smart-UPS 750", C::ProductModelPart), "Smart-UPS 750");
    EXPECT_EQ(apc_product_part("Smart-UPS 750", C::ProductFirmwarePart), "");
    EXPECT_EQ(apc_product_part("X USB FW:q8", C::ProductFirmwarePart), "");
}

TEST(MappingConversions, HidDateAsNutPrintsIt) {
    using nutpp::usbhid::hid_date_text;
    EXPECT_EQ(hid_date_text(10785), "2001/01/01");
    EXPECT_EQ(hid_date_text(20648), "2020/05/08");
    EXPECT_EQ(hid_date_text(12515), "2004/07/03");
    EXPECT_EQ(hid_date_text(0), "");
}
