// Differential against NUT 2.8.0's RTU-only Modbus drivers (socomec_jbus, phoenixcontact_modbus,
// huawei-ups2000; Debian nut-modbus): each reads its own pty of a twin pair of our RTU slaves that
// hold the same register image (two masters cannot share one serial line), changed in step through
// OL -> OB -> OB LB situations. NUT's values come from its upsd (upsc), ours from upsdrvd's driver
// socket. Every difference must be in kExplained below.
#include "device_images.hpp"
#include "modbus_slave.hpp"
#include "nut_diff.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <thread>

using namespace nutpp::modbus::testing;
using nutpp::testing::NutSandbox;
using nutpp::testing::UpsdrvdProcess;
using namespace std::chrono_literals;

namespace {

// The explained-differences table: what differs from NUT 2.8.0's drivers, and why.
const std::vector<Explained> kExplained = {
    // ---- socomec_jbus
    {"socomec_jbus", "device.mfr", Kind::Different, "NUT hard-codes 'socomec jbus'; the map's mfr is the vendor name 'Socomec'"},
    {"socomec_jbus", "ups.mfr", Kind::OnlyOurs, "we publish ups.mfr with device.mfr (NUT's driver sets only device.mfr)"},
    {"socomec_jbus", "input.voltage", Kind::OnlyNut, "registers 0x10E0.. are the configured nominal values: ours are input.voltage.nominal"},
    {"socomec_jbus", "input.frequency", Kind::OnlyNut, "nominal value (0x10E2): ours is input.frequency.nominal"},
    {"socomec_jbus", "input.voltage.nominal", Kind::OnlyOurs, "0x10E0 under its right name (NUT: input.voltage)"},
    {"socomec_jbus", "input.frequency.nominal", Kind::OnlyOurs, "0x10E2 under its right name (NUT: input.frequency)"},
    {"socomec_jbus", "output.voltage.nominal", Kind::OnlyOurs, "0x10E1 (NUT writes it to output.voltage, then overwrites it on 1-phase units)"},
    {"socomec_jbus", "output.frequency.nominal", Kind::OnlyOurs, "0x10E3 (NUT writes it to output.frequency, then overwrites it)"},
    {"socomec_jbus", "output.voltage", Kind::OnlyNut, "3-phase: NUT leaves the nominal 0x10E1 there; ours has output.L1-N.voltage.. only"},
    {"socomec_jbus", "battery.runtime", Kind::OnlyNut, "on mains the register is 0xFFFF (NUT prints 65535); we publish nothing"},
    {"socomec_jbus", "battery.runtime", Kind::Different, "the register counts minutes; battery.runtime is seconds (ours = NUT's x 60)"},
    {"socomec_jbus", "ups.status", Kind::Different, "runtime <= 15 min: NUT 2.8.0 sets LB without OB, which upsmon never treats as critical; ours is OB LB",
     ours_adds_ob},
    {"socomec_jbus", "ambient.1.temperature", Kind::OnlyNut, "sensor gone (0xFFFF): NUT keeps its last reading, we remove the variable"},
    {"socomec_jbus", "ambient.1.present", Kind::OnlyNut, "sensor gone (0xFFFF): NUT keeps 'yes', we remove the variable"},
    // ---- phoenixcontact_quint
    {"phoenixcontact_quint", "ups.mfr", Kind::OnlyOurs, "we publish ups.mfr with device.mfr (NUT's driver sets only device.*)"},
    {"phoenixcontact_quint", "ups.model", Kind::OnlyOurs, "we publish ups.model with device.model"},
    // ---- huawei_ups2000
    {"huawei_ups2000", "ups.delay.shutdown", Kind::OnlyNut, "NUT's driver-side delay settings (offdelay), not registers; the map has no delays"},
    {"huawei_ups2000", "ups.delay.start", Kind::OnlyNut, "NUT's driver-side ondelay, not a register"},
    {"huawei_ups2000", "ups.delay.reboot", Kind::OnlyNut, "NUT's driver-side rebootdelay, not a register"},
    {"huawei_ups2000", "ups.timer.shutdown", Kind::OnlyNut, "NUT's countdown of its own delayed commands (-1 = none); the map has no delayed commands"},
    {"huawei_ups2000", "ups.timer.start", Kind::OnlyNut, "NUT's countdown of its own delayed commands"},
    {"huawei_ups2000", "ups.timer.reboot", Kind::OnlyNut, "NUT's countdown of its own delayed commands"},
};

// Two RTU slaves on two ptys with one register image: NUT's driver on one, ours on the other.
struct Twin {
    ModbusRtuSlave nut, ours;
    void set(int id, uint16_t a, const std::vector<uint16_t> &w) {
        nut.set(id, a, w);
        ours.set(id, a, w);
    }
    void load(int id, const Image &img) {
        for (const auto &[a, w] : img) set(id, a, w);
    }
};

struct Situation {
    std::string name;
    Image writes;
};

struct Case {
    std::string nut_driver, map;
    int slave = 1;
    Image image;
    std::vector<Situation> situations;
    std::string ident; // fn 0x2B answer (huawei)
};

Vars ours_vars(const UpsdrvdProcess &p) {
    try {
        const auto v = p.dump("modbus", "ups", 3s).vars;
        return Vars(v.begin(), v.end());
    } catch (const std::exception &e) {
        ADD_FAILURE() << "our driver socket: " << e.what();
        return {};
    }
}

void run_case(const Case &c) {
    if (!NutSandbox::available()) GTEST_SKIP() << NutSandbox::skip_reason();
    if (!std::filesystem::exists("/lib/nut/" + c.nut_driver))
        GTEST_SKIP() << "NUT's " << c.nut_driver << " is not installed (Debian package nut-modbus)";
    Twin twin;
    twin.load(c.slave, c.image);
    if (!c.ident.empty()) {
        twin.nut.set_identification(c.slave, c.ident);
        twin.ours.set_identification(c.slave, c.ident);
    }
    UpsdrvdProcess p;
    p.write_config("  ups:\n    driver: modbus\n    map: " + c.map + "\n    port: " + twin.ours.slave_path() +
                   "\n    pollinterval: 0.2\n");
    p.start();
    nutpp::testing::NutSandboxOptions opt;
    opt.devices = {nutpp::testing::NutDevice{.name = "ups", .desc = c.map, .extra_conf = "  pollinterval = 1\n",
                                             .driver = c.nut_driver, .port = twin.nut.slave_path(), .driver_env = {}}};
    std::unique_ptr<NutSandbox> nut;
    try {
        nut = std::make_unique<NutSandbox>(opt);
    } catch (const std::exception &e) {
        FAIL() << "NUT's " << c.nut_driver << " did not start on the simulated slave:\n" << e.what();
    }
    DiffTally tally;
    for (const auto &s : c.situations) {
        for (const auto &[a, w] : s.writes) twin.set(c.slave, a, w);
        std::this_thread::sleep_for(2500ms); // NUT polls every second here, ours every 0.2 s
        compare_vars(c.map, s.name, upsc_vars(*nut), ours_vars(p), kExplained, tally);
    }
    print_tally(c.map, tally);
    EXPECT_GT(tally.equal, 10) << "too little compared equal: is one side not reading the slave?";
    EXPECT_EQ(tally.unexplained, 0);
}

} // namespace

