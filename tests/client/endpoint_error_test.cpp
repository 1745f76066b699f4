// Pure functions of the client library: UPS specs, error texts, wire quoting, tracking replies.
#include "client/client.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace cl = nutpp::client;

TEST(Endpoint, ParsesNutSpecs) {
    auto e = cl::Endpoint::parse("dummy");
    EXPECT_EQ(e.ups, "dummy");
    EXPECT_EQ(e.host, "localhost");
    EXPECT_EQ(e.port, 3493);

    e = cl::Endpoint::parse("dummy@127.0.0.1");
    EXPECT_EQ(e.host, "127.0.0.1");
    EXPECT_EQ(e.port, 3493);

    e = cl::Endpoint::parse("ups1@nut.example.com:13510");
    EXPECT_EQ(e.ups, "ups1");
    EXPECT_EQ(e.host, "nut.example.com");
    EXPECT_EQ(e.port, 13510);

    e = cl::Endpoint::parse("u@[::1]:3494");
    EXPECT_EQ(e.host, "::1");
    EXPECT_EQ(e.port, 3494);

    e = cl::Endpoint::parse("u@[fe80::1%eth0]");
    EXPECT_EQ(e.host, "fe80::1%eth0");
    EXPECT_EQ(e.port, 3493);

    e = cl::Endpoint::parse("u@::1");
    EXPECT_EQ(e.host, "::1");
    EXPECT_EQ(e.port, 3493);
}

TEST(Endpoint, RejectsBadSpecs) {
    for (const char *bad : {"", "@host", "u@", "u@host:", "u@host:0", "u@host:65536", "u@host:12x", "u@[::1",
                            "u@[::1]x", "u@[::1]:", "u@a@b", "my ups@host", "u@ho st", "u@[]:1"}) {
        EXPECT_THROW(cl::Endpoint::parse(bad), std::invalid_argument) << bad;
    }
}

TEST(Endpoint, ParsesHostOnlySpecs) {
    auto e = cl::Endpoint::parse_host("127.0.0.1:13510");
    EXPECT_TRUE(e.ups.empty());
    EXPECT_EQ(e.host, "127.0.0.1");
    EXPECT_EQ(e.port, 13510);
    EXPECT_EQ(cl::Endpoint::parse_host("").host, "localhost");
    EXPECT_EQ(cl::Endpoint::parse_host("[::1]:5").port, 5);
    EXPECT_EQ(cl::Endpoint::parse_host("::1").host, "::1");
    EXPECT_THROW(cl::Endpoint::parse_host("u@host"), std::invalid_argument);
    EXPECT_THROW(cl::Endpoint::parse_host("host:abc"), std::invalid_argument);
}

TEST(Endpoint, PrintsLikeNut) {
    EXPECT_EQ(cl::Endpoint::parse("u@h").to_string(), "u@h");
    EXPECT_EQ(cl::Endpoint::parse("u@h:1234").to_string(), "u@h:1234");
    EXPECT_EQ(cl::Endpoint::parse("u@[::1]:1234").to_string(), "u@[::1]:1234");
    EXPECT_EQ(cl::Endpoint::parse_host("h:99").to_string(), "h:99");
}

