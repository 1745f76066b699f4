// nutpp scan -S with SNMPv3 (USM authPriv, SHA-256 / AES-256) against Net-SNMP's real snmpd: the
// agent serves a few RFC 1628 UPS-MIB objects (snmpd `override` lines) beside MIB-II, so the snmp
// plugin's detection picks the ietf mapping by its probe. The entry carries the v3 settings and
// loads; a wrong pass phrase finds nothing (the agent drops what it cannot decrypt).
#include "agents.hpp"
#include "config/config.hpp"
#include "device_key.hpp"
#include "process.hpp"
#include "validate/validate.hpp"

#include <gtest/gtest.h>

using nutpp::snmp::testing::Snmpd;
using nutpp::testing::device_key;
using nutpp::testing::run_command;

namespace {

const char *kUpsMib = "override .1.3.6.1.2.1.33.1.1.1.0 octet_str \"Acme Power\"\n"
                      "override .1.3.6.1.2.1.33.1.1.2.0 octet_str \"Acme 1500\"\n"
                      "override .1.3.6.1.2.1.33.1.4.1.0 integer 3\n";

std::vector<std::string> scan_v3(const Snmpd &agent, const std::string &priv_pass) {
    return {NUTPP_BIN, "scan", "-q", "-S", "-s", "127.0.0.1", "--snmp_port", std::to_string(agent.port()), "-u",
            Snmpd::kUser, "-l", "authPriv", "-w", "SHA256", "-W", Snmpd::kAuthPass, "-x", "AES256", "-X", priv_pass,
            "-t", "2"};
}

TEST(ScanSnmpV3, FindsAnAuthPrivAgentAndWritesItsUser) {
    const auto missing = nutpp::snmp::testing::missing_tools({"/usr/sbin/snmpd", "/usr/bin/snmpget"});
    if (!missing.empty()) GTEST_SKIP() << "SKIPPED: " << missing;
    Snmpd agent(kUpsMib);
    ASSERT_EQ(agent.get(".1.3.6.1.2.1.33.1.1.2.0"), "\"Acme 1500\"") << agent.log(); // the fixture serves UPS-MIB

    const auto r = run_command(scan_v3(agent, Snmpd::kPrivPass));
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out << agent.log();
    EXPECT_NE(r.out.find("1 agent(s), 1 UPS(es)"), std::string::npos) << r.out;
    const auto cfg = nutpp::config::load_string(r.out, "scan.yaml");
    ASSERT_EQ(cfg.devices.size(), 1u) << r.out;
    const auto &d = cfg.devices[0];
    EXPECT_EQ(d.driver, "snmp");
    EXPECT_EQ(d.port, agent.endpoint());
    EXPECT_EQ(device_key(d, "mibs"), "ietf") << r.out;
    EXPECT_EQ(device_key(d, "snmp_version"), "v3");
    EXPECT_EQ(device_key(d, "secname"), Snmpd::kUser);
    EXPECT_EQ(device_key(d, "seclevel"), "authPriv");
    EXPECT_EQ(device_key(d, "authprotocol"), "SHA256");
    EXPECT_EQ(device_key(d, "privprotocol"), "AES256");
    EXPECT_EQ(device_key(d, "privpassword"), Snmpd::kPrivPass);
    EXPECT_EQ(d.find("community"), nullptr) << "a v3 entry has no community";
    EXPECT_NO_THROW(nutpp::config::check_driver_keys(d, "snmp", nutpp::validate::probe_plugin("snmp", "").keys));

    // The same user with another privacy pass phrase: the agent cannot decrypt, stays silent.
    const auto wrong = run_command(scan_v3(agent, "not-the-pass-phrase"));
    EXPECT_EQ(wrong.exit_code, 1) << wrong.out << wrong.err;
    EXPECT_NE(wrong.out.find("0 agent(s), 0 UPS(es)"), std::string::npos) << wrong.out;
}

} // namespace
