// upsdrvd end to end, continued: what the host does for every plugin (device.* mirrors, ignorelb,
// secret keys, -a), event-driven polls (watched fds, request_poll), and reload with a client attached.
#include "upsdrvd_fixture.hpp"

#include <gtest/gtest.h>

#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

using namespace nutpp;
using namespace std::chrono_literals;
using nutpp::testing::UpsdrvdProcess;

namespace {

std::string fixture(const std::string &name) { return std::string(NUTPP_FIXTURE_DIR) + "/nutpp-" + name + ".so"; }

// A .dev file in the test's dir; returns its path.
std::string write_dev(const UpsdrvdProcess &p, const std::string &name, const std::string &text) {
    const auto path = (p.dir() / name).string();
    std::ofstream(path) << text;
    return path;
}

std::string sim_device(const std::string &name, const std::string &port, const std::string &extra = "") {
    return "  " + name + ":\n    driver: sim\n    port: " + port + "\n" + extra;
}

// Polls the device until `var` has `value` (or the timeout passes); returns the last value seen.
std::string wait_var(const UpsdrvdProcess &p, const std::string &driver, const std::string &dev,
                     const std::string &var, const std::string &value, std::chrono::milliseconds timeout = 5s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string seen;
    do {
        auto st = p.dump(driver, dev);
        auto it = st.vars.find(var);
        seen = it == st.vars.end() ? "<unset>" : it->second;
        if (seen == value) break;
        std::this_thread::sleep_for(20ms);
    } while (std::chrono::steady_clock::now() < deadline);
    return seen;
}

// A raw connection to a driver socket, held open by the test.
struct RawClient {
    int fd = -1;
    explicit RawClient(const std::string &path) {
        fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un a{};
        a.sun_family = AF_UNIX;
        path.copy(a.sun_path, sizeof a.sun_path - 1);
        if (::connect(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0) {
            ::close(fd);
            fd = -1;
        }
    }
    ~RawClient() {
        if (fd >= 0) ::close(fd);
    }
    // Sends PING and reads until PONG arrives (other lines may come first); false on EOF/timeout.
    bool ping(std::chrono::milliseconds timeout = 3s) const {
        if (::send(fd, "PING\n", 5, MSG_NOSIGNAL) != 5) return false;
        timeval tv{long(timeout.count() / 1000), long(timeout.count() % 1000) * 1000};
        ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        std::string got;
        char buf[4096];
        for (;;) {
            const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
            if (n <= 0) return false;
            got.append(buf, size_t(n));
            if (got.find("PONG\n") != std::string::npos) return true;
        }
    }
};

} // namespace

TEST(UpsdrvdHost, DeviceMirrorsFollowOverridesAndDefaults) {
    UpsdrvdProcess p;
    const auto dev = write_dev(p, "plain.dev", "ups.mfr: Plain Mfr\nups.model: P1\nups.status: OL\n");
    p.write_config(sim_device("u", dev, "    override.ups.mfr: Fixed Mfr\n    default.ups.serial: SN-42\n"));
    p.start();
    const auto st = p.dump("sim", "u");
    EXPECT_EQ(st.vars.at("ups.mfr"), "Fixed Mfr");
    EXPECT_EQ(st.vars.at("device.mfr"), "Fixed Mfr"); // the mirror follows the override, not the device
    EXPECT_EQ(st.vars.at("device.model"), "P1");      // plain mirror
    EXPECT_EQ(st.vars.at("ups.serial"), "SN-42");
    EXPECT_EQ(st.vars.at("device.serial"), "SN-42");  // defaults are mirrored too
    EXPECT_EQ(st.vars.at("device.type"), "ups");
}

TEST(UpsdrvdHost, IgnoreLbDecidesLowBatteryFromThresholds) {
    UpsdrvdProcess p;
    const std::string body = "battery.charge: 5\nbattery.charge.low: 10\nbattery.runtime: 900\n"
                             "battery.runtime.low: 120\nups.status: OL\n";
    p.write_config(sim_device("low", write_dev(p, "low.dev", body), "    ignorelb: true\n") +
                   sim_device("plain", write_dev(p, "plain.dev", body)));
    p.start();
    const auto low = p.dump("sim", "low");
    EXPECT_EQ(low.vars.at("ups.status"), "OL LB"); // charge 5 < low 10
    EXPECT_EQ(low.vars.at("driver.flag.ignorelb"), "enabled"); // NUT's name for a set flag
    EXPECT_EQ(low.vars.count("driver.parameter.ignorelb"), 0u);
    EXPECT_EQ(p.dump("sim", "plain").vars.at("ups.status"), "OL");  // without ignorelb: the device's word
}

TEST(UpsdrvdHost, SecretKeysAreNeverPublished) {
    UpsdrvdProcess p;
    const auto dev = write_dev(p, "s.dev", "ups.status: OL\n");
    p.write_config(sim_device("s", dev, "    username: upsuser\n    password: hunter2-secret\n"));
    p.start();
    const auto st = p.dump("sim", "s");
    EXPECT_EQ(st.vars.at("driver.parameter.username"), "upsuser");
    EXPECT_EQ(st.vars.count("driver.parameter.password"), 0u);
    for (const auto &line : st.raw) EXPECT_EQ(line.find("hunter2"), std::string::npos) << line;
    EXPECT_EQ(p.log().find("hunter2"), std::string::npos) << p.log();
}

TEST(UpsdrvdHost, OnlyDeviceFlagRunsJustThatDevice) {
    UpsdrvdProcess p;
    const auto dev = write_dev(p, "a.dev", "ups.status: OL\n");
    p.write_config(sim_device("one", dev) + sim_device("two", dev));
    p.start("-a two");
    EXPECT_EQ(p.dump("sim", "two").vars.at("ups.status"), "OL");
    EXPECT_FALSE(std::filesystem::exists(p.socket("sim", "one")));
    std::string out;
    EXPECT_NE(UpsdrvdProcess::run_sync("-f " + p.config_path() + " -a nosuch", out), 0);
    EXPECT_NE(out.find("no device 'nosuch'"), std::string::npos) << out;
}

TEST(UpsdrvdHost, WatchedFdAndRequestPollWakeThePlugin) {
    UpsdrvdProcess p;
    // A 600 s poll interval: any poll after the first is caused by an event.
    p.write_config("  ev:\n    driver: " + fixture("fd_events") + "\n    port: none\n    pollinterval: 600\n");
    p.start();
    EXPECT_EQ(wait_var(p, "fd_events", "ev", "fd.wakes", "0"), "0");
    auto lines = driver_socket::exchange(p.socket("fd_events", "ev"), "INSTCMD test.fd.write TRACKING w1", "TRACKING", 5s);
    EXPECT_EQ(lines.back(), "TRACKING w1 0");
    EXPECT_EQ(wait_var(p, "fd_events", "ev", "fd.wakes", "1"), "1") << p.log();
    lines = driver_socket::exchange(p.socket("fd_events", "ev"), "INSTCMD test.request.poll TRACKING r1", "TRACKING", 5s);
    EXPECT_EQ(lines.back(), "TRACKING r1 0");
    EXPECT_EQ(wait_var(p, "fd_events", "ev", "request.wakes", "1"), "1") << p.log();
    EXPECT_EQ(p.dump("fd_events", "ev").vars.at("fd.wakes"), "1"); // the request did not fake an fd wake
}

TEST(UpsdrvdHost, ReloadKeepsClientsOfUnchangedDevicesConnected) {
    UpsdrvdProcess p;
    const auto dev = write_dev(p, "k.dev", "ups.status: OL\n");
    p.write_config(sim_device("keep", dev) + sim_device("change", dev));
    p.start();
    p.dump("sim", "keep");
    RawClient keep(p.socket("sim", "keep"));
    RawClient change(p.socket("sim", "change"));
    ASSERT_TRUE(keep.ping());
    ASSERT_TRUE(change.ping());
    p.write_config(sim_device("keep", dev) + sim_device("change", dev, "    pollinterval: 1\n"));
    p.signal(SIGHUP);
    ASSERT_TRUE(p.wait_log("reload done")) << p.log();
    EXPECT_TRUE(keep.ping()) << "the client of the unchanged device was dropped";
    EXPECT_FALSE(change.ping()) << "the restarted device kept its old socket";
}

TEST(UpsdrvdHost, ReloadWithANewStateDirMovesEveryDevice) {
    UpsdrvdProcess p;
    const auto dev = write_dev(p, "m.dev", "ups.status: OL\n");
    p.write_config(sim_device("a", dev) + sim_device("b", dev));
    p.start();
    p.dump("sim", "a");
    p.dump("sim", "b");
    const auto moved = (p.dir() / "moved").string();
    {
        std::ofstream f(p.config_path());
        f << "state_dir: " << moved << "\nplugin_dir: " << NUTPP_PLUGIN_DIR_FOR_TESTS << "\ndevices:\n"
          << sim_device("a", dev) << sim_device("b", dev);
    }
    p.signal(SIGHUP);
    ASSERT_TRUE(p.wait_log("reload done")) << p.log();
    EXPECT_TRUE(p.wait_log("device 'b': state_dir or plugin_dir changed, restarting")) << p.log();
    for (const char *name : {"a", "b"}) {
        EXPECT_FALSE(std::filesystem::exists(p.socket("sim", name))) << name;
        EXPECT_EQ(UpsdrvdProcess::dump_data_at(moved + "/sim-" + std::string(name)).vars.at("ups.status"), "OL") << name;
    }
}
