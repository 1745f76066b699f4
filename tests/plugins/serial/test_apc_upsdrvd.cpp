// End to end: upsdrvd + nutpp-serial.so speaking APC Smart over a real pty to a simulated
// Smart-UPS SC450 RM; compared with NUT apcsmart's dump of the real unit.
#include "apc_ups.hpp"
#include "e2e_support.hpp"

#include <gtest/gtest.h>

#include <thread>

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
    ApcUps ups(dir / "ttyS0");
    UpsdrvdProcess p;
    p.write_config(apc_device(ups.port()));
    p.start();
    ASSERT_TRUE(wait_data_ok(p, "sc450", true)) << p.log();
    const auto st = p.dump("serial", "sc450");
    int compared = 0;
    for (const auto &[var, value] : ddl_vars(kDump)) {
        if (var.rfind("driver.", 0) == 0 || var.rfind("device.", 0) == 0) continue;
        // NUT 2.6.1 (the dump) showed 'V' as ups.firmware.old; apcsmart 2.6.5+ (and 2.8.0, which the
        // fidelity harness compares with) only uses 'V' when 'b' gives no firmware, and so do we.
        if (var == "ups.firmware.old") continue;
        const auto it = st.vars.find(var);
        ASSERT_NE(it, st.vars.end()) << var << " missing";
        EXPECT_EQ(it->second, value) << var;
        ++compared;
    }
    EXPECT_EQ(compared, 31); // every variable of the dump but driver.*, device.* and ups.firmware.old
    EXPECT_EQ(st.vars.count("ups.firmware.old"), 0u);
    EXPECT_EQ(st.vars.count("ups.temperature"), 0u); // 'C' not in this unit's 'a' command set
    EXPECT_TRUE(p.wait_log("detected APC Smart protocol")) << p.log();
}

TEST(SerialApcSmart, CommandsAndWritableSettingsMatchTheDump) {
    TempDir dir;
    ApcUps ups(dir / "ttyS0");
    UpsdrvdProcess p;
    p.write_config(apc_device(ups.port(), "    protocol: apcsmart\n"));
    p.start();
    ASSERT_TRUE(wait_data_ok(p, "sc450", true)) << p.log();
    const auto st = p.dump("serial", "sc450");
    std::set<std::string> ours(st.commands.begin(), st.commands.end());
    auto expected = dump_commands();
    // NUT's main.c declares shutdown.default for every driver since 2.8.1; this dump is from 2.6.1.
    EXPECT_EQ(ours.erase("shutdown.default"), 1u);
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
    ApcUps ups(dir / "ttyS0");
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
    ApcUps ups(dir / "ttyS0", 150ms);
    UpsdrvdProcess p;
    // The UPS's own rules here; NUT's send-twice rule for load-cutting commands has its own test.
    p.write_config(apc_device(ups.port(), "    confirm_window: \"off\"\n"));
    p.start();
    ASSERT_TRUE(wait_data_ok(p, "sc450", true)) << p.log();
    EXPECT_NE(tracked(p, "sc450", "INSTCMD shutdown.return"), "0");   // 'S' on line: the UPS says NA
    EXPECT_EQ(tracked(p, "sc450", "INSTCMD test.battery.start"), "0");
    EXPECT_EQ(tracked(p, "sc450", "INSTCMD test.panel.start"), "0");
    EXPECT_EQ(tracked(p, "sc450", "INSTCMD test.failure.start"), "0"); // confirmed by the '!' alert
    EXPECT_EQ(tracked(p, "sc450", "INSTCMD shutdown.return.grace"), "0"); // '@' + awd (000)
    EXPECT_EQ(tracked(p, "sc450", "INSTCMD shutdown.return at:5"), "0");  // NUT's "at:N": '@005'
    EXPECT_NE(tracked(p, "sc450", "INSTCMD shutdown.return at:1234"), "0"); // never sent
    EXPECT_NE(tracked(p, "sc450", "INSTCMD shutdown.stayoff now"), "0");  // takes no argument
    EXPECT_EQ(tracked(p, "sc450", "INSTCMD shutdown.stayoff"), "0"); // K, pause, K, OK
    EXPECT_EQ(tracked(p, "sc450", "INSTCMD load.off"), "0");         // Z, pause, Z
    EXPECT_NE(tracked(p, "sc450", "INSTCMD shutdown.stop"), "0");    // DEL not in this unit's set
    EXPECT_EQ(ups.commands(), (std::vector<std::string>{"W", "A", "U", "@000", "@005", "K", "Z"}));
    ups.set_power(ApcUps::Power::OnBattery);
    EXPECT_EQ(wait_var(p, "sc450", "ups.status", "OB"), "OB");
    EXPECT_EQ(tracked(p, "sc450", "INSTCMD shutdown.return"), "0"); // on battery 'S' is taken
    EXPECT_EQ(ups.commands().back(), "S");
}

