// nutpp_client against a real NUT 2.8.0 upsd + dummy-ups (tests/support NutSandbox).
// Each TEST is a whole scenario because ctest runs every test in its own process and each process
// starts its own sandbox (~2 s); expectations come from nut-transcripts.md.
#include "nut_sandbox.hpp"

#include "client/client.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <thread>

using nutpp::client::Connection;
using nutpp::client::Error;
using nutpp::testing::NutSandbox;
using nutpp::testing::NutSandboxOptions;
namespace t = nutpp::testing;
using namespace std::chrono_literals;

namespace {

// The expected code of a client::Error thrown by f ("" = none thrown).
std::string error_code_of(const std::function<void()> &f, std::string *what = nullptr) {
    try {
        f();
    } catch (const Error &e) {
        if (what) *what = e.what();
        return e.code;
    }
    return "";
}

// Polls `pred` for up to `timeout` (upsd applies SETs asynchronously, notices drivers every ~2 s).
bool eventually(const std::function<bool()> &pred, std::chrono::milliseconds timeout = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (pred()) return true;
        std::this_thread::sleep_for(100ms);
    }
    return pred();
}

bool ipv6_loopback_usable() {
    const int fd = ::socket(AF_INET6, SOCK_STREAM, 0);
    if (fd < 0) return false;
    sockaddr_in6 sa{};
    sa.sin6_family = AF_INET6;
    sa.sin6_addr = in6addr_loopback;
    const bool ok = ::bind(fd, reinterpret_cast<sockaddr *>(&sa), sizeof sa) == 0;
    ::close(fd);
    return ok;
}

class RealUpsd : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        if (!NutSandbox::available()) return;
        NutSandboxOptions o;
        o.listen_ipv6 = ipv6_loopback_usable();
        try {
            nut_ = std::make_unique<NutSandbox>(o);
        } catch (const std::exception &e) {
            setup_error_ = e.what(); // reported by every test, not silently skipped
        }
    }
    static void TearDownTestSuite() { nut_.reset(); }
    void SetUp() override {
        if (!setup_error_.empty()) FAIL() << setup_error_;
        if (!nut_) GTEST_SKIP() << NutSandbox::skip_reason();
    }
    static Connection conn() { return Connection::tcp(nut_->host(), nut_->port(), 5s); }
    static inline std::unique_ptr<NutSandbox> nut_;
    static inline std::string setup_error_;
};

} // namespace

TEST_F(RealUpsd, ServerIdentityAndStartTls) {
    auto c = conn();
    EXPECT_FALSE(c.try_starttls()); // Debian's upsd: ERR FEATURE-NOT-CONFIGURED, go on in clear text
    EXPECT_EQ(c.version(), "Network UPS Tools upsd 2.8.0 - http://www.networkupstools.org/");
    EXPECT_EQ(c.protocol_version(), "1.3");
    c.logout();
    EXPECT_FALSE(c.is_open());
}

