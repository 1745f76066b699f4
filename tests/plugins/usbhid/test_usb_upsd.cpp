// The whole stack on the emulated CyberPower 0764:0501: real libusb (umockdev) -> nutpp-usbhid.so in
// the real upsdrvd -> the real upsd on loopback -> upsc (ours, and NUT's /usr/bin/upsc when installed).
// The expected values come from the test data (the reports' NUT-decoded values and the reference
// CP1000AVRLCD dump), not from the plugin.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include "cyberpower_fixture.hpp"
#include "process.hpp"
#include "upsd_fixture.hpp"
#include "upsdrvd_fixture.hpp"

using namespace std::chrono_literals;
using namespace nutpp::testing;
using namespace usbhid_test;

namespace {

std::map<std::string, std::string> parse_upsc(const std::string &out) {
    std::map<std::string, std::string> vars;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);)
        if (auto colon = line.find(": "); colon != std::string::npos) vars[line.substr(0, colon)] = line.substr(colon + 2);
    return vars;
}

std::map<std::string, std::string> reference_dump() {
    std::ifstream f(std::string(NUTPP_TESTDATA_DIR) + "/reference/cp1000avrlcd.dev");
    std::map<std::string, std::string> vars;
    for (std::string line; std::getline(f, line);)
        if (!line.empty() && line[0] != '#')
            if (auto colon = line.find(": "); colon != std::string::npos) vars[line.substr(0, colon)] = line.substr(colon + 2);
    return vars;
}

// NUT's usbhid-ups names for the CyberPower paths (cps-hid.c), as the test's own knowledge: which
// report path each reference variable comes from. The value to expect is that path's nut_value.
const std::pair<const char *, const char *> kNutPaths[] = {
    {"battery.charge", "UPS.PowerSummary.RemainingCapacity"},
    {"battery.charge.low", "UPS.PowerSummary.RemainingCapacityLimit"},
    {"battery.charge.warning", "UPS.PowerSummary.WarningCapacityLimit"},
    {"battery.runtime", "UPS.PowerSummary.RunTimeToEmpty"},
    {"battery.runtime.low", "UPS.PowerSummary.RemainingTimeLimit"},
    {"battery.voltage", "UPS.PowerSummary.Voltage"},
    {"battery.voltage.nominal", "UPS.PowerSummary.ConfigVoltage"},
    {"input.voltage", "UPS.Input.Voltage"},
    {"input.voltage.nominal", "UPS.Input.ConfigVoltage"},
    {"input.transfer.low", "UPS.Input.LowVoltageTransfer"},
    {"input.transfer.high", "UPS.Input.HighVoltageTransfer"},
    {"output.voltage", "UPS.Output.Voltage"},
    {"ups.load", "UPS.Output.PercentLoad"},
    {"ups.realpower.nominal", "UPS.Output.ConfigActivePower"},
    {"ups.timer.shutdown", "UPS.Output.DelayBeforeShutdown"},
    {"ups.timer.start", "UPS.Output.DelayBeforeStartup"},
};

// The device's string descriptors that the report descriptor points at (iProduct, iOEMInformation…).
const std::pair<const char *, const char *> kNutStringPaths[] = {
    {"ups.model", "UPS.PowerSummary.iProduct"},
    {"ups.mfr", "UPS.PowerSummary.iManufacturer"},
    {"battery.type", "UPS.PowerSummary.iDeviceChemistry"},
    {"battery.mfr.date", "UPS.PowerSummary.iOEMInformation"},
    {"ups.firmware", "UPS.PowerSummary.ff0100d0"},
};

std::map<std::string, double> report_values() {
    std::map<std::string, double> v;
    for (const auto &row : load_reports("cps_cp1500pfclcd_0764-0501"))
        if (row.type == nutpp::usbhid::ReportType::Feature) v.emplace(row.path, row.nut_value);
    return v;
}

// upsdrvd (usbhid on the fake) plus our upsd on a free loopback port, both on one state_dir.
struct Stack {
    explicit Stack(int pollinterval_s) {
        drivers.write_config(cyberpower_device_yaml(pollinterval_s));
        drivers.start();
        const std::string dir = drivers.dir().string() + "/upsd";
        std::filesystem::create_directories(dir);
        upsd = std::make_unique<YamlUpsd>(dir, "state_dir: " + drivers.state_dir() + "\nplugin_dir: " +
                                                   NUTPP_PLUGIN_DIR_FOR_TESTS +
                                                   "\nserver:\n  listen: [\"127.0.0.1:{PORT}\"]\ndevices:\n" +
                                                   cyberpower_device_yaml(pollinterval_s));
    }
    std::string spec() const { return "cp@127.0.0.1:" + std::to_string(upsd->port()); }
    std::string status() const {
        RawConn c(upsd->port());
        return c.ask("GET VAR cp ups.status");
    }
    UpsdrvdProcess drivers;
    std::unique_ptr<YamlUpsd> upsd;
};

} // namespace

