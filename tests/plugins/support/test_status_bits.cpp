#include <nutpp/support/enum_text.hpp>
#include <nutpp/support/status_bits.hpp>

#include <gtest/gtest.h>

using namespace nutpp::support;

namespace {
constexpr StatusBit kBits[] = {
    {0x80, "OB", "OL"},
    {0x40, "LB"},
    {0x10, nullptr, nullptr, "UPS failure"},
    {0x06, "BYPASS", nullptr, "Both relays"}, // a group: both bits must be set
    {0x02, "BYPASS"},
};
constexpr EnumText kBeeper[] = {{1, "disabled"}, {2, "enabled"}, {3, "muted"}};
} // namespace

TEST(SupportStatusBits, SetAndClearTokensInTableOrder) {
    StatusSet s;
    s.apply(kBits, 0xc0);
    EXPECT_EQ(s.tokens(), (std::vector<std::string>{"OB", "LB"}));
    EXPECT_TRUE(s.alarm().empty());

    StatusSet clear;
    clear.apply(kBits, 0x00);
    EXPECT_EQ(clear.tokens(), (std::vector<std::string>{"OL"}));
}

TEST(SupportStatusBits, TokensOnceAlarmsJoined) {
    StatusSet s;
    s.apply(kBits, 0x16);
    EXPECT_EQ(s.tokens(), (std::vector<std::string>{"OL", "BYPASS"}));
    EXPECT_EQ(s.alarm(), "UPS failure, Both relays");
    s.apply(kBits, 0x04); // only half of the group: nothing more
    EXPECT_EQ(s.alarm(), "UPS failure, Both relays");
    s.add_alarm("");
    EXPECT_EQ(s.alarm(), "UPS failure, Both relays");
    s.remove_token("BYPASS");
    EXPECT_FALSE(s.has("BYPASS"));
}

TEST(SupportEnumText, BothWays) {
    EXPECT_STREQ(text_for(kBeeper, 2), "enabled");
    EXPECT_EQ(text_for(kBeeper, 0), nullptr);
    EXPECT_EQ(value_for(kBeeper, "muted"), std::optional<long>(3));
    EXPECT_FALSE(value_for(kBeeper, "Muted")); // NUT's texts are exact
}
