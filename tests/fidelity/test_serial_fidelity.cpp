// Serial differential harness: the tests' own simulated UPSes on real ptys (tests/plugins/serial),
// read once by Debian's NUT 2.8.0 driver (nutdrv_qx for Megatec/Q1, apcsmart for APC Smart) served by
// NUT's upsd, and once by our serial plugin (upsdrvd + our upsd); NUT's /usr/bin/upsc reads both and
// every variable is compared (compare.hpp). Fails on a difference not listed as deliberate or OPEN.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "apc_ups.hpp"
#include "compare.hpp"
#include "megatec_ups.hpp"
#include "nut_sandbox.hpp"
#include "read_ours.hpp"

using namespace std::chrono_literals;
using namespace nutpp::testing;
using namespace nutpp::serial::testing;

namespace {

// Every device: names that only say which program runs, or each stack's own settings.
const fidelity::Reasons kDeliberate = {
    {"driver.name", "our driver is the serial plugin"},
    {"driver.version", "our version, not NUT's"},
    {"driver.version.internal", "NUT's internal driver version"},
    {"driver.version.data", "NUT's subdriver version string"},
    {"driver.parameter.pollinterval", "each stack's own configured interval"},
    {"driver.parameter.port", "the pty path differs per run"},
    {"driver.parameter.protocol", "NUT's subdriver option"},
    {"driver.parameter.synchronous", "NUT 2.8.0 internal option"},
    {"driver.parameter.retrydelay", "our option (test timing)"},
    {"driver.parameter.maxretry", "our option (test timing)"},
    {"driver.parameter.reply_timeout", "our option (test timing)"},
    {"driver.flag.allow_killpower", "NUT 2.8.0 flag"},
    {"driver.parameter.pollfreq", "NUT's USB interrupt poll option, shown by nutdrv_qx even on serial"},
    {"driver.version.usb", "nutdrv_qx prints the libusb it was built with, even on serial"},
};

struct Case {
    const char *name;
    const char *nut_driver;
    std::string nut_extra;                        // ups.conf lines for NUT's driver
    std::function<std::unique_ptr<PtyUps>(std::filesystem::path)> make;
    fidelity::Reasons deliberate, open;
};

fidelity::Vars read_with_nut(const Case &c, const std::string &port) {
    NutSandboxOptions o;
    NutDevice dev;
    dev.name = "ups";
    dev.driver = c.nut_driver;
    dev.port = port;
    dev.extra_conf = c.nut_extra;
    o.devices = {dev};
    NutSandbox nut(o);
    const auto r = nut.run({fidelity::kNutUpsc, nut.spec()});
    if (r.exit_code != 0) throw std::runtime_error("NUT upsc failed: " + r.err + nut.driver_log());
    return fidelity::parse_upsc(r.out);
}

fidelity::Vars read_with_ours(const std::string &port) {
    return fidelity::read_with_ours("  ups:\n    driver: serial\n    port: " + port +
                                        "\n    pollinterval: 0.3\n    retrydelay: 0.2\n    maxretry: 2\n    reply_timeout: 0.3\n",
                                    1s); // a few polls, so slow-changing values are in
}

std::vector<Case> cases() {
    return {
        // (The nJoy Keen 600 and Santak Castle simulators answer no F rating: nutdrv_qx 2.8.0's megatec
        // subdriver refuses them, "Device not supported!", so there is nothing to compare with.)
        {"megatec_voltronic", "nutdrv_qx", "  protocol = megatec\n",
         [](std::filesystem::path p) { return std::make_unique<MegatecUps>(p, voltronic_unit()); },
         {{"ups.firmware.aux", "Voltronic protocol id (QPI); NUT shows it only with its voltronic subdriver, "
                               "and protocol=megatec is forced here"}},
         {}},
        {"apcsmart", "apcsmart", "",
         [](std::filesystem::path p) { return std::make_unique<ApcUps>(p); }, {}, {}},
    };
}

class SerialFidelity : public ::testing::TestWithParam<Case> {};

TEST_P(SerialFidelity, SameUpscAsNutDriver) {
    const Case &c = GetParam();
    if (!NutSandbox::available() || !std::filesystem::exists(std::string("/lib/nut/") + c.nut_driver))
        GTEST_SKIP() << "NUT 2.8.0 " << c.nut_driver << " not installed: " << NutSandbox::skip_reason();
    const auto dir = std::filesystem::temp_directory_path() /
                     ("nutpp-fid-" + std::to_string(::getpid()) + "-" + c.name);
    std::filesystem::create_directories(dir);
    fidelity::Vars nut, ours;
    {
        auto ups = c.make(dir / "ttyS");
        nut = read_with_nut(c, ups->port());
    }
    {
        auto ups = c.make(dir / "ttyS");
        ours = read_with_ours(ups->port());
    }
    std::filesystem::remove_all(dir);
    ASSERT_FALSE(nut.empty());
    fidelity::Reasons deliberate = kDeliberate;
    deliberate.insert(c.deliberate.begin(), c.deliberate.end());
    const auto failures = fidelity::compare_and_print(c.name, nut, ours, deliberate, c.open);
    EXPECT_TRUE(failures.empty()) << "undeliberate differences from " << c.nut_driver << ":\n" << failures;
}

INSTANTIATE_TEST_SUITE_P(Devices, SerialFidelity, ::testing::ValuesIn(cases()),
                         [](const auto &info) { return std::string(info.param.name); });

} // namespace
