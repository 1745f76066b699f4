// One Device in-process, with fixture plugins (tests/fixtures/plugins) or the sim plugin: what a
// plugin is handed, what the host reports about its calls, and how a device refuses to start.
#include "inprocess_support.hpp"

#include "host/device.hpp"
#include "host/plugin.hpp"

#include <gtest/gtest.h>

#include <future>
#include <optional>

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <thread>

using namespace nutpp;
using namespace nutpp::testing;
using namespace std::chrono_literals;

namespace {

struct RunningDevice {
    std::shared_ptr<host::Plugin> plugin;
    std::unique_ptr<host::Device> dev;
    RunningDevice(const config::DeviceConfig &dc, const std::string &driver) {
        plugin = host::Plugin::load(driver, NUTPP_PLUGIN_DIR_FOR_TESTS);
        plugin->acquire();
        dev = std::make_unique<host::Device>(dc, plugin, [] {});
    }
    bool started = false;
    void start() {
        dev->start();
        started = true;
    }
    ~RunningDevice() {
        if (started) {
            dev->request_stop();
            EXPECT_TRUE(dev->join(5s));
        }
        dev.reset();
        plugin->release();
    }
};

} // namespace

// The loader accepts any NUT spelling of a boolean; the plugin sees only "true" or "false", so its
// reading cannot disagree with the host's check (serial read "True" as false).
TEST(DeviceInProcess, BooleanKeysReachThePluginAsTrueOrFalse) {
    HostDir d;
    const auto sim = std::string(NUTPP_PLUGIN_DIR_FOR_TESTS) + "/nutpp-sim.so";
    const std::string port = std::string(NUTPP_SIM_DATA_DIR) + "/cp1000avrlcd.dev";
    struct Case {
        std::string written, seen;
    } cases[] = {{"True", "true"}, {"\"On\"", "true"}, {"YES", "true"}, {"\"1\"", "true"}, {"\"\"", "true"},
                 {"False", "false"}, {"\"off\"", "false"}, {"\"0\"", "false"}};
    for (const auto &c : cases) {
        const auto cfg = d.load("  u:\n    driver: sim\n    port: " + port + "\n    repeater_disable_strict_start: " +
                                c.written + "\n");
        RunningDevice r(cfg.devices.at(0), sim);
        const char *v = r.dev->api_config_get("repeater_disable_strict_start");
        ASSERT_NE(v, nullptr) << c.written;
        EXPECT_EQ(std::string(v), c.seen) << c.written;
    }
    // A key left out gets the descriptor's default, which is canonical already.
    const auto cfg = d.load("  u:\n    driver: sim\n    port: " + port + "\n");
    RunningDevice r(cfg.devices.at(0), sim);
    EXPECT_EQ(std::string(r.dev->api_config_get("repeater_disable_strict_start")), "false");
}

// set_error() text belongs to one plugin call: a later failure that sets none must not be logged
// with it (the old host kept the text until the next failure consumed it).
TEST(DeviceInProcess, SetErrorTextBelongsToOneCall) {
    auto log = LogCapture::install();
    HostDir d;
    const auto cfg = d.load("  e:\n    driver: " + fixture("stale_error") +
                            "\n    port: none\n    pollinterval: 0.05\n    maxretry: 5\n");
    RunningDevice r(cfg.devices.at(0), fixture("stale_error"));
    r.start();
    const std::string line = log->wait_for("poll failed");
    ASSERT_FALSE(line.empty());
    EXPECT_NE(line.find("NUTPP_E_IO"), std::string::npos) << line;
    EXPECT_EQ(line.find("stale detail"), std::string::npos) << line;
}

// create() refusing its configuration ends the device: wait_started() says Failed with the plugin's
// text, and the thread is over (it used to idle forever, looking like a running device).
TEST(DeviceInProcess, CreateRefusalEndsTheDeviceWithItsReason) {
    auto log = LogCapture::install();
    HostDir d;
    const auto cfg = d.load("  c:\n    driver: " + fixture("create_fails") + "\n    port: none\n");
    RunningDevice r(cfg.devices.at(0), fixture("create_fails"));
    r.start();
    EXPECT_EQ(r.dev->wait_started(host::Device::Clock::now() + 5s), host::Device::StartState::Failed);
    EXPECT_EQ(r.dev->failure(), "create failed: NUTPP_E_CONFIG: simulated create failure: missing widget");
    EXPECT_TRUE(r.dev->join(1s)); // ended by itself, before any stop request
    EXPECT_FALSE(log->wait_for("device 'c': create failed: NUTPP_E_CONFIG").empty());
}

// Without a descriptor for its wake-up eventfd a device could never be stopped: it must not start.
TEST(DeviceInProcess, EventfdFailureRefusesTheDevice) {
    HostDir d;
    const auto cfg = d.load("  f:\n    driver: " + fixture("poll_fails") + "\n    port: none\n");
    auto plugin = host::Plugin::load(fixture("poll_fails"), "");
    rlimit old{};
    ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &old), 0);
    rlimit low = old;
    low.rlim_cur = 256;
    ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);
    std::vector<int> fds;
    for (int fd; (fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0;) fds.push_back(fd);
    std::string what;
    try {
        host::Device dev(cfg.devices.at(0), plugin, [] {});
    } catch (const std::exception &e) {
        what = e.what();
    }
    for (int fd : fds) close(fd);
    setrlimit(RLIMIT_NOFILE, &old);
    EXPECT_NE(what.find("cannot create the device's wake-up eventfd"), std::string::npos) << what;
    EXPECT_NE(what.find("ulimit -n"), std::string::npos) << what;
}

// Commands report their outcome as a typed completion (upsdrvd -k reads it), with or without a
// TRACKING id; one the device does not offer is answered without reaching the plugin.
TEST(DeviceInProcess, CommandsCompleteWithATypedResult) {
    HostDir d;
    const std::string port = std::string(NUTPP_SIM_DATA_DIR) + "/cp1000avrlcd.dev";
    const auto cfg = d.load("  u:\n    driver: sim\n    port: " + port + "\n    pollinterval: 0.2\n");
    RunningDevice r(cfg.devices.at(0), "sim");
    r.start();
    for (int i = 0; i < 100 && !r.dev->store().data_ok(); ++i) std::this_thread::sleep_for(50ms);
    ASSERT_TRUE(r.dev->store().data_ok());
    auto run = [&](const std::string &name, std::optional<std::string> value) {
        std::promise<driver_socket::TrackingResult> got;
        auto fut = got.get_future();
        driver_socket::Request req;
        req.kind = value ? driver_socket::Request::Kind::Set : driver_socket::Request::Kind::InstCmd;
        req.name = name;
        req.value = value;
        r.dev->submit(req, [&got](driver_socket::TrackingResult res) { got.set_value(res); });
        EXPECT_EQ(fut.wait_for(5s), std::future_status::ready) << name;
        return fut.get();
    };
    EXPECT_EQ(run("no.such.command", std::nullopt), driver_socket::TrackingResult::Unknown);
    // The sim plugin takes a SET of any variable it publishes, as NUT's dummy-ups does.
    EXPECT_EQ(run("ups.model", std::string("Changed")), driver_socket::TrackingResult::Handled);
    EXPECT_EQ(r.dev->store().value("ups.model").value_or(""), "Changed");
}
