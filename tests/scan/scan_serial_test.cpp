// nutpp scan --serial against the serial plugin's pty simulators (a Megatec/Q1 unit, an APC Smart
// unit, and a Megatec unit that stays silent), probed in parallel: the protocol printed is the one
// the plugin's `protocol: auto` detects, the entries load and pass the plugin's key check, and the
// silent port costs about the timeout, not more.
#include "apc_ups.hpp"
#include "config/config.hpp"
#include "device_key.hpp"
#include "megatec_ups.hpp"
#include "process.hpp"
#include "temp_dir.hpp"
#include "validate/validate.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>

namespace fs = std::filesystem;
using namespace nutpp::serial::testing;
using namespace std::chrono_literals;
using nutpp::testing::device_key;
using nutpp::testing::run_command;
using nutpp::testing::TempDir;

TEST(ScanSerial, FindsMegatecAndApcSilentPortCostsTheTimeout) {
    TempDir dir;
    MegatecUps megatec(dir / "ttyS0", santak_castle_c1k());
    ApcUps apc(dir / "ttyS1");
    MegatecUps silent(dir / "ttyS2", njoy_keen_600());
    silent.misbehave(Misbehaviour::Silent);
    const auto t0 = std::chrono::steady_clock::now();
    const auto r = run_command({NUTPP_BIN, "scan", "-q", "--serial", megatec.port() + "," + apc.port() + "," + silent.port(),
                                "-t", "2"},
                               {}, 30s);
    const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    EXPECT_NE(r.out.find("serial: 3 port(s), 2 UPS(es)"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("# serial port " + silent.port() + ": no answer to Q1 or 'Y' within 2 s"), std::string::npos)
        << r.out;
    const auto cfg = nutpp::config::load_string(r.out, "scan.yaml");
    ASSERT_EQ(cfg.devices.size(), 2u) << r.out;
    EXPECT_EQ(cfg.devices[0].port, megatec.port());
    EXPECT_EQ(device_key(cfg.devices[0], "protocol"), "megatec") << r.out;
    EXPECT_EQ(cfg.devices[1].port, apc.port());
    EXPECT_EQ(device_key(cfg.devices[1], "protocol"), "apcsmart") << r.out;
    const auto keys = nutpp::validate::probe_plugin("serial", "").keys;
    for (const auto &d : cfg.devices) {
        EXPECT_EQ(d.driver, "serial");
        EXPECT_NO_THROW(nutpp::config::check_driver_keys(d, "serial", keys));
    }
    // Probed in parallel: the silent port's 2 s is the whole scan's time.
    EXPECT_GE(took, 1.8);
    // Generous for a loaded machine (the scanner's start and the pty threads are in the time); probing
    // the ports one after another, or paying the timeout per try, would cost 4 s or more.
    EXPECT_LE(took, 2.0 + 1.5);
    std::cout << "[ scan     ] 3 serial ports (1 silent), -t 2: " << took << " s\n" << r.out;
}

TEST(ScanSerial, BaudRateIsCarriedAndBadPortsAreComments) {
    TempDir dir;
    MegatecUps megatec(dir / "ttyUSB0", voltronic_unit());
    const auto r = run_command({NUTPP_BIN, "scan", "-q", "--serial", megatec.port(), "--serial", "/nonexistent/tty",
                                "--serial_baud", "9600", "-t", "1"},
                               {}, 30s);
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    const auto cfg = nutpp::config::load_string(r.out, "scan.yaml");
    ASSERT_EQ(cfg.devices.size(), 1u) << r.out;
    EXPECT_EQ(device_key(cfg.devices[0], "baud_rate"), "9600");
    EXPECT_NE(r.out.find("# serial port /nonexistent/tty: cannot open /nonexistent/tty"), std::string::npos) << r.out;
    const auto bad = run_command({NUTPP_BIN, "scan", "-q", "--serial", megatec.port(), "--serial_baud", "1234"});
    EXPECT_NE(bad.exit_code, 0); // refused by the command line parser, before any port is opened
    EXPECT_NE(bad.err.find("--serial_baud: 1234 not in"), std::string::npos) << bad.err;
}
