// The map loader (errors located at file:line:column with the entry named) and the decoder, fed
// the SMT750i register image, compared with NUT's dump of that unit.
#include "apc_image.hpp"
#include "decode_image.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <map>

using namespace nutpp::modbus;
using namespace nutpp::modbus::testing;

namespace {

std::map<std::string, std::string> ddl_vars(const std::string &file) {
    std::ifstream in(std::string(NUTPP_TESTDATA_DIR) + "/ddl/" + file);
    std::map<std::string, std::string> out;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        const auto colon = line.find(": ");
        if (colon != std::string::npos) out[line.substr(0, colon)] = line.substr(colon + 2);
        else if (line.back() == ':') out[line.substr(0, line.size() - 1)] = "";
    }
    return out;
}

} // namespace

TEST(ModbusMap, EveryBuiltinMapLoads) {
    ASSERT_FALSE(builtin_maps().empty());
    for (const auto &b : builtin_maps()) {
        SCOPED_TRACE(b.name);
        const RegisterMap m = resolve_map(b.name);
        EXPECT_EQ(m.name, b.name);
        EXPECT_FALSE(m.points.empty());
    }
}

TEST(ModbusMap, ApcReadsThreeBlocksPerPollAndInventoryOnce) {
    const RegisterMap m = resolve_map("apc_modbus");
    const auto poll = plan_blocks(m, false);
    ASSERT_EQ(poll.size(), 3u);
    EXPECT_EQ(poll[0].start, 0);
    EXPECT_EQ(poll[1].start, 128);
    EXPECT_EQ(poll[2].start, 1026);
    EXPECT_EQ(poll[2].start + poll[2].count, 1048);
    const auto once = plan_blocks(m, true);
    ASSERT_EQ(once.size(), 1u);
    EXPECT_EQ(once[0].start, 516);
    EXPECT_EQ(once[0].count, 120);
}

// The SMT750i worked example gives back NUT's strings, variable by variable. Printed: every
// variable of the dump we do not produce (with the reason in the report), and every difference.
TEST(ModbusMap, Smt750iExampleMatchesNutDump) {
    const RegisterMap m = resolve_map("apc_modbus");
    const Reading r = read_image(m, smt750i_image());
    const auto nut = ddl_vars("APC__Smart-UPS_750__apc_modbus__2.8.2__01.dev");
    ASSERT_GT(nut.size(), 40u);
    int equal = 0;
    std::string missing;
    for (const auto &[k, v] : nut) {
        if (k.rfind("driver.", 0) == 0 || k.rfind("device.", 0) == 0 || k == "ups.status" || k == "ups.mfr") continue;
        const auto it = r.vars.find(k);
        if (it == r.vars.end()) {
            missing += " " + k;
            continue;
        }
        if (k == "ups.serial") continue; // the dump's serial is ours; checked below
        EXPECT_EQ(it->second, v) << k;
        if (it->second == v) ++equal;
    }
    std::printf("SMT750i: %d variables equal to NUT's dump; not produced:%s\n", equal, missing.c_str());
    EXPECT_GE(equal, 47);
    // Not produced: outlet.group.count (NUT counts the switched groups from register 590; a map
    // has no counting rule) and the USB ids (this plugin does not speak Modbus over USB).
    EXPECT_EQ(missing, " outlet.group.count ups.productid ups.vendorid");
    EXPECT_EQ(r.vars.at("ups.serial"), "AS1316113420");
    EXPECT_EQ(r.status.tokens(), (std::vector<std::string>{"OL", "HE"}));
    EXPECT_EQ(r.status.alarm(), "");
}

// The Huawei UPS2000-G values give NUT's dump strings (the registers are a 20000-word image here).
TEST(ModbusMap, Ups2000MatchesNutDump) {
    const RegisterMap m = resolve_map("huawei_ups2000");
    std::vector<uint16_t> regs(20000, 0);
    for (const auto &[addr, words] : ups2000_image())
        for (size_t i = 0; i < words.size(); ++i) regs.at(addr + i) = words[i];
    Reading r;
    for (bool once : {true, false})
        for (const auto &b : plan_blocks(m, once))
            decode_block(m, b, std::span<const uint16_t>(regs).subspan(b.start, b.count), r);
    for (const auto &[k, v] : m.constants) r.vars[k] = v;
    const auto nut = ddl_vars("Huawei__UPS2000-G-3KRTS__huawei-ups2000__2.7.4.1__01.dev");
    int equal = 0;
    std::string missing;
    for (const auto &[k, v] : nut) {
        if (k.rfind("driver.", 0) == 0 || k.rfind("device.", 0) == 0 || k == "ups.status" || k == "ups.mfr") continue;
        const auto it = r.vars.find(k);
        if (it == r.vars.end()) {
            missing += " " + k;
            continue;
        }
        EXPECT_EQ(it->second, v) << k;
        if (it->second == v) ++equal;
    }
    std::printf("UPS2000-G: %d variables equal to NUT's dump; not produced:%s\n", equal, missing.c_str());
    EXPECT_GE(equal, 20);
    EXPECT_EQ(r.status.tokens(), (std::vector<std::string>{"OL", "CHRG"}));
    EXPECT_EQ(plan_blocks(m, false).size(), 2u); // 11000..11046 and 12000..12033; 19009 once
}

TEST(ModbusMap, ApcStatusBitsOnBatteryLowBattery) {
    const RegisterMap m = resolve_map("apc_modbus");
    Image img = smt750i_image();
    img.push_back({0, {0, kStatusOnBattery}});
    img.push_back({18, {1u << 1}});
    img.push_back({20, {0, 1}}); // output overload
    const Reading r = read_image(m, img);
    EXPECT_EQ(r.status.tokens(), (std::vector<std::string>{"OB", "LB"}));
    EXPECT_EQ(r.status.alarm(), "Output overload");
}