TEST(ModbusNutDiff, SocomecJbusAgainstNut) {
    Case c;
    c.nut_driver = c.map = "socomec_jbus";
    c.image = socomec_image();
    c.situations = {
        {"1-phase, on mains", {}},
        {"on battery, 20 min left", {{0x1077, {20}}}},
        {"on battery, 10 min left, alarms", {{0x1077, {10}}, {0x1040, {(1u << 2) | (1u << 7), 0, 1u << 12, 1u << 1}}}},
        {"back on mains", {{0x1077, {0xFFFF}}, {0x1040, {0, 0, 0, 0}}}},
    };
    run_case(c);
}

TEST(ModbusNutDiff, SocomecJbusThreePhaseAgainstNut) {
    Case c;
    c.nut_driver = c.map = "socomec_jbus";
    c.image = socomec_3ph_image();
    c.situations = {
        {"3-phase DELPHYS MX, on mains", {}},
        {"3-phase, on battery, 30 min left, no ambient sensor", {{0x1077, {30}}, {0x1076, {0xFFFF}}}},
    };
    run_case(c);
}

TEST(ModbusNutDiff, PhoenixContactQuintAgainstNut) {
    Case c;
    c.nut_driver = "phoenixcontact_modbus";
    c.map = "phoenixcontact_quint";
    c.slave = kQuintSlave;
    c.image = quint_image();
    c.situations = {
        {"on mains, charging", {}},
        {"on battery", {{29697, {1, 0, 0}}, {29745, {23999}}, {29749, {40}}}},
        {"on battery, shutdown event, alarms", {{29697, {1, 1, 0}}, {29840, {(1u << 4) | (1u << 5) | (1u << 13)}}}},
        {"back on mains", {{29697, {0, 0, 1}}, {29840, {0}}}},
    };
    run_case(c);
}

TEST(ModbusNutDiff, HuaweiUps2000AgainstNut) {
    Image img = ups2000_image();
    img.push_back({11044, {1, 0, 0}}); // auto start, -, beeper enabled (NUT reads 11046)
    Case c;
    c.nut_driver = "huawei-ups2000";
    c.map = "huawei_ups2000";
    c.image = img;
    c.ident = "1=UPS2000A;2=V2R1C1SPC40;3=P1.0-D1.0;4=2102310001ABC;5=1;6=0";
    c.situations = {
        {"UPS2000-G dump values, on mains", {}},
        {"on battery", {{11024, {3}}, {12002, {5}}, {12003, {60}}}},
        {"on battery, low battery", {{11043, {1u << 6}}}},
        {"back on mains", {{11024, {2}}, {11043, {0}}, {12002, {3}}}},
    };
    run_case(c);
}
