// format_rw_var without a server: the layout rules upsrw's listing follows.
#include "rw_listing.hpp"

#include <gtest/gtest.h>

using nutpp::clients::format_rw_var;
using nutpp::clients::RwVar;

TEST(RwListing, StringShowsMaximumLengthAndValue) {
    RwVar v{"ups.id", "UPS system identifier", {"RW", "STRING:16"}, "my ups", {}, {}};
    EXPECT_EQ(format_rw_var(v), "[ups.id]\nUPS system identifier\nType: STRING\nMaximum length: 16\nValue: my ups\n\n");
}

TEST(RwListing, NumberShowsValue) {
    RwVar v{"ups.load", "Load", {"RW", "NUMBER"}, "5", {}, {}};
    EXPECT_EQ(format_rw_var(v), "[ups.load]\nLoad\nType: NUMBER\nValue: 5\n\n");
}

TEST(RwListing, EnumMarksTheCurrentValue) {
    RwVar v{"ups.beeper.status", "Beeper", {"RW", "ENUM", "STRING:10"}, "muted", {"enabled", "muted"}, {}};
    EXPECT_EQ(format_rw_var(v), "[ups.beeper.status]\nBeeper\nType: ENUM STRING\nMaximum length: 10\n"
                                "Option: \"enabled\"\nOption: \"muted\" SELECTED\n\n");
}

TEST(RwListing, RangeIsNumericAndMarksTheMatchingRange) {
    RwVar v{"x", "d", {"RW", "RANGE", "STRING:4"}, "165", {}, {{"130", "150"}, {"160", "170"}}};
    EXPECT_EQ(format_rw_var(v), "[x]\nd\nType: RANGE NUMBER\nOption: \"130-150\"\nOption: \"160-170\" SELECTED\n\n");
}
