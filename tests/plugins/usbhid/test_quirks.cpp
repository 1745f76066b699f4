// Vendor quirks that differ from the generic mapping, checked against what NUT's subdrivers do:
// CyberPower's delays in whole minutes (cps-hid.c + libhid.c's truncating physical_to_logical),
// Tripp Lite's paths, status bits and per-product battery scale (tripplite-hid.c), Liebert's bad
// exponents (the 10af rows of belkin-hid.c). Devices without captured reports get small descriptors
// built here, item by item, so every raw value and its expected NUT text is visible in the test.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "hid_report.hpp"
#include "testdata.hpp"
#include "ups_model.hpp"

using namespace nutpp::usbhid;
using namespace usbhid_test;

namespace {

// A HID report descriptor, written item by item (HID 1.11 6.2.2).
struct Desc {
    std::vector<uint8_t> b;
    Desc &item(uint8_t tag, uint32_t v, int n) {
        b.push_back(uint8_t(tag | (n == 4 ? 3 : n)));
        for (int i = 0; i < n; ++i) b.push_back(uint8_t(v >> (8 * i)));
        return *this;
    }
    Desc &page(uint16_t p) { return item(0x04, p, 2); }
    Desc &usage(uint16_t u) { return item(0x08, u, 2); }
    Desc &collection(uint8_t kind) { return item(0xa0, kind, 1); }
    Desc &end() { b.push_back(0xc0); return *this; }
    Desc &id(uint8_t r) { return item(0x84, r, 1); }
    Desc &size(uint8_t bits, uint8_t count = 1) { item(0x74, bits, 1); return item(0x94, count, 1); }
    Desc &logical(int32_t lo, int32_t hi) { item(0x14, uint32_t(lo), 4); return item(0x24, uint32_t(hi), 4); }
    Desc &unit(uint32_t u, int8_t exponent) { item(0x64, u, 4); return item(0x54, uint8_t(exponent) & 0x0f, 1); }
    Desc &feature() { return item(0xb0, 0x02, 1); }
    Desc &input() { return item(0x80, 0x02, 1); }
    // One 16-bit Feature field of report `r`.
    Desc &field16(uint8_t r, uint16_t u) { return id(r).usage(u).size(16).feature(); }
};

constexpr uint32_t kVolt = 0x00f0d121;

std::map<std::string, std::string> texts(const UpsModel &m) {
    std::map<std::string, std::string> out;
    for (const auto &v : m.nut_values([](int i) { return "string" + std::to_string(i); })) {
        if (v.text) {
            out[v.name] = *v.text;
            continue;
        }
        char b[64];
        std::snprintf(b, sizeof b, "%.*f", v.decimals, v.number);
        out[v.name] = b;
    }
    return out;
}

const HidField &field(const UpsModel &m, const std::string &path) {
    for (const auto &f : m.descriptor().fields)
        if (f.type == ReportType::Feature && m.path(f) == path) return f;
    throw std::runtime_error("no field " + path);
}

// NUT's physical_to_logical (libhid.c), the reference for what a SET_REPORT carries.
long nut_physical_to_logical(const HidField &f, double physical) {
    const double factor = double(f.logical_max - f.logical_min) / double(f.physical_max - f.physical_min);
    const long logical = long((physical - double(f.physical_min)) * factor) + long(f.logical_min);
    return std::clamp<long>(logical, long(f.logical_min), long(f.logical_max));
}

} // namespace

// ---- CyberPower ------------------------------------------------------------------------------

