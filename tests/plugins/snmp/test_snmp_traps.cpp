// Traps: one receiver per upsdrvd (trap_listen), a trap from the agent's address wakes the device
// with request_poll. The device polls every hour; the agent (snmpsimd, writecache) is switched to
// "on battery" and nothing changes until `snmptrap` sends upsTrapOnBattery: then upsd shows OB at
// once. Also: an instant command over snmpsim's writecache reaches the agent.
#include "recordings.hpp"
#include "stack.hpp"

#include <gtest/gtest.h>

#include <iostream>
#include <memory>

using namespace nutpp::snmp::testing;
using namespace std::chrono_literals;

namespace {

const char *kOutputSource = ".1.3.6.1.2.1.33.1.4.1.0";

TEST(SnmpTraps, OnBatteryTrapReachesUpsdAtOnce) {
    const std::string missing = missing_tools({"/usr/bin/snmpsimd", "/usr/bin/snmptrap", "/usr/bin/snmpset"});
    if (!missing.empty()) GTEST_SKIP() << missing;
    auto &sim = shared_snmpsim();
    // The host polls once at start, then once at a random point within the first interval (devices
    // started together do not poll in step), then every interval. That jittered poll may fall in the
    // window below and read "on battery" without a trap: then start again (a new random point); with
    // an interval of an hour, two such draws in a row are far below one in a million.
    const uint16_t trap_port = free_udp_port();
    std::unique_ptr<Stack> stack;
    for (int attempt = 0; attempt < 2 && !stack; ++attempt) {
        ASSERT_TRUE(snmp_set_v2c(sim.endpoint(), "ietfrw", kOutputSource, 'i', "3")); // normal: OL
        auto s = std::make_unique<Stack>("  ups:\n    driver: snmp\n    port: " + sim.endpoint() +
                                         "\n    community: ietfrw\n    snmp_version: v2c\n    mibs: ietf\n"
                                         "    pollinterval: 3600\n    trap_listen: 127.0.0.1:" +
                                         std::to_string(trap_port) + "\n");
        ASSERT_EQ(s->wait("ups", "ups.status", "OL"), "OL") << s->logs();
        ASSERT_TRUE(snmp_set_v2c(sim.endpoint(), "ietfrw", kOutputSource, 'i', "5")); // battery
        std::this_thread::sleep_for(1500ms);
        if (s->get("ups", "ups.status") == "OL") stack = std::move(s);
        else std::cout << "the jittered first poll fell in the window (read OB without a trap): starting again\n";
    }
    ASSERT_TRUE(stack) << "changed without a trap twice: the test would prove nothing";
    Stack &s = *stack;

    const auto t0 = std::chrono::steady_clock::now();
    auto r = nutpp::testing::run_command({"snmptrap", "-v2c", "-c", "public", "127.0.0.1:" + std::to_string(trap_port),
                                          "", ".1.3.6.1.2.1.33.2.1"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string st = s.wait("ups", "ups.status", "OB", 5s);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_EQ(st, "OB") << s.logs();
    std::cout << "trap -> OB through upsd in " << ms << " ms (pollinterval 3600 s)\n";

    // Back on line: v1 trap this time.
    ASSERT_TRUE(snmp_set_v2c(sim.endpoint(), "ietfrw", kOutputSource, 'i', "3"));
    r = nutpp::testing::run_command({"snmptrap", "-v1", "-c", "public", "127.0.0.1:" + std::to_string(trap_port),
                                     ".1.3.6.1.2.1.33.2", "127.0.0.1", "6", "4", ""});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(s.wait("ups", "ups.status", "OL", 5s), "OL") << s.logs();
}

TEST(SnmpTraps, InstantCommandReachesSnmpsimWritecache) {
    const std::string missing = missing_tools({"/usr/bin/snmpsimd", "/usr/bin/snmpget"});
    if (!missing.empty()) GTEST_SKIP() << missing;
    auto &sim = shared_snmpsim();
    ASSERT_TRUE(snmp_set_v2c(sim.endpoint(), "ietfrw", ".1.3.6.1.2.1.33.1.9.8.0", 'i', "2")); // beeper enabled
    Stack s("  ups:\n    driver: snmp\n    port: " + sim.endpoint() +
            "\n    community: ietfrw\n    mibs: ietf\n    pollinterval: 0.5\n    pollfreq: 1\n");
    ASSERT_EQ(s.wait("ups", "ups.beeper.status", "enabled"), "enabled") << s.logs();
    const std::string cmd = s.admin("INSTCMD ups beeper.disable");
    EXPECT_EQ(cmd.rfind("OK", 0), 0u) << cmd << s.logs();
    std::string at_agent;
    for (int i = 0; i < 50 && at_agent != "1"; ++i, std::this_thread::sleep_for(100ms))
        at_agent = snmp_get_v2c(sim.endpoint(), "ietfrw", ".1.3.6.1.2.1.33.1.9.8.0");
    EXPECT_EQ(at_agent, "1") << s.logs();
    EXPECT_EQ(s.wait("ups", "ups.beeper.status", "disabled", 5s), "disabled") << s.logs();
}

} // namespace

namespace {

// upsdrvd -k (NUT's upsdrvctl shutdown): shutdown.default of an ietf device is load.off, a SET of
// upsShutdownAfterDelay to 0, seen at the agent.
TEST(SnmpKillPower, ShutdownDefaultReachesTheAgent) {
    const std::string missing = missing_tools({"/usr/bin/snmpsimd", "/usr/bin/snmpget"});
    if (!missing.empty()) GTEST_SKIP() << missing;
    auto &sim = shared_snmpsim();
    ASSERT_TRUE(snmp_set_v2c(sim.endpoint(), "ietfrw", ".1.3.6.1.2.1.33.1.8.2.0", 'i', "-1"));
    nutpp::testing::UpsdrvdProcess p;
    p.write_config("  ups:\n    driver: snmp\n    port: " + sim.endpoint() + "\n    community: ietfrw\n    mibs: ietf\n");
    std::string out;
    EXPECT_EQ(nutpp::testing::UpsdrvdProcess::run_sync("-k -f " + p.config_path(), out), 0) << out;
    EXPECT_EQ(snmp_get_v2c(sim.endpoint(), "ietfrw", ".1.3.6.1.2.1.33.1.8.2.0"), "0") << out;
    EXPECT_NE(out.find("shutdown.default (load.off) sent (SET .1.3.6.1.2.1.33.1.8.2.0 = 0)"), std::string::npos) << out;
}

} // namespace
