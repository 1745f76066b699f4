#include "driver_socket/request.hpp"

#include <gtest/gtest.h>

using namespace nutpp::driver_socket;
using K = Request::Kind;

TEST(Request, Basics) {
    EXPECT_EQ(parse_request({"DUMPALL"}).kind, K::DumpAll);
    EXPECT_EQ(parse_request({"dumpall"}).kind, K::DumpAll);
    EXPECT_EQ(parse_request({"PING"}).kind, K::Ping);
    EXPECT_EQ(parse_request({"GETPID"}).kind, K::Ignored);
    EXPECT_EQ(parse_request({"NOBROADCAST"}).kind, K::Ignored);
}

TEST(Request, InstcmdArities) {
    auto r = parse_request({"INSTCMD", "load.off"});
    EXPECT_EQ(r.kind, K::InstCmd);
    EXPECT_EQ(r.name, "load.off");
    EXPECT_FALSE(r.value);
    EXPECT_FALSE(r.tracking);
    r = parse_request({"INSTCMD", "load.off.delay", "30"});
    EXPECT_EQ(*r.value, "30");
    r = parse_request({"INSTCMD", "load.off", "TRACKING", "abc"});
    EXPECT_EQ(r.kind, K::InstCmd);
    EXPECT_FALSE(r.value);
    EXPECT_EQ(*r.tracking, "abc");
    r = parse_request({"INSTCMD", "load.off.delay", "30", "TRACKING", "id1"});
    EXPECT_EQ(*r.value, "30");
    EXPECT_EQ(*r.tracking, "id1");
    EXPECT_EQ(parse_request({"INSTCMD"}).kind, K::Malformed);
    EXPECT_EQ(parse_request({"INSTCMD", "a", "b", "c"}).kind, K::Malformed);
    EXPECT_EQ(parse_request({"INSTCMD", "a", "b", "c", "d", "e"}).kind, K::Malformed);
}

TEST(Request, SetArities) {
    auto r = parse_request({"SET", "ups.id", "v"});
    EXPECT_EQ(r.kind, K::Set);
    EXPECT_EQ(*r.value, "v");
    r = parse_request({"SET", "ups.id", "v", "TRACKING", "t"});
    EXPECT_EQ(*r.tracking, "t");
    EXPECT_EQ(parse_request({"SET", "ups.id"}).kind, K::Malformed);
    EXPECT_EQ(parse_request({"SET", "ups.id", "v", "x"}).kind, K::Malformed);
    EXPECT_EQ(parse_request({"SET", "ups.id", "v", "NOTTRACKING", "t"}).kind, K::Malformed);
}

TEST(Request, TrackingLine) {
    EXPECT_EQ(tracking_line("abc", TrackingResult::Handled), "TRACKING abc 0");
    EXPECT_EQ(tracking_line("abc", TrackingResult::Failed), "TRACKING abc 3");
}