TEST(ModbusMap, DecodesTypesAndOrders) {
    const RegisterMap m = load_map_text(R"(name: t
points:
  - {variable: a, address: 0, type: u32, word_order: little}
  - {variable: b, address: 2, type: s32}
  - {variable: c, address: 4, type: float32, decimals: 1}
  - {variable: d, address: 6, type: s16, scale: 0.1, offset: 5, decimals: 1}
  - {variable: e, address: 7, type: string, count: 2, byte_order: little}
  - {variable: f, address: 9, enum_only: true, enum: [{value: 3, text: three}]}
  - {variable: g, address: 10, enum_only: true, enum: [{value: 3, text: three}]}
)", "t.yaml");
    const std::vector<uint16_t> regs = {0x0002, 0x0001, 0xFFFF, 0xFFFE, 0x4148, 0x0000, 0xFFF6, 0x4241, 0x0043, 3, 4};
    Reading r;
    for (const auto &b : plan_blocks(m, false)) decode_block(m, b, std::span<const uint16_t>(regs).subspan(b.start, b.count), r);
    EXPECT_EQ(r.vars["a"], "65538");
    EXPECT_EQ(r.vars["b"], "-2");
    EXPECT_EQ(r.vars["c"], "12.5");
    EXPECT_EQ(r.vars["d"], "4.0");
    EXPECT_EQ(r.vars["e"], "ABC");
    EXPECT_EQ(r.vars["f"], "three");
    EXPECT_EQ(r.vars.count("g"), 0u);
    ASSERT_EQ(plan_blocks(m, false).size(), 1u); // neighbours merged into one read
}

TEST(ModbusMap, BlocksSplitAtGapsTablesAndSize) {
    const RegisterMap m = load_map_text(R"(name: t
max_block: 10
max_gap: 2
points:
  - {variable: a, address: 0}
  - {variable: b, address: 3}
  - {variable: c, address: 7}
  - {variable: d, address: 9, function: input}
  - {variable: e, address: 10, type: u32}
  - {variable: f, address: 13, type: string, count: 5}
)", "t.yaml");
    const auto blocks = plan_blocks(m, false);
    ASSERT_EQ(blocks.size(), 4u);
    EXPECT_EQ(blocks[0].count, 4);  // 0..3 (gap of 2 spanned)
    EXPECT_EQ(blocks[1].start, 7);  // 7..11: the gap to 7 is 3
    EXPECT_EQ(blocks[1].count, 5);
    EXPECT_EQ(blocks[2].start, 13); // adjacent, but 7..17 would be 11 registers > max_block 10
    EXPECT_EQ(blocks[2].count, 5);
    EXPECT_EQ(blocks[3].table, Table::Input);
}

TEST(ModbusMap, ErrorsNameFileLineColumnAndEntry) {
    EXPECT_EQ(load_error("name: x\npoints:\n  - {variable: ups.load, address: 3, type: u64}\n"),
              "user.yaml:3:44: entry 'ups.load': type 'u64' is not one of u16, s16, u32, s32, float32, string, "
              "bitfield, date, words");
    EXPECT_EQ(load_error("name: x\npoints:\n  - variable: a\n    address: 70000\n"),
              "user.yaml:4:14: entry 'a': address 70000 is outside 0..65535");
    EXPECT_EQ(load_error("name: x\npoints:\n  - {variable: a, address: 1, sclae: 2}\n"),
              "user.yaml:3:31: entry 'a': unknown key 'sclae' in a point");
    EXPECT_EQ(load_error("name: x\npoints:\n  - {address: 1, type: bitfield, bits: [{bit: 16, status: OL}]}\n"),
              "user.yaml:3:47: entry 'points[0] @1': bit 16 is outside 0..15");
    EXPECT_EQ(load_error("name: x\npoints: [{variable: a, address: 1}]\nshutdown: [load.off]\n"),
              "user.yaml:3:12: shutdown names 'load.off', which is not one of the map's commands");
    EXPECT_NE(load_error("name: x\npoints: [{variable: a, address: 1\n").find("user.yaml:"), std::string::npos);
    EXPECT_EQ(load_error("name: x\npoints: [{variable: a, address: 1}]\n"), "<loaded>");
}

TEST(ModbusMap, EtcExampleMapLoads) {
    const RegisterMap m = load_map_file(std::string(NUTPP_SOURCE_DIR) + "/etc/modbus-example-map.yaml");
    EXPECT_EQ(m.name, "acme_dc_ups");
    EXPECT_FALSE(m.commands.empty());
    EXPECT_FALSE(plan_blocks(m, false).empty());
}

TEST(ModbusMap, EncodesWrites) {
    EXPECT_EQ(encode_integer(DataType::U32, Order::Big, 392), (std::vector<uint16_t>{0, 392}));
    EXPECT_EQ(encode_integer(DataType::S32, Order::Little, -1), (std::vector<uint16_t>{0xFFFF, 0xFFFF}));
    EXPECT_EQ(encode_integer(DataType::S16, Order::Big, -1), (std::vector<uint16_t>{0xFFFF}));
    Point p;
    p.count = 3;
    p.type = DataType::String;
    EXPECT_EQ(encode_string(p, "ABC"), (std::vector<uint16_t>{0x4142, 0x4300, 0}));
    EXPECT_EQ(date_text(9046), "2024-10-07");
}