// NUT apcsmart's rule, through upsdrvd: shutdown.stayoff acts on the second request only.
TEST(SerialApcSmart, LoadCuttingCommandIsConfirmedByASecondRequest) {
    TempDir dir;
    ApcUps ups(dir / "ttyS0", 150ms);
    UpsdrvdProcess p;
    p.write_config(apc_device(ups.port(), "    confirm_window: 1-15\n"));
    p.start();
    ASSERT_TRUE(wait_data_ok(p, "sc450", true)) << p.log();
    EXPECT_EQ(tracked(p, "sc450", "INSTCMD shutdown.stayoff"), "0"); // handled, like NUT: nothing sent
    EXPECT_TRUE(ups.commands().empty());
    EXPECT_TRUE(p.wait_log("send it again in 1 to 15 s to confirm", 5s)) << p.log();
    std::this_thread::sleep_for(1200ms);
    EXPECT_EQ(tracked(p, "sc450", "INSTCMD shutdown.stayoff"), "0");
    EXPECT_EQ(ups.commands(), (std::vector<std::string>{"K"}));
}

// The state registers, on a unit that lists them in 'a': bypass and the output cut reach
// ups.status, the failures ups.alarm (as text, with NUT's ALARM token).
TEST(SerialApcSmart, StateRegistersShowBypassOffAndFailures) {
    TempDir dir;
    ApcUps ups(dir / "ttyS0");
    ups.set_registers(0x00, 0x00, 0x00); // before the driver reads 'a'
    UpsdrvdProcess p;
    p.write_config(apc_device(ups.port()));
    p.start();
    ASSERT_TRUE(wait_data_ok(p, "sc450", true)) << p.log();
    EXPECT_EQ(wait_var(p, "sc450", "ups.status", "OL"), "OL") << p.log(); // all clear: nothing added
    ups.set_registers(0x08, 0x21, 0x20); // bypass on command; fan + battery disconnected; charger
    EXPECT_EQ(wait_var(p, "sc450", "ups.alarm", "Electronics fan failed, Battery disconnected, Battery charger failed"),
              "Electronics fan failed, Battery disconnected, Battery charger failed")
        << p.log();
    const auto st = p.dump("serial", "sc450");
    const std::string status = st.vars.at("ups.status");
    for (const char *t : {"OL", "BYPASS", "ALARM"}) EXPECT_NE(status.find(t), std::string::npos) << t << " in " << status;
    EXPECT_EQ(status.find("BYPASS", status.find("BYPASS") + 1), std::string::npos) << status; // once
    ups.set_registers(0x00, 0x00, 0x01); // output off after a low-battery shutdown
    EXPECT_EQ(wait_var(p, "sc450", "ups.alarm", "Output off after a low-battery shutdown"),
              "Output off after a low-battery shutdown");
    EXPECT_NE(p.dump("serial", "sc450").vars.at("ups.status").find("OFF"), std::string::npos);
}

