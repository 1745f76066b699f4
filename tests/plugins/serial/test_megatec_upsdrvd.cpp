// End to end: upsdrvd loads nutpp-serial.so, which talks Megatec Q1 over a real pty to the simulated
// UPS; variables are read back over the driver socket and compared with NUT's own dumps.
#include "e2e_support.hpp"
#include "megatec_ups.hpp"

#include <gtest/gtest.h>

using namespace nutpp::serial::testing;
using namespace std::chrono_literals;

namespace {

// Every variable NUT's driver published, except what belongs to the host (driver.*, device.*) and
// blazer's battery.voltage.high/low "guesstimation" (computed from no data; we publish nothing).
void expect_same_as_dump(const nutpp::driver_socket::DriverState &st, const std::string &dump) {
    int compared = 0;
    for (const auto &[var, value] : ddl_vars(dump)) {
        if (var.rfind("driver.", 0) == 0 || var.rfind("device.", 0) == 0) continue;
        if (var == "battery.voltage.high" || var == "battery.voltage.low") continue;
        const auto it = st.vars.find(var);
        ASSERT_NE(it, st.vars.end()) << var << " missing";
        EXPECT_EQ(it->second, value) << var;
        ++compared;
    }
    EXPECT_GE(compared, 12);
}

} // namespace

TEST(SerialMegatec, SantakCastleMatchesBlazerSerDump) {
    TempDir dir;
    MegatecUps ups(dir / "ttyS0", santak_castle_c1k());
    UpsdrvdProcess p;
    p.write_config(serial_device("castle", ups.port()));
    p.start();
    ASSERT_TRUE(wait_data_ok(p, "castle", true)) << p.log();
    const auto st = p.dump("serial", "castle");
    expect_same_as_dump(st, "Santak__Castle_C1K__blazer_ser__2.7.4__01.dev");
    EXPECT_EQ(st.vars.count("device.mfr"), 0u); // 'I' echoed: vendor information unavailable
    EXPECT_TRUE(p.wait_log("detected Megatec/Q1 protocol")) << p.log();
}

TEST(SerialMegatec, NjoyKeenMatchesBlazerSerDump) {
    TempDir dir;
    MegatecUps ups(dir / "ttyUSB0", njoy_keen_600());
    UpsdrvdProcess p;
    p.write_config(serial_device("keen", ups.port(), "    protocol: megatec\n"));
    p.start();
    ASSERT_TRUE(wait_data_ok(p, "keen", true)) << p.log();
    expect_same_as_dump(p.dump("serial", "keen"), "nJoy__Keen-600__blazer_ser__2.7.4__01.dev");
}

TEST(SerialMegatec, VoltronicIsDetectedAndIdentified) {
    TempDir dir;
    MegatecUps ups(dir / "tty", voltronic_unit());
    UpsdrvdProcess p;
    p.write_config(serial_device("v", ups.port()));
    p.start();
    ASSERT_TRUE(wait_data_ok(p, "v", true)) << p.log();
    const auto st = p.dump("serial", "v");
    EXPECT_EQ(st.vars.at("ups.firmware.aux"), "PI30");
    EXPECT_EQ(st.vars.at("device.mfr"), "VOLTRONIC");
    EXPECT_EQ(st.vars.at("device.model"), "UPS-1000");
    EXPECT_EQ(st.vars.at("ups.firmware"), "V1.2");
    EXPECT_EQ(st.vars.at("input.voltage.nominal"), "230");
    EXPECT_EQ(st.vars.at("battery.voltage.nominal"), "24.0");
    EXPECT_EQ(st.vars.at("ups.type"), "offline / line interactive");
}