TEST(CyberPowerDelays, WrittenInWholeMinutesTruncatedAsNutDoes) {
    const UpsModel m(parse_descriptor(load_descriptor("cps_cp1500pfclcd_0764-0501")), find_vendor(0x0764));
    for (const char *path : {"UPS.Output.DelayBeforeStartup", "UPS.Output.DelayBeforeShutdown"}) {
        SCOPED_TRACE(path);
        const HidField &f = field(m, path);
        ASSERT_TRUE(f.has_physical);
        // The descriptor: logical -1..32767 is physical -60..1966020 s, i.e. minutes.
        EXPECT_DOUBLE_EQ(field_resolution(f), 60.0);
        for (int seconds = -1; seconds <= 600; ++seconds)
            ASSERT_EQ(field_logical(f, seconds), nut_physical_to_logical(f, seconds)) << seconds << " s";
        // The case behind the suspicion: 30 s is 0 minutes on this UPS (NUT too), not 1 minute.
        EXPECT_EQ(field_value(f, field_logical(f, 30)), 0.0);
        EXPECT_EQ(field_value(f, field_logical(f, 120)), 120.0);
    }
}

TEST(CyberPowerDelays, DefaultsAreNutsCyberPowerDefaults) {
    // usbhid-ups.h since NUT 2.8.3: DEFAULT_OFFDELAY_CPS "60", DEFAULT_ONDELAY_CPS "120"; else 20/30.
    const VendorQuirks *cps = find_vendor(0x0764);
    ASSERT_NE(cps, nullptr);
    EXPECT_EQ(cps->default_offdelay, 60);
    EXPECT_EQ(cps->default_ondelay, 120);
    EXPECT_EQ(find_vendor(0x051d)->default_offdelay, 20);
    EXPECT_EQ(find_vendor(0x051d)->default_ondelay, 30);
    // Both survive the device's minute steps unchanged.
    const UpsModel m(parse_descriptor(load_descriptor("cps_cp1500pfclcd_0764-0501")), cps);
    const HidField &start = field(m, "UPS.Output.DelayBeforeStartup");
    EXPECT_EQ(field_value(start, field_logical(start, double(cps->default_ondelay))), 120.0);
    const HidField &stop = field(m, "UPS.Output.DelayBeforeShutdown");
    EXPECT_EQ(field_value(stop, field_logical(stop, double(cps->default_offdelay))), 60.0);
}

// ---- Tripp Lite --------------------------------------------------------------------------------

namespace {

// A Tripp Lite-like UPS: PowerSummary.Voltage (the output voltage on Tripp Lite), the battery's
// own voltage, OMNI-style status bits on page 0x84, outlet delays and the TLCustom firmware field.
std::vector<uint8_t> tripplite_descriptor() {
    Desc d;
    d.page(0x84).usage(0x04).collection(0x01);                       // UPS (application)
    d.usage(0x24).collection(0x00).logical(0, 65535);                 //  PowerSummary
    d.field16(1, 0x30);                                               //   Voltage (report 1)
    d.usage(0x02).collection(0x02).logical(0, 1).id(2);               //   PresentStatus (report 2)
    for (uint16_t u : {0xd0, 0x44, 0x45, 0x4b}) d.usage(u).size(1).feature(); // TLACPresent, TLCharging…
    d.size(4).item(0xb0, 0x01, 1).end().end();                        //   padding
    d.usage(0x10).collection(0x00).usage(0x12).collection(0x00);      //  BatterySystem.Battery
    d.logical(0, 65535).field16(3, 0x30).end().end();                 //   Voltage (report 3)
    d.usage(0x18).collection(0x00).usage(0x20).collection(0x00);      //  OutletSystem.Outlet
    d.logical(-1, 32767).field16(4, 0x57).field16(5, 0x56).end().end(); // DelayBeforeShutdown/Startup
    d.page(0xffff).usage(0x10).collection(0x81);                     //  TLCustom.[1]
    d.logical(0, 65535).field16(6, 0x7c).end();                       //   UPSFirmwareVersion
    d.end();
    return d.b;
}

UpsModel tripplite(uint16_t product_id, const VendorQuirks *q) {
    UpsModel m(parse_descriptor(tripplite_descriptor()), q, product_id);
    m.apply(ReportType::Feature, std::vector<uint8_t>{1, 0xe6, 0x00});  // 230
    m.apply(ReportType::Feature, std::vector<uint8_t>{2, 0x04});        // TLDischarging only: on battery
    m.apply(ReportType::Feature, std::vector<uint8_t>{3, 0x8a, 0x01});  // 394
    m.apply(ReportType::Feature, std::vector<uint8_t>{4, 0xff, 0xff});  // -1
    m.apply(ReportType::Feature, std::vector<uint8_t>{5, 0xff, 0xff});
    m.apply(ReportType::Feature, std::vector<uint8_t>{6, 0x06, 0x01});  // 262
    return m;
}

} // namespace

