// Differential: NUT 2.8.0's own generic_modbus driver (Debian nut-modbus, run in a NutSandbox) and
// our plugin with map: generic read the same simulated remote I/O (our libmodbus TCP slave, which
// serves both connections), with the same <state>_addr/_regtype/_noro keys; every variable is
// compared (nut_diff.hpp) and each difference must be explained in kExplained.
#include "modbus_slave.hpp"
#include "nut_diff.hpp"
#include "nut_sandbox.hpp"
#include "upsdrvd_fixture.hpp"
#include "wait_until.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <filesystem>
#include <map>
#include <sstream>
#include <thread>

using namespace nutpp::modbus::testing;
using nutpp::testing::NutSandbox;
using nutpp::testing::UpsdrvdProcess;
using namespace std::chrono_literals;

namespace {

// Neither side is told the slave id: NUT 2.8.0's generic_modbus defaults to 5, and so do we.
constexpr int kSlave = 5;

// Contacts of a PULS-style DC UPS on a remote I/O box: OL a discrete input, LB a coil, HB an input
// register with inverted logic, RB a holding register, CHRG unmapped (so NUT derives it).
// OB_regtype (OB itself is unmapped) works around NUT 2.8.0 generic_modbus: for LB_regtype it reads
// getval("OB_regtype"), a NULL pointer into strtol() (a crash at start-up) when OB_regtype is unset;
// with OB_regtype = LB_regtype both drivers read LB as a coil.
const std::map<std::string, std::string> kKeys = {
    {"OL_addr", "10"}, {"OL_regtype", "1"}, {"LB_addr", "11"}, {"LB_regtype", "0"}, {"OB_regtype", "0"}, {"HB_addr", "12"},
    {"HB_regtype", "2"}, {"HB_noro", "1"}, {"RB_addr", "13"}, {"RB_regtype", "3"}, {"FSD_addr", "20"},
    {"device_mfr", "PULS"}, {"device_model", "UB40.241"}};

const std::vector<nutpp::modbus::testing::Explained> kExplained = {
    {"generic", "device.type", nutpp::modbus::testing::Kind::OnlyOurs, "upsdrvd publishes device.type for every device"},
    {"generic", "ups.mfr", nutpp::modbus::testing::Kind::OnlyOurs, "device_mfr also fills ups.mfr (NUT's driver: device.mfr only)"},
    {"generic", "ups.model", nutpp::modbus::testing::Kind::OnlyOurs, "device_model also fills ups.model (NUT's driver: device.model only)"},
    {"generic", "ups.status", nutpp::modbus::testing::Kind::Different,
     "NUT 2.8.0 sets DISCHRG twice when OB and HB are both unmapped-derived (its status_set keeps duplicates); ours once",
     nutpp::modbus::testing::same_tokens_without_duplicates},
};

struct Situation {
    const char *name;
    std::vector<std::pair<uint16_t, uint16_t>> points; // address -> value
    // What NUT's generic_modbus logic gives (drivers/generic_modbus.c upsdrv_updateinfo): OL else
    // OB(+DISCHRG when unmapped); HB asserted, else CHRG/DISCHRG implied; LB/RB with their alarms.
    const char *tokens; // as a set, in any order
    const char *alarm;
};

std::vector<std::string> sorted_words(const std::string &s) {
    std::vector<std::string> w;
    std::istringstream in(s);
    for (std::string x; in >> x;) w.push_back(x);
    std::sort(w.begin(), w.end());
    return w;
}

} // namespace

TEST(ModbusNutDiff, GenericModbusAgainstNut) {
    if (!NutSandbox::available()) GTEST_SKIP() << NutSandbox::skip_reason();
    if (!std::filesystem::exists("/lib/nut/generic_modbus"))
        GTEST_SKIP() << "NUT's generic_modbus is not installed (Debian package nut-modbus)";
    ModbusTcpSlave slave;
    slave.set(kSlave, 0, std::vector<uint16_t>(30, 0));

    std::string nut_conf, ours;
    for (const auto &[k, v] : kKeys) {
        nut_conf += "  " + k + " = \"" + v + "\"\n";
        ours += "    " + k + ": \"" + v + "\"\n";
    }
    const std::string port = "127.0.0.1:" + std::to_string(slave.port());
    nutpp::testing::NutSandboxOptions opt;
    opt.devices = {nutpp::testing::NutDevice{.name = "rio", .desc = "remote io", .extra_conf = nut_conf,
                                             .driver = "generic_modbus", .port = port, .driver_env = {}}};
    // First situation set before NUT starts (it waits for a first status).
    slave.set(kSlave, 10, {1});
    UpsdrvdProcess p;
    p.write_config("  rio:\n    driver: modbus\n    map: generic\n    port: " + port + "\n    pollinterval: 0.2\n" + ours);
    p.start();
    std::unique_ptr<NutSandbox> nut;
    try {
        nut = std::make_unique<NutSandbox>(opt);
    } catch (const std::exception &e) {
        FAIL() << "NUT's generic_modbus did not start on the simulated remote I/O:\n" << e.what();
    }

    const Situation situations[] = {
        {"OL, ready", {{10, 1}, {11, 0}, {12, 0}, {13, 0}}, "OL HB", ""},
        {"OL, not ready", {{10, 1}, {11, 0}, {12, 1}, {13, 0}}, "OL CHRG", ""},
        {"OB", {{10, 0}, {11, 0}, {12, 1}, {13, 0}}, "OB DISCHRG", ""},
        {"OB LB", {{10, 0}, {11, 1}, {12, 1}, {13, 0}}, "OB DISCHRG LB ALARM", "Low Battery (Charge)"},
        {"OL RB", {{10, 1}, {11, 0}, {12, 0}, {13, 1}}, "OL HB RB ALARM", "Replace Battery"},
    };
    nutpp::modbus::testing::DiffTally tally;
    for (const auto &s : situations) {
        for (const auto &[a, v] : s.points) slave.set(kSlave, a, {v});
        // NUT polls every 2 s: wait until its status shows the situation (a slow poll under load is
        // still compared, not read one period late); one that never does fails the comparison below.
        const auto nut_settled = [&] {
            const auto v = nutpp::modbus::testing::upsc_vars(*nut);
            const auto st = v.find("ups.status");
            return st != v.end() && nutpp::modbus::testing::same_tokens_without_duplicates(st->second, s.tokens);
        };
        std::this_thread::sleep_for(500ms); // ours polls every 0.2 s
        nutpp::testing::wait_until(nut_settled, 8s, 200ms);
        std::this_thread::sleep_for(300ms); // the rest of that poll's values, sent after ups.status
        const auto dumped = p.dump("modbus", "rio", 2s).vars;
        const nutpp::modbus::testing::Vars mine(dumped.begin(), dumped.end());
        // Ours against NUT's logic as written down (drivers/generic_modbus.c upsdrv_updateinfo)...
        EXPECT_EQ(sorted_words(mine.count("ups.status") ? mine.at("ups.status") : ""), sorted_words(s.tokens)) << s.name;
        EXPECT_EQ(mine.count("ups.alarm") ? mine.at("ups.alarm") : "", s.alarm) << s.name;
        // ...and against NUT's driver itself.
        compare_vars("generic", s.name, nutpp::modbus::testing::upsc_vars(*nut), mine, kExplained, tally);
    }
    print_tally("generic", tally);
    EXPECT_GT(tally.equal, 5);
    EXPECT_EQ(tally.unexplained, 0);
}
