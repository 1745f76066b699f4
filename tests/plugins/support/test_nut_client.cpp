// NutClient against a fake upsd on loopback: a real TCP listener in a thread runs a per-test script
// (read request lines, write canned replies, stall, hang up), so framing, timeouts and EOF handling
// go through the kernel exactly as with a real upsd.
#include <nutpp/support/nut_client.hpp>

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using namespace nutpp::support;
using namespace std::chrono_literals;

namespace {

class FakeUpsd {
public:
    // The script gets the accepted socket; it is closed when the script returns.
    using Script = std::function<void(FakeUpsd &, int fd)>;

    explicit FakeUpsd(Script script, bool ipv6 = false) {
        lfd_ = ::socket(ipv6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (lfd_ < 0) return;
        const int one = 1;
        ::setsockopt(lfd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        int rc;
        if (ipv6) {
            sockaddr_in6 a{};
            a.sin6_family = AF_INET6;
            a.sin6_addr = in6addr_loopback;
            rc = ::bind(lfd_, reinterpret_cast<sockaddr *>(&a), sizeof a);
        } else {
            sockaddr_in a{};
            a.sin_family = AF_INET;
            a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            rc = ::bind(lfd_, reinterpret_cast<sockaddr *>(&a), sizeof a);
        }
        if (rc != 0 || ::listen(lfd_, 1) != 0) {
            ::close(lfd_);
            lfd_ = -1;
            return;
        }
        sockaddr_storage ss{};
        socklen_t len = sizeof ss;
        ::getsockname(lfd_, reinterpret_cast<sockaddr *>(&ss), &len);
        port_ = ntohs(ipv6 ? reinterpret_cast<sockaddr_in6 &>(ss).sin6_port : reinterpret_cast<sockaddr_in &>(ss).sin_port);
        thread_ = std::thread([this, script = std::move(script)] {
            pollfd p{lfd_, POLLIN, 0};
            if (::poll(&p, 1, 5000) != 1) return; // nobody came: the test fails on its own
            const int fd = ::accept4(lfd_, nullptr, nullptr, SOCK_CLOEXEC);
            if (fd < 0) return;
            script(*this, fd);
            ::close(fd);
        });
    }
    ~FakeUpsd() {
        if (thread_.joinable()) thread_.join();
        if (lfd_ >= 0) ::close(lfd_);
    }

    bool ok() const { return lfd_ >= 0; }
    uint16_t port() const { return port_; }

    // One request line without '\n'; "" once the client hung up (or after 5 s of silence).
    std::string read_line(int fd) {
        std::string line;
        char c;
        for (;;) {
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, 5000) != 1 || ::recv(fd, &c, 1, 0) != 1) return line;
            if (c == '\n') break;
            line += c;
        }
        std::lock_guard lk(mu_);
        received_.push_back(line);
        return line;
    }
    static void send(int fd, const std::string &text) { ::send(fd, text.data(), text.size(), MSG_NOSIGNAL); }

    // Reads one request per canned reply and answers it.
    static Script answering(std::vector<std::string> replies) {
        return [replies = std::move(replies)](FakeUpsd &s, int fd) {
            for (const auto &r : replies) {
                if (s.read_line(fd).empty()) return;
                send(fd, r);
            }
            s.read_line(fd); // until the client leaves, so it never sees an early EOF
        };
    }

    // Waits for the script to end (call once the client is done), then returns the requests seen.
    std::vector<std::string> finish() {
        if (thread_.joinable()) thread_.join();
        std::lock_guard lk(mu_);
        return received_;
    }

private:
    int lfd_ = -1;
    uint16_t port_ = 0;
    std::thread thread_;
    std::mutex mu_;
    std::vector<std::string> received_;
};

NutClient connect_to(const FakeUpsd &s, std::chrono::milliseconds timeout = 2000ms) {
    return NutClient::connect("127.0.0.1", s.port(), timeout);
}

// LIST VAR against `s` must fail and leave the connection closed; returns the error.
NutClientError list_var_error(const FakeUpsd &s, std::chrono::milliseconds timeout = 2000ms) {
    auto c = connect_to(s, timeout);
    try {
        c.list_var("ups");
    } catch (const NutClientError &e) {
        EXPECT_FALSE(c.is_open()); // the rest of the reply could be taken for the next request's
        return e;
    }
    ADD_FAILURE() << "LIST VAR succeeded";
    return NutClientError("");
}

} // namespace

TEST(SupportNutClient, SendsRequestAndParsesTypedReply) {
    FakeUpsd s(FakeUpsd::answering({"TYPE ups input.transfer.low RW ENUM STRING:8\n"}));
    ASSERT_TRUE(s.ok());
    {
        auto c = connect_to(s);
        EXPECT_EQ(c.get_type("ups", "input.transfer.low"), (std::vector<std::string>{"RW", "ENUM", "STRING:8"}));
        c.close();
    }
    EXPECT_EQ(s.finish(), (std::vector<std::string>{"GET TYPE ups input.transfer.low"}));
}

