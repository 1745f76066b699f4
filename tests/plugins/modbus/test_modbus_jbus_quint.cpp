// The socomec_jbus and phoenixcontact_quint built-in maps on register images (the values NUT's
// drivers print for them, worked out from NUT 2.8.0's formats), and the schema keys they brought:
// enum ranges, bit groups, when/unless, truncate, words + format, defaults, slaveid.
#include "decode_image.hpp"
#include "device_images.hpp"

#include <gtest/gtest.h>

using namespace nutpp::modbus;
using namespace nutpp::modbus::testing;

TEST(ModbusJbus, SinglePhaseOnMains) {
    const RegisterMap m = resolve_map("socomec_jbus");
    const Reading r = read_image(m, socomec_image());
    const std::map<std::string, std::string> want = {
        {"ups.model", "DIGYS"}, {"ups.power", "6000"}, {"ups.serial", "AB12345678"},
        {"input.voltage.nominal", "230"}, {"output.voltage.nominal", "230"}, {"input.frequency.nominal", "50"},
        {"output.frequency.nominal", "50"}, {"ups.time", "12:34:56"}, {"ups.date", "2026/12/05"},
        {"input.phases", "1"}, {"ups.load", "37"}, {"input.bypass.voltage", "229"}, {"output.voltage", "230"},
        {"output.current", "12"}, {"battery.charge", "98"}, {"battery.capacity", "65"},
        {"input.bypass.frequency", "49"}, {"output.frequency", "50"}, {"battery.voltage", "272.50"},
        {"ambient.1.temperature", "24"}, {"ambient.1.present", "yes"}, {"battery.current", "1.50"}};
    EXPECT_EQ(r.vars, want);
    EXPECT_EQ(r.status.tokens(), (std::vector<std::string>{"OL"}));
    EXPECT_EQ(r.status.alarm(), "");
    EXPECT_EQ(plan_blocks(m, false).size(), 3u); // 0x1040..0x1078, 0x10E0..0x10E3, 0x1360..0x1363
    EXPECT_EQ(plan_blocks(m, true).size(), 1u);  // identity 0x1000..0x1007
}

TEST(ModbusJbus, ThreePhaseOnBatteryThenLow) {
    const RegisterMap m = resolve_map("socomec_jbus");
    Image img = socomec_3ph_image();
    img.push_back({0x1077, {20}});
    img.push_back({0x1040, {1u << 2, 1u << 15}});
    Reading r = read_image(m, img);
    EXPECT_EQ(r.vars["ups.model"], "DELPHYS MX");
    EXPECT_EQ(r.vars["input.phases"], "3");
    EXPECT_EQ(r.vars["ups.load"], "33");
    EXPECT_EQ(r.vars["ups.L3.load"], "35");
    EXPECT_EQ(r.vars["output.L2-N.voltage"], "231");
    EXPECT_EQ(r.vars["input.bypass.L1-N.voltage"], "229");
    EXPECT_EQ(r.vars["output.L3.current"], "12");
    EXPECT_EQ(r.vars.count("output.voltage"), 0u);
    EXPECT_EQ(r.vars.count("output.current"), 0u);
    EXPECT_EQ(r.vars["battery.runtime"], "1200");
    EXPECT_EQ(r.status.tokens(), (std::vector<std::string>{"OB"}));
    EXPECT_EQ(r.status.alarm(), "Overload fault., Imminent STOP.");
    img.push_back({0x1077, {15}});
    r = read_image(m, img);
    EXPECT_EQ(r.status.tokens(), (std::vector<std::string>{"OB", "LB"}));
}

TEST(ModbusQuint, ValuesStatusAndAlarms) {
    const RegisterMap m = resolve_map("phoenixcontact_quint");
    EXPECT_EQ(m.slaveid, kQuintSlave);
    Reading r = read_image(m, quint_image());
    const std::map<std::string, std::string> want = {
        {"output.voltage", "24"}, {"battery.charge", "87"}, {"battery.voltage", "26.870000"},
        {"battery.temperature", "25"}, {"battery.runtime", "1500"}, {"output.current", "2.350000"},
        {"battery.capacity", "130"}};
    EXPECT_EQ(r.vars, want);
    EXPECT_EQ(r.status.tokens(), (std::vector<std::string>{"OL", "CHRG"}));
    EXPECT_EQ(plan_blocks(m, false).size(), 2u);
    Image img = quint_image();
    img.push_back({29697, {1, 1, 0}});
    img.push_back({29840, {(1u << 4) | (1u << 5) | (1u << 11)}});
    r = read_image(m, img);
    EXPECT_EQ(r.status.tokens(), (std::vector<std::string>{"OB", "LB"}));
    EXPECT_EQ(r.status.alarm(), "End of life (Resistance), Overload Cutoff");
    img.push_back({29840, {1u << 4}}); // half of the group: no alarm
    r = read_image(m, img);
    EXPECT_EQ(r.status.alarm(), "");
}