TEST_F(RealUpsd, ListsMatchRealUpsc) {
    auto c = conn();
    const auto ups = c.list_ups();
    ASSERT_EQ(ups.size(), 1u);
    EXPECT_EQ(ups[0], (Connection::NameValue{"dummy", "nutpp test sandbox"}));

    const auto vars = c.list_var("dummy");
    std::string as_upsc;
    for (const auto &[k, v] : vars) as_upsc += k + ": " + v + "\n";
    const auto r = nut_->run({"upsc", nut_->spec()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(as_upsc, r.out); // same names, values and (sorted) order as NUT's own client
    EXPECT_EQ(vars.size(), 45u);

    const auto rw = c.list_rw("dummy");
    EXPECT_EQ(rw.size(), 38u);
    EXPECT_TRUE(std::none_of(rw.begin(), rw.end(), [](auto &kv) { return kv.first.starts_with("driver."); }));
    EXPECT_EQ(rw.front(), (Connection::NameValue{"battery.charge", "100"}));

    EXPECT_EQ(c.list_cmd("dummy"), std::vector<std::string>{"load.off"});
    EXPECT_TRUE(c.list_enum("dummy", "ups.status").empty());
    EXPECT_TRUE(c.list_range("dummy", "ups.status").empty());
    EXPECT_TRUE(c.list_client("dummy").empty());
}

TEST_F(RealUpsd, SingleValueQueries) {
    auto c = conn();
    EXPECT_EQ(c.get_var("dummy", "ups.status"), "OL");
    EXPECT_EQ(c.get_var("dummy", "ups.STATUS"), "OL"); // upsd echoes our spelling; we accept it
    EXPECT_EQ(c.get_var("DUMMY", "ups.test.result"), "No test initiated");
    EXPECT_EQ(c.get_var("dummy", "server.version"), "2.8.0");
    EXPECT_EQ(c.get_type("dummy", "ups.status"), (std::vector<std::string>{"RW", "STRING:32"}));
    EXPECT_EQ(c.get_type("dummy", "battery.charge"), (std::vector<std::string>{"RW", "NUMBER"}));
    EXPECT_EQ(c.get_type("dummy", "driver.name"), std::vector<std::string>{"NUMBER"});
    EXPECT_EQ(c.get_desc("dummy", "battery.charge"), "Battery charge (percent of full)");
    EXPECT_EQ(c.get_desc("dummy", "no.such.var"), "Description unavailable");
    EXPECT_EQ(c.get_cmddesc("dummy", "load.off"), "Turn off the load immediately");
    EXPECT_EQ(c.get_upsdesc("dummy"), "nutpp test sandbox");
    EXPECT_EQ(c.get_numlogins("dummy"), 0);
}

TEST_F(RealUpsd, ServerErrorsMapToNutMessages) {
    auto c = conn();
    std::string what;
    EXPECT_EQ(error_code_of([&] { c.get_var("nosuchups", "ups.status"); }, &what), "UNKNOWN-UPS");
    EXPECT_EQ(what, "Unknown UPS");
    EXPECT_EQ(error_code_of([&] { c.get_var("dummy", "no.such.var"); }, &what), "VAR-NOT-SUPPORTED");
    EXPECT_EQ(what, "Variable not supported by UPS");
    EXPECT_EQ(error_code_of([&] { c.list_var("nosuchups"); }), "UNKNOWN-UPS");
    EXPECT_EQ(error_code_of([&] { c.list_enum("dummy", "no.such.var"); }), "VAR-NOT-SUPPORTED");
    EXPECT_EQ(error_code_of([&] { c.get_upsdesc("nosuchups"); }), "UNKNOWN-UPS");
    EXPECT_EQ(error_code_of([&] { c.set_var("dummy", "ups.load", "5"); }, &what), "USERNAME-REQUIRED");
    EXPECT_EQ(what, "Username required");
    EXPECT_EQ(error_code_of([&] { c.instcmd("dummy", "load.off"); }), "USERNAME-REQUIRED");
    EXPECT_EQ(error_code_of([&] { c.request("FOOBAR"); }, &what), "UNKNOWN-COMMAND");
    EXPECT_EQ(what, "Unknown command");
    EXPECT_EQ(error_code_of([&] { c.request("GET VAR dummy"); }, &what), "INVALID-ARGUMENT");
    EXPECT_TRUE(c.is_open()); // ERR replies never break the session
    EXPECT_EQ(c.get_var("dummy", "ups.status"), "OL");

    // Wrong password is only detected when used.
    auto w = conn();
    w.username("admin");
    w.password("wrongpass");
    EXPECT_EQ(error_code_of([&] { w.set_var("dummy", "ups.load", "5"); }, &what), "ACCESS-DENIED");
    EXPECT_EQ(what, "Access denied");
    EXPECT_EQ(error_code_of([&] { w.username("admin"); }), "ALREADY-SET-USERNAME");
    EXPECT_EQ(error_code_of([&] { w.password("x"); }), "ALREADY-SET-PASSWORD");
}

TEST_F(RealUpsd, AdminSetsVariablesAndRunsCommands) {
    auto c = conn();
    c.username(t::kAdminUser);
    c.password(t::kAdminPass);
    EXPECT_EQ(c.set_var("dummy", "ups.load", "5"), "OK");
    EXPECT_TRUE(eventually([&] { return c.get_var("dummy", "ups.load") == "5"; }));
    EXPECT_EQ(c.set_var("dummy", "ups.load", "0"), "OK");
    EXPECT_TRUE(eventually([&] { return c.get_var("dummy", "ups.load") == "0"; }));
    EXPECT_EQ(error_code_of([&] { c.set_var("dummy", "driver.name", "x"); }), "READONLY");
    EXPECT_EQ(error_code_of([&] { c.set_var("dummy", "no.such.var", "1"); }), "VAR-NOT-SUPPORTED");
    EXPECT_EQ(error_code_of([&] { c.set_var("dummy", "ups.firmware", std::string(17, 'x')); }), "TOO-LONG");
    EXPECT_EQ(c.instcmd("dummy", "load.off"), "OK");
    EXPECT_EQ(error_code_of([&] { c.instcmd("dummy", "no.such.cmd"); }), "CMD-NOT-SUPPORTED");
    // admin has no upsmon role
    EXPECT_EQ(error_code_of([&] { c.login("dummy"); }), "ACCESS-DENIED");
}

TEST_F(RealUpsd, TrackingIdsAreFollowed) {
    auto c = conn();
    c.username(t::kAdminUser);
    c.password(t::kAdminPass);
    EXPECT_FALSE(c.tracking_enabled());
    EXPECT_EQ(error_code_of([&] { c.get_tracking("00000000-0000-4000-8000-000000000000"); }),
              "FEATURE-NOT-CONFIGURED");
    c.set_tracking(true);
    EXPECT_TRUE(c.tracking_enabled());

    const std::string reply = c.set_var("dummy", "ups.load", "3");
    const auto id = Connection::tracking_id(reply);
    ASSERT_TRUE(id.has_value()) << reply;
    EXPECT_EQ(id->size(), 36u);
    EXPECT_TRUE(eventually([&] { return c.get_tracking(*id) == "SUCCESS"; }));
    EXPECT_EQ(c.get_var("dummy", "ups.load"), "3");
    c.set_var("dummy", "ups.load", "0");

    // dummy-ups answers load.off with "unknown" -> GET TRACKING gives ERR UNKNOWN.
    const auto cmd_id = Connection::tracking_id(c.instcmd("dummy", "load.off"));
    ASSERT_TRUE(cmd_id.has_value());
    std::string what;
    EXPECT_TRUE(eventually([&] { return error_code_of([&] { c.get_tracking(*cmd_id); }, &what) == "UNKNOWN"; }));
    EXPECT_EQ(what, "Unknown error");
    EXPECT_EQ(error_code_of([&] { c.get_tracking("00000000-0000-4000-8000-000000000000"); }), "UNKNOWN");

    c.set_tracking(false);
    EXPECT_EQ(c.set_var("dummy", "ups.load", "0"), "OK");
}

TEST_F(RealUpsd, UpsmonSessionLoginPrimaryLogout) {
    auto c = conn();
    EXPECT_EQ(error_code_of([&] { c.login("dummy"); }), "USERNAME-REQUIRED");
    c.username(t::kMonUser);
    c.password(t::kMonPass);
    EXPECT_EQ(error_code_of([&] { c.login("nosuchups"); }), "UNKNOWN-UPS");
    c.login("dummy");
    EXPECT_EQ(error_code_of([&] { c.login("dummy"); }, nullptr), "ALREADY-LOGGED-IN");
    EXPECT_EQ(c.primary("dummy"), "OK PRIMARY-GRANTED");
    EXPECT_EQ(error_code_of([&] { c.set_var("dummy", "ups.load", "5"); }), "ACCESS-DENIED");

    auto other = conn();
    EXPECT_EQ(other.get_numlogins("dummy"), 1);
    EXPECT_EQ(other.list_client("dummy"), std::vector<std::string>{"127.0.0.1"});
    const auto r = nut_->run({"upsc", "-c", nut_->spec()});
    EXPECT_EQ(r.out, "127.0.0.1\n");

    c.logout();
    EXPECT_FALSE(c.is_open());
    EXPECT_TRUE(eventually([&] { return other.get_numlogins("dummy") == 0; }));
}

TEST_F(RealUpsd, HostnamesAndAddressFamilies) {
    // "localhost" may resolve to ::1 first; the client must fall through to an address that works.
    auto c = Connection::tcp("localhost", nut_->port(), 5s);
    EXPECT_EQ(c.get_var("dummy", "ups.status"), "OL");
    if (!ipv6_loopback_usable()) GTEST_SKIP() << "no IPv6 loopback here";
    auto v6 = Connection::tcp("::1", nut_->port(), 5s);
    EXPECT_EQ(v6.get_var("dummy", "ups.status"), "OL");
    const auto ep = nutpp::client::Endpoint::parse("dummy@[::1]:" + std::to_string(nut_->port()));
    auto v6b = Connection::connect(ep, 5s);
    EXPECT_EQ(v6b.get_upsdesc(ep.ups), "nutpp test sandbox");
}

TEST_F(RealUpsd, DriverUnixSocketSpeaksLines) {
    auto d = Connection::unix_socket(nut_->driver_socket(), 5s);
    EXPECT_EQ(d.request("PING"), "PONG");
    d.send_line("DUMPALL");
    std::string line;
    int setinfo = 0;
    while ((line = d.read_line()) != "DUMPDONE") setinfo += line.starts_with("SETINFO ") ? 1 : 0;
    EXPECT_EQ(setinfo, 45);
}

TEST_F(RealUpsd, ConnectionRefusedOnClosedPort) {
    const uint16_t port = t::free_tcp_port();
    std::string what;
    EXPECT_EQ(error_code_of([&] { Connection::tcp("127.0.0.1", port, 2s); }, &what), "");
    EXPECT_EQ(what, "Connection failure: Connection refused");
}

// FSD latches for the lifetime of upsd, so it gets a sandbox of its own.
TEST(RealUpsdFsd, PrimarySetsForcedShutdown) {
    if (!NutSandbox::available()) GTEST_SKIP() << NutSandbox::skip_reason();
    NutSandbox nut;
    auto c = Connection::tcp(nut.host(), nut.port(), 5s);
    c.username(t::kMonUser);
    c.password(t::kMonPass);
    c.login("dummy");
    c.fsd("dummy");
    EXPECT_EQ(c.get_var("dummy", "ups.status"), "FSD OL");
    auto admin = Connection::tcp(nut.host(), nut.port(), 5s);
    EXPECT_EQ(error_code_of([&] { admin.fsd("dummy"); }), "USERNAME-REQUIRED");
}

// Driver failures: hung driver -> DATA-STALE, dead driver -> DRIVER-NOT-CONNECTED, and recovery.
TEST(RealUpsdDriverLoss, StaleThenDisconnectedThenBack) {
    if (!NutSandbox::available()) GTEST_SKIP() << NutSandbox::skip_reason();
    NutSandboxOptions o;
    o.extra_upsd_conf = "MAXAGE 3\n"; // stale after 3 s of driver silence instead of 15
    NutSandbox nut(o);
    auto c = Connection::tcp(nut.host(), nut.port(), 5s);
    std::string what;

    nut.driver().signal(SIGSTOP);
    EXPECT_TRUE(eventually([&] { return error_code_of([&] { c.get_var("dummy", "ups.status"); }, &what) == "DATA-STALE"; }, 15s));
    EXPECT_EQ(what, "Data stale");
    nut.driver().signal(SIGCONT);
    EXPECT_TRUE(eventually([&] { return error_code_of([&] { c.get_var("dummy", "ups.status"); }).empty(); }, 15s));

    nut.stop_driver();
    EXPECT_TRUE(eventually([&] { return error_code_of([&] { c.list_var("dummy"); }, &what) == "DRIVER-NOT-CONNECTED"; }, 15s));
    EXPECT_EQ(what, "Driver not connected");
    EXPECT_EQ(c.get_upsdesc("dummy"), "nutpp test sandbox"); // not availability-checked

    nut.start_driver();
    EXPECT_TRUE(nut.wait_ready(20s));
    EXPECT_EQ(c.get_var("dummy", "ups.status"), "OL");
}
