// Who may connect (server.allow / server.deny, globally and per listener; core/server/access.hpp),
// listen entries that resolve to one socket, and over-long lines. Unit checks of the network
// parsing and matching, the config errors, then the real upsd on loopback, with client addresses
// from 127.0.0.0/8 (all local) so several "hosts" exist without a second machine.
#include "server/access.hpp"
#include "upsd_fixture.hpp"
#include "upsdrvd_fixture.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>

#include <cstring>
#include <thread>

using namespace std::chrono_literals;
using namespace nutpp::testing;
using nutpp::config::AccessRules;
using nutpp::config::ConfigError;
using nutpp::config::Network;
using nutpp::server::permitted;

namespace {

Network net(const std::string &text) {
    Network n;
    const std::string why = nutpp::config::parse_network(text, n);
    EXPECT_EQ(why, "") << text;
    return n;
}

sockaddr_storage peer(const std::string &ip) {
    sockaddr_storage ss{};
    auto *v4 = reinterpret_cast<sockaddr_in *>(&ss);
    auto *v6 = reinterpret_cast<sockaddr_in6 *>(&ss);
    if (inet_pton(AF_INET, ip.c_str(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
    } else {
        EXPECT_EQ(inet_pton(AF_INET6, ip.c_str(), &v6->sin6_addr), 1) << ip;
        v6->sin6_family = AF_INET6;
    }
    return ss;
}

bool allows(const AccessRules &r, const std::string &ip) {
    const auto ss = peer(ip);
    return permitted(r, reinterpret_cast<const sockaddr *>(&ss));
}

ConfigError error_of(const std::string &yaml) {
    try {
        nutpp::config::load_string(yaml, "t.yaml");
    } catch (const ConfigError &e) {
        return e;
    }
    ADD_FAILURE() << "no error for:\n" << yaml;
    return ConfigError({}, "", "");
}

const std::string kDevices = "  demo:\n    driver: sim\n    port: " + std::string(NUTPP_SIM_DATA_DIR) + "/cp1000avrlcd.dev\n";

// True when the server took the connection and closed it without a byte of reply (a request was
// sent at once, as a client would).
bool refused(RawConn &c) {
    if (!c.ok()) return true;
    c.send("GET VAR demo ups.status\n");
    return c.read_quiet(300ms).empty() && c.closed_by_peer(2s);
}

bool served(RawConn &c) { return c.ok() && c.ask("GET VAR demo ups.status") == "VAR demo ups.status \"OL\""; }

} // namespace

TEST(AccessRules, ParsesNetworks) {
    Network n = net("10.0.0.0/8");
    EXPECT_FALSE(n.v6);
    EXPECT_EQ(n.prefix, 8);
    EXPECT_EQ(net("192.168.1.7").prefix, 32);
    n = net("2001:db8::/32");
    EXPECT_TRUE(n.v6);
    EXPECT_EQ(n.prefix, 32);
    EXPECT_EQ(net("::1").prefix, 128);
    // v4-mapped: stored as the IPv4 network.
    n = net("::ffff:10.1.0.0/112");
    EXPECT_FALSE(n.v6);
    EXPECT_EQ(n.prefix, 16);
    EXPECT_EQ(n.addr[0], 10);
    EXPECT_EQ(n.addr[1], 1);

    Network bad;
    std::string suggestion;
    EXPECT_EQ(nutpp::config::parse_network("192.168.1.7/24", bad, &suggestion),
              "address has bits set past the prefix length");
    EXPECT_EQ(suggestion, "192.168.1.0/24");
    EXPECT_EQ(nutpp::config::parse_network("2001:db8::1/32", bad, &suggestion),
              "address has bits set past the prefix length");
    EXPECT_EQ(suggestion, "2001:db8::/32");
    EXPECT_NE(nutpp::config::parse_network("10.0.0.0/33", bad), "");
    EXPECT_NE(nutpp::config::parse_network("::/129", bad), "");
    EXPECT_NE(nutpp::config::parse_network("10.0.0.0/", bad), "");
    EXPECT_NE(nutpp::config::parse_network("10.0.0.0/x", bad), "");
    EXPECT_NE(nutpp::config::parse_network("localhost", bad), "");
    EXPECT_NE(nutpp::config::parse_network("/8", bad), "");
}

TEST(AccessRules, MatchesPeers) {
    AccessRules none;
    EXPECT_TRUE(allows(none, "203.0.113.9"));
    EXPECT_TRUE(allows(none, "2001:db8::9"));

    AccessRules r;
    r.allow = {net("10.0.0.0/8"), net("2001:db8::/32")};
    r.deny = {net("10.9.0.0/16"), net("2001:db8:bad::/48")};
    EXPECT_TRUE(allows(r, "10.1.2.3"));
    EXPECT_FALSE(allows(r, "10.9.2.3")) << "deny wins over allow";
    EXPECT_FALSE(allows(r, "11.0.0.1")) << "not in allow";
    EXPECT_TRUE(allows(r, "2001:db8:1::5"));
    EXPECT_FALSE(allows(r, "2001:db8:bad::5"));
    EXPECT_FALSE(allows(r, "2001:db9::5"));
    // A v4-mapped peer is its IPv4 address, for allow and deny alike.
    EXPECT_TRUE(allows(r, "::ffff:10.1.2.3"));
    EXPECT_FALSE(allows(r, "::ffff:10.9.2.3"));
    EXPECT_FALSE(allows(r, "::ffff:11.0.0.1"));
    // An IPv4 rule never matches a real IPv6 address with the same leading bytes.
    AccessRules v4only;
    v4only.allow = {net("0.0.0.0/0")};
    EXPECT_TRUE(allows(v4only, "198.51.100.1"));
    EXPECT_FALSE(allows(v4only, "::1"));
    // Only a deny list: everyone else is welcome.
    AccessRules deny_only;
    deny_only.deny = {net("::ffff:192.0.2.0/120")}; // written v4-mapped, matches plain IPv4
    EXPECT_FALSE(allows(deny_only, "192.0.2.77"));
    EXPECT_TRUE(allows(deny_only, "192.0.3.77"));
    EXPECT_TRUE(allows(deny_only, "::1"));
}

TEST(AccessRules, ConfigKeysAndErrors) {
    const auto cfg = nutpp::config::load_string("server:\n"
                                                "  allow: [\"10.0.0.0/8\", \"::1\"]\n"
                                                "  deny: 10.9.0.0/16\n"
                                                "  listen:\n"
                                                "    - 127.0.0.1:3493\n"
                                                "    - { address: \"[::1]:3493\", allow: [\"::1\"] }\n",
                                                "t.yaml");
    EXPECT_EQ(cfg.server.access.allow.size(), 2u);
    EXPECT_EQ(cfg.server.access.deny.size(), 1u);
    EXPECT_TRUE(cfg.server.access.configured);
    ASSERT_EQ(cfg.server.listen.size(), 2u);
    EXPECT_FALSE(cfg.server.listen[0].access.configured);
    EXPECT_TRUE(cfg.server.listen[1].access.configured);
    EXPECT_EQ(cfg.server.listen[1].host, "::1");
    EXPECT_EQ(cfg.server.listen[1].access.allow.size(), 1u);

    auto e = error_of("server:\n  allow: [\"10.0.0.0/8\", \"10.1.2.3/16\"]\n");
    EXPECT_EQ(e.where.str(), "t.yaml:2:25");
    EXPECT_EQ(e.key, "server.allow[1]");
    EXPECT_EQ(e.problem, "invalid network: address has bits set past the prefix length");
    EXPECT_EQ(e.suggestion, "10.1.0.0/16");
    e = error_of("server:\n  deny: fw.example.com\n");
    EXPECT_EQ(e.where.str(), "t.yaml:2:9");
    EXPECT_EQ(e.key, "server.deny");
    e = error_of("server:\n  listen:\n    - address: 127.0.0.1\n      deny: [\"::/129\"]\n");
    EXPECT_EQ(e.where.str(), "t.yaml:4:14");
    EXPECT_EQ(e.key, "server.listen[0].deny[0]");
    e = error_of("server:\n  listen:\n    - { adress: 127.0.0.1 }\n");
    EXPECT_EQ(e.problem, "unknown key");
    EXPECT_EQ(e.suggestion, "address");
    e = error_of("server:\n  listen:\n    - { allow: [\"::1\"] }\n");
    EXPECT_EQ(e.key, "server.listen[0].address");
    EXPECT_EQ(e.problem, "missing");
}

// Global rules, and a listener with rules of its own (which replace the global ones for it): a
// refused peer is closed without a reply and the refusal is logged; the others are served.
TEST(AccessRules, RefusedAtAcceptGloballyAndPerListener) {
    UpsdrvdProcess drivers;
    auto upsd = start_yaml_stack(drivers,
                                 "server:\n"
                                 "  deny: [\"127.0.0.0/8\", \"::1\"]\n" // everything here, unless a listener says
                                 "  listen:\n"
                                 "    - { address: \"127.0.0.1:{PORT}\", allow: [127.0.0.2, 127.0.0.3], deny: 127.0.0.3 }\n"
                                 "    - \"[::1]:{PORT}\"\n",
                                 kDevices, "");
    // start_yaml_stack cannot wait through a GET (127.0.0.1 is refused): wait for the allowed peer.
    bool up = false;
    for (int i = 0; i < 100 && !up; ++i) {
        RawConn c = RawConn::from("127.0.0.2", upsd->port());
        up = served(c);
        if (!up) std::this_thread::sleep_for(100ms);
    }
    ASSERT_TRUE(up) << upsd->log();
    RawConn ok = RawConn::from("127.0.0.2", upsd->port());
    EXPECT_TRUE(served(ok));
    RawConn from1 = RawConn::from("127.0.0.1", upsd->port());
    EXPECT_TRUE(refused(from1)) << "not in the listener's allow list";
    RawConn from3 = RawConn::from("127.0.0.3", upsd->port());
    EXPECT_TRUE(refused(from3)) << "in the listener's deny list";
    RawConn v6(upsd->port(), true);
    EXPECT_TRUE(refused(v6)) << "the ::1 listener has no rules of its own: the global deny applies";
    EXPECT_TRUE(served(ok)) << "the allowed client is still served";
    std::this_thread::sleep_for(200ms);
    const std::string log = upsd->log();
    EXPECT_NE(log.find("refused connection from 127.0.0.1 on 127.0.0.1 port"), std::string::npos) << log;
    EXPECT_NE(log.find("refused connection from 127.0.0.3"), std::string::npos) << log;
    EXPECT_NE(log.find("refused connection from ::1 on ::1 port"), std::string::npos) << log;
    EXPECT_EQ(log.find("connection from 127.0.0.2 on"), std::string::npos) << log;
}

// A flood of refused connections: every one closed, the log stays bounded (20 a minute).
TEST(AccessRules, RefusalLogIsBounded) {
    UpsdrvdProcess drivers;
    auto upsd = start_yaml_stack(drivers, "server:\n  listen: [\"127.0.0.1:{PORT}\"]\n  deny: 127.0.0.9\n", kDevices);
    for (int i = 0; i < 100; ++i) {
        RawConn c = RawConn::from("127.0.0.9", upsd->port());
        ASSERT_TRUE(!c.ok() || c.closed_by_peer(2s)) << "connection " << i;
    }
    RawConn ok(upsd->port());
    EXPECT_TRUE(served(ok));
    const std::string log = upsd->log();
    size_t lines = 0;
    for (size_t at = log.find("refused connection from"); at != std::string::npos;
         at = log.find("refused connection from", at + 1))
        ++lines;
    EXPECT_EQ(lines, 20u) << log;
}

// SIGHUP takes new rules for new connections.
TEST(AccessRules, ReloadAppliesNewRules) {
    UpsdrvdProcess drivers;
    auto upsd = start_yaml_stack(drivers, "server:\n  listen: [\"127.0.0.1:{PORT}\"]\n", kDevices);
    RawConn before = RawConn::from("127.0.0.4", upsd->port());
    EXPECT_TRUE(served(before));
    std::string text = read_file(upsd->config());
    text.replace(text.find("server:\n"), 8, "server:\n  deny: [127.0.0.4]\n");
    write_file(upsd->config(), text);
    upsd->process().signal(SIGHUP);
    bool refused_now = false;
    for (int i = 0; i < 50 && !refused_now; ++i) {
        std::this_thread::sleep_for(100ms);
        RawConn c = RawConn::from("127.0.0.4", upsd->port());
        refused_now = refused(c);
    }
    EXPECT_TRUE(refused_now) << upsd->log();
    RawConn other(upsd->port());
    EXPECT_TRUE(served(other));
}

// NUT configs often hold LISTEN localhost and LISTEN 127.0.0.1 on one port (NUT 2.8.0 serves
// them): bound once with a warning, not a failed start.
TEST(ListenEntries, SameSocketTwiceIsBoundOnceInYaml) {
    UpsdrvdProcess drivers;
    auto upsd = start_yaml_stack(drivers, "server:\n  listen: [\"localhost:{PORT}\", \"127.0.0.1:{PORT}\"]\n", kDevices);
    RawConn c(upsd->port());
    EXPECT_TRUE(served(c));
    EXPECT_NE(upsd->log().find("is 127.0.0.1 port " + std::to_string(upsd->port()) + ", already bound for 'localhost port"),
              std::string::npos)
        << upsd->log();
}

TEST(ListenEntries, SameSocketTwiceIsBoundOnceInDropInMode) {
    if (!NutSandbox::available()) GTEST_SKIP() << "SKIPPED: " << NutSandbox::skip_reason();
    NutSandbox sb;
    OurUpsd ours(sb, "LISTEN localhost {PORT}\nLISTEN 127.0.0.1 {PORT}\n");
    RawConn c(ours.port());
    ASSERT_TRUE(c.ok()) << ours.log();
    EXPECT_EQ(c.ask("VER").rfind("Network UPS Tools upsd", 0), 0u) << ours.log();
    EXPECT_NE(ours.log().find("already bound for '127.0.0.1 port"), std::string::npos) << ours.log();
}

// One socket cannot have two sets of rules: that is a start-up error naming both entries.
TEST(ListenEntries, SameSocketWithDifferentRulesIsAnError) {
    UpsdrvdProcess drivers;
    const std::string dir = drivers.dir().string() + "/conflict";
    std::filesystem::create_directories(dir);
    const uint16_t port = free_tcp_port();
    write_file(dir + "/nutpp.yaml", "state_dir: " + dir + "\nserver:\n  listen:\n    - \"localhost:" +
                                        std::to_string(port) + "\"\n    - { address: \"127.0.0.1:" +
                                        std::to_string(port) + "\", allow: 127.0.0.2 }\n  allow_no_device: true\n");
    const auto r = run_command({UPSD_BIN, "-F", "-f", dir + "/nutpp.yaml"}, {}, 10s);
    EXPECT_GT(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE((r.out + r.err).find("have different access rules"), std::string::npos) << r.out << r.err;
}

// A line longer than any valid line, with no newline: ERR INVALID-ARGUMENT, then the connection
// is closed; the server does not go on reading it (further writes fail).
TEST(LongLine, AnswerThenCloseWithoutReadingTheRest) {
    UpsdrvdProcess drivers;
    auto upsd = start_yaml_stack(drivers, "server:\n  listen: [\"127.0.0.1:{PORT}\"]\n", kDevices);
    RawConn c(upsd->port());
    ASSERT_TRUE(c.ok());
    const std::string chunk(64 * 1024, 'A');
    ASSERT_TRUE(c.send(chunk));
    ASSERT_TRUE(c.send(chunk.substr(0, 4096)));
    EXPECT_EQ(c.read_lines(1, 5s), "ERR INVALID-ARGUMENT\n");
    // Keep writing, bounded: a server that still read would take all of it.
    bool write_failed = false;
    for (int i = 0; i < 400 && !write_failed; ++i) { // at most 25 MB
        write_failed = ::send(c.fd(), chunk.data(), chunk.size(), MSG_NOSIGNAL | MSG_DONTWAIT) < 0 &&
                       errno != EAGAIN && errno != EWOULDBLOCK;
        if (!write_failed) std::this_thread::sleep_for(5ms);
    }
    EXPECT_TRUE(write_failed) << "the server kept reading the endless line";
    RawConn other(upsd->port());
    EXPECT_TRUE(served(other));
    EXPECT_NE(upsd->log().find("sent a line longer than"), std::string::npos) << upsd->log();
}

// Below that bound an over-long word still only costs the one request (NUT-like), and a long but
// valid line is served.
TEST(LongLine, LongValidLinesStillWork) {
    UpsdrvdProcess drivers;
    auto upsd = start_yaml_stack(drivers, "server:\n  listen: [\"127.0.0.1:{PORT}\"]\n", kDevices);
    RawConn c(upsd->port());
    EXPECT_EQ(c.ask("GET VAR demo " + std::string(600, 'x')), "ERR INVALID-ARGUMENT");
    // 40 KB of blanks around a request: longer than any word limit, shorter than the line bound.
    EXPECT_EQ(c.ask(std::string(20000, ' ') + "GET VAR demo ups.status" + std::string(20000, ' ')),
              "VAR demo ups.status \"OL\"");
}
