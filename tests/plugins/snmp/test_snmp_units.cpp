// Unit tests of the SNMP plugin's data side: the converter (every type, flag and conversion) and the
// mapping loader (file:line:column errors, unknown keys, references), and the shipped mappings load.
#include "convert.hpp"
#include "mapping_loader.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace nutpp::snmp;

namespace {

RawValue integer(int64_t v) {
    RawValue r;
    r.kind = RawValue::Kind::Integer;
    r.integer = v;
    return r;
}
RawValue octets(const std::string &s) {
    RawValue r;
    r.kind = RawValue::Kind::Octets;
    r.octets = s;
    return r;
}

std::string error_of(const std::string &yaml) {
    try {
        load_mapping_text(yaml, "m.yaml");
    } catch (const MappingError &e) {
        return e.what();
    }
    return "";
}

const char *kHead = "name: t\nversion: \"1\"\nprobe: .1.3.6.1.2.1.33.1.1.1.0\n";

} // namespace

TEST(SnmpConvert, NumbersScaleAndPrintLikeNut) {
    VarSpec v;
    v.type = VarType::Number;
    v.scale = 0.1;
    nutpp::support::StatusSet st;
    EXPECT_EQ(convert_value(v, integer(548), st).text, "54.80");
    EXPECT_EQ(convert_value(v, integer(490), st).text, "49"); // whole despite 0.1 float noise
    v.scale = 60;
    EXPECT_EQ(convert_value(v, integer(1092), st).text, "65520");
    v.scale = 1;
    v.decimals = 1;
    EXPECT_EQ(convert_value(v, integer(230), st).text, "230.0");
    EXPECT_EQ(convert_value(v, octets(" 12.5 "), st).text, "12.5"); // a number in a string
    EXPECT_FALSE(convert_value(v, octets("n/a"), st).usable);
    EXPECT_FALSE(convert_value(v, RawValue{}, st).usable); // noSuchObject
}

TEST(SnmpConvert, InvalidFlagsAndTimeticks) {
    VarSpec v;
    v.type = VarType::Number;
    v.neg_invalid = true;
    v.zero_invalid = true;
    nutpp::support::StatusSet st;
    EXPECT_FALSE(convert_value(v, integer(-1), st).usable);
    EXPECT_FALSE(convert_value(v, integer(0), st).usable);
    EXPECT_TRUE(convert_value(v, integer(3), st).usable);
    VarSpec t;
    t.type = VarType::Timeticks;
    RawValue ticks;
    ticks.kind = RawValue::Kind::TimeTicks;
    ticks.integer = 360000; // 3600.00 s
    EXPECT_EQ(convert_value(t, ticks, st).text, "3600");
    VarSpec text; // TimeTicks read as a string: seconds, as NUT prints them
    EXPECT_EQ(convert_value(text, ticks, st).text, "3600");
}

TEST(SnmpConvert, EnumsStatusAlarmsAndBits) {
    EnumTable table;
    table.by_key = {{"1", ""}, {"2", "OL"}, {"3", "OB LB"}, {"4", "overheat"}};
    VarSpec e;
    e.type = VarType::Enum;
    e.table = &table;
    nutpp::support::StatusSet st;
    EXPECT_EQ(convert_value(e, integer(2), st).text, "OL");
    EXPECT_TRUE(convert_value(e, integer(1), st).usable);  // "" is published as "", as NUT does
    EXPECT_EQ(convert_value(e, integer(1), st).text, "");
    EXPECT_FALSE(convert_value(e, integer(9), st).usable); // unknown code

    VarSpec s = e;
    s.type = VarType::Status;
    EXPECT_TRUE(convert_value(s, integer(3), st).usable);
    EXPECT_TRUE(st.has("OB"));
    EXPECT_TRUE(st.has("LB"));
    VarSpec a = e;
    a.type = VarType::Alarm;
    convert_value(a, integer(4), st);
    EXPECT_EQ(st.alarm(), "overheat");

    VarSpec b;
    b.type = VarType::Bits;
    b.table = &table;
    nutpp::support::StatusSet bits;
    convert_value(b, octets("0010"), bits); // chars: bit 2 set -> "OL", here as alarm text
    EXPECT_EQ(bits.alarm(), "OL");
    b.encoding = BitsEncoding::Octets;
    b.target = BitsTarget::Status;
    nutpp::support::StatusSet bits2;
    convert_value(b, octets(std::string(1, char(0x18))), bits2); // 00011000: bits 3 and 4 (bit 0 = MSB)
    EXPECT_TRUE(bits2.has("OB"));
    EXPECT_TRUE(bits2.has("LB"));
    EXPECT_TRUE(bits2.has("overheat"));
    EXPECT_FALSE(bits2.has("OL")); // bit 2 is clear
}