TEST(ErrorText, MatchesLibupsclient) {
    EXPECT_EQ(cl::message_for("VAR-NOT-SUPPORTED"), "Variable not supported by UPS");
    EXPECT_EQ(cl::message_for("UNKNOWN-UPS"), "Unknown UPS");
    EXPECT_EQ(cl::message_for("DATA-STALE"), "Data stale");
    EXPECT_EQ(cl::message_for("DRIVER-NOT-CONNECTED"), "Driver not connected");
    EXPECT_EQ(cl::message_for("ACCESS-DENIED"), "Access denied");
    EXPECT_EQ(cl::message_for("CMD-NOT-SUPPORTED"), "Instant command not supported");
    EXPECT_EQ(cl::message_for("READONLY"), "Read-only variable");
    EXPECT_EQ(cl::message_for("TOO-LONG"), "New value is too long");
    EXPECT_EQ(cl::message_for("INVALID-VALUE"), "Invalid value for variable");
    EXPECT_EQ(cl::message_for("SET-FAILED"), "Set command failed");
    EXPECT_EQ(cl::message_for("INSTCMD-FAILED"), "Instant command failed");
    EXPECT_EQ(cl::message_for("USERNAME-REQUIRED"), "Username required");
    EXPECT_EQ(cl::message_for("PASSWORD-REQUIRED"), "Password required");
    EXPECT_EQ(cl::message_for("UNKNOWN-COMMAND"), "Unknown command");
    EXPECT_EQ(cl::message_for("INVALID-ARGUMENT"), "Invalid argument");
    EXPECT_EQ(cl::message_for("ALREADY-LOGGED-IN"), "Already logged in");
    EXPECT_EQ(cl::message_for("ALREADY-SET-USERNAME"), "Already set username");
    EXPECT_EQ(cl::message_for("ALREADY-SET-PASSWORD"), "Already set password");
    EXPECT_EQ(cl::message_for("FEATURE-NOT-CONFIGURED"), "Unknown error");
    EXPECT_EQ(cl::message_for("NO-SUCH-THING"), "Unknown error");
    EXPECT_EQ(cl::message_for(""), "Unknown error");
    EXPECT_EQ(cl::message_for("var-not-supported"), "Unknown error"); // codes are case-sensitive
}

TEST(ErrorText, FromReplyLine) {
    auto e = cl::error_from_reply("ERR ACCESS-DENIED");
    EXPECT_STREQ(e.what(), "Access denied");
    EXPECT_EQ(e.code, "ACCESS-DENIED");
    EXPECT_EQ(e.reply, "ERR ACCESS-DENIED");
    EXPECT_TRUE(e.from_server());

    e = cl::error_from_reply("ERR ACCESS-DENIED \"SSL handshake failed\"");
    EXPECT_EQ(e.code, "ACCESS-DENIED");

    e = cl::error_from_reply("ERR");
    EXPECT_TRUE(e.code.empty());
    EXPECT_STREQ(e.what(), "Invalid response from server");
    EXPECT_FALSE(e.from_server());
}

TEST(ErrorText, SystemErrors) {
    EXPECT_STREQ(cl::connect_error(ECONNREFUSED).what(), "Connection failure: Connection refused");
    EXPECT_STREQ(cl::read_error(ETIMEDOUT).what(), "Read error: Connection timed out");
    EXPECT_STREQ(cl::write_error(EPIPE).what(), "Write error: Broken pipe");
}

TEST(WireWord, QuotesOnlyWhenNeeded) {
    EXPECT_EQ(cl::wire_word("ups.status"), "ups.status");
    EXPECT_EQ(cl::wire_word("dummy"), "dummy");
    EXPECT_EQ(cl::wire_word(""), "\"\"");
    EXPECT_EQ(cl::wire_word("two words"), "\"two words\"");
    EXPECT_EQ(cl::wire_word("a=b"), "\"a=b\"");
    EXPECT_EQ(cl::wire_word("x#y"), "\"x\\#y\"");
    EXPECT_EQ(cl::wire_word("q\"uote"), "\"q\\\"uote\"");
    EXPECT_EQ(cl::wire_word("back\\slash"), "\"back\\\\slash\"");
}

TEST(Tracking, ExtractsIdFromReply) {
    EXPECT_EQ(cl::Connection::tracking_id("OK TRACKING 2DDC5036-F665-4D29-BE4C-0374D091D263"),
              "2DDC5036-F665-4D29-BE4C-0374D091D263");
    EXPECT_FALSE(cl::Connection::tracking_id("OK").has_value());
    EXPECT_FALSE(cl::Connection::tracking_id("OK TRACKING").has_value());
    EXPECT_FALSE(cl::Connection::tracking_id("ERR TRACKING x").has_value());
    EXPECT_FALSE(cl::Connection::tracking_id("").has_value());
}
