// upsdrvd and the plugin ABI across versions: plugins built against the released 1.0 and 1.1 headers
// still run, and the ABI 1.2 services and rules (effective poll interval, one-shot timer, which fd
// fired, hangups reported once, misuse refused and logged once, unknown enum values, library_init_ex).
#include "upsdrvd_fixture.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

using namespace nutpp;
using namespace std::chrono_literals;
using nutpp::testing::UpsdrvdProcess;

namespace {

std::string fixture(const std::string &name) { return std::string(NUTPP_FIXTURE_DIR) + "/nutpp-" + name + ".so"; }

std::string device(const std::string &name, const std::string &plugin, const std::string &extra = "") {
    return "  " + name + ":\n    driver: " + fixture(plugin) + "\n    port: none\n" + extra;
}

std::string var(const UpsdrvdProcess &p, const std::string &driver, const std::string &dev, const std::string &name) {
    const auto st = p.dump(driver, dev);
    auto it = st.vars.find(name);
    return it == st.vars.end() ? "<unset>" : it->second;
}

// Waits until `name` has `value`; returns the last value seen.
std::string wait_var(const UpsdrvdProcess &p, const std::string &driver, const std::string &dev,
                     const std::string &name, const std::string &value, std::chrono::milliseconds timeout = 5s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string seen;
    do {
        seen = var(p, driver, dev, name);
        if (seen == value) break;
        std::this_thread::sleep_for(20ms);
    } while (std::chrono::steady_clock::now() < deadline);
    return seen;
}

// Sends one tracked request to the device's socket; returns the TRACKING result ("0" = handled).
std::string request(const UpsdrvdProcess &p, const std::string &driver, const std::string &dev, const std::string &line) {
    const auto lines = driver_socket::exchange(p.socket(driver, dev), line + " TRACKING t1", "TRACKING", 5s);
    return lines.empty() ? "<none>" : lines.back().substr(lines.back().rfind(' ') + 1);
}

size_t count(const std::string &haystack, const std::string &needle) {
    size_t n = 0;
    for (auto pos = haystack.find(needle); pos != std::string::npos; pos = haystack.find(needle, pos + 1)) ++n;
    return n;
}

} // namespace

// The proof asked for by the append-only rule: plugins compiled against the verbatim 1.0 and 1.1
// headers (tests/sdk/abi_1_0, abi_1_1) load in this upsdrvd and publish, declare, set and run.
TEST(UpsdrvdAbi, OldAbiPluginsStillLoad) {
    UpsdrvdProcess p;
    p.write_config(device("v10", "old_abi_1_0") + device("v11", "old_abi_1_1", "    greeting: bonjour\n"));
    p.start();
    for (const auto &[driver, dev, abi, greeting] :
         {std::tuple{"old_abi_1_0", "v10", "1.0", "hello"}, std::tuple{"old_abi_1_1", "v11", "1.1", "bonjour"}}) {
        SCOPED_TRACE(driver);
        EXPECT_EQ(wait_var(p, driver, dev, "fixture.abi", abi), abi) << p.log();
        const auto st = p.dump(driver, dev);
        EXPECT_EQ(st.vars.at("fixture.greeting"), greeting); // a 1.0 config key row (enum-typed field)
        EXPECT_EQ(st.vars.at("battery.charge"), "87");
        EXPECT_EQ(st.vars.at("ups.status"), "OL CHRG");
        EXPECT_EQ(request(p, driver, dev, "SET ups.id \"renamed\""), "0");
        EXPECT_EQ(wait_var(p, driver, dev, "ups.id", "renamed"), "renamed");
        EXPECT_EQ(request(p, driver, dev, "SET ups.id \"far-too-long-for-sixteen\""), "2"); // 1.0 var decl read right
        EXPECT_EQ(request(p, driver, dev, "INSTCMD test.battery.start.quick"), "0");
        EXPECT_EQ(wait_var(p, driver, dev, "ups.test.result", "Done and passed"), "Done and passed");
    }
}

// A global pollinterval was invisible to config_get (sim guessed 2000 ms); get_poll_interval sees it.
TEST(UpsdrvdAbi, PollIntervalIsTheEffectiveOne) {
    UpsdrvdProcess p;
    p.write_config(device("g", "abi_1_2") + device("d", "abi_1_2", "    pollinterval: 0.25\n"), "pollinterval: 7\n");
    p.start();
    EXPECT_EQ(wait_var(p, "abi_1_2", "g", "test.poll_interval", "7000"), "7000") << p.log();
    EXPECT_EQ(wait_var(p, "abi_1_2", "d", "test.poll_interval", "250"), "250");
    // set_var during create() is refused with NUTPP_E_STATE (create's allowed list, driver.h).
    EXPECT_EQ(var(p, "abi_1_2", "g", "test.create_set_var"), "10");
}

TEST(UpsdrvdAbi, OneShotTimerPollsOnceWithDeferred) {
    UpsdrvdProcess p;
    p.write_config(device("o", "abi_1_2", "    pollinterval: 600\n"));
    p.start();
    ASSERT_EQ(wait_var(p, "abi_1_2", "o", "test.deferred.wakes", "0"), "0") << p.log();
    EXPECT_EQ(request(p, "abi_1_2", "o", "INSTCMD test.oneshot 150"), "0");
    EXPECT_EQ(wait_var(p, "abi_1_2", "o", "test.deferred.wakes", "1", 3s), "1") << p.log();
    std::this_thread::sleep_for(400ms);
    EXPECT_EQ(var(p, "abi_1_2", "o", "test.deferred.wakes"), "1"); // one-shot, not periodic
}

