// End to end: upsdrvd + nutpp-serial.so speaking APC Smart over a real pty to a simulated
// Smart-UPS SC450 RM; compared with NUT apcsmart's dump of the real unit.
#include "apc_ups.hpp"
#include "e2e_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <set>

using namespace nutpp::serial::testing;
using namespace std::chrono_literals;

namespace {

const char *kDump = "APC__Smart-UPS_SC450_RM__apcsmart__2.6.1__01.dev";

// "#CMD:name" and "#RW:name:ENUM:"value"" lines of the dump.
std::set<std::string> dump_commands() {
    std::ifstream in(std::string(NUTPP_TESTDATA_DIR) + "/ddl/" + kDump);
    std::set<std::string> out;
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("#CMD:", 0) == 0) out.insert(line.substr(5));
    return out;
}
std::map<std::string, std::vector<std::string>> dump_enums() {
    std::ifstream in(std::string(NUTPP_TESTDATA_DIR) + "/ddl/" + kDump);
    std::map<std::string, std::vector<std::string>> out;
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("#RW:", 0) != 0) continue;
        const auto rest = line.substr(4);
        const auto colon = rest.find(':');
        const auto kind = rest.substr(colon + 1);
        if (kind.rfind("ENUM:", 0) == 0) out[rest.substr(0, colon)].push_back(kind.substr(6, kind.size() - 7));
        else out[rest.substr(0, colon)]; // STRING
    }
    return out;
}

std::string apc_device(const std::string &port, const std::string &extra = "") {
    return serial_device("sc450", port, "    apc_repeat_pause: 0.2\n" + extra);
}

} // namespace

TEST(SerialApcSmart, Sc450MatchesApcsmartDump) {
    TempDir dir;
    ApcUps ups(dir.path / "ttyS0");
    UpsdrvdProcess p;
    p.write_config(apc_device(ups.port()));
    p.start();
    ASSERT_TRUE(wait_data_ok(p, "sc450", true)) << p.log();
    const auto st = p.dump("serial", "sc450");
    int compared = 0;
    for (const auto &[var, value] : ddl_vars(kDump)) {
        if (var.rfind("driver.", 0) == 0 || var.rfind("device.", 0) == 0) continue;
        const auto it = st.vars.find(var);
        ASSERT_NE(it, st.vars.end()) << var << " missing";
        EXPECT_EQ(it->second, value) << var;
        ++compared;
    }
    EXPECT_EQ(compared, 32); // every variable of the dump but driver.* and device.*
    EXPECT_EQ(st.vars.count("ups.temperature"), 0u); // 'C' not in this unit's 'a' command set
    EXPECT_TRUE(p.wait_log("detected APC Smart protocol")) << p.log();
}

TEST(SerialApcSmart, CommandsAndWritableSettingsMatchTheDump) {
    TempDir dir;
    ApcUps ups(dir.path / "ttyS0");
    UpsdrvdProcess p;
    p.write_config(apc_device(ups.port(), "    protocol: apcsmart\n"));
    p.start();
    ASSERT_TRUE(wait_data_ok(p, "sc450", true)) << p.log();
    const auto st = p.dump("serial", "sc450");
    std::set<std::string> ours(st.commands.begin(), st.commands.end());
    auto expected = dump_commands();
    expected.erase("shutdown.return.grace"); // NUT's grace variant of S: not implemented here
    EXPECT_EQ(ours, expected);
    for (const auto &[var, values] : dump_enums()) {
        const auto flags = st.flags.find(var);
        ASSERT_NE(flags, st.flags.end()) << var;
        EXPECT_NE(std::find(flags->second.begin(), flags->second.end(), "RW"), flags->second.end()) << var;
        if (values.empty()) continue; // STRING
        const auto e = st.enums.find(var);
        ASSERT_NE(e, st.enums.end()) << var;
        EXPECT_EQ(e->second, values) << var;
    }
}

TEST(SerialApcSmart, AlertWakesTheDriverForOnBatteryAndLowBattery) {
    TempDir dir;
    ApcUps ups(dir.path / "ttyS0");
    UpsdrvdProcess p;
    // A long poll interval: only the '!' alert (watched fd) can bring the change in time.
    p.write_config("  sc450:\n    driver: serial\n    port: " + ups.port() +
                   "\n    pollinterval: 30\n    apc_repeat_pause: 0.2\n");
    p.start();
    EXPECT_EQ(wait_var(p, "sc450", "ups.status", "OL"), "OL") << p.log();
    ups.set_power(ApcUps::Power::OnBattery);
    EXPECT_EQ(wait_var(p, "sc450", "ups.status", "OB", 3s), "OB") << p.log();
    ups.set_power(ApcUps::Power::LowBattery);
    EXPECT_EQ(wait_var(p, "sc450", "ups.status", "OB LB", 3s), "OB LB");
    ups.set_power(ApcUps::Power::Online);
    EXPECT_EQ(wait_var(p, "sc450", "ups.status", "OL", 3s), "OL");
}

