// The Megatec parsers against the replies of the spec and of real units (tests/testdata/serial).
#include "megatec_proto.hpp"
#include "transcript.hpp"

#include <gtest/gtest.h>

#include <map>

using namespace nutpp::serial::megatec;
using nutpp::serial::testing::transcript_replies;

namespace {
std::map<std::string, std::string> as_map(const Values &v) { return {v.begin(), v.end()}; }
} // namespace

TEST(MegatecQ1, SpecExampleDecodesEveryField) {
    std::string error;
    const auto r = parse_q1("(208.4 140.0 208.4 034 59.9 2.05 35.0 00110000", error);
    ASSERT_TRUE(r) << error;
    const auto v = as_map(r->values);
    EXPECT_EQ(v.at("input.voltage"), "208.4");
    EXPECT_EQ(v.at("input.voltage.fault"), "140.0");
    EXPECT_EQ(v.at("output.voltage"), "208.4");
    EXPECT_EQ(v.at("ups.load"), "34");
    EXPECT_EQ(v.at("input.frequency"), "59.9");
    EXPECT_EQ(v.at("battery.voltage"), "2.05");
    EXPECT_EQ(v.at("ups.temperature"), "35.0");
    EXPECT_EQ(v.at("ups.type"), "online");
    EXPECT_EQ(v.at("ups.beeper.status"), "disabled");
    // b7=0 -> OL, b5=1 on an on-line unit -> BYPASS, b4=1 -> UPS failed (alarm)
    EXPECT_EQ(r->status, (std::vector<std::string>{"OL", "BYPASS"}));
    EXPECT_EQ(r->alarm, "UPS failure");
}

TEST(MegatecQ1, RealRepliesFromTranscriptParseOrFailWithReason) {
    const auto replies = transcript_replies("megatec_q1_real_responses.txt");
    int good = 0, truncated = 0;
    for (const auto &reply : replies) {
        if (reply.empty() || reply[0] != '(') continue;
        std::string error;
        const auto r = parse_q1(reply, error);
        if (reply.size() == kQ1ReplyLength) {
            ASSERT_TRUE(r) << reply << ": " << error;
            EXPECT_EQ(r->status.front(), "OL") << reply;
            EXPECT_EQ(as_map(r->values).at("ups.type"), "offline / line interactive") << reply;
            ++good;
        } else {
            EXPECT_FALSE(r) << reply;
            EXPECT_NE(error.find("bytes, expected 46"), std::string::npos) << error;
            ++truncated;
        }
    }
    EXPECT_EQ(good, 6);      // five MEC0003 replies and the RICHCOMM one
    EXPECT_EQ(truncated, 3); // "(" and the two 43-byte armac replies
}

TEST(MegatecQ1, RejectsMalformedReplies) {
    std::string error;
    EXPECT_FALSE(parse_q1("", error));
    EXPECT_FALSE(parse_q1("UPS No Ack", error));
    EXPECT_NE(error.find("does not start with '('"), std::string::npos);
    EXPECT_FALSE(parse_q1("(231.0 000.0 231.0 003 49.0 13.7 30.8 0000100X", error));
    EXPECT_NE(error.find("bad status bits"), std::string::npos);
    EXPECT_FALSE(parse_q1("(231.0 000.0 231.0 003 49.0 1x.7 30.8 00001000", error));
    EXPECT_NE(error.find("battery.voltage"), std::string::npos);
    EXPECT_FALSE(parse_q1(std::string("(231.0 000.0 231.0 003 49.0 13.7 30.8 0000\0000", 46), error));
    EXPECT_NE(error.find("NUL"), std::string::npos);
    EXPECT_FALSE(parse_q1("(231.0 000.0 231.0 003 49.0 13.7 30.8000001000", error)); // 46 bytes, 7 fields
    EXPECT_NE(error.find("7 fields"), std::string::npos) << error;
}