TEST(SerialApcSmart, SettingsAreWrittenToTheEeprom) {
    TempDir dir;
    ApcUps ups(dir / "ttyS0");
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
    ApcUps ups(dir / "ttyS0");
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
    ApcUps ups(dir / "ttyUSB0");
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

TEST(SerialApcSmart, ShutdownDefaultUsesTheSdtypeMethod) {
    TempDir dir;
    ApcUps a(dir / "ttyS0"), b(dir / "ttyS1"), c(dir / "ttyS2"), d(dir / "ttyS3");
    UpsdrvdProcess p;
    // The methods themselves here: the second-request rule (which shutdown.default obeys too) is off.
    const std::string base = "    apc_repeat_pause: 0.2\n    confirm_window: \"off\"\n";
    p.write_config(serial_device("a", a.port(), base + "    awd: \"2\"\n") + // sdtype 0
                   serial_device("b", b.port(), base + "    sdtype: \"3\"\n") +
                   serial_device("c", c.port(), base + "    sdtype: \"4\"\n    cshdelay: \".5\"\n") +
                   serial_device("d", d.port(), base + "    sdtype: \"1\"\n    cable: 940-0095B\n"));
    p.start();
    for (const char *dev : {"a", "b", "c", "d"}) ASSERT_TRUE(wait_data_ok(p, dev, true)) << dev << p.log();
    // 0: on line hard hibernate with awd 2 -> "@002"; on battery soft hibernate 'S'.
    EXPECT_EQ(tracked(p, "a", "INSTCMD shutdown.default"), "0");
    a.set_power(ApcUps::Power::OnBattery);
    EXPECT_EQ(tracked(p, "a", "INSTCMD shutdown.default"), "0"); // the status is read afresh first
    EXPECT_EQ(a.commands(), (std::vector<std::string>{"@002", "S"}));
    // 3: delayed power off, K twice.
    EXPECT_EQ(tracked(p, "b", "INSTCMD shutdown.default"), "0");
    EXPECT_EQ(b.commands(), (std::vector<std::string>{"K"}));
    // 4: the CS hack on line: U, cshdelay, S.
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_EQ(tracked(p, "c", "INSTCMD shutdown.default"), "0");
    EXPECT_GE(std::chrono::steady_clock::now() - t0, 500ms);
    EXPECT_EQ(c.commands(), (std::vector<std::string>{"U", "S"}));
    // 1: on line straight to '@' (S would be ignored); on battery 'S'.
    EXPECT_EQ(tracked(p, "d", "INSTCMD shutdown.default"), "0");
    d.set_power(ApcUps::Power::OnBattery);
    EXPECT_EQ(tracked(p, "d", "INSTCMD shutdown.default"), "0");
    EXPECT_EQ(d.commands(), (std::vector<std::string>{"@000", "S"}));
}

TEST(SerialApcSmart, BadShutdownAndCableKeysAreConfigErrors) {
    TempDir dir;
    UpsdrvdProcess p;
    p.write_config(serial_device("a", (dir / "none0").string(), "    awd: \"1234\"\n") +
                   serial_device("b", (dir / "none1").string(), "    cable: 940-1234Z\n") +
                   serial_device("c", (dir / "none2").string(), "    cshdelay: \"12.5\"\n") +
                   serial_device("d", (dir / "none3").string(), "    advorder: \"19\"\n"));
    p.start();
    EXPECT_TRUE(p.wait_log("invalid value (1234) for option 'awd'")) << p.log();
    EXPECT_TRUE(p.wait_log("cable '940-1234Z' unknown; expected one of 940-0024C, 940-0095B")) << p.log();
    EXPECT_TRUE(p.wait_log("invalid value (12.5) for option 'cshdelay'")) << p.log();
    EXPECT_TRUE(p.wait_log("invalid value (19) for option 'advorder'")) << p.log();
}
