// nutpp scan --modbus_scan against real libmodbus TCP slaves on loopback (the modbus plugin's test
// slave, one built-in map's unit each): the entry names the map the plugin's own probe picks,
// loads, and passes the plugin's key check; a silent listener costs the timeout; 256 addresses
// where nothing listens end at once.
#include "config/config.hpp"
#include "device_key.hpp"
#include "modbus_slave.hpp"
#include "probe_images.hpp"
#include "process.hpp"
#include "silent_listener.hpp"
#include "validate/validate.hpp"

#include <gtest/gtest.h>

#include <chrono>

using namespace nutpp::modbus::testing;
using namespace std::chrono_literals;
using nutpp::testing::device_key;
using nutpp::testing::run_command;

namespace {

struct Timed {
    nutpp::testing::CommandResult r;
    double seconds;
};

Timed scan(std::vector<std::string> args) {
    args.insert(args.begin(), {NUTPP_BIN, "scan", "-q", "--modbus_scan"});
    const auto t0 = std::chrono::steady_clock::now();
    auto r = run_command(args, {}, 60s);
    return {r, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()};
}

} // namespace

TEST(ScanModbus, FindsEachBuiltinMapsUnit) {
    for (const auto &c : probe_cases()) {
        SCOPED_TRACE(c.map);
        ModbusTcpSlave slave; // 127.0.0.1; .2 to .4 have nothing (connection refused)
        serve(slave, c, c.slave);
        const std::string port = std::to_string(slave.port());
        const auto t = scan({"-s", "127.0.0.1", "-e", "127.0.0.4", "--modbus_port", port, "-t", "2"});
        ASSERT_EQ(t.r.exit_code, 0) << t.r.err << t.r.out;
        EXPECT_NE(t.r.out.find("1 device(s), 1 UPS(es)"), std::string::npos) << t.r.out;
        EXPECT_NE(t.r.out.find("# identified by "), std::string::npos) << t.r.out;
        const auto cfg = nutpp::config::load_string(t.r.out, "scan.yaml");
        ASSERT_EQ(cfg.devices.size(), 1u) << t.r.out;
        const auto &d = cfg.devices[0];
        EXPECT_EQ(d.driver, "modbus");
        EXPECT_EQ(d.port, "127.0.0.1:" + port);
        EXPECT_EQ(device_key(d, "map"), c.map) << t.r.out;
        EXPECT_EQ(device_key(d, "slaveid"), std::to_string(c.slave));
        EXPECT_NO_THROW(nutpp::config::check_driver_keys(d, "modbus", nutpp::validate::probe_plugin("modbus", "").keys));
        std::cout << "[ scan     ] " << c.map << " (4 addresses): " << t.seconds << " s\n" << t.r.out;
    }
}

TEST(ScanModbus, SlaveIdOption) {
    ModbusTcpSlave slave;
    serve(slave, probe_cases()[3], 9); // a Socomec at slave 9
    const std::string port = std::to_string(slave.port());
    const auto t = scan({"-s", "127.0.0.1", "--modbus_port", port, "--slaveid", "9", "-t", "1"});
    ASSERT_EQ(t.r.exit_code, 0) << t.r.err << t.r.out;
    const auto cfg = nutpp::config::load_string(t.r.out, "scan.yaml");
    ASSERT_EQ(cfg.devices.size(), 1u) << t.r.out;
    EXPECT_EQ(device_key(cfg.devices[0], "map"), "socomec_jbus");
    EXPECT_EQ(device_key(cfg.devices[0], "slaveid"), "9");
    // At the maps' own ids (1, 192) nobody answers: nothing found.
    EXPECT_EQ(scan({"-s", "127.0.0.1", "--modbus_port", port, "-t", "1"}).r.exit_code, 1);
}

// A device that answers but fits no built-in map is named in a comment, not given an entry.
TEST(ScanModbus, AnsweringDeviceWithoutMapIsAComment) {
    ModbusTcpSlave slave;
    slave.set(1, 0, {0});
    const auto t = scan({"-s", "127.0.0.1", "--modbus_port", std::to_string(slave.port()), "-t", "1"});
    EXPECT_EQ(t.r.exit_code, 1) << t.r.out;
    EXPECT_NE(t.r.out.find("# Modbus TCP device 127.0.0.1:" + std::to_string(slave.port()) +
                           " answered, but no built-in map's probe fits"),
              std::string::npos)
        << t.r.out;
    EXPECT_NE(t.r.out.find("1 device(s), 0 UPS(es)"), std::string::npos) << t.r.out;
}

// Accepts and never answers: about the timeout, once (not once per map or slave id).
TEST(ScanModbus, SilentListenerCostsTheTimeout) {
    const uint16_t port = nutpp::testing::free_tcp_port();
    nutpp::testing::SilentListener silent("127.0.0.5", port);
    const auto t = scan({"-s", "127.0.0.5", "--modbus_port", std::to_string(port), "-t", "2"});
    EXPECT_EQ(t.r.exit_code, 1) << t.r.out;
    EXPECT_NE(t.r.out.find("0 device(s), 0 UPS(es)"), std::string::npos) << t.r.out;
    EXPECT_GE(t.seconds, 1.8);
    // Generous for a loaded machine (spawning the scanner is in the time); paying the timeout per map
    // would cost 4 s or more.
    EXPECT_LE(t.seconds, 2.0 + 1.5);
    std::cout << "[ scan     ] silent Modbus listener, -t 2: " << t.seconds << " s\n";
}

// 256 addresses where nothing listens (loopback refuses at once): far within the timeout.
TEST(ScanModbus, EmptyRangeEndsAtOnce) {
    const uint16_t port = nutpp::testing::free_tcp_port();
    const auto t = scan({"-s", "127.1.7.0", "-e", "127.1.7.255", "--modbus_port", std::to_string(port), "-t", "5"});
    EXPECT_EQ(t.r.exit_code, 1) << t.r.err;
    EXPECT_NE(t.r.err.find("256 address(es) probed"), std::string::npos) << t.r.err;
    EXPECT_LE(t.seconds, 2.0) << "well within one 5 s timeout";
    std::cout << "[ scan     ] 256 empty Modbus addresses, -t 5: " << t.seconds << " s\n";
}

TEST(ScanModbus, NeedsARange) {
    const auto r = run_command({NUTPP_BIN, "scan", "-q", "--modbus_scan", "-U"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("--modbus_scan needs an address range"), std::string::npos) << r.err;
}
