// Client behaviour against a scripted, misbehaving server: garbage, wrong echoes, timeouts, early
// EOF, oversized lines, broken LIST blocks, STARTTLS answers; also reply framing edge cases.
#include "fake_server.hpp"

#include "client/client.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>

using nutpp::client::Connection;
using nutpp::client::Error;
using nutpp::testing::FakeServer;
using Peer = FakeServer::Peer;
using namespace std::chrono_literals;

namespace {

Connection connect_to(const FakeServer &s, std::chrono::milliseconds timeout = 2s) {
    return Connection::tcp("127.0.0.1", s.port(), timeout);
}

// Server answering every request with the given raw bytes (once), then waiting for the client to go.
FakeServer::Script reply_with(std::string bytes) {
    return [bytes](Peer &p) {
        p.read_line();
        p.write(bytes);
        p.read_line();
    };
}

template <class F>
Error expect_error(F &&f) {
    try {
        f();
    } catch (const Error &e) {
        return e;
    }
    ADD_FAILURE() << "no client::Error thrown";
    return Error("none");
}

} // namespace

TEST(FakeServer, ValueWithEscapesIsUnquoted) {
    std::string seen;
    FakeServer s([&seen](Peer &p) {
        seen = p.read_line();
        p.write("VAR u x \"say \\\"hi\\\" \\\\ \\#1\"\n");
        p.read_line();
    });
    auto c = connect_to(s);
    EXPECT_EQ(c.get_var("u", "x"), "say \"hi\" \\ #1");
    c.close();
    EXPECT_EQ(seen, "GET VAR u x");
}

TEST(FakeServer, ReplyDribbledByteByByteAndCrlf) {
    FakeServer s([](Peer &p) {
        p.read_line();
        for (char ch : std::string("VAR u ups.status \"OL CHRG\"\r\n")) {
            p.write(std::string_view(&ch, 1));
            std::this_thread::sleep_for(2ms);
        }
        p.read_line();
    });
    auto c = connect_to(s);
    EXPECT_EQ(c.get_var("u", "ups.status"), "OL CHRG");
}

TEST(FakeServer, EchoIsComparedCaseInsensitively) {
    FakeServer s(reply_with("var U UPS.STATUS \"OL\"\n"));
    auto c = connect_to(s);
    EXPECT_EQ(c.get_var("u", "ups.status"), "OL");
}

TEST(FakeServer, GarbageReplyIsProtocolErrorAndClosesConnection) {
    FakeServer s(reply_with("HELLO WORLD\n"));
    auto c = connect_to(s);
    auto e = expect_error([&] { c.get_var("u", "ups.status"); });
    EXPECT_STREQ(e.what(), "Protocol error");
    EXPECT_TRUE(e.code.empty());
    EXPECT_EQ(e.reply, "HELLO WORLD");
    EXPECT_FALSE(c.is_open());
    EXPECT_THROW(c.get_var("u", "ups.status"), Error); // no use after a desync
}

TEST(FakeServer, WrongEchoIsProtocolError) {
    FakeServer s(reply_with("VAR other ups.status \"OL\"\n"));
    auto c = connect_to(s);
    EXPECT_STREQ(expect_error([&] { c.get_var("u", "ups.status"); }).what(), "Protocol error");
}

TEST(FakeServer, MissingValueIsInvalidResponse) {
    FakeServer s(reply_with("VAR u ups.status\n"));
    auto c = connect_to(s);
    EXPECT_STREQ(expect_error([&] { c.get_var("u", "ups.status"); }).what(), "Invalid response from server");
}

TEST(FakeServer, UnparsableReplyIsParseError) {
    FakeServer s(reply_with("VAR u x \"a#b\"\n"));
    auto c = connect_to(s);
    const std::string what = expect_error([&] { c.get_var("u", "x"); }).what();
    EXPECT_TRUE(what.starts_with("Parse error: ")) << what;
}

TEST(FakeServer, SilentServerTimesOut) {
    FakeServer s([](Peer &p) { p.read_line(), p.read_line(); });
    auto c = connect_to(s, 300ms);
    const auto t0 = std::chrono::steady_clock::now();
    auto e = expect_error([&] { c.get_var("u", "ups.status"); });
    const auto took = std::chrono::steady_clock::now() - t0;
    EXPECT_STREQ(e.what(), "Read error: Connection timed out");
    EXPECT_GE(took, 250ms);
    EXPECT_LT(took, 3s);
    EXPECT_FALSE(c.is_open());
}

