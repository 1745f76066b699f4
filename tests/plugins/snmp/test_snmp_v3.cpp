// SNMPv3 (USM authPriv, SHA-256 / AES-256) against Net-SNMP's real snmpd with its own user, through
// our upsdrvd + upsd. The agent serves MIB-II only, so the device uses a user mapping file
// (`mibfile`) that maps the system group: that exercises a user-supplied mapping too.
// Checked: data arrives; a SET and an instant command reach the agent (read back with snmpget);
// wrong credentials give a stale device and one clear log line naming the agent and the cause, not a
// busy loop; a silent agent (SIGSTOP) makes the data stale and it recovers after SIGCONT.
#include "agents.hpp"
#include "stack.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <fstream>

using namespace nutpp::snmp::testing;
using namespace std::chrono_literals;

namespace {

const char *kMapping = R"(name: testhost
version: "1.0"
description: MIB-II system group of the test snmpd, as a UPS
detect_order: 5
probe: .1.3.6.1.2.1.1.7.0
enums:
  services: {72: OL}
vars:
  - {name: ups.mfr, default: nutpp tests}
  - {name: ups.model, oid: .1.3.6.1.2.1.1.5.0, flags: [static]}
  - {name: ups.status, oid: .1.3.6.1.2.1.1.7.0, type: status, enum: services}
  - {name: ups.id, oid: .1.3.6.1.2.1.1.4.0, writable: {set_type: string, maxlen: 32}}
  - {name: ups.location, oid: .1.3.6.1.2.1.1.6.0}
commands:
  - {name: beeper.disable, oid: .1.3.6.1.2.1.1.6.0, set_type: string, value: beeper-off}
)";

std::string v3_device(const std::string &name, const Snmpd &agent, const std::string &mibfile,
                      const std::string &user, const std::string &auth, const std::string &priv) {
    return "  " + name + ":\n    driver: snmp\n    port: " + agent.endpoint() +
           "\n    snmp_version: v3\n    seclevel: authPriv\n    secname: " + user + "\n    authpassword: " + auth +
           "\n    privpassword: " + priv + "\n    authprotocol: SHA256\n    privprotocol: AES256\n    mibfile: " +
           mibfile + "\n    pollinterval: 0.5\n    maxretry: 1\n    retrydelay: 0.5\n    snmp_timeout: 0.3\n"
                     "    snmp_retries: 0\n";
}

size_t count(const std::string &hay, const std::string &needle) {
    size_t n = 0;
    for (auto pos = hay.find(needle); pos != std::string::npos; pos = hay.find(needle, pos + 1)) ++n;
    return n;
}

class SnmpV3 : public ::testing::Test {
protected:
    void SetUp() override {
        const std::string missing = missing_tools({"/usr/sbin/snmpd", "/usr/bin/snmpget"});
        if (!missing.empty()) GTEST_SKIP() << missing;
        agent = std::make_unique<Snmpd>();
        mapfile = std::filesystem::temp_directory_path() / ("nutpp-testhost-" + std::to_string(getpid()) + ".yaml");
        std::ofstream(mapfile) << kMapping;
    }
    void TearDown() override {
        std::error_code ec;
        std::filesystem::remove(mapfile, ec);
    }
    std::unique_ptr<Snmpd> agent;
    std::filesystem::path mapfile;
};

TEST_F(SnmpV3, AuthPrivDataSetAndInstantCommandReachTheAgent) {
    Stack s(v3_device("good", *agent, mapfile.string(), Snmpd::kUser, Snmpd::kAuthPass, Snmpd::kPrivPass));
    ASSERT_EQ(s.wait("good", "ups.status", "OL"), "OL") << s.logs();
    EXPECT_EQ(s.get("good", "ups.model"), "nutpp-v3-agent");
    EXPECT_EQ(s.get("good", "driver.parameter.mibs"), "auto"); // configured, as NUT; the mapping is below
    EXPECT_EQ(s.get("good", "driver.version.data"), "testhost MIB 1.0");
    EXPECT_EQ(s.get("good", "device.description"), "nutpp test agent");
    EXPECT_NE(s.drivers.log().find("using mapping 'testhost'"), std::string::npos) << s.logs();
    // Secrets never published.
    EXPECT_EQ(s.get("good", "driver.parameter.authpassword").front(), '<');
    EXPECT_EQ(s.get("good", "driver.parameter.privpassword").front(), '<');

    const std::string set = s.admin("SET VAR good ups.id \"rack-7\"");
    EXPECT_EQ(set.rfind("OK", 0), 0u) << set << s.logs();
    std::string at_agent;
    for (int i = 0; i < 50 && at_agent != "\"rack-7\""; ++i, std::this_thread::sleep_for(100ms))
        at_agent = agent->get(".1.3.6.1.2.1.1.4.0");
    EXPECT_EQ(at_agent, "\"rack-7\"") << s.logs();
    EXPECT_EQ(s.wait("good", "ups.id", "rack-7"), "rack-7");

    const std::string cmd = s.admin("INSTCMD good beeper.disable");
    EXPECT_EQ(cmd.rfind("OK", 0), 0u) << cmd << s.logs();
    for (int i = 0; i < 50 && at_agent != "\"beeper-off\""; ++i, std::this_thread::sleep_for(100ms))
        at_agent = agent->get(".1.3.6.1.2.1.1.6.0");
    EXPECT_EQ(at_agent, "\"beeper-off\"") << s.logs();
}

