// The snmp plugin through the SDK's test host against snmpsimd serving a recorded CyberPower
// agent (tests/testdata/snmp), and `upsdrvd --check` against the same agent.
#include "th_support.hpp"

#include "agents.hpp"

using namespace th_test;
using nutpp::snmp::testing::SnmpSim;

namespace {
const std::string kRecording = std::string(NUTPP_TESTDATA_DIR) + "/snmp/snmprec/cyberpower.snmprec";

std::vector<std::pair<std::string, std::string>> config(const SnmpSim &sim) {
    return {{"port", sim.endpoint()}, {"community", "cyberpower"}, {"snmp_timeout", "1"}, {"snmp_retries", "1"}};
}

#define REQUIRE_SNMPSIM()                                                                         \
    const std::string missing = nutpp::snmp::testing::missing_tools({"/usr/bin/snmpsimd"});       \
    if (!missing.empty()) GTEST_SKIP() << "snmpsimd is needed (Debian snmpsim): " << missing
} // namespace

TEST(TestHostSnmp, CyberPowerAgent) {
    REQUIRE_SNMPSIM();
    SnmpSim sim({kRecording});
    Th th = load("snmp", config(sim));
    TH_START(th.get());
    nutpp_th *t = th.get();
    EXPECT_NE(nutpp_th_status(t), nullptr) << report(t);
    EXPECT_NE(nutpp_th_get(t, "battery.charge"), nullptr) << report(t);
    EXPECT_NE(nutpp_th_get(t, "driver.parameter.mibs"), nullptr) << report(t);
    EXPECT_TRUE(nutpp_th_data_ok(t));
    EXPECT_EQ(nutpp_th_poll(t, NUTPP_WAKE_TIMER), NUTPP_OK) << report(t);
    nutpp_th_destroy(t);
    EXPECT_EQ(nutpp_th_breach_count(t), 0u) << report(t);
}

TEST(TestHostSnmp, UpsdrvdCheckPasses) {
    REQUIRE_SNMPSIM();
    SnmpSim sim({kRecording});
    const auto r = check("snmp", config(sim));
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}
