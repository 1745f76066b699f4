// The test fixtures themselves: child process helpers and NutSandbox variants others rely on.
#include "nut_sandbox.hpp"

#include <gtest/gtest.h>

#include <signal.h>

#include <filesystem>

using namespace std::chrono_literals;
namespace t = nutpp::testing;

TEST(RunCommand, CapturesOutputAndExitCode) {
    const auto r = t::run_command({"sh", "-c", "echo out; echo err >&2; exit 3"});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_EQ(r.out, "out\n");
    EXPECT_EQ(r.err, "err\n");
}

TEST(RunCommand, PassesExtraEnvironment) {
    const auto r = t::run_command({"sh", "-c", "printf %s \"$NUTPP_X\""}, {"NUTPP_X=42"});
    EXPECT_EQ(r.out, "42");
}

TEST(RunCommand, KillsOnTimeoutAndReportsMissingBinary) {
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_EQ(t::run_command({"sleep", "30"}, {}, 300ms).exit_code, -1);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
    EXPECT_EQ(t::run_command({"/nonexistent/binary"}).exit_code, 127);
}

TEST(Daemon, StopKillsExactlyItsProcess) {
    const std::string log = std::filesystem::temp_directory_path() / ("nutpp-daemon-" + std::to_string(::getpid()));
    t::Daemon d({"sleep", "30"}, {}, log);
    const pid_t pid = d.pid();
    EXPECT_TRUE(d.running());
    d.stop();
    EXPECT_FALSE(d.running());
    EXPECT_NE(::kill(pid, 0), 0); // reaped, gone
    std::filesystem::remove(log);
}

TEST(NutSandbox, TwoDevicesAndRealUpsc) {
    if (!t::NutSandbox::available()) GTEST_SKIP() << t::NutSandbox::skip_reason();
    t::NutSandboxOptions o;
    t::NutDevice second;
    second.name = "second";
    second.desc = "another one";
    o.devices.push_back(second);
    std::string dir;
    {
        t::NutSandbox nut(o);
        dir = nut.dir();
        EXPECT_EQ(nut.spec("second"), "second@127.0.0.1:" + std::to_string(nut.port()));
        EXPECT_EQ(nut.query("GET UPSDESC second"), "UPSDESC second \"another one\"");
        const auto r = nut.run({"upsc", "-l", nut.host_spec()});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        EXPECT_EQ(r.out, "dummy\nsecond\n");
        EXPECT_TRUE(std::filesystem::exists(nut.driver_socket("second")));
    }
    EXPECT_FALSE(std::filesystem::exists(dir)); // cleaned up
}

TEST(NutSandbox, WithoutDriversUpsdSaysDriverNotConnected) {
    if (!t::NutSandbox::available()) GTEST_SKIP() << t::NutSandbox::skip_reason();
    t::NutSandboxOptions o;
    o.start_drivers = false;
    t::NutSandbox nut(o);
    EXPECT_EQ(nut.query("GET VAR dummy ups.status"), "ERR DRIVER-NOT-CONNECTED");
    const auto r = nut.run({"upsc", nut.spec()});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("Error: Driver not connected"), std::string::npos) << r.err;
    nut.start_driver();
    EXPECT_TRUE(nut.wait_ready(20s));
    EXPECT_EQ(nut.query("GET VAR dummy ups.status"), "VAR dummy ups.status \"OL\"");
}