TEST(UsbHidThroughUpsd, UpscShowsTheReferenceVariablesTheReportsCarry) {
    REQUIRE_FAKE(fake, cyberpower_config());
    Stack s(30);
    ASSERT_TRUE(s.upsd->wait_value("cp", "ups.status", 20s)) << s.drivers.log() << s.upsd->log();

    const auto ref = reference_dump();
    const auto reports = report_values();
    const auto strings = cyberpower_config().strings;
    std::vector<std::string> clients = {UPSC_BIN};
    if (std::filesystem::exists("/usr/bin/upsc")) clients.push_back("/usr/bin/upsc"); // NUT 2.8.0's own
    for (const auto &client : clients) {
        SCOPED_TRACE(client);
        const auto r = run_command({client, s.spec()});
        ASSERT_EQ(r.exit_code, 0) << r.err << s.upsd->log();
        const auto vars = parse_upsc(r.out);
        for (const auto &[name, path] : kNutPaths) {
            ASSERT_TRUE(ref.count(name)) << name << " is not a variable of the reference dump";
            ASSERT_TRUE(reports.count(path)) << path;
            ASSERT_TRUE(vars.count(name)) << name << " missing from upsc:\n" << r.out;
            EXPECT_NEAR(std::stod(vars.at(name)), reports.at(path), 0.05) << name << " (" << path << ")";
            // NUT's formatting: same number of decimals as the reference dump.
            const auto dot = [](const std::string &t) { return t.find('.') == std::string::npos ? 0 : t.size() - t.find('.'); };
            EXPECT_EQ(dot(vars.at(name)), dot(ref.at(name))) << name << ": " << vars.at(name) << " vs " << ref.at(name);
        }
        for (const auto &[name, path] : kNutStringPaths) {
            ASSERT_TRUE(ref.count(name)) << name;
            const int index = int(reports.at(path));
            ASSERT_TRUE(vars.count(name)) << name << " missing from upsc:\n" << r.out;
            EXPECT_EQ(vars.at(name), strings.at(uint8_t(index))) << name;
            EXPECT_EQ(vars.at(name), ref.at(name)) << name << " differs from the reference dump";
        }
        // Values of the device, not of the reports: USB IDs and serial string as the reference has them.
        for (const char *name : {"ups.vendorid", "ups.productid", "ups.serial", "ups.status", "ups.beeper.status",
                                 "ups.test.result"})
            EXPECT_EQ(vars.count(name) ? vars.at(name) : "<missing>", ref.at(name)) << name;
    }
}

TEST(UsbHidThroughUpsd, InputReportShowsOnBatteryThroughUpsdBeforeTheNextPoll) {
    REQUIRE_FAKE(fake, cyberpower_config());
    // pollinterval 3600 s: only the interrupt pipe can make the change visible this fast (the second
    // poll comes at a random point of the first interval; with 60 s it could land in the window).
    Stack s(3600);
    ASSERT_TRUE(s.upsd->wait_value("cp", "ups.status", 20s)) << s.drivers.log() << s.upsd->log();
    ASSERT_EQ(s.status(), "VAR cp ups.status \"OL\"");
    // Let the first poll's feature reads settle so the change below cannot ride on one.
    std::this_thread::sleep_for(300ms);

    const auto sent = std::chrono::steady_clock::now();
    fake->send_input_report({0x0b, 0x04}); // report 0x0b: ACPresent cleared, Discharging set
    std::string seen;
    // Bounded at 10 s, a sixth of the poll interval: only the interrupt pipe can be that fast.
    while (std::chrono::steady_clock::now() - sent < 10s) {
        seen = s.status();
        if (seen == "VAR cp ups.status \"OB DISCHRG\"") break;
        std::this_thread::sleep_for(5ms);
    }
    const auto took = std::chrono::steady_clock::now() - sent;
    ASSERT_EQ(seen, "VAR cp ups.status \"OB DISCHRG\"") << s.drivers.log() << s.upsd->log();
    std::printf("upsd shows OB DISCHRG %lld ms after the input report\n",
                (long long)std::chrono::duration_cast<std::chrono::milliseconds>(took).count());

    const auto r = run_command({UPSC_BIN, s.spec(), "ups.status"});
    EXPECT_EQ(r.out, "OB DISCHRG\n") << r.err;
    if (std::filesystem::exists("/usr/bin/upsc")) {
        const auto nut = run_command({"/usr/bin/upsc", s.spec(), "ups.status"});
        EXPECT_EQ(nut.out, "OB DISCHRG\n") << nut.err;
    }
    // And back on line the same way.
    fake->send_input_report({0x0b, 0x03}); // ACPresent, Charging
    const auto back = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - back < 10s && (seen = s.status()) != "VAR cp ups.status \"OL CHRG\"")
        std::this_thread::sleep_for(5ms);
    EXPECT_EQ(seen, "VAR cp ups.status \"OL CHRG\"");
}
