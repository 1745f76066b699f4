#include "store/status.hpp"

#include <gtest/gtest.h>

using namespace nutpp::store;

namespace {
StatusBatch::Result compose(std::vector<std::string> tokens, std::string alarm = {}, bool ignorelb = false,
                            LowBatteryInputs lb = {}) {
    StatusBatch b;
    b.begin();
    for (auto &t : tokens) b.set(t);
    if (!alarm.empty()) b.alarm(alarm);
    return b.commit(ignorelb, lb);
}
} // namespace

TEST(StatusBatch, FixedOrderWhateverTheCallOrder) {
    EXPECT_EQ(compose({"LB", "DISCHRG", "OB"}).status, "OB DISCHRG LB");
    EXPECT_EQ(compose({"CHRG", "OL"}).status, "OL CHRG");
    EXPECT_EQ(compose({"BYPASS", "CHRG", "OL"}).status, "OL CHRG BYPASS");
    EXPECT_EQ(compose({"OL", "OL", "TRIM"}).status, "OL TRIM");
}

TEST(StatusBatch, UnknownTokensFollowInCallOrder) {
    EXPECT_EQ(compose({"ECO", "OL", "HE"}).status, "OL ECO HE");
}

TEST(StatusBatch, AlarmPrefixesAlarmToken) {
    auto r = compose({"OL", "RB", "CHRG"}, "Replace battery!");
    EXPECT_EQ(r.status, "ALARM OL CHRG RB");
    ASSERT_TRUE(r.alarm);
    EXPECT_EQ(*r.alarm, "Replace battery!");
    EXPECT_FALSE(compose({"OL"}).alarm);
    // A plugin setting ALARM itself without text does not fake an alarm.
    EXPECT_EQ(compose({"ALARM", "OL"}).status, "OL");
}

TEST(StatusBatch, IgnoreLbDecidesFromThresholds) {
    LowBatteryInputs above{50.0, 10.0, 3000.0, 300.0};
    LowBatteryInputs low_charge{9.0, 10.0, 3000.0, 300.0};
    LowBatteryInputs low_runtime{50.0, 10.0, 120.0, 300.0};
    EXPECT_EQ(compose({"OB", "LB"}, {}, true, above).status, "OB");
    EXPECT_EQ(compose({"OB"}, {}, true, low_charge).status, "OB LB");
    EXPECT_EQ(compose({"OB"}, {}, true, low_runtime).status, "OB LB");
    EXPECT_EQ(compose({"OB", "LB"}, {}, false, above).status, "OB LB");
    EXPECT_EQ(compose({"OB"}, {}, true, {}).status, "OB"); // no data: no LB invented
}

TEST(StatusBatch, EmptyBatchGivesEmptyStatus) {
    EXPECT_EQ(compose({}).status, "");
}
