#include <nutpp/support/text.hpp>

#include <gtest/gtest.h>

#include <map>

using namespace nutpp::support;

TEST(SupportText, CaseRulesAreAsciiStrcasecmp) {
    EXPECT_TRUE(iequals("UPS.Status", "ups.status"));
    EXPECT_FALSE(iequals("ups.status", "ups.statu"));
    EXPECT_FALSE(iequals("\xc4", "\xe4")); // no locale folding beyond ASCII
    EXPECT_TRUE(istarts_with("Driver.Name", "driver."));
    EXPECT_FALSE(istarts_with("drive", "driver."));
    EXPECT_EQ(to_lower("OB LB"), "ob lb");
}

TEST(SupportText, ILessOrdersAndFindsByAnyCase) {
    std::map<std::string, int, ILess> m{{"ups.status", 1}, {"Battery.charge", 2}, {"battery.charge.low", 3}};
    EXPECT_EQ(m.begin()->first, "Battery.charge");
    EXPECT_EQ(m.count("UPS.STATUS"), 1u);
    EXPECT_NE(m.find(std::string_view("BATTERY.CHARGE.LOW")), m.end()); // transparent lookup
}

TEST(SupportText, TrimSplitAndPrintable) {
    EXPECT_EQ(trim(" \t013.7 \t"), "013.7");
    EXPECT_EQ(trim("   "), "");
    EXPECT_EQ(split("(230.0  229.0 013", " "), (std::vector<std::string_view>{"(230.0", "229.0", "013"}));
    EXPECT_EQ(split_words(" OL\tCHRG\r\n LB "), (std::vector<std::string>{"OL", "CHRG", "LB"}));
    EXPECT_TRUE(split_words("").empty());
    EXPECT_EQ(printable(std::string_view("(2\0\\\r", 5)), "(2\\x00\\x5c\\x0d");
    EXPECT_EQ(printable("abcdef", 3), "abc...");
}