// `norating: True` passes the host's boolean check (any NUT spelling, any case); the plugin must
// read it as true too: the host hands boolean keys over as "true"/"false". The plugin used to
// compare case-sensitively, read "True" as false and asked for the rating ('F') anyway.
TEST(SerialMegatec, NoratingTrueInAnyCaseSkipsTheRating) {
    TempDir dir;
    MegatecUps ups(dir / "tty", voltronic_unit());
    UpsdrvdProcess p;
    p.write_config(serial_device("v", ups.port(), "    norating: True\n    novendor: \"OFF\"\n"));
    p.start();
    ASSERT_TRUE(wait_data_ok(p, "v", true)) << p.log();
    const auto st = p.dump("serial", "v");
    EXPECT_EQ(st.vars.count("input.voltage.nominal"), 0u);
    EXPECT_EQ(st.vars.count("battery.voltage.nominal"), 0u);
    EXPECT_EQ(st.vars.at("device.mfr"), "VOLTRONIC"); // novendor: OFF is false
    EXPECT_EQ(st.vars.at("driver.flag.norating"), "enabled");
    EXPECT_EQ(st.vars.count("driver.flag.novendor"), 0u);
}

TEST(SerialMegatec, PowerFailureGoesOnBatteryThenLowBatteryThenBack) {
    TempDir dir;
    MegatecUps ups(dir / "tty", njoy_keen_600());
    UpsdrvdProcess p;
    p.write_config(serial_device("u", ups.port()));
    p.start();
    EXPECT_EQ(wait_var(p, "u", "ups.status", "OL"), "OL") << p.log();
    ups.set_power(MegatecUps::Power::OnBattery);
    EXPECT_EQ(wait_var(p, "u", "ups.status", "OB"), "OB");
    EXPECT_EQ(wait_var(p, "u", "input.voltage", "0.0"), "0.0");
    ups.set_power(MegatecUps::Power::LowBattery);
    EXPECT_EQ(wait_var(p, "u", "ups.status", "OB LB"), "OB LB");
    ups.set_power(MegatecUps::Power::Online);
    EXPECT_EQ(wait_var(p, "u", "ups.status", "OL"), "OL");
}

TEST(SerialMegatec, InstantCommandsGoOnTheWire) {
    TempDir dir;
    auto model = njoy_keen_600(); // beeper on
    model.refused = {"TL"};
    MegatecUps ups(dir / "tty", model);
    UpsdrvdProcess p;
    p.write_config(serial_device("u", ups.port(), "    offdelay: 30\n    ondelay: 3\n"));
    p.start();
    ASSERT_TRUE(wait_data_ok(p, "u", true)) << p.log();
    const auto st = p.dump("serial", "u");
    for (const char *cmd : {"test.battery.start.quick", "test.battery.stop", "beeper.toggle", "shutdown.return",
                            "shutdown.stayoff", "shutdown.stop", "load.off", "load.on"})
        EXPECT_NE(std::find(st.commands.begin(), st.commands.end(), cmd), st.commands.end()) << cmd;

    EXPECT_EQ(tracked(p, "u", "INSTCMD test.battery.start.quick"), "0");
    EXPECT_EQ(tracked(p, "u", "INSTCMD shutdown.return"), "0");
    EXPECT_EQ(tracked(p, "u", "INSTCMD shutdown.stayoff"), "0");
    EXPECT_EQ(tracked(p, "u", "INSTCMD test.battery.start 5"), "0");
    EXPECT_EQ(tracked(p, "u", "INSTCMD beeper.disable"), "0"); // on -> sends Q
    EXPECT_EQ(tracked(p, "u", "INSTCMD beeper.disable"), "0"); // already off -> sends nothing
    EXPECT_NE(tracked(p, "u", "INSTCMD test.battery.start.deep"), "0"); // "UPS No Ack"
    EXPECT_NE(tracked(p, "u", "INSTCMD test.battery.start 100"), "0");  // out of range: never sent
    EXPECT_EQ(ups.commands(), (std::vector<std::string>{"T", "S.5R0003", "S.5R0000", "T05", "Q", "TL"}));
    EXPECT_FALSE(ups.beeper_on());
    EXPECT_EQ(wait_var(p, "u", "ups.beeper.status", "disabled"), "disabled");
}

