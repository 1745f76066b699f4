// UpsState: the driver stream applied to the map LIST VAR walks and the hashed index GET uses;
// the two must agree through SETINFO, DELINFO and a driver that goes away.
#include "server/ups_state.hpp"

#include <gtest/gtest.h>

using nutpp::server::TrackingUpdate;
using nutpp::server::UpsState;

namespace {

void apply(UpsState &s, std::vector<std::string> words) {
    std::vector<TrackingUpdate> t;
    s.apply(words, t);
}

} // namespace

TEST(UpsState, IndexFollowsTheMapCaseInsensitively) {
    UpsState s;
    apply(s, {"SETINFO", "battery.charge", "100"});
    apply(s, {"SETINFO", "ups.status", "OL"});
    ASSERT_NE(s.find("BATTERY.Charge"), nullptr); // NUT compares names case-insensitively
    EXPECT_EQ(s.find("battery.charge")->value, "100");
    apply(s, {"SETINFO", "Battery.Charge", "99"}); // the same variable, not a second one
    EXPECT_EQ(s.vars().size(), 2u);
    EXPECT_EQ(s.find("battery.charge")->value, "99");

    apply(s, {"DELINFO", "battery.charge"});
    EXPECT_EQ(s.find("battery.charge"), nullptr);
    EXPECT_EQ(s.vars().count("battery.charge"), 0u);
    apply(s, {"SETINFO", "battery.charge", "42"}); // back, with a new map node
    ASSERT_NE(s.find("battery.charge"), nullptr);
    EXPECT_EQ(s.find("battery.charge")->value, "42");
    apply(s, {"SETFLAGS", "battery.charge", "RW", "NUMBER"}); // updates reach the same entry
    EXPECT_TRUE(s.find("battery.charge")->rw);

    s.clear();
    EXPECT_EQ(s.find("ups.status"), nullptr);
    EXPECT_TRUE(s.vars().empty());
    apply(s, {"SETINFO", "ups.status", "OB"});
    EXPECT_EQ(s.find("UPS.STATUS")->value, "OB");
}