TEST(FakeServer, TimeoutCoversWholeLineNotEachChunk) {
    // A server that keeps trickling bytes without ever finishing the line must not keep us forever.
    FakeServer s([](Peer &p) {
        p.read_line();
        for (int i = 0; i < 40; ++i) {
            p.write("x");
            std::this_thread::sleep_for(50ms);
        }
    });
    auto c = connect_to(s, 400ms);
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_THROW(c.request("VER"), Error);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 1900ms); // before the 2 s of trickle end
}

TEST(FakeServer, EarlyEofIsServerDisconnected) {
    FakeServer s([](Peer &p) { p.read_line(); });
    auto c = connect_to(s);
    auto e = expect_error([&] { c.get_var("u", "ups.status"); });
    EXPECT_STREQ(e.what(), "Server disconnected");
    EXPECT_FALSE(c.is_open());
}

TEST(FakeServer, EofInsideALineIsServerDisconnected) {
    FakeServer s([](Peer &p) {
        p.read_line();
        p.write("VAR u ups.status \"O");
    });
    auto c = connect_to(s);
    EXPECT_STREQ(expect_error([&] { c.get_var("u", "ups.status"); }).what(), "Server disconnected");
}

TEST(FakeServer, EndlessLineIsRejectedWithBoundedMemory) {
    FakeServer s([](Peer &p) {
        p.read_line();
        const std::string chunk(8192, 'A');
        for (int i = 0; i < 64 && p.fd >= 0; ++i) p.write(chunk);
    });
    auto c = connect_to(s);
    const std::string what = expect_error([&] { c.request("VER"); }).what();
    EXPECT_TRUE(what.starts_with("Invalid response from server")) << what;
}

TEST(FakeServer, ErrReplyKeepsConnectionUsable) {
    FakeServer s([](Peer &p) {
        p.read_line();
        p.write("ERR VAR-NOT-SUPPORTED\n");
        p.read_line();
        p.write("VAR u ups.load \"5\"\n");
        p.read_line();
    });
    auto c = connect_to(s);
    auto e = expect_error([&] { c.get_var("u", "nope"); });
    EXPECT_EQ(e.code, "VAR-NOT-SUPPORTED");
    EXPECT_STREQ(e.what(), "Variable not supported by UPS");
    EXPECT_TRUE(c.is_open());
    EXPECT_EQ(c.get_var("u", "ups.load"), "5");
}

TEST(FakeServer, ListHappyPathStripsEcho) {
    FakeServer s(reply_with("BEGIN LIST VAR u\nVAR u a \"1\"\nVAR u b \"two words\"\nEND LIST VAR u\n"));
    auto c = connect_to(s);
    const auto items = c.list("VAR u");
    ASSERT_EQ(items.size(), 2u);
    EXPECT_EQ(items[1], (std::vector<std::string>{"b", "two words"}));
}

TEST(FakeServer, ListErrors) {
    struct Case {
        const char *reply;
        const char *what;
        const char *code;
    } cases[] = {
        {"ERR UNKNOWN-UPS\n", "Unknown UPS", "UNKNOWN-UPS"},
        {"BEGIN LIST VAR other\nEND LIST VAR other\n", "Protocol error", ""},
        {"VAR u a \"1\"\n", "Protocol error", ""},
        {"BEGIN LIST VAR u\nVAR x a \"1\"\nEND LIST VAR u\n", "Protocol error", ""},
        {"BEGIN LIST VAR u\nVAR u a \"1\"\nEND LIST VAR x\n", "Protocol error", ""},
        {"BEGIN LIST VAR u\nERR DATA-STALE\n", "Data stale", "DATA-STALE"},
        {"BEGIN LIST VAR u\nVAR u a \"1\"\n", "Server disconnected", ""},
        {"BEGIN LIST VAR u\nVAR u a\nEND LIST VAR u\n", "Invalid response from server", ""},
        {"BEGIN LIST VAR u\nVAR u a \"1\" extra\nEND LIST VAR u\n", "Invalid response from server", ""},
    };
    for (const auto &tc : cases) {
        FakeServer s([&tc](Peer &p) {
            p.read_line();
            p.write(tc.reply);
        });
        auto c = connect_to(s);
        auto e = expect_error([&] { c.list_var("u"); });
        EXPECT_STREQ(e.what(), tc.what) << tc.reply;
        EXPECT_EQ(e.code, tc.code) << tc.reply;
    }
}