TEST(TrippLiteQuirks, PathsAndStatusBitsAsTrippliteHid) {
    const auto v = texts(tripplite(0x3008, find_vendor(0x09ae))); // 3008: battery scale 1.0
    EXPECT_EQ(v.at("output.voltage"), "230.0");   // PowerSummary.Voltage is the output on Tripp Lite
    EXPECT_EQ(v.at("battery.voltage"), "394.0");  // BatterySystem.Battery.Voltage, unscaled for 3008
    EXPECT_EQ(v.at("ups.timer.shutdown"), "-1");
    EXPECT_EQ(v.at("ups.timer.start"), "-1");
    EXPECT_EQ(v.at("ups.firmware"), "262");
    const auto m = tripplite(0x3008, find_vendor(0x09ae));
    EXPECT_EQ(m.status_tokens(), (std::vector<std::string>{"OB", "DISCHRG"}));
    const auto cmds = m.commands();
    for (const char *c : {"load.off.delay", "shutdown.return", "shutdown.stayoff", "shutdown.stop"})
        EXPECT_NE(std::find(cmds.begin(), cmds.end(), c), cmds.end()) << c;
    // The generic table alone reads the same device differently: that is why the quirk exists.
    const auto generic = texts(tripplite(0x3008, nullptr));
    EXPECT_EQ(generic.at("battery.voltage"), "230.0");
    EXPECT_FALSE(generic.count("output.voltage"));
    EXPECT_TRUE(tripplite(0x3008, nullptr).status_tokens().empty());
}

TEST(TrippLiteQuirks, BatteryVoltageTenfoldOnTheModelsNutScales) {
    // tripplite-hid.c: battery_scale_0dot1 for e.g. 09ae:2005 (OMNI1000LCD) and 09ae:1003 (AVR550U).
    for (uint16_t pid : {0x2005, 0x1003}) {
        SCOPED_TRACE(pid);
        const auto v = texts(tripplite(pid, find_vendor(0x09ae)));
        EXPECT_EQ(v.at("battery.voltage"), "39.4");
        EXPECT_EQ(v.at("output.voltage"), "230.0");
    }
}

// ---- Liebert -----------------------------------------------------------------------------------

TEST(LiebertQuirks, GXT4DescriptorDecodesAsNut) {
    // No GET_REPORT capture exists for the GXT4: these buffers follow its descriptor's layout
    // (report 5: Voltage, ConfigVoltage; 6: RemainingCapacity; 12: Charging, Discharging, ACPresent…).
    UpsModel m(parse_descriptor(load_descriptor("liebert_gxt4_10af-0000")), find_vendor(0x10af), 0x0000);
    ASSERT_TRUE(m.apply(ReportType::Feature, std::vector<uint8_t>{5, 27, 0, 24, 0}));
    ASSERT_TRUE(m.apply(ReportType::Feature, std::vector<uint8_t>{6, 80}));
    ASSERT_TRUE(m.apply(ReportType::Feature, std::vector<uint8_t>{12, 0x05})); // Charging, ACPresent
    const auto v = texts(m);
    // belkin-hid.c's Liebert rows: battery.voltage "%.1f" (readings >= 1 are not rescaled),
    // battery.voltage.nominal "%.1f", battery.charge "%.0f".
    EXPECT_EQ(v.at("battery.voltage"), "27.0");
    EXPECT_EQ(v.at("battery.voltage.nominal"), "24.0");
    EXPECT_EQ(v.at("battery.charge"), "80");
    EXPECT_EQ(m.status_tokens(), (std::vector<std::string>{"OL", "CHRG"}));
    ASSERT_TRUE(m.apply(ReportType::Input, std::vector<uint8_t>{12, 0x02})); // on battery, discharging
    EXPECT_EQ(m.status_tokens(), (std::vector<std::string>{"OB", "DISCHRG"}));
}