TEST(ModbusMapSchema, RangesGroupsConditionsFormats) {
    const RegisterMap m = load_map_text(R"(name: t
defaults: {function: input}
points:
  - {address: 0, enum: [{value: 0, status: OL}, {min: 1, max: 9, status: OB}, {min: 10, max: 65535, status: OB LB}]}
  - {address: 1, type: bitfield, bits: [{bit: [0, 1], status: RB}, {bit: [2, 3], clear: true, alarm: both clear}]}
  - {variable: a, address: 2, divide: 1000, truncate: true}
  - {variable: b, address: 2, divide: 1000}
  - {variable: c, address: 3, when: [{address: 4, equals: 7}]}
  - {variable: d, address: 3, unless: [{address: 4, equals: 7}]}
  - {variable: e, address: 4, type: words, count: 2, format: "{0:03}-{1.hi}.{1.lo}+{1-1}"}
)", "t.yaml");
    EXPECT_EQ(m.points[0].table, Table::Input);
    std::vector<uint16_t> regs = {12, 0x0003, 24999, 5, 7, 0x0102};
    Reading r;
    for (const auto &b : plan_blocks(m, false)) decode_block(m, b, std::span<const uint16_t>(regs).subspan(b.start, b.count), r);
    finish(m, r);
    EXPECT_EQ(r.status.tokens(), (std::vector<std::string>{"OB", "LB", "RB"}));
    EXPECT_EQ(r.status.alarm(), "both clear");
    EXPECT_EQ(r.vars["a"], "24");
    EXPECT_EQ(r.vars["b"], "25");
    EXPECT_EQ(r.vars["c"], "5");
    EXPECT_EQ(r.vars.count("d"), 0u);
    EXPECT_EQ(r.vars["e"], "007-1.2+257");
    regs = {0, 0x0001, 1000, 5, 8, 0};
    r = Reading{};
    for (const auto &b : plan_blocks(m, false)) decode_block(m, b, std::span<const uint16_t>(regs).subspan(b.start, b.count), r);
    finish(m, r);
    EXPECT_EQ(r.status.tokens(), (std::vector<std::string>{"OL"}));
    EXPECT_EQ(r.status.alarm(), "both clear");
    EXPECT_EQ(r.vars.count("c"), 0u);
    EXPECT_EQ(r.vars["d"], "5");
}

TEST(ModbusMapSchema, NewKeysHaveLocatedErrors) {
    EXPECT_EQ(load_error("name: x\npoints:\n  - {address: 1, enum: [{min: 5, max: 2, status: OB}]}\n"),
              "user.yaml:3:39: entry 'points[0] @1': max is below min");
    EXPECT_EQ(load_error("name: x\npoints:\n  - {address: 1, enum: [{value: 1, min: 0, max: 2, status: OB}]}\n"),
              "user.yaml:3:25: entry 'points[0] @1': give value, or a range min..max, not both");
    EXPECT_EQ(load_error("name: x\npoints:\n  - {variable: v, address: 1, when: [{address: 9, equals: 1}]}\n"),
              "user.yaml:3:5: entry 'v': condition register 9 is not read by any polled point of the same function");
    EXPECT_EQ(load_error("name: x\npoints:\n  - {variable: v, address: 1, type: words, count: 2, format: \"{2}\"}\n"),
              "user.yaml:3:62: entry 'v': format: field '{2}' is not a word 0..1 of the point");
    EXPECT_EQ(load_error("name: x\npoints:\n  - {variable: v, address: 1, type: words, count: 2}\n"),
              "user.yaml:3:5: entry 'v': a words point needs format");
    EXPECT_EQ(load_error("name: x\ndefaults: {function: inputs}\npoints: [{variable: v, address: 1}]\n"),
              "user.yaml:2:22: function 'inputs' is not one of coil, discrete, holding, input");
    EXPECT_EQ(load_error("name: x\nslaveid: 300\npoints: [{variable: v, address: 1}]\n"),
              "user.yaml:2:10: slaveid 300 is outside 0..247");
    EXPECT_EQ(load_error("name: x\npoints:\n  - {address: 1, type: bitfield, bits: [{bit: [], status: OL}]}\n"),
              "user.yaml:3:47: entry 'points[0] @1': a bit group needs at least one bit");
}