TEST(SupportNutClient, ReadsAMultiLineListWithQuotedValues) {
    FakeUpsd s(FakeUpsd::answering({"BEGIN LIST VAR ups\n"
                                    "VAR ups battery.charge \"100\"\n"
                                    "VAR ups ups.status \"OL CHRG\"\r\n" // CRLF is tolerated
                                    "VAR ups ups.id \"say \\\"hi\\\" \\\\ \\# x\"\n"
                                    "END LIST VAR ups\n"}));
    ASSERT_TRUE(s.ok());
    auto c = connect_to(s);
    const auto vars = c.list_var("ups");
    ASSERT_EQ(vars.size(), 3u);
    EXPECT_EQ(vars[0], (NutClient::NameValue{"battery.charge", "100"}));
    EXPECT_EQ(vars[1], (NutClient::NameValue{"ups.status", "OL CHRG"}));
    EXPECT_EQ(vars[2], (NutClient::NameValue{"ups.id", "say \"hi\" \\ # x"}));
    c.close();
    EXPECT_EQ(s.finish(), (std::vector<std::string>{"LIST VAR ups"}));
}

TEST(SupportNutClient, ListRwCmdEnumRangeUseTheirEchoes) {
    FakeUpsd s(FakeUpsd::answering({
        "BEGIN LIST RW ups\nRW ups input.transfer.low \"88\"\nEND LIST RW ups\n",
        "BEGIN LIST CMD ups\nCMD ups test.battery.start\nCMD ups beeper.toggle\nEND LIST CMD ups\n",
        "BEGIN LIST ENUM ups input.transfer.low\nENUM ups input.transfer.low \"88\"\n"
        "ENUM ups input.transfer.low \"92\"\nEND LIST ENUM ups input.transfer.low\n",
        "BEGIN LIST RANGE ups x\nRANGE ups x \"1\" \"10\"\nEND LIST RANGE ups x\n",
    }));
    ASSERT_TRUE(s.ok());
    auto c = connect_to(s);
    EXPECT_EQ(c.list_rw("ups"), (std::vector<NutClient::NameValue>{{"input.transfer.low", "88"}}));
    EXPECT_EQ(c.list_cmd("ups"), (std::vector<std::string>{"test.battery.start", "beeper.toggle"}));
    EXPECT_EQ(c.list_enum("ups", "input.transfer.low"), (std::vector<std::string>{"88", "92"}));
    EXPECT_EQ(c.list_range("ups", "x"), (std::vector<NutClient::NameValue>{{"1", "10"}}));
    c.close();
    s.finish();
}

TEST(SupportNutClient, ErrReplyThrowsItsCodeAndKeepsTheConnection) {
    FakeUpsd s(FakeUpsd::answering({"ERR VAR-NOT-SUPPORTED\n", "TYPE ups ups.status STRING:32\n"}));
    ASSERT_TRUE(s.ok());
    auto c = connect_to(s);
    try {
        c.get_type("ups", "nope");
        FAIL() << "no error";
    } catch (const NutClientError &e) {
        EXPECT_EQ(e.code, "VAR-NOT-SUPPORTED");
        EXPECT_TRUE(e.from_server());
    }
    EXPECT_TRUE(c.is_open());
    EXPECT_EQ(c.get_type("ups", "ups.status"), (std::vector<std::string>{"STRING:32"}));
    c.close();
    s.finish();
}

TEST(SupportNutClient, ErrInsideAListClosesTheConnection) {
    FakeUpsd s(FakeUpsd::answering({"BEGIN LIST VAR ups\nVAR ups a \"1\"\nERR DATA-STALE\n"}));
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(list_var_error(s).code, "DATA-STALE");
    s.finish();
}

TEST(SupportNutClient, SilentServerGivesATimeoutError) {
    FakeUpsd s([](FakeUpsd &self, int fd) {
        self.read_line(fd); // the request, never answered
        self.read_line(fd); // until the client gives up and hangs up
    });
    ASSERT_TRUE(s.ok());
    const auto t0 = std::chrono::steady_clock::now();
    const auto e = list_var_error(s, 300ms);
    const auto took = std::chrono::steady_clock::now() - t0;
    EXPECT_NE(std::string(e.what()).find("timed out"), std::string::npos) << e.what();
    EXPECT_FALSE(e.from_server());
    EXPECT_GE(took, 250ms);
    EXPECT_LT(took, 2000ms);
    s.finish();
}

TEST(SupportNutClient, ServerClosingMidReplyIsADisconnect) {
    FakeUpsd s([](FakeUpsd &self, int fd) {
        self.read_line(fd);
        FakeUpsd::send(fd, "BEGIN LIST VAR ups\nVAR ups a \"1\"\nVAR ups b \"2"); // then hangs up
    });
    ASSERT_TRUE(s.ok());
    const auto e = list_var_error(s);
    EXPECT_STREQ(e.what(), "Server disconnected");
    EXPECT_TRUE(e.code.empty());
    s.finish();
}