TEST_F(SnmpV3, WrongCredentialsGiveOneClearErrorAndAStaleDevice) {
    const std::string devices = v3_device("badauth", *agent, mapfile.string(), "authuser", "wrongpass1",
                                          Snmpd::kPrivPass) +
                                v3_device("badpriv", *agent, mapfile.string(), "privuser", Snmpd::kAuthPass,
                                          "wrongpriv1") +
                                v3_device("baduser", *agent, mapfile.string(), "nosuchuser", Snmpd::kAuthPass,
                                          Snmpd::kPrivPass) +
                                v3_device("good", *agent, mapfile.string(), Snmpd::kUser, Snmpd::kAuthPass,
                                          Snmpd::kPrivPass);
    // Each wrong device has its own user name: Net-SNMP keeps one key set per user and agent (a
    // second device with the good user and other pass phrases is refused; see the next test).
    Stack s(devices);
    ASSERT_EQ(s.wait("good", "ups.status", "OL"), "OL") << s.logs();
    std::this_thread::sleep_for(3s); // several reconnect rounds
    const std::string log = s.drivers.log();
    const std::string agent_name = "agent " + agent->endpoint();
    EXPECT_NE(log.find(agent_name + " rejects SNMPv3 authentication: wrong digest"), std::string::npos) << log;
    EXPECT_NE(log.find(agent_name + " answered SNMPv3 discovery but not our encrypted request: decryption error"),
              std::string::npos)
        << log;
    EXPECT_NE(log.find(agent_name + " rejects SNMPv3 user: unknown user name"), std::string::npos) << log;
    // Identical failures are logged once (then at debug), and the host backs off: no busy loop.
    EXPECT_LE(count(log, "wrong digest"), 2u) << log;
    EXPECT_LE(count(log, "unknown user name"), 2u) << log;
    for (const char *bad : {"badauth", "badpriv", "baduser"})
        EXPECT_EQ(s.get(bad, "ups.status").front(), '<') << bad << ": " << s.get(bad, "ups.status");
    EXPECT_EQ(s.get("good", "ups.status"), "OL");
}

// Net-SNMP keeps one key set per (agent, user) per process: a second device of the same upsdrvd
// using the same user on the same agent with other pass phrases would overwrite the first one's keys.
// The plugin refuses it with a clear line. Which of the two opens first is up to the host's threads,
// so the test checks the refusal line, whichever device it names.
TEST_F(SnmpV3, SameUserWithOtherPassPhrasesIsRefusedNotMixedUp) {
    Stack both(v3_device("a_good", *agent, mapfile.string(), Snmpd::kUser, Snmpd::kAuthPass, Snmpd::kPrivPass) +
               v3_device("b_clash", *agent, mapfile.string(), Snmpd::kUser, "otherpass1", Snmpd::kPrivPass));
    // If b_clash happens to open first it fails on its own (wrong digest), releases the user, a_good
    // opens, and the refusal shows at b_clash's next attempt: the host's backoff doubles from
    // retrydelay, so allow up to 15 s.
    std::string log;
    for (int i = 0; i < 150 && log.find("with other credentials") == std::string::npos; ++i) {
        std::this_thread::sleep_for(100ms);
        log = both.drivers.log();
    }
    EXPECT_NE(log.find("uses SNMPv3 user 'nutppuser' there with other credentials"), std::string::npos) << log;
    // The good device is never disturbed by the clashing one (Net-SNMP's cached user is dropped
    // with the last session that used it, so a wrong pass phrase that opened first does not stick).
    EXPECT_EQ(both.wait("a_good", "ups.status", "OL"), "OL") << both.logs();
}

TEST_F(SnmpV3, SilentAgentMakesDataStaleAndRecovers) {
    Stack s(v3_device("ups", *agent, mapfile.string(), Snmpd::kUser, Snmpd::kAuthPass, Snmpd::kPrivPass));
    ASSERT_EQ(s.wait("ups", "ups.status", "OL"), "OL") << s.logs();
    agent->process().signal(SIGSTOP);
    const std::string stale = s.wait("ups", "ups.status", "<ERR DATA-STALE>", 10s);
    EXPECT_EQ(stale, "<ERR DATA-STALE>") << s.logs();
    EXPECT_NE(s.drivers.log().find("does not answer (timeout)"), std::string::npos) << s.logs();
    agent->process().signal(SIGCONT);
    EXPECT_EQ(s.wait("ups", "ups.status", "OL", 15s), "OL") << s.logs();
}

} // namespace
