// core/common/strings.hpp: the case and number rules every area relies on.
#include "common/strings.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

namespace c = nutpp::common;

TEST(Strings, CaseInsensitiveCompare) {
    EXPECT_EQ(c::icompare("ups.status", "UPS.STATUS"), 0);
    EXPECT_LT(c::icompare("a", "B"), 0);
    EXPECT_GT(c::icompare("b", "A"), 0);
    EXPECT_LT(c::icompare("abc", "abcd"), 0);
    EXPECT_GT(c::icompare("abcd", "ABC"), 0);
    EXPECT_TRUE(c::iequals("Dummy", "dUMMY"));
    EXPECT_FALSE(c::iequals("dummy", "dummy2"));
    EXPECT_FALSE(c::iequals("abc", "abd"));
    EXPECT_EQ(c::to_lower("LIST Var X.Y"), "list var x.y");
}

TEST(Strings, ILessSortsLikeNutStateTree) {
    // strcasecmp order: '.' (0x2e) sorts before letters, case ignored.
    std::set<std::string, c::ILess> s{"ups.status", "Battery.charge", "battery.charge.low", "UPS.load", "input.voltage"};
    std::vector<std::string> got(s.begin(), s.end());
    EXPECT_EQ(got, (std::vector<std::string>{"Battery.charge", "battery.charge.low", "input.voltage", "UPS.load",
                                             "ups.status"}));
    std::map<std::string, int, c::ILess> m{{"Ups.Status", 1}};
    EXPECT_NE(m.find(std::string_view("UPS.STATUS")), m.end()); // heterogeneous lookup
}

TEST(Strings, SplitJoinTrim) {
    EXPECT_EQ(c::split_ws("  a\tb \r\n c  "), (std::vector<std::string>{"a", "b", "c"}));
    EXPECT_TRUE(c::split_ws("   ").empty());
    EXPECT_TRUE(c::split_ws("").empty());
    EXPECT_EQ(c::join({"OL", "CHRG"}, " "), "OL CHRG");
    EXPECT_EQ(c::join({}, ","), "");
    EXPECT_EQ(c::join({"x"}, ","), "x");
    EXPECT_EQ(c::trim("  \t x y \r\n"), "x y");
    EXPECT_EQ(c::trim("   "), "");
    EXPECT_TRUE(c::starts_with_i("Driver.Parameter.port", "driver.parameter."));
    EXPECT_FALSE(c::starts_with_i("driver", "driver.parameter."));
}

TEST(Strings, ParseNumbers) {
    double d = 0;
    EXPECT_TRUE(c::parse_double("13.7", d));
    EXPECT_DOUBLE_EQ(d, 13.7);
    EXPECT_TRUE(c::parse_double(" -60 ", d));
    EXPECT_DOUBLE_EQ(d, -60);
    EXPECT_FALSE(c::parse_double("12V", d));
    EXPECT_FALSE(c::parse_double("", d));

    long long i = 0;
    EXPECT_TRUE(c::parse_int("5550", i));
    EXPECT_EQ(i, 5550);
    EXPECT_TRUE(c::parse_int("+7", i));
    EXPECT_EQ(i, 7);
    EXPECT_TRUE(c::parse_int("-60", i));
    EXPECT_EQ(i, -60);
    EXPECT_FALSE(c::parse_int("60.0", i));
    EXPECT_FALSE(c::parse_int("", i));
    EXPECT_FALSE(c::parse_int("+", i));
    EXPECT_FALSE(c::parse_int("99999999999999999999999", i));
}

TEST(Strings, ParseBool) {
    bool b = false;
    for (auto s : {"true", "YES", "On", "1"}) {
        b = false;
        EXPECT_TRUE(c::parse_bool(s, b)) << s;
        EXPECT_TRUE(b) << s;
    }
    for (auto s : {"false", "No", "OFF", "0"}) {
        b = true;
        EXPECT_TRUE(c::parse_bool(s, b)) << s;
        EXPECT_FALSE(b) << s;
    }
    b = true;
    EXPECT_FALSE(c::parse_bool("maybe", b));
    EXPECT_TRUE(b); // untouched on failure
}

// A bare NUT flag (no value) is set; otherwise the same words as parse_bool, and nothing else.
TEST(Strings, ParseFlag) {
    bool b = false;
    EXPECT_TRUE(c::parse_flag("", b));
    EXPECT_TRUE(b);
    EXPECT_TRUE(c::parse_flag("Off", b));
    EXPECT_FALSE(b);
    EXPECT_FALSE(c::parse_flag("enabled", b));
}
