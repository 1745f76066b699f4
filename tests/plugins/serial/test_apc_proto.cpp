// The APC Smart parsers against the protocol transcript (tests/testdata/serial/apcsmart_protocol_examples.txt).
#include "apc_proto.hpp"
#include "serial_port.hpp"

#include <nutpp/driver.hpp>

#include <gtest/gtest.h>

using namespace nutpp::serial::apc;

namespace {
std::string conv(const char *var, const char *reply) {
    const Query *q = find_query(var);
    if (!q) return "<no such query>";
    return convert(*q, reply).value_or("<none>");
}
std::vector<std::string> status(const char *reply) {
    std::string error;
    auto s = parse_status(reply, error);
    return s ? s->set.tokens() : std::vector<std::string>{"<error: " + error + ">"};
}
} // namespace

TEST(ApcConvert, TranscriptValuesBecomeNutValues) {
    EXPECT_EQ(conv("battery.voltage", "27.87"), "27.87");
    EXPECT_EQ(conv("ups.temperature", "036.0"), "036.0"); // NUT apcsmart keeps the UPS's digits
    EXPECT_EQ(conv("ups.load", "023.5"), "023.5");
    EXPECT_EQ(conv("battery.runtime", "0327:"), "19620"); // minutes with ':' -> seconds
    EXPECT_EQ(conv("battery.runtime.low", "02"), "120");
    EXPECT_EQ(conv("ups.test.interval", "336"), "1209600"); // hours -> seconds
    EXPECT_EQ(conv("ups.test.interval", "OFF"), "0");
    EXPECT_EQ(conv("input.transfer.reason", "O"), "no transfers yet since turnon");
    EXPECT_EQ(conv("input.transfer.reason", "R"), "unacceptable utility voltage rate of change");
    EXPECT_EQ(conv("ups.id", "UPS_IDEN"), "UPS_IDEN");
    EXPECT_EQ(conv("ups.firmware", "50.9.D"), "50.9.D");
    // 'b' counts only as "SKU.revision.country" (NUT apcsmart's check); else 'V' answers ups.firmware
    EXPECT_EQ(conv("ups.firmware", "736.1.I"), "736.1.I");
    EXPECT_EQ(conv("ups.firmware", "DWI"), "<none>");
    EXPECT_EQ(conv("ups.firmware", "1.2"), "<none>");
    EXPECT_EQ(conv("ups.firmware", "1..I"), "<none>");
    EXPECT_EQ(conv("ups.firmware", "1.2.I "), "1.2.I"); // trailing blanks are trimmed first
    EXPECT_EQ(conv("ups.firmware", "1.2-3.I"), "<none>");
    EXPECT_EQ(conv("battery.charge", "NA"), "<none>");
    EXPECT_EQ(conv("battery.runtime", "12a4:"), "<none>");
    EXPECT_EQ(conv("ups.model", "\x01\xff"), "<none>");
}

TEST(ApcStatus, FlagDecodingFromTranscript) {
    EXPECT_EQ(status("08"), (std::vector<std::string>{"OL"}));
    EXPECT_EQ(status("10"), (std::vector<std::string>{"OB"}));
    EXPECT_EQ(status("50"), (std::vector<std::string>{"OB", "LB"}));
    EXPECT_EQ(status("0A"), (std::vector<std::string>{"TRIM", "OL"}));
    EXPECT_EQ(status("0C"), (std::vector<std::string>{"BOOST", "OL"}));
    EXPECT_EQ(status("88"), (std::vector<std::string>{"OL", "RB"}));
    EXPECT_EQ(status("00"), (std::vector<std::string>{"OFF"}));
    EXPECT_EQ(status("18"), (std::vector<std::string>{"<error: impossible status 0x18 (on line and on battery)>"}));
    EXPECT_EQ(status("8"), (std::vector<std::string>{"<error: bad status reply \"8\">"}));
    EXPECT_EQ(status("ZZ"), (std::vector<std::string>{"<error: bad status reply \"ZZ\">"}));
}

TEST(ApcCapabilities, TranscriptStringPerLocale) {
    std::string error;
    const std::string caps = "#uD43132135138129uM43229234239224uA43110112114108";
    auto d = parse_capabilities(caps, 'D', error);
    EXPECT_TRUE(error.empty()) << error;
    EXPECT_EQ(d['u'], (std::vector<std::string>{"132", "135", "138", "129"}));
    auto m = parse_capabilities(caps, 'M', error);
    EXPECT_EQ(m['u'], (std::vector<std::string>{"229", "234", "239", "224"}));
    auto unknown = parse_capabilities(caps, 0, error); // no firmware string: first group wins
    EXPECT_EQ(unknown['u'], (std::vector<std::string>{"132", "135", "138", "129"}));
    // '4' = every locale; Matrix-UPS '#' separators
    auto all = parse_capabilities("#E433336168OFF##kI410TLN", 'I', error);
    EXPECT_EQ(all['E'], (std::vector<std::string>{"336", "168", "OFF"}));
    EXPECT_EQ(all['k'], (std::vector<std::string>{"0", "T", "L", "N"}));
}

TEST(ApcCapabilities, MalformedStringsKeepWhatParsed) {
    std::string error;
    // NUT issues #1941/#2015: a count or length out of range
    auto r = parse_capabilities("#uD43132135138129u\x01\x09\x03", 'D', error);
    EXPECT_EQ(r['u'].size(), 4u);
    EXPECT_NE(error.find("out of range"), std::string::npos) << error;
    error.clear();
    r = parse_capabilities("#uD4313213", 'D', error);
    EXPECT_TRUE(r.empty());
    EXPECT_NE(error.find("truncated"), std::string::npos) << error;
    error.clear();
    parse_capabilities("uD43132135138129", 'D', error);
    EXPECT_FALSE(error.empty());
}

