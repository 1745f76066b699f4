// Status words -> flags -> events, and message formatting, over tables.
#include <gtest/gtest.h>

#include "monitor/notify.hpp"
#include "monitor/status.hpp"

using namespace nutpp::monitor;

namespace {
std::vector<std::string> types(const std::vector<Event> &ev) {
    std::vector<std::string> out;
    for (const auto &e : ev) out.push_back(e.type);
    return out;
}
} // namespace

TEST(Status, Parse) {
    const StatusFlags f = parse_status("  ob lb  CHRG FSD WAIT  x ");
    EXPECT_TRUE(f.ob);
    EXPECT_TRUE(f.lb);
    EXPECT_TRUE(f.fsd);
    EXPECT_FALSE(f.ol);
    EXPECT_EQ(f.other, (std::vector<std::string>{"WAIT", "x"}));
    EXPECT_EQ(parse_status(""), StatusFlags{});
    EXPECT_EQ(parse_status(std::string("\0\xff", 2)).other.size(), 1u);
}

// Only upsd's lone placeholder is "no news"; WAIT next to real words is an unclassified word (OTHER).
TEST(Status, WaitPlaceholder) {
    EXPECT_TRUE(is_wait_placeholder("WAIT"));
    EXPECT_TRUE(is_wait_placeholder(" wait "));
    EXPECT_FALSE(is_wait_placeholder("OL WAIT"));
    EXPECT_FALSE(is_wait_placeholder("WAITING"));
    EXPECT_FALSE(is_wait_placeholder(""));
}

TEST(Status, EventsTable) {
    struct Row {
        const char *name;
        const char *prev; // nullptr = first poll
        const char *cur;
        std::vector<std::string> expect;
    };
    const Row rows[] = {
        {"first OL is silent", nullptr, "OL", {}},
        {"first OB notifies", nullptr, "OB DISCHRG", {"ONBATT"}},
        {"first OB LB", nullptr, "OB LB", {"ONBATT", "LOWBATT"}},
        {"OL -> OB", "OL", "OB", {"ONBATT"}},
        {"OB -> OL", "OB", "OL CHRG", {"ONLINE"}},
        {"OB -> OB LB", "OB", "OB LB", {"LOWBATT"}},
        {"OB LB -> OL: no LB-cleared event", "OB LB", "OL", {"ONLINE"}},
        {"OL -> FSD OL", "OL", "FSD OL", {"FSD"}},
        {"no change", "OB LB", "OB LB", {}},
        {"CAL on / off", "OL", "OL CAL", {"CAL"}},
        {"CAL off", "OL CAL", "OL", {"NOTCAL"}},
        {"bypass, then off (table order)", "OL BYPASS", "OFF", {"OFF", "NOTBYPASS"}},
        {"trim and boost", "OL TRIM", "OL BOOST", {"NOTTRIM", "BOOST"}},
        {"unknown word", "OL", "OL WAIT", {"OTHER"}},
        {"unknown word gone", "OL WAIT", "OL", {"NOTOTHER"}},
        {"unknown word unchanged", "OL WAIT", "OL WAIT", {}},
    };
    for (const auto &r : rows) {
        const StatusFlags prev = r.prev ? parse_status(r.prev) : StatusFlags{};
        EXPECT_EQ(types(status_events(prev, parse_status(r.cur), r.prev == nullptr)), r.expect) << r.name;
    }
}

TEST(Notify, FormatIsSafe) {
    EXPECT_EQ(format_message("UPS %s on battery", "ups@h"), "UPS ups@h on battery");
    EXPECT_EQ(format_message("%s: [%s] %s", "a", "b"), "a: [b] ");
    EXPECT_EQ(format_message("100%% %d %n %", "a"), "100% %d %n %");
    EXPECT_EQ(format_message("", "a"), "");
}

TEST(Notify, DefaultsAndOverrides) {
    nutpp::config::MonitorConfig cfg;
    cfg.notifymsg["ONBATT"] = "power gone on %s!";
    cfg.notifyflag["ONLINE"] = {false, false, true, false};
    Notifier n(cfg);
    EXPECT_EQ(n.message_for("ONBATT", "u@h", ""), "power gone on u@h!");
    EXPECT_EQ(n.message_for("LOWBATT", "u@h", ""), "UPS u@h battery is low");
    EXPECT_EQ(n.message_for("SHUTDOWN", "", ""), "Auto logout and shutdown proceeding");
    EXPECT_EQ(n.message_for("ALARM", "u", "Replace battery!"), "UPS u: one or more active alarms: [Replace battery!]");
    EXPECT_TRUE(n.flags_for("ONLINE").exec);
    EXPECT_FALSE(n.flags_for("ONLINE").syslog);
    EXPECT_EQ(n.flags_for("ONBATT"), (nutpp::config::NotifyFlags{true, true, false, false}));
    EXPECT_FALSE(n.flags_for("CAL").wall); // NUT's default for CAL: SYSLOG only
    for (const auto &t : notify_table()) EXPECT_FALSE(std::string(t.message).empty()) << t.type;
}
