#include "store/var_store.hpp"

#include <gtest/gtest.h>

using namespace nutpp::store;

namespace {
std::vector<std::string> drained(VarStore &s) { return s.drain(); }
} // namespace

TEST(VarStore, SetQueuesSetinfoOnlyOnChange) {
    VarStore s;
    EXPECT_TRUE(s.set("battery.charge", "100"));
    EXPECT_FALSE(s.set("battery.charge", "100"));
    EXPECT_TRUE(s.set("battery.charge", "99"));
    EXPECT_EQ(drained(s), (std::vector<std::string>{"SETINFO battery.charge \"100\"", "SETINFO battery.charge \"99\""}));
}

TEST(VarStore, NamesAreCaseInsensitiveAndKeepFirstSpelling) {
    VarStore s;
    s.set("ups.Status", "OL");
    s.set("UPS.STATUS", "OB");
    ASSERT_TRUE(s.value("ups.status"));
    EXPECT_EQ(*s.value("ups.status"), "OB");
    EXPECT_EQ(s.variables().size(), 1u);
    EXPECT_EQ(s.variables()[0].name, "ups.Status");
}

TEST(VarStore, ValuesAreEscapedOnTheWire) {
    VarStore s;
    s.set("ups.id", "say \"hi\" \\ #1");
    EXPECT_EQ(drained(s), (std::vector<std::string>{R"(SETINFO ups.id "say \"hi\" \\ \#1")"}));
}

TEST(VarStore, OverlongValuesAreCutAt255) {
    VarStore s;
    s.set("ups.id", std::string(400, 'x'));
    EXPECT_EQ(s.value("ups.id")->size(), kMaxValueLength);
}

TEST(VarStore, DumpOrderMatchesNut) {
    // NUT: DATASTALE first when stale; per var SETINFO, ADDENUMs, ADDRANGEs, SETAUX, SETFLAGS; then
    // ADDCMDs; DATAOK when fresh. Vars sorted case-insensitively.
    VarStore s;
    s.set("ups.status", "OL");
    s.set("Battery.charge", "100");
    s.declare({"ups.beeper.status", FLAG_RW, 0, {"enabled", "disabled"}, {}});
    s.set("ups.beeper.status", "enabled");
    s.declare({"ups.delay.shutdown", FLAG_RW | FLAG_NUMBER, 0, {}, {{0, 600}}});
    s.set("ups.delay.shutdown", "20");
    s.declare({"ups.id", FLAG_RW | FLAG_STRING, 16, {}, {}});
    s.set("ups.id", "x");
    s.add_cmd("test.battery.start");
    s.add_cmd("beeper.enable");
    auto snap = s.snapshot_and_drain();
    EXPECT_FALSE(snap.pending.empty());
    EXPECT_EQ(snap.dump, (std::vector<std::string>{
                             "DATASTALE",
                             "SETINFO Battery.charge \"100\"",
                             "SETINFO ups.beeper.status \"enabled\"",
                             "ADDENUM ups.beeper.status \"enabled\"",
                             "ADDENUM ups.beeper.status \"disabled\"",
                             "SETFLAGS ups.beeper.status RW",
                             "SETINFO ups.delay.shutdown \"20\"",
                             "ADDRANGE ups.delay.shutdown 0 600",
                             "SETFLAGS ups.delay.shutdown RW NUMBER",
                             "SETINFO ups.id \"x\"",
                             "SETAUX ups.id 16",
                             "SETFLAGS ups.id RW STRING",
                             "SETINFO ups.status \"OL\"",
                             "ADDCMD beeper.enable",
                             "ADDCMD test.battery.start",
                         }));
    s.set_data_ok(true);
    EXPECT_EQ(s.snapshot_and_drain().dump.back(), "DATAOK");
    EXPECT_TRUE(s.drain().empty()); // the snapshot took the pending DATAOK with it
}

TEST(VarStore, DeclarationBeforeValueIsAnnouncedWithTheValue) {
    VarStore s;
    s.declare({"ups.id", FLAG_RW | FLAG_STRING, 8, {}, {}});
    EXPECT_TRUE(drained(s).empty()); // nothing to say before there is a value
    s.set("ups.id", "a");
    EXPECT_EQ(drained(s), (std::vector<std::string>{"SETINFO ups.id \"a\"", "SETAUX ups.id 8", "SETFLAGS ups.id RW STRING"}));
}

TEST(VarStore, CheckSetFollowsUpsdOrder) {
    VarStore s;
    s.set("ro", "1");
    s.declare({"str", FLAG_RW | FLAG_STRING, 4, {}, {}});
    s.set("str", "ab");
    s.declare({"noaux", FLAG_RW | FLAG_STRING, 0, {}, {}});
    s.set("noaux", "x");
    s.declare({"en", FLAG_RW, 0, {"on", "off"}, {}});
    s.set("en", "on");
    s.declare({"rng", FLAG_RW | FLAG_NUMBER, 0, {}, {{0, 10}, {20, 30}}});
    s.set("rng", "5");
    EXPECT_EQ(s.check_set("missing", "1"), SetCheck::NotSupported);
    EXPECT_EQ(s.check_set("ro", "2"), SetCheck::ReadOnly);
    EXPECT_EQ(s.check_set("str", "abcd"), SetCheck::Ok);
    EXPECT_EQ(s.check_set("str", "abcde"), SetCheck::TooLong);
    EXPECT_EQ(s.check_set("noaux", "x"), SetCheck::SetFailed);
    EXPECT_EQ(s.check_set("en", "off"), SetCheck::Ok);
    EXPECT_EQ(s.check_set("en", "OFF"), SetCheck::InvalidValue); // strcmp, like upsd
    EXPECT_EQ(s.check_set("rng", "25"), SetCheck::Ok);
    EXPECT_EQ(s.check_set("rng", "15"), SetCheck::InvalidValue);
    EXPECT_EQ(s.check_set("rng", "abc"), SetCheck::Ok); // atoi("abc") == 0, inside 0..10: upsd accepts it
}

TEST(VarStore, ImmutableOverrideIgnoresDeviceValues) {
    VarStore s;
    s.set_immutable("ups.mfr", "Fixed");
    EXPECT_FALSE(s.set("ups.mfr", "Device says"));
    EXPECT_FALSE(s.erase("ups.mfr"));
    EXPECT_EQ(*s.value("ups.mfr"), "Fixed");
}

TEST(VarStore, EraseAndCommands) {
    VarStore s;
    s.set("a", "1");
    s.add_cmd("load.off");
    s.drain();
    EXPECT_TRUE(s.erase("A"));
    EXPECT_FALSE(s.erase("a"));
    EXPECT_TRUE(s.has_cmd("LOAD.OFF"));
    EXPECT_TRUE(s.del_cmd("load.off"));
    EXPECT_EQ(drained(s), (std::vector<std::string>{"DELINFO a", "DELCMD load.off"}));
}

TEST(VarStore, NotifyFiresOutsideTheLock) {
    int calls = 0;
    VarStore *self = nullptr;
    VarStore s([&] {
        ++calls;
        (void)self->value("x"); // would deadlock if notify ran under the store lock
    });
    self = &s;
    s.set("x", "1");
    s.set("x", "1");
    s.set_data_ok(true);
    EXPECT_EQ(calls, 2);
}