TEST(LiebertQuirks, KnownBadExponentsAreCorrectedLikeNut) {
    // Volt fields whose exponents make the value 10^7 or 10^5 too small (the readings belkin-hid.c
    // quotes: 1.39e-06 -> 13.9, 2.201e-05 -> 220.1, 0.001212 -> 121.2), a ConfigVoltage of 1e-7,
    // a frequency in 0.1 Hz and one already right, which must stay as it is.
    Desc d;
    d.page(0x84).usage(0x04).collection(0x01).logical(0, 65535);
    d.usage(0x24).collection(0x00).unit(kVolt, -1).field16(1, 0x30);            // 139 * 10^-8
    d.field16(2, 0x40).end();                                                    // ConfigVoltage 10 * 10^-8
    d.usage(0x1a).collection(0x00).unit(kVolt, -1).field16(3, 0x30);            // Input.Voltage 2201 * 10^-8
    d.unit(0, 0).field16(4, 0x32).end();                                         // Input.Frequency 600
    d.usage(0x1c).collection(0x00).unit(kVolt, 1).field16(5, 0x30).end();        // Output.Voltage 1212 * 10^-6
    d.end();
    auto build = [&](const VendorQuirks *q) {
        UpsModel m(parse_descriptor(d.b), q, 0x0001);
        m.apply(ReportType::Feature, std::vector<uint8_t>{1, 139, 0});
        m.apply(ReportType::Feature, std::vector<uint8_t>{2, 10, 0});
        m.apply(ReportType::Feature, std::vector<uint8_t>{3, 0x99, 0x08});
        m.apply(ReportType::Feature, std::vector<uint8_t>{4, 0x58, 0x02});
        m.apply(ReportType::Feature, std::vector<uint8_t>{5, 0xbc, 0x04});
        return texts(m);
    };
    const auto v = build(find_vendor(0x10af));
    EXPECT_EQ(v.at("battery.voltage"), "13.9");
    EXPECT_EQ(v.at("input.voltage"), "220.1");
    EXPECT_EQ(v.at("output.voltage"), "121.2");
    EXPECT_EQ(v.at("battery.voltage.nominal"), "10.0"); // NUT: 1e-7 * 1e8
    EXPECT_EQ(v.at("input.frequency"), "60.0");
    // Without the Liebert table the same bytes decode as the descriptor says (hence the quirk).
    const auto generic = build(nullptr);
    EXPECT_EQ(generic.at("battery.voltage"), "0.0");
    EXPECT_EQ(generic.at("input.frequency"), "600.0");

    // A Liebert that reports correctly is left alone: 230 V (exponent 7 = volts) and 50.0 Hz.
    Desc good;
    good.page(0x84).usage(0x04).collection(0x01).logical(0, 65535);
    good.usage(0x1a).collection(0x00).unit(kVolt, 7).field16(1, 0x30);
    good.unit(0xf001, -1).field16(2, 0x32).end().end();                          // Hertz, 0.1 Hz steps
    UpsModel ok(parse_descriptor(good.b), find_vendor(0x10af), 0x0001);
    ok.apply(ReportType::Feature, std::vector<uint8_t>{1, 230, 0});
    ok.apply(ReportType::Feature, std::vector<uint8_t>{2, 0xf4, 0x01});          // 500
    const auto right = texts(ok);
    EXPECT_EQ(right.at("input.voltage"), "230.0");
    EXPECT_EQ(right.at("input.frequency"), "50.0");
}