TEST(ApcProtocolInfo, CommandSetAndAlerts) {
    const auto set = parse_protocol_info(std::string("3.!$%+?=#|.\x01\x0e\x1a") + "ABQY");
    ASSERT_TRUE(set);
    EXPECT_EQ(set->count('Q'), 1u);
    EXPECT_EQ(set->count('\x1a'), 1u);
    EXPECT_EQ(set->count('C'), 0u);
    EXPECT_FALSE(parse_protocol_info("NA"));
    EXPECT_FALSE(parse_protocol_info("3.!$."));
    EXPECT_EQ(strip_alerts("!$OK", false), "OK");
    EXPECT_EQ(strip_alerts("#uD4", true), "#uD4");
    EXPECT_EQ(strip_alerts("#|OK", false), "OK");
}

TEST(ApcShutdownKeys, SdtypeAwdCshdelayAndReturnArgumentsParseAsNutAccepts) {
    EXPECT_EQ(parse_sdtype("0"), ShutdownMethod::SoftOrHard);
    EXPECT_EQ(parse_sdtype("3"), ShutdownMethod::DelayedOff);
    EXPECT_EQ(parse_sdtype("5"), ShutdownMethod::Hard);
    EXPECT_EQ(parse_sdtype("6"), std::nullopt);
    EXPECT_EQ(parse_sdtype("01"), std::nullopt);
    EXPECT_EQ(hard_hibernate_digits("5"), "005");
    EXPECT_EQ(hard_hibernate_digits("12"), "12"); // exactly two: the older units' form
    EXPECT_EQ(hard_hibernate_digits("123"), "123");
    EXPECT_EQ(hard_hibernate_digits("1234"), std::nullopt);
    EXPECT_EQ(hard_hibernate_digits("1a"), std::nullopt);
    EXPECT_EQ(hard_hibernate_digits(""), std::nullopt);
    EXPECT_EQ(parse_cshdelay("3"), 3.0);
    EXPECT_EQ(parse_cshdelay("3."), 3.0);
    EXPECT_EQ(parse_cshdelay(".5"), 0.5);
    EXPECT_EQ(parse_cshdelay("3.5"), 3.5);
    EXPECT_EQ(parse_cshdelay("12"), std::nullopt);
    EXPECT_EQ(parse_cshdelay("."), std::nullopt);
    EXPECT_EQ(parse_cshdelay("1.25"), std::nullopt);
    EXPECT_EQ(parse_return_arg("")->kind, ReturnArg::Soft);
    EXPECT_EQ(parse_return_arg("CS")->kind, ReturnArg::CsHack);
    const auto at = parse_return_arg("AT:7");
    ASSERT_TRUE(at);
    EXPECT_EQ(at->kind, ReturnArg::Hard);
    EXPECT_EQ(at->digits, "007");
    EXPECT_FALSE(parse_return_arg("at:"));
    EXPECT_FALSE(parse_return_arg("at:1000"));
    EXPECT_FALSE(parse_return_arg("soon"));
}

TEST(ApcCable, Cable0095BRaisesDtrAndLowersRts) {
    using nutpp::serial::cable_lines;
    const auto alt = cable_lines(2400, true, "", "940-0095b"); // NUT compares without case
    EXPECT_EQ(alt.dtr, true);
    EXPECT_EQ(alt.rts, false);
    const auto smart = cable_lines(2400, true, "", "");
    EXPECT_EQ(smart.dtr, false);
    EXPECT_EQ(smart.rts, false);
    const auto standard = cable_lines(2400, true, "", "940-0024C");
    EXPECT_EQ(standard.dtr, false);
    const auto megatec = cable_lines(2400, false, "", "");
    EXPECT_EQ(megatec.dtr, true);
    EXPECT_EQ(megatec.rts, false);
    EXPECT_EQ(cable_lines(9600, false, "reverse", "").rts, true);
    EXPECT_THROW(cable_lines(2400, true, "both", "940-0095B"), nutpp::Error);
    EXPECT_THROW(cable_lines(2400, true, "", "940-9999"), nutpp::Error);
    EXPECT_THROW(cable_lines(2400, false, "sideways", ""), nutpp::Error);
}

TEST(ApcRegisters, BitsGiveTokensOnceAndAlarmsInOrder) {
    EXPECT_EQ(parse_register("0A"), std::optional<uint8_t>(0x0a));
    EXPECT_FALSE(parse_register("NA"));
    EXPECT_FALSE(parse_register("0"));
    nutpp::support::StatusSet set;
    set.add_token("OL");
    apply_register(kStateRegisters[0], 0x0a, set); // '~': internal fault + bypass on command
    apply_register(kStateRegisters[1], 0x11, set); // '\'': fan (bypass) + DC imbalance (bypass)
    EXPECT_EQ(set.tokens(), (std::vector<std::string>{"OL", "BYPASS"}));
    EXPECT_EQ(set.alarm(), "Bypass: internal fault, Electronics fan failed, DC imbalance");
    apply_register(kStateRegisters[2], 0xc0, set); // '8'
    EXPECT_EQ(set.alarm(), "Bypass: internal fault, Electronics fan failed, DC imbalance, Bypass relay failed, "
                           "Temperature too high");
    nutpp::support::StatusSet quiet;
    apply_register(kStateRegisters[0], 0xc1, quiet); // wake-up and "ready to power the load": not conditions
    EXPECT_TRUE(quiet.tokens().empty());
    EXPECT_TRUE(quiet.alarm().empty());
}