TEST(SerialApcSmart, InstantCommandsFollowConfirmationRules) {
    TempDir dir;
    ApcUps ups(dir.path / "ttyS0", 150ms);
    UpsdrvdProcess p;
    p.write_config(apc_device(ups.port()));
    p.start();
    ASSERT_TRUE(wait_data_ok(p, "sc450", true)) << p.log();
    EXPECT_EQ(tracked(p, "sc450", "INSTCMD test.battery.start"), "0");
    EXPECT_EQ(tracked(p, "sc450", "INSTCMD test.panel.start"), "0");
    EXPECT_EQ(tracked(p, "sc450", "INSTCMD test.failure.start"), "0"); // confirmed by the '!' alert
    EXPECT_EQ(tracked(p, "sc450", "INSTCMD shutdown.return"), "0");
    EXPECT_EQ(tracked(p, "sc450", "INSTCMD shutdown.stayoff"), "0"); // K, pause, K, OK
    EXPECT_EQ(tracked(p, "sc450", "INSTCMD load.off"), "0");         // Z, pause, Z
    EXPECT_NE(tracked(p, "sc450", "INSTCMD shutdown.stop"), "0");    // DEL not in this unit's set
    EXPECT_EQ(ups.commands(), (std::vector<std::string>{"W", "A", "U", "@000", "K", "Z"}));
}

TEST(SerialApcSmart, SettingsAreWrittenToTheEeprom) {
    TempDir dir;
    ApcUps ups(dir.path / "ttyS0");
    UpsdrvdProcess p;
    p.write_config(apc_device(ups.port()));
    p.start();
    ASSERT_TRUE(wait_data_ok(p, "sc450", true)) << p.log();
    EXPECT_EQ(tracked(p, "sc450", "SET input.transfer.high \"261\""), "0");
    EXPECT_EQ(ups.setting('u'), "261");
    EXPECT_EQ(wait_var(p, "sc450", "input.transfer.high", "261"), "261");
    EXPECT_EQ(tracked(p, "sc450", "SET battery.runtime.low \"300\""), "0"); // seconds -> '05' minutes
    EXPECT_EQ(ups.setting('q'), "05");
    EXPECT_EQ(wait_var(p, "sc450", "battery.runtime.low", "300"), "300");
    EXPECT_EQ(tracked(p, "sc450", "SET ups.id \"RACK-7\""), "0");
    EXPECT_EQ(ups.setting('c'), "RACK-7");
    EXPECT_EQ(wait_var(p, "sc450", "ups.id", "RACK-7"), "RACK-7");
    EXPECT_NE(tracked(p, "sc450", "SET input.transfer.high \"999\""), "0"); // not an offered value
    EXPECT_EQ(ups.setting('u'), "261");
}

TEST(SerialApcSmart, SilenceAndGarbageGoStaleThenRecover) {
    TempDir dir;
    ApcUps ups(dir.path / "ttyS0");
    UpsdrvdProcess p;
    p.write_config(apc_device(ups.port()));
    p.start();
    ASSERT_TRUE(wait_data_ok(p, "sc450", true)) << p.log();
    for (auto m : {Misbehaviour::Silent, Misbehaviour::Garbage, Misbehaviour::Truncated}) {
        ups.misbehave(m);
        EXPECT_TRUE(wait_data_ok(p, "sc450", false)) << int(m) << p.log();
        ups.misbehave(Misbehaviour::None);
        EXPECT_TRUE(wait_data_ok(p, "sc450", true, 20s)) << int(m) << p.log();
    }
    EXPECT_EQ(wait_var(p, "sc450", "ups.status", "OL"), "OL");
    EXPECT_TRUE(p.running());
}

TEST(SerialApcSmart, UnpluggedDeviceIsReopenedWhenBack) {
    TempDir dir;
    ApcUps ups(dir.path / "ttyUSB0");
    UpsdrvdProcess p;
    p.write_config(apc_device(ups.port()));
    p.start();
    ASSERT_TRUE(wait_data_ok(p, "sc450", true)) << p.log();
    ups.disconnect();
    EXPECT_TRUE(wait_data_ok(p, "sc450", false)) << p.log();
    ups.reconnect();
    EXPECT_TRUE(wait_data_ok(p, "sc450", true, 20s)) << p.log();
    EXPECT_EQ(wait_var(p, "sc450", "ups.model", "Smart-UPS SC450 RM"), "Smart-UPS SC450 RM");
}
