// Configuration mistakes of SNMP devices: each gives one clear error naming the device and the
// cause (a broken user mapping file by file:line:column), never a crash; the other devices run on.
#include "agents.hpp"
#include "recordings.hpp"
#include "stack.hpp"
#include "trap_receiver.hpp"

#include <gtest/gtest.h>

#include <fstream>

using namespace nutpp::snmp::testing;
using namespace std::chrono_literals;

TEST(SnmpConfig, HostPortForms) {
    std::string h, p;
    ASSERT_TRUE(nutpp::snmp::split_host_port("10.0.0.5", h, p, "161"));
    EXPECT_EQ(h + "|" + p, "10.0.0.5|161");
    ASSERT_TRUE(nutpp::snmp::split_host_port("ups.example:1161", h, p, "161"));
    EXPECT_EQ(h + "|" + p, "ups.example|1161");
    ASSERT_TRUE(nutpp::snmp::split_host_port("[::1]:162", h, p, "161"));
    EXPECT_EQ(h + "|" + p, "::1|162");
    ASSERT_TRUE(nutpp::snmp::split_host_port("fe80::1", h, p, "161"));
    EXPECT_EQ(h + "|" + p, "fe80::1|161");
    EXPECT_FALSE(nutpp::snmp::split_host_port("host:", h, p, "161"));
    EXPECT_FALSE(nutpp::snmp::split_host_port("host:99999", h, p, "161"));
    EXPECT_FALSE(nutpp::snmp::split_host_port("[::1", h, p, "161"));
}

TEST(SnmpConfig, MistakesAreNamedAndOtherDevicesRun) {
    const std::string missing = missing_tools({"/usr/bin/snmpsimd"});
    if (!missing.empty()) GTEST_SKIP() << missing;
    auto &sim = shared_snmpsim();
    const auto bad_map = std::filesystem::temp_directory_path() / ("nutpp-badmap-" + std::to_string(getpid()) + ".yaml");
    std::ofstream(bad_map) << "name: broken\nprobe: .1.3.6.1.2.1.1.7.0\nvars:\n  - {name: ups.load, oid: .1.3.6.1.2.1.33.1.4.4.1.5.1, scael: 2}\n";
    const std::string ok = "  good:\n    driver: snmp\n    port: " + sim.endpoint() +
                           "\n    community: eaton-93e-80\n    mibs: ietf\n    pollinterval: 1\n";
    Stack s(ok + "  nomib:\n    driver: snmp\n    port: " + sim.endpoint() + "\n    mibs: nosuchmib\n" +
            "  badmap:\n    driver: snmp\n    port: " + sim.endpoint() + "\n    mibfile: " + bad_map.string() + "\n" +
            "  nosec:\n    driver: snmp\n    port: " + sim.endpoint() + "\n    snmp_version: v3\n" +
            "  badport:\n    driver: snmp\n    port: \"[::1\"\n" +
            "  nomatch:\n    driver: snmp\n    port: " + sim.endpoint() +
            "\n    community: emerson-network-power\n    pollinterval: 1\n    retrydelay: 0.5\n" +
            "  wrongcomm:\n    driver: snmp\n    port: " + sim.endpoint() +
            "\n    community: nosuchcommunity\n    snmp_timeout: 0.2\n    snmp_retries: 0\n    retrydelay: 0.3\n");
    EXPECT_EQ(s.wait("good", "ups.status", "OL"), "OL") << s.logs();
    std::string log;
    for (int i = 0; i < 50 && log.find("no mapping fits") == std::string::npos; ++i) {
        std::this_thread::sleep_for(100ms);
        log = s.drivers.log();
    }
    EXPECT_NE(log.find("mibs 'nosuchmib': no such mapping (have: auto"), std::string::npos) << log;
    EXPECT_NE(log.find(bad_map.string() + ":4:56: vars entry: unknown key 'scael'"), std::string::npos) << log;
    EXPECT_NE(log.find("snmp_version v3 needs secname"), std::string::npos) << log;
    EXPECT_NE(log.find("port '[::1': expected host, host:port or [ipv6]:port"), std::string::npos) << log;
    EXPECT_NE(log.find("no mapping fits (sysObjectID"), std::string::npos) << log;
    // A wrong community: the agent stays silent; one line says what that may mean, repeats are
    // logged once (the host backs off: no busy loop).
    const std::string silent = "device 'wrongcomm': open failed: NUTPP_E_TIMEOUT: agent " + sim.endpoint() +
                               " does not answer (timeout): agent down, or a wrong community";
    EXPECT_NE(log.find(silent), std::string::npos) << log;
    size_t n = 0;
    for (auto pos = log.find(silent); pos != std::string::npos; pos = log.find(silent, pos + 1)) ++n;
    EXPECT_EQ(n, 1u) << log;
    EXPECT_EQ(s.get("wrongcomm", "ups.status").front(), '<');
    EXPECT_TRUE(s.drivers.running());
    std::error_code ec;
    std::filesystem::remove(bad_map, ec);
}