TEST(SerialMegatec, DelayVariablesAreWritableAndUsedByShutdown) {
    TempDir dir;
    MegatecUps ups(dir / "tty", santak_castle_c1k());
    UpsdrvdProcess p;
    p.write_config(serial_device("u", ups.port()));
    p.start();
    ASSERT_TRUE(wait_data_ok(p, "u", true)) << p.log();
    EXPECT_EQ(tracked(p, "u", "SET ups.delay.shutdown \"120\""), "0");
    EXPECT_EQ(tracked(p, "u", "SET ups.delay.start \"600\""), "0");
    EXPECT_EQ(wait_var(p, "u", "ups.delay.shutdown", "120"), "120");
    EXPECT_EQ(wait_var(p, "u", "ups.delay.start", "600"), "600");
    EXPECT_NE(tracked(p, "u", "SET ups.delay.shutdown \"5\""), "0"); // below what the wire can say
    EXPECT_EQ(tracked(p, "u", "INSTCMD shutdown.return"), "0");
    EXPECT_EQ(ups.commands(), (std::vector<std::string>{"S02R0010"}));
}

TEST(SerialMegatec, GarbageSilenceAndTruncationGoStaleThenRecover) {
    TempDir dir;
    MegatecUps ups(dir / "tty", santak_castle_c1k());
    UpsdrvdProcess p;
    p.write_config(serial_device("u", ups.port()));
    p.start();
    ASSERT_TRUE(wait_data_ok(p, "u", true)) << p.log();
    for (auto m : {Misbehaviour::Garbage, Misbehaviour::Silent, Misbehaviour::Truncated}) {
        ups.misbehave(m);
        EXPECT_TRUE(wait_data_ok(p, "u", false)) << int(m) << p.log();
        ups.misbehave(Misbehaviour::None);
        EXPECT_TRUE(wait_data_ok(p, "u", true)) << int(m) << p.log();
    }
    const std::string log = p.log();
    EXPECT_NE(log.find("does not start with '('"), std::string::npos) << log; // garbage
    EXPECT_NE(log.find("no reply to Q1"), std::string::npos) << log;          // silence
    EXPECT_NE(log.find("43 bytes, expected 46"), std::string::npos) << log;   // truncation
    EXPECT_TRUE(p.running());
}

TEST(SerialMegatec, UnpluggedDeviceGoesStaleAndIsReopenedWhenBack) {
    TempDir dir;
    MegatecUps ups(dir / "ttyUSB0", njoy_keen_600());
    UpsdrvdProcess p;
    p.write_config(serial_device("u", ups.port()));
    p.start();
    ASSERT_TRUE(wait_data_ok(p, "u", true)) << p.log();
    ups.disconnect();
    EXPECT_TRUE(wait_data_ok(p, "u", false)) << p.log();
    std::this_thread::sleep_for(500ms); // a few failed re-opens while it is gone
    ups.reconnect();
    EXPECT_TRUE(wait_data_ok(p, "u", true, 20s)) << p.log();
    EXPECT_EQ(wait_var(p, "u", "ups.status", "OL"), "OL");
    EXPECT_NE(p.log().find("device vanished"), std::string::npos) << p.log();
}

TEST(SerialAutodetect, NothingAnsweringFailsTheOpenWithAReasonAndKeepsRetrying) {
    TempDir dir;
    MegatecUps ups(dir / "tty", santak_castle_c1k());
    ups.misbehave(Misbehaviour::Silent);
    UpsdrvdProcess p;
    p.write_config(serial_device("mute", ups.port()));
    p.start();
    EXPECT_TRUE(p.wait_log("no Megatec or APC Smart UPS answers on " + ups.port())) << p.log();
    EXPECT_FALSE(p.dump("serial", "mute").data_ok);
    ups.misbehave(Misbehaviour::None); // it wakes up: the host's re-open loop finds it
    EXPECT_TRUE(wait_data_ok(p, "mute", true, 20s)) << p.log();
    EXPECT_TRUE(p.running());
}

