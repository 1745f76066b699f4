// nutpp scan: address ranges, and NUT servers found on loopback - NUT 2.8.0's upsd (NutSandbox)
// and ours (nutpp run) among 255 addresses where nothing else answers, one of them a listener
// that never replies; the printed YAML loads with our config loader.
#include "config/config.hpp"
#include "device_key.hpp"
#include "nut_sandbox.hpp"
#include "process.hpp"
#include "scan/address_range.hpp"
#include "silent_listener.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using nutpp::scan::expand_cidr;
using nutpp::scan::expand_range;
using nutpp::testing::device_key;
using nutpp::testing::run_command;

TEST(ScanRange, CidrAndStartEnd) {
    EXPECT_EQ(expand_cidr("192.168.1.0/30"), (std::vector<std::string>{"192.168.1.1", "192.168.1.2"}));
    EXPECT_EQ(expand_cidr("192.168.1.0/24").size(), 254u);
    EXPECT_EQ(expand_cidr("192.168.1.77/24").front(), "192.168.1.1"); // the network it lies in
    EXPECT_EQ(expand_cidr("10.0.0.5/32"), (std::vector<std::string>{"10.0.0.5"}));
    EXPECT_EQ(expand_cidr("fd00::/126").size(), 4u);
    const auto r = expand_range("10.0.0.250", "10.0.1.5");
    EXPECT_EQ(r.size(), 12u);
    EXPECT_EQ(r.front(), "10.0.0.250");
    EXPECT_EQ(r.back(), "10.0.1.5");
    EXPECT_EQ(expand_range("10.0.0.1", ""), (std::vector<std::string>{"10.0.0.1"}));
    EXPECT_THROW(expand_cidr("10.0.0.0/8"), std::invalid_argument);     // > 65536
    EXPECT_THROW(expand_cidr("host.example/24"), std::invalid_argument);
    EXPECT_THROW(expand_range("10.0.0.5", "10.0.0.1"), std::invalid_argument);
    EXPECT_THROW(expand_range("10.0.0.5", "::1"), std::invalid_argument);
    EXPECT_EQ(nutpp::scan::host_port("10.0.0.5", 502), "10.0.0.5:502");
    EXPECT_EQ(nutpp::scan::host_port("fd00::1", 161), "[fd00::1]:161");
}

namespace {

struct Timed {
    nutpp::testing::CommandResult r;
    double seconds;
};

Timed scan(const std::vector<std::string> &args) {
    std::vector<std::string> argv{NUTPP_BIN, "scan", "-q"};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto t0 = std::chrono::steady_clock::now();
    auto r = run_command(argv, {}, 60s);
    return {r, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()};
}

} // namespace

// 256 addresses with nothing there: the scan ends within its bound (256 / 64 probes at once x 1 s).
TEST(ScanNut, NothingThereEndsWithinTheTimeout) {
    const uint16_t port = nutpp::testing::free_tcp_port();
    const auto t = scan({"-s", "127.77.0.0", "-e", "127.77.0.255", "-p", std::to_string(port), "-t", "1", "-T", "64"});
    EXPECT_EQ(t.r.exit_code, 1) << t.r.err;
    EXPECT_NE(t.r.err.find("256 address(es) probed"), std::string::npos) << t.r.err;
    EXPECT_NE(t.r.out.find("0 NUT server(s), 0 UPS(es)"), std::string::npos) << t.r.out;
    EXPECT_LE(t.seconds, 4.0 + 2.0) << "the scan's own bound is ceil(256/64) x 1 s";
    std::cout << "[ scan     ] 256 empty addresses: " << t.seconds << " s\n";
}

TEST(ScanNut, FindsNutAndNutppServers) {
    if (!nutpp::testing::NutSandbox::available()) GTEST_SKIP() << "SKIPPED: " << nutpp::testing::NutSandbox::skip_reason();
    nutpp::testing::NutSandbox nut; // NUT 2.8.0 upsd + dummy-ups on 127.0.0.1:<port>
    const uint16_t port = nut.port();
    const std::string p = std::to_string(port);
    nutpp::testing::SilentListener silent("127.0.0.5", port);

    // Ours on 127.0.0.7, same port: upsdrvd (sim) + upsd under nutpp run.
    char tmpl[] = "/tmp/nutpp-scan-test-XXXXXX";
    const std::string dir = mkdtemp(tmpl);
    std::ofstream(dir + "/nutpp.yaml") << "state_dir: " << dir << "/state\nuser: root\n"
                                       << "devices:\n  demo:\n    driver: sim\n    port: " << NUTPP_SIM_DATA
                                       << "/cp1000avrlcd.dev\n    desc: \"nutpp demo\"\n"
                                       << "server:\n  listen: [\"127.0.0.7:" << p << "\"]\n";
    fs::permissions(dir + "/nutpp.yaml", fs::perms::owner_read | fs::perms::owner_write);
    nutpp::testing::Daemon ours({NUTPP_BIN, "run", "-f", dir + "/nutpp.yaml"}, {}, dir + "/run.log");
    bool up = false;
    for (int i = 0; i < 100 && !up; ++i, std::this_thread::sleep_for(100ms)) {
        const auto r = run_command({NUTPP_BIN, "scan", "-q", "-s", "127.0.0.7", "-p", p, "-t", "1"});
        up = r.out.find("demo@127.0.0.7:" + p) != std::string::npos;
    }
    ASSERT_TRUE(up) << "our upsd did not come up";

    const auto t = scan({"-m", "127.0.0.0/24", "-p", p, "-t", "1", "-T", "64"});
    EXPECT_EQ(t.r.exit_code, 0) << t.r.err;
    EXPECT_NE(t.r.out.find("port: \"dummy@127.0.0.1:" + p + "\""), std::string::npos) << t.r.out;
    EXPECT_NE(t.r.out.find("port: \"demo@127.0.0.7:" + p + "\""), std::string::npos) << t.r.out;
    EXPECT_NE(t.r.out.find("desc: \"nutpp demo\""), std::string::npos) << t.r.out;
    EXPECT_NE(t.r.out.find("2 NUT server(s), 2 UPS(es)"), std::string::npos) << t.r.out;
    EXPECT_EQ(t.r.out.find("127.0.0.5"), std::string::npos) << "the silent listener is no NUT server\n" << t.r.out;
    EXPECT_LE(t.seconds, 4.0 + 2.0);
    std::cout << "[ scan     ] 254 addresses, 2 servers + 1 silent listener: " << t.seconds << " s\n";

    // The entries are ready to use: they load, as sim repeaters of the servers found.
    const auto cfg = nutpp::config::load_string(t.r.out, "scan.yaml");
    ASSERT_EQ(cfg.devices.size(), 2u);
    EXPECT_EQ(cfg.devices[0].driver, "sim");
    EXPECT_EQ(device_key(cfg.devices[0], "mode"), "repeater");
    ours.stop();
    fs::remove_all(dir);
}

TEST(ScanNut, BadArguments) {
    EXPECT_EQ(scan({}).r.exit_code, 2);
    EXPECT_EQ(scan({"-m", "10.0.0.0/8"}).r.exit_code, 2);
    const auto t = scan({"-m", "300.1.1.0/24"});
    EXPECT_EQ(t.r.exit_code, 2);
    EXPECT_NE(t.r.err.find("300.1.1.0"), std::string::npos) << t.r.err;
}