TEST(SnmpConvert, OidValuesAndBinaryStringsAsNutShowsThem) {
    EnumTable table;
    table.by_key = {{"3", "TEST"}, {"4", "TEST"}};
    VarSpec s;
    s.type = VarType::Status;
    s.table = &table;
    RawValue oid;
    oid.kind = RawValue::Kind::Oid;
    oid.octets = ".1.3.6.1.2.1.33.1.7.7.4"; // upsTestQuickBatteryTest
    nutpp::support::StatusSet st;
    EXPECT_TRUE(convert_value(s, oid, st).usable);
    EXPECT_TRUE(st.has("TEST"));
    VarSpec text;
    EXPECT_EQ(convert_value(text, octets(std::string("\x00\x20\x85\x0a", 4)), st).text, "00 20 85 0A ");
    EXPECT_EQ(convert_value(text, octets("Smart-UPS 5000\0\0"), st).text, "Smart-UPS 5000");
    auto empty = convert_value(text, octets("  "), st); // NUT publishes an empty answer as ""
    EXPECT_TRUE(empty.usable);
    EXPECT_EQ(empty.text, "");
}

TEST(SnmpConvert, NamedConversions) {
    EXPECT_EQ(apply_conversion(Conversion::ApcDate, "09/15/13").value_or("-"), "2013/09/15");
    EXPECT_EQ(apply_conversion(Conversion::ApcDate, "12/01/1999").value_or("-"), "1999/12/01");
    EXPECT_FALSE(apply_conversion(Conversion::ApcDate, "2013-09-15"));
    EXPECT_FALSE(apply_conversion(Conversion::ApcDate, "13/40/13"));
    EXPECT_EQ(apply_conversion(Conversion::HexToText, "41 50 43 00").value_or("-"), "APC");
    EXPECT_EQ(apply_conversion(Conversion::StripToFirstWord, "  SU1000 rev 2").value_or("-"), "SU1000");
}

TEST(SnmpConvert, SetPayloads) {
    EnumTable table;
    table.by_key = {{"1", "low"}, {"2", "high"}};
    VarSpec e;
    e.type = VarType::Enum;
    e.table = &table;
    e.writable = Writable{};
    std::string why;
    EXPECT_EQ(set_payload(e, "high", why).value_or("-"), "2");
    EXPECT_FALSE(set_payload(e, "medium", why));
    EXPECT_NE(why.find("medium"), std::string::npos);
    VarSpec n;
    n.type = VarType::Number;
    n.scale = 0.1;
    n.writable = Writable{};
    EXPECT_EQ(set_payload(n, "23.5", why).value_or("-"), "235");
}

TEST(SnmpMapping, LoadsAndResolvesTables) {
    auto m = load_mapping_text(std::string(kHead) +
                                   "sysoid: [.1.3.6.1.4.1.1]\nenums:\n  st: {2: OL, 3: OB}\nvars:\n"
                                   "  - {name: ups.status, oid: .1.3.6.1.2.1.33.1.4.1.0, type: status, enum: st}\n"
                                   "  - {name: ups.mfr, default: ACME}\n"
                                   "commands:\n  - {name: load.off, oid: .1.3.6.1.2.1.33.1.8.2.0, value: 0}\n",
                               "m.yaml");
    ASSERT_EQ(m->vars.size(), 2u);
    EXPECT_EQ(m->vars[0].table->text_for("3") ? *m->vars[0].table->text_for("3") : "", "OB");
    EXPECT_EQ(m->vars[1].dflt.value_or(""), "ACME");
    EXPECT_EQ(m->commands.at(0).value, "0");
}