TEST(SerialMegatec, BatteryChargeFromDefaultVoltageLimitsAndBadRuntimecalRefused) {
    TempDir dir;
    MegatecUps ups(dir / "tty", njoy_keen_600()); // 13.7 V, no 'F' rating
    UpsdrvdProcess p;
    // NUT's way of giving the limits: default.battery.voltage.low/high. 100 * (13.7 - 11) / 3 = 90.
    p.write_config(serial_device("u", ups.port(), "    default.battery.voltage.low: 11.0\n"
                                                  "    default.battery.voltage.high: 14.0\n") +
                   serial_device("bad", ups.port() + ".none", "    runtimecal: \"240,100\"\n"));
    p.start();
    EXPECT_EQ(wait_var(p, "u", "battery.charge", "90"), "90") << p.log();
    const auto st = p.dump("serial", "u");
    EXPECT_EQ(st.vars.at("battery.voltage.low"), "11.0");
    EXPECT_EQ(st.vars.count("battery.runtime"), 0u); // no runtimecal: no runtime, as NUT
    EXPECT_TRUE(p.wait_log("Insufficient parameters for runtimecal")) << p.log();
}

// A USB-serial hiccup in mid-discharge: the running estimate goes on after the port is re-opened
// instead of restarting from the voltage (which still says 90 % here: 13.7 V between 11 and 14 V).
TEST(SerialMegatec, BatteryEstimateSurvivesAReopen) {
    TempDir dir;
    MegatecUps ups(dir / "ttyUSB0", njoy_keen_600());
    UpsdrvdProcess p;
    // runtimecal 2 s at full load: at the idle-load floor (10 %) the charge drops 5 % a second.
    p.write_config(serial_device("u", ups.port(), "    default.battery.voltage.low: 11.0\n"
                                                  "    default.battery.voltage.high: 14.0\n"
                                                  "    runtimecal: \"2,100,6,50\"\n"));
    p.start();
    ASSERT_TRUE(wait_data_ok(p, "u", true)) << p.log();
    ASSERT_EQ(wait_var(p, "u", "battery.charge", "90"), "90") << p.log();
    ups.set_power(MegatecUps::Power::OnBattery);
    ASSERT_EQ(wait_var(p, "u", "battery.charge", "60", 15s), "60") << p.log();
    ups.disconnect();
    EXPECT_TRUE(wait_data_ok(p, "u", false)) << p.log();
    ups.reconnect();
    EXPECT_TRUE(wait_data_ok(p, "u", true, 20s)) << p.log();
    const auto st = p.dump("serial", "u");
    const int after = std::atoi(st.vars.at("battery.charge").c_str());
    EXPECT_LE(after, 60) << "restarted from the voltage instead of going on\n" << p.log();
}

// The serial plugin declares its ranges in its descriptor (ABI 1.2 NUTPP_KEY_RANGE): a value outside
// is refused by the host with the file's place, in every program, before the plugin runs.
TEST(SerialMegatec, OutOfRangeKeysAreConfigErrorsWithTheirPlace) {
    UpsdrvdProcess p;
    p.write_config(serial_device("u", "/dev/null", "    offdelay: 5\n"));
    std::string out;
    EXPECT_EQ(UpsdrvdProcess::run_sync("--check-config -f " + p.config_path(), out), 78) << out;
    EXPECT_NE(out.find("devices.u.offdelay"), std::string::npos) << out;
    EXPECT_NE(out.find("a whole number from 12 to 600"), std::string::npos) << out;
    EXPECT_NE(out.find(p.config_path() + ":"), std::string::npos) << out; // file:line:column
    p.write_config(serial_device("u", "/dev/null", "    offdelay: 12\n    ondelay: 9999\n"));
    EXPECT_EQ(UpsdrvdProcess::run_sync("--check-config -f " + p.config_path(), out), 0) << out;
}