TEST(FakeServer, StartTlsAnswers) {
    {
        FakeServer s(reply_with("ERR FEATURE-NOT-SUPPORTED\n"));
        auto c = connect_to(s);
        EXPECT_FALSE(c.try_starttls());
        EXPECT_TRUE(c.is_open());
    }
    {
        // "OK STARTTLS" from a server that then speaks no TLS: the handshake fails, the
        // connection is closed, and nothing goes on in clear text.
        FakeServer s([](Peer &p) {
            p.read_line();
            p.write("OK STARTTLS\nthis is not a TLS record\n");
        });
        auto c = connect_to(s);
        const std::string what = expect_error([&] { c.try_starttls(); }).what();
        EXPECT_EQ(what.rfind("SSL error: ", 0), 0u) << what;
        EXPECT_FALSE(c.is_open());
        EXPECT_FALSE(c.is_tls());
    }
    {
        FakeServer s(reply_with("ERR ALREADY-SSL-MODE\n"));
        auto c = connect_to(s);
        EXPECT_EQ(expect_error([&] { c.try_starttls(); }).code, "ALREADY-SSL-MODE");
    }
}

TEST(FakeServer, PrimaryFallsBackToMasterOnOldServers) {
    std::vector<std::string> seen;
    FakeServer s([&seen](Peer &p) {
        seen.push_back(p.read_line());
        p.write("ERR UNKNOWN-COMMAND\n");
        seen.push_back(p.read_line());
        p.write("OK MASTER-GRANTED\n");
        p.read_line();
    });
    auto c = connect_to(s);
    EXPECT_EQ(c.primary("u"), "OK MASTER-GRANTED");
    c.close();
    EXPECT_EQ(seen, (std::vector<std::string>{"PRIMARY u", "MASTER u"}));
}

TEST(FakeServer, RequestsAreQuotedWhenNeeded) {
    std::vector<std::string> seen;
    FakeServer s([&seen](Peer &p) {
        for (int i = 0; i < 3; ++i) {
            seen.push_back(p.read_line());
            p.write("OK\n");
        }
        p.read_line();
    });
    auto c = connect_to(s);
    c.set_var("u", "ups.id", "my \"big\" # ups");
    c.instcmd("u", "test.battery.start", std::string("60"));
    c.instcmd("u", "beeper.set", std::string("a b"));
    c.close();
    EXPECT_EQ(seen, (std::vector<std::string>{"SET VAR u ups.id \"my \\\"big\\\" \\# ups\"",
                                              "INSTCMD u test.battery.start 60", "INSTCMD u beeper.set \"a b\""}));
}

TEST(FakeServer, LineBreakInRequestIsRefusedBeforeSending) {
    FakeServer s([](Peer &p) { p.read_line(); });
    auto c = connect_to(s);
    EXPECT_THROW(c.send_line("GET VAR u x\nFSD u"), Error);
    EXPECT_THROW(c.set_var("u", "x", "a\nb"), Error);
}

TEST(FakeServer, UnixSocketTransport) {
    const std::string path = (std::filesystem::temp_directory_path() / ("nutpp-fake-" + std::to_string(::getpid()))).string();
    FakeServer s(path, [](Peer &p) {
        if (p.read_line() == "PING") p.write("PONG\n");
        p.read_line();
    });
    auto c = Connection::unix_socket(path, 2s);
    EXPECT_EQ(c.request("PING"), "PONG");
}

TEST(FakeServer, MoveTransfersTheSocket) {
    FakeServer s(reply_with("1.3\n"));
    auto a = connect_to(s);
    Connection b = std::move(a);
    EXPECT_TRUE(b.is_open());
    EXPECT_EQ(b.protocol_version(), "1.3");
}

TEST(Connect, RefusedPortGivesNutMessage) {
    const uint16_t port = [] {
        FakeServer s([](Peer &) {});
        return s.port();
    }(); // listener closed again: nothing listens there now
    auto e = expect_error([&] { Connection::tcp("127.0.0.1", port, 2s); });
    EXPECT_STREQ(e.what(), "Connection failure: Connection refused");
    EXPECT_TRUE(e.code.empty());
}

TEST(Connect, UnknownHostGivesNutMessage) {
    EXPECT_STREQ(expect_error([] { Connection::tcp("no-such-host.invalid", 3493, 2s); }).what(), "No such host");
}

TEST(Connect, MissingUnixSocket) {
    auto e = expect_error([] { Connection::unix_socket("/nonexistent/nutpp/socket", 1s); });
    EXPECT_STREQ(e.what(), "Connection failure: No such file or directory");
}