TEST(SupportNutClient, MismatchedListEchoIsAProtocolError) {
    // Each reply is otherwise well formed, so only the echo check can reject it.
    for (const char *reply : {"BEGIN LIST VAR other\nEND LIST VAR ups\n",            // wrong BEGIN
                              "BEGIN LIST VAR ups\nVAR other a \"1\"\nEND LIST VAR ups\n", // wrong item
                              "BEGIN LIST VAR ups\nEND LIST VAR other\n"}) {          // wrong END
        FakeUpsd s(FakeUpsd::answering({reply}));
        ASSERT_TRUE(s.ok());
        EXPECT_NE(std::string(list_var_error(s).what()).find("Protocol error"), std::string::npos) << reply;
        s.finish();
    }
}

TEST(SupportNutClient, ActionsQuoteTheirWords) {
    FakeUpsd s(FakeUpsd::answering({"OK\n", "OK\n", "OK\n", "OK TRACKING 42\n", "OK\n", "OK Goodbye\n"}));
    ASSERT_TRUE(s.ok());
    {
        auto c = connect_to(s);
        c.username("admin");
        c.password("pa ss\"#");
        EXPECT_EQ(c.set_var("ups", "ups.id", ""), "OK");
        EXPECT_EQ(c.set_var("ups", "ups.delay", "30"), "OK TRACKING 42");
        EXPECT_EQ(c.instcmd("ups", "load.off.delay", std::string("10")), "OK");
        c.logout();
        EXPECT_FALSE(c.is_open());
    }
    EXPECT_EQ(s.finish(), (std::vector<std::string>{"USERNAME admin", "PASSWORD \"pa ss\\\"\\#\"",
                                                    "SET VAR ups ups.id \"\"", "SET VAR ups ups.delay \"30\"",
                                                    "INSTCMD ups load.off.delay 10", "LOGOUT"}));
}

TEST(SupportNutClient, ConnectsOverIpv6Loopback) {
    FakeUpsd s(FakeUpsd::answering({"TYPE ups x NUMBER\n"}), /*ipv6=*/true);
    if (!s.ok()) GTEST_SKIP() << "no IPv6 loopback here";
    auto c = NutClient::connect("::1", s.port(), 2000ms);
    EXPECT_EQ(c.get_type("ups", "x"), (std::vector<std::string>{"NUMBER"}));
    c.close();
    s.finish();
}

TEST(SupportNutClient, RefusedConnectionIsAConnectionFailure) {
    uint16_t port;
    {
        FakeUpsd closed([](FakeUpsd &, int) {});
        ASSERT_TRUE(closed.ok());
        port = closed.port();
        NutClient::connect("127.0.0.1", port, 1000ms).close(); // let its thread finish
    } // listener closed: nothing listens on `port` now
    try {
        NutClient::connect("127.0.0.1", port, 1000ms);
        FAIL() << "connected";
    } catch (const NutClientError &e) {
        EXPECT_NE(std::string(e.what()).find("Connection failure"), std::string::npos) << e.what();
    }
}

TEST(SupportNutClient, EndpointParsesNutNotation) {
    auto e = NutEndpoint::parse("ups@[::1]:3494");
    EXPECT_EQ(e.ups, "ups");
    EXPECT_EQ(e.host, "::1");
    EXPECT_EQ(e.port, 3494);
    EXPECT_EQ(e.to_string(), "ups@[::1]:3494");
    e = NutEndpoint::parse("ups@example.net");
    EXPECT_EQ(e.host, "example.net");
    EXPECT_EQ(e.port, 3493);
    EXPECT_EQ(e.to_string(), "ups@example.net");
    EXPECT_EQ(NutEndpoint::parse("ups@fe80::1").host, "fe80::1");
    EXPECT_EQ(NutEndpoint::parse("ups@h:10").port, 10);
    for (const char *bad : {"@h", "ups@", "ups@h:0", "ups@h:70000", "ups@[::1", "ups@[::1]x", "u s@h", "a@b@c"})
        EXPECT_THROW(NutEndpoint::parse(bad), std::invalid_argument) << bad;
}

TEST(SupportNutClient, WordsFollowParseconfRules) {
    EXPECT_EQ(nut_word("ups.status"), "ups.status");
    EXPECT_EQ(nut_word(""), "\"\"");
    EXPECT_EQ(nut_word("a b"), "\"a b\"");
    EXPECT_EQ(nut_word("a\"b\\c#d"), "\"a\\\"b\\\\c\\#d\"");
    EXPECT_EQ(split_nut_line("VAR ups x \"a \\\"b\\\" c\" # comment"),
              (std::vector<std::string>{"VAR", "ups", "x", "a \"b\" c"}));
    EXPECT_EQ(split_nut_line("  a\\ b  \"\" c"), (std::vector<std::string>{"a b", "", "c"}));
    EXPECT_EQ(split_nut_line("x \"tab\there\""), (std::vector<std::string>{"x", "tabhere"})); // control bytes dropped
    EXPECT_EQ(split_nut_line("x \"open"), std::nullopt);
    EXPECT_EQ(split_nut_line("x \"a#b\""), std::nullopt);
    for (const char *w : {"plain", "two words", "q\"uote", "back\\slash", "#hash", ""})
        EXPECT_EQ(split_nut_line("W " + nut_word(w)), (std::vector<std::string>{"W", w})) << w;
}