TEST(MegatecQ1, StatusBitsFollowTheTable) {
    std::string error;
    // on battery + low battery + standby unit, beeper on
    auto r = parse_q1("(000.0 000.0 230.0 020 50.0 11.2 30.0 11001001", error);
    ASSERT_TRUE(r) << error;
    EXPECT_EQ(r->status, (std::vector<std::string>{"OB", "LB"}));
    EXPECT_TRUE(r->beeper_on);
    // standby unit with the buck/boost bit: output above input boosts, below trims
    r = parse_q1("(190.0 000.0 220.0 020 50.0 13.2 30.0 00101000", error);
    ASSERT_TRUE(r) << error;
    EXPECT_EQ(r->status, (std::vector<std::string>{"OL", "BOOST"}));
    r = parse_q1("(260.0 000.0 230.0 020 50.0 13.2 30.0 00101000", error);
    ASSERT_TRUE(r) << error;
    EXPECT_EQ(r->status, (std::vector<std::string>{"OL", "TRIM"}));
    // test running and shutdown pending
    r = parse_q1("(230.0 000.0 230.0 020 50.0 13.2 30.0 00000110", error);
    ASSERT_TRUE(r) << error;
    EXPECT_EQ(r->status, (std::vector<std::string>{"OL", "CAL", "FSD"}));
}

TEST(MegatecRating, FullAndBlankFields) {
    EXPECT_EQ(as_map(parse_rating("#230.0 000 024.0 50.0")),
              (std::map<std::string, std::string>{{"input.voltage.nominal", "230"},
                                                  {"input.current.nominal", "0.0"},
                                                  {"battery.voltage.nominal", "24.0"},
                                                  {"input.frequency.nominal", "50"}}));
    // MEC0003: only the battery voltage is given
    EXPECT_EQ(as_map(parse_rating("#   .   .  12.00   . ")),
              (std::map<std::string, std::string>{{"battery.voltage.nominal", "12.0"}}));
    EXPECT_TRUE(parse_rating("F").empty());
    EXPECT_TRUE(parse_rating("").empty());
}

TEST(MegatecIdent, FixedColumnsAndEmptyFields) {
    EXPECT_EQ(as_map(parse_ident("#VOLTRONIC       UPS-1000   V1.2      ")),
              (std::map<std::string, std::string>{{"device.mfr", "VOLTRONIC"}, {"device.model", "UPS-1000"}, {"ups.firmware", "V1.2"}}));
    // MEC0003 and RICHCOMM: company and model blank
    EXPECT_EQ(as_map(parse_ident("#                           V3.8      ")),
              (std::map<std::string, std::string>{{"ups.firmware", "V3.8"}}));
    EXPECT_TRUE(parse_ident("I").empty());
    EXPECT_TRUE(parse_ident("#short").empty());
}

TEST(MegatecVariant, VoltronicQpi) {
    EXPECT_EQ(parse_variant(kVariants[0], "(PI30"), "PI30");
    EXPECT_EQ(parse_variant(kVariants[0], "(PI30\x9a\x0b"), "PI30"); // CRC bytes after the id
    EXPECT_FALSE(parse_variant(kVariants[0], "QPI"));
    EXPECT_FALSE(parse_variant(kVariants[0], "(NAK"));
    EXPECT_FALSE(parse_variant(kVariants[0], "(PIx0"));
}

TEST(MegatecWire, RefusalsAndDelays) {
    EXPECT_TRUE(is_refusal("UPS No Ack", "Q"));
    EXPECT_TRUE(is_refusal("(NAK", "T"));
    EXPECT_TRUE(is_refusal("TL", "TL"));
    EXPECT_FALSE(is_refusal("(ACK", "T"));
    EXPECT_EQ(offdelay_wire(30), ".5");
    EXPECT_EQ(offdelay_wire(18), ".3"); // the spec's S.3 = 18 s
    EXPECT_EQ(offdelay_wire(120), "02");
    EXPECT_EQ(ondelay_wire(3), "0003");
}
