#include <nutpp/support/numbers.hpp>

#include <gtest/gtest.h>

using namespace nutpp::support;

TEST(SupportNumbers, WholeStringDecimalsOnly) {
    EXPECT_EQ(to_number(" 013.7 "), 13.7);
    EXPECT_EQ(to_number("+50"), 50.0);
    EXPECT_EQ(to_number("-1.5"), -1.5);
    EXPECT_FALSE(to_number(""));
    EXPECT_FALSE(to_number("---.-")); // a Megatec "not measured" placeholder
    EXPECT_FALSE(to_number("12a"));
    EXPECT_FALSE(to_number("1e3"));
}

TEST(SupportNumbers, Integers) {
    EXPECT_EQ(to_integer("32"), 32);
    EXPECT_EQ(to_integer("+7"), 7);
    EXPECT_EQ(to_integer("-12"), -12);
    EXPECT_FALSE(to_integer("1.5"));
    EXPECT_FALSE(to_integer("99999999999999999999")); // overflow
    EXPECT_FALSE(to_integer("+"));
    EXPECT_TRUE(is_digits("0042"));
    EXPECT_FALSE(is_digits(""));
    EXPECT_FALSE(is_digits("4 2"));
}

TEST(SupportNumbers, HexByte) {
    EXPECT_EQ(hex_byte("0A"), std::optional<uint8_t>(0x0a));
    EXPECT_EQ(hex_byte(" c1 "), std::optional<uint8_t>(0xc1));
    EXPECT_FALSE(hex_byte("0"));
    EXPECT_FALSE(hex_byte("NA"));
    EXPECT_FALSE(hex_byte("0A0"));
}

// The texts NUT's dumps show: decimals per variable, C rounding, "-0.0" kept as C prints it.
TEST(SupportNumbers, FormatsLikeNutDrivers) {
    EXPECT_EQ(format_fixed(13.7, 2), "13.70");
    EXPECT_EQ(format_fixed(31.0, 0), "31");
    EXPECT_EQ(format_fixed(0.0, 1), "0.0");
    EXPECT_EQ(format_fixed(-0.04, 1), "-0.0");
    EXPECT_EQ(format(NumberFormat{"battery.voltage", 2}, 27.3), "27.30");
    EXPECT_EQ(format(NumberFormat{"ups.load", 0}, 31.4), "31");
    EXPECT_EQ(format(NumberFormat{"input.frequency", 1, 0.1}, 499.0), "49.9");
}