TEST(SnmpMapping, ErrorsNameFileLineColumnAndKey) {
    EXPECT_EQ(error_of(std::string(kHead) + "vars:\n  - {name: ups.load, oid: .1.3.x}\n").rfind("m.yaml:5:", 0), 0u)
        << error_of(std::string(kHead) + "vars:\n  - {name: ups.load, oid: .1.3.x}\n");
    const auto unknown = error_of(std::string(kHead) + "vars:\n  - name: ups.load\n    oid: .1.3.6\n    scael: 2\n");
    EXPECT_NE(unknown.find("m.yaml:7:5: vars entry: unknown key 'scael'"), std::string::npos) << unknown;
    const auto table = error_of(std::string(kHead) + "vars:\n  - {name: ups.status, oid: .1.3.6, type: status, "
                                                     "enum: nosuch}\n");
    EXPECT_NE(table.find("no enum table named 'nosuch'"), std::string::npos) << table;
    EXPECT_NE(error_of("name: t\n").find("probe: missing"), std::string::npos);
    EXPECT_NE(error_of(std::string(kHead) + "vars:\n  - {name: driver.x, default: 1}\n").find("driver.*"),
              std::string::npos);
    EXPECT_NE(error_of(std::string(kHead) + "vars: [\n").find("m.yaml:"), std::string::npos); // YAML syntax
    EXPECT_NE(error_of(std::string(kHead) + "vars:\n  - {name: x, oid: .1.3, type: nosuch}\n").find("'nosuch' is not one of"),
              std::string::npos);
}

TEST(SnmpMapping, PhaseConditions) {
    auto m = load_mapping_text(std::string(kHead) +
                                   "vars:\n  - {name: output.voltage, oid: .1.3.6.1, phases: {of: output, count: 1}}\n"
                                   "  - {name: ups.mfr, default: ACME}\n",
                               "m.yaml");
    ASSERT_TRUE(m->vars[0].phases.has_value());
    EXPECT_EQ(m->vars[0].phases->of, "output");
    EXPECT_EQ(m->vars[0].phases->count, 1);
    EXPECT_FALSE(m->vars[1].phases.has_value());
    const auto side = error_of(std::string(kHead) + "vars:\n  - {name: x, oid: .1.3, phases: {of: side, count: 1}}\n");
    EXPECT_NE(side.find("m.yaml:5:"), std::string::npos) << side;
    EXPECT_NE(side.find("phases.of: 'side' is not one of input, output, bypass"), std::string::npos) << side;
    const auto two = error_of(std::string(kHead) + "vars:\n  - {name: x, oid: .1.3, phases: {of: input, count: 2}}\n");
    EXPECT_NE(two.find("phases.count: must be 1 or 3"), std::string::npos) << two;
    EXPECT_NE(error_of(std::string(kHead) + "vars:\n  - {name: x, oid: .1.3, phases: {of: input}}\n").find("needs `of`"),
              std::string::npos);
}

TEST(SnmpMapping, ABrokenFileIsLeftOutWithItsErrorOthersLoad) {
    const auto dir = std::filesystem::temp_directory_path() / ("nutpp-mibdir-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "good.yaml") << "name: good\nprobe: .1.3.6.1.2.1.1.7.0\nvars:\n  - {name: ups.mfr, default: X}\n";
    std::ofstream(dir / "bad.yaml") << "name: bad\nprobe: .1.3\ncommands:\n  - {name: load.off, oid: .1.3.6, value: None}\n";
    std::vector<std::string> errors;
    auto all = load_mapping_dir(dir.string(), &errors);
    ASSERT_EQ(all.size(), 1u);
    EXPECT_EQ(all[0]->name, "good");
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_NE(errors[0].find("bad.yaml:4:"), std::string::npos) << errors[0];
    EXPECT_NE(errors[0].find("'None' is not an integer"), std::string::npos) << errors[0];
    EXPECT_THROW(load_mapping_dir(dir.string()), MappingError); // strict form, used by the next test
    std::filesystem::remove_all(dir);
}

// Every shipped file must load: the plugin would leave a broken one out (and log it).
TEST(SnmpMapping, ShippedMappingsLoad) {
    std::vector<std::string> errors;
    auto all = load_mapping_dir(NUTPP_SOURCE_DIR "/plugins/snmp/mibs", &errors);
    for (const auto &e : errors) ADD_FAILURE() << e;
    ASSERT_FALSE(all.empty());
    EXPECT_EQ(all.back()->name, "ietf"); // tried last by mibs: auto
    for (const auto &m : all) EXPECT_FALSE(m->vars.empty()) << m->file;
}