TEST(UpsdrvdAbi, ReadyFdsNamesTheFdThatFired) {
    UpsdrvdProcess p;
    p.write_config(device("f", "abi_1_2", "    pollinterval: 600\n"));
    p.start();
    ASSERT_EQ(wait_var(p, "abi_1_2", "f", "test.fd1.wakes", "0"), "0") << p.log();
    EXPECT_EQ(request(p, "abi_1_2", "f", "INSTCMD test.fd.write 1"), "0");
    EXPECT_EQ(wait_var(p, "abi_1_2", "f", "test.fd1.wakes", "1"), "1") << p.log();
    EXPECT_EQ(var(p, "abi_1_2", "f", "test.fd0.wakes"), "0");
}

// A hung-up fd is readable forever; it used to wake the plugin on every loop.
TEST(UpsdrvdAbi, HungUpFdIsReportedOnceUntilRewatched) {
    UpsdrvdProcess p;
    p.write_config(device("h", "abi_1_2", "    pollinterval: 3600\n"));
    p.start();
    ASSERT_EQ(wait_var(p, "abi_1_2", "h", "test.fd.hangups", "0"), "0") << p.log();
    EXPECT_EQ(request(p, "abi_1_2", "h", "INSTCMD test.fd.hangup 0"), "0");
    EXPECT_EQ(wait_var(p, "abi_1_2", "h", "test.fd.hangups", "1"), "1") << p.log();
    const std::string polls = var(p, "abi_1_2", "h", "test.polls");
    std::this_thread::sleep_for(500ms);
    EXPECT_EQ(var(p, "abi_1_2", "h", "test.polls"), polls) << "a hung-up fd kept waking the plugin";
    EXPECT_EQ(var(p, "abi_1_2", "h", "test.fd.hangups"), "1");
    EXPECT_EQ(request(p, "abi_1_2", "h", "INSTCMD test.fd.rewatch 0"), "0"); // watch_fd re-arms it
    EXPECT_EQ(wait_var(p, "abi_1_2", "h", "test.fd.hangups", "2"), "2") << p.log();
}

TEST(UpsdrvdAbi, CallsOutsideTheInstancesOwnCallAreRefusedAndLoggedOnce) {
    UpsdrvdProcess p;
    // Both instances in one process: the fixture reaches one from the other's thread.
    p.write_config(device("a", "abi_1_2", "    pollinterval: 600\n    isolation: in-process\n") +
                   device("b", "abi_1_2", "    pollinterval: 600\n    isolation: in-process\n"));
    p.start();
    ASSERT_EQ(wait_var(p, "abi_1_2", "a", "test.polls", "1"), "1") << p.log();
    ASSERT_EQ(wait_var(p, "abi_1_2", "b", "test.polls", "1"), "1") << p.log();
    EXPECT_EQ(request(p, "abi_1_2", "a", "INSTCMD test.wrong.thread"), "0");
    EXPECT_EQ(wait_var(p, "abi_1_2", "a", "test.thread.set_var", "10"), "10"); // NUTPP_E_STATE
    EXPECT_EQ(var(p, "abi_1_2", "a", "test.from.thread"), "<unset>");
    EXPECT_EQ(request(p, "abi_1_2", "a", "INSTCMD test.other.instance"), "0");
    EXPECT_EQ(wait_var(p, "abi_1_2", "a", "test.cross.set_var", "10"), "10");
    EXPECT_EQ(var(p, "abi_1_2", "b", "test.cross.leak"), "<unset>");
    ASSERT_TRUE(p.wait_log("status_begin() called outside")) << p.log();
    const std::string log = p.log();
    EXPECT_EQ(count(log, "device 'a': plugin misbehaving: status_begin()"), 1u) << log; // twice, logged once
    EXPECT_EQ(count(log, "device 'a': plugin misbehaving: set_var()"), 1u) << log;
    EXPECT_EQ(count(log, "device 'b': plugin misbehaving: set_var()"), 1u) << log; // the cross-instance call
}

TEST(UpsdrvdAbi, CloseFollowsAFailedOpen) {
    UpsdrvdProcess p;
    p.write_config(device("c", "abi_1_2", "    fail_opens: 2\n    retrydelay: 0.05\n"));
    p.start();
    EXPECT_EQ(wait_var(p, "abi_1_2", "c", "test.opens", "3"), "3") << p.log();
    EXPECT_EQ(var(p, "abi_1_2", "c", "test.closes"), "2"); // one close per failed open, none more
}

TEST(UpsdrvdAbi, UnknownEnumValuesAreErrors) {
    std::string out;
    EXPECT_NE(UpsdrvdProcess::run_sync("--describe " + fixture("unknown_key_type"), out), 0);
    EXPECT_NE(out.find("config key 'future' has unknown type 42"), std::string::npos) << out;

    UpsdrvdProcess p;
    p.write_config(device("u", "abi_1_2"));
    p.start();
    EXPECT_EQ(wait_var(p, "abi_1_2", "u", "test.unknown_type", "1"), "1") << p.log(); // NUTPP_E_INVALID_ARG
    EXPECT_TRUE(p.wait_log("(unknown level 7) abi_1_2: a line at level seven")) << p.log();
}

TEST(UpsdrvdAbi, LibraryInitExReportsItsError) {
    UpsdrvdProcess p;
    p.write_config(device("l", "lib_init_fails") + device("ok", "abi_1_2"));
    p.start();
    EXPECT_TRUE(p.wait_log("library_init failed: NUTPP_E_CONFIG: libfoo.so.3 is missing")) << p.log();
    EXPECT_TRUE(p.wait_log("lib_init_fails: library_init_ex says hello")) << p.log();
    // abi_1_2's 1.0 library_init would fail: it runs because the host called library_init_ex instead.
    EXPECT_EQ(wait_var(p, "abi_1_2", "ok", "ups.status", "OL"), "OL") << p.log();
}
