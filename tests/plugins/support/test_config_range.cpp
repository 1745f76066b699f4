#include <nutpp/support/config_range.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <map>

using namespace nutpp::support;

namespace {
constexpr ConfigRange kRanges[] = {
    {"reply_timeout", 0.05, 3, "s"},
    {"offdelay", 12, 600, "s"},
    {"count", 1, 5, ""},
};
} // namespace

TEST(SupportConfigRange, MessageNamesKeyRangeAndUnit) {
    EXPECT_EQ(range_error(kRanges[0], 5), "reply_timeout must be 0.05..3 s");
    EXPECT_EQ(range_error(kRanges[2], 0), "count must be 1..5");
    EXPECT_FALSE(range_error(kRanges[1], 12));
    EXPECT_FALSE(range_error(kRanges[1], 600));
    EXPECT_TRUE(range_error(kRanges[1], std::nan("")));
}

TEST(SupportConfigRange, ChecksOnlyConfiguredKeysFirstViolationWins) {
    std::map<std::string, double> config{{"offdelay", 700}, {"count", 9}};
    auto number_of = [&](const char *k) -> std::optional<double> {
        auto it = config.find(k);
        return it == config.end() ? std::nullopt : std::optional<double>(it->second);
    };
    EXPECT_EQ(check_ranges(kRanges, number_of), "offdelay must be 12..600 s");
    config["offdelay"] = 20;
    EXPECT_EQ(check_ranges(kRanges, number_of), "count must be 1..5");
    config.erase("count");
    EXPECT_FALSE(check_ranges(kRanges, number_of));
}
