// nutpp scan -S against snmpsim agents on loopback (recordings of real UPS cards, community = the
// recording's name): the mapping printed is the one the snmp plugin's detection picks, and the entry
// loads and passes the plugin's key check.
#include "agents.hpp"
#include "config/config.hpp"
#include "device_key.hpp"
#include "process.hpp"
#include "validate/validate.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace fs = std::filesystem;
using nutpp::testing::device_key;
using nutpp::testing::run_command;

TEST(ScanSnmp, FindsAgentsAndTheirMapping) {
    const auto missing = nutpp::snmp::testing::missing_tools({"/usr/bin/snmpsimd"});
    if (!missing.empty()) GTEST_SKIP() << "SKIPPED: " << missing;
    const fs::path rec = fs::path(NUTPP_TESTDATA_DIR) / "snmp" / "snmprec";
    nutpp::snmp::testing::SnmpSim sim({rec / "apc_ups-apc-galaxy.snmprec", rec / "apc_smart-ups_5000_rm_ap9630_ups-mib.snmprec",
                                       rec / "cyberpower.snmprec"});
    const std::string port = std::to_string(sim.port());
    const struct {
        const char *community, *mapping;
    } cases[] = {
        {"apc_ups-apc-galaxy", "apcc"},
        // An APC card that answers only the standard UPS-MIB: its sysObjectID is APC's, but the APC
        // table's probe does not answer, so the plugin's rule takes ietf (as NUT's snmp-ups does).
        {"apc_smart-ups_5000_rm_ap9630_ups-mib", "ietf"},
        {"cyberpower", "cyberpower"},
    };
    for (const auto &c : cases) {
        // 127.0.0.1 has the agent; .2 to .4 have nothing (each costs at most the timeout).
        const auto r = run_command({NUTPP_BIN, "scan", "-q", "-S", "-s", "127.0.0.1", "-e", "127.0.0.4", "--snmp_port",
                                    port, "-c", c.community, "--snmp_version", "v2c", "-t", "1"});
        ASSERT_EQ(r.exit_code, 0) << r.err << r.out << sim.log();
        EXPECT_NE(r.out.find("1 agent(s), 1 UPS(es)"), std::string::npos) << r.out;
        const auto cfg = nutpp::config::load_string(r.out, "scan.yaml");
        ASSERT_EQ(cfg.devices.size(), 1u) << r.out;
        const auto &d = cfg.devices[0];
        EXPECT_EQ(d.driver, "snmp");
        EXPECT_EQ(d.port, "127.0.0.1:" + port);
        EXPECT_EQ(device_key(d, "mibs"), c.mapping) << r.out;
        EXPECT_EQ(device_key(d, "community"), c.community);
        EXPECT_EQ(device_key(d, "snmp_version"), "v2c");
        EXPECT_NO_THROW(nutpp::config::check_driver_keys(d, "snmp", nutpp::validate::probe_plugin("snmp", "").keys));
    }
    // A wrong community: the agent stays silent, nothing is found.
    const auto r = run_command({NUTPP_BIN, "scan", "-q", "-S", "-s", "127.0.0.1", "--snmp_port", port, "-c", "nosuch",
                                "-t", "1"});
    EXPECT_EQ(r.exit_code, 1) << r.out;
}
