// DriverHost in-process: which devices count as running, how a refused one is reported, and how
// long stopping many devices takes.
#include "inprocess_support.hpp"

#include "common/event_loop.hpp"
#include "daemon/fd_limit.hpp"
#include "host/driver_host.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>

using namespace nutpp;
using namespace nutpp::testing;
using namespace std::chrono_literals;

// create() returning NUTPP_E_CONFIG: the device is failed (counted, named with the plugin's text,
// no socket), not "running"; the other device runs. It used to count as running, with a socket
// that only ever served stale data.
TEST(HostInProcess, CreateRefusalIsReportedAsFailed) {
    auto log = LogCapture::install();
    HostDir d;
    // in-process: this file tests the in-process runner (fixtures by path default to a worker).
    const auto cfg = d.load("  bad:\n    driver: " + fixture("create_fails") + "\n    port: none\n    isolation: in-process\n" +
                            "  good:\n    driver: " + fixture("poll_fails") +
                            "\n    port: none\n    fail_polls: 0\n    isolation: in-process\n");
    common::EventLoop loop;
    host::DriverHost h(loop, {});
    EXPECT_EQ(h.apply(cfg), 1);
    EXPECT_EQ(h.running(), 1u);
    ASSERT_EQ(h.failed().count("bad"), 1u);
    EXPECT_EQ(h.failed().at("bad"), "create failed: NUTPP_E_CONFIG: simulated create failure: missing widget");
    EXPECT_EQ(h.device("bad"), nullptr);
    EXPECT_FALSE(std::filesystem::exists(d.state_dir() + "/create_fails-bad"));
    EXPECT_TRUE(std::filesystem::exists(d.state_dir() + "/poll_fails-good"));
    EXPECT_FALSE(log->wait_for("device 'bad': not started: create failed: NUTPP_E_CONFIG").empty());

    // A reload tries it again (and reports it again), without touching the running one.
    EXPECT_EQ(h.apply(cfg), 1);
    EXPECT_EQ(h.running(), 1u);
    EXPECT_EQ(h.failed().count("bad"), 1u);
    h.stop_all();
}

// Stopping N devices takes as long as the slowest, not the sum: the old stop_all joined one device
// at a time in 10 ms sleeps (>= 5 s for 500 devices). The bound is wide: it tells that apart.
TEST(HostInProcess, ManyDevicesStopInParallel) {
    daemon::raise_fd_limit(); // 500 devices: a socket and an eventfd each
    constexpr int kDevices = 500;
    HostDir d;
    std::string devices;
    for (int i = 0; i < kDevices; ++i)
        devices += "  d" + std::to_string(i) + ":\n    driver: " + fixture("poll_fails") +
                   "\n    port: none\n    fail_polls: 0\n    pollinterval: 0.5\n    isolation: in-process\n";
    const auto cfg = d.load(devices);
    common::EventLoop loop;
    host::DriverHost h(loop, {});
    ASSERT_EQ(h.apply(cfg), 0);
    ASSERT_EQ(h.running(), size_t(kDevices));
    const auto t0 = std::chrono::steady_clock::now();
    h.stop_all();
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
    std::printf("stop_all of %d devices took %lld ms\n", kDevices, static_cast<long long>(ms));
    EXPECT_EQ(h.running(), 0u);
    EXPECT_LT(ms, 2500);
}
