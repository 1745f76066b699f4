// isolation: process, end to end: a misbehaving plugin (crash, hang, leak, log flood) runs in a
// worker beside a healthy sim device in one real upsdrvd, served by our real upsd on loopback. The
// healthy device must answer GET VAR with fresh data every 100 ms throughout; the bad one goes stale
// and its worker is restarted with a doubling backoff.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <thread>

#include <signal.h>

#include "driver_socket/dump_client.hpp"
#include "upsd_fixture.hpp"
#include "upsdrvd_fixture.hpp"
#include "wait_until.hpp"

using namespace std::chrono_literals;
using namespace nutpp::testing;

namespace {

std::string fixture(const std::string &name) { return std::string(NUTPP_FIXTURE_DIR) + "/nutpp-" + name + ".so"; }
std::string sim_dev() { return std::string(NUTPP_SIM_DATA_DIR) + "/cp1000avrlcd.dev"; }
const std::string kTop = "server:\n  listen: [\"127.0.0.1:{PORT}\"]\n  maxage: 5\n";

std::string good_device() { return "  good:\n    driver: sim\n    port: " + sim_dev() + "\n    pollinterval: 0.5\n"; }

size_t count(const std::string &hay, const std::string &needle) {
    size_t n = 0;
    for (size_t p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
    return n;
}

// Asks upsd for good's ups.status every 100 ms for `how_long` while `also` runs each round; returns
// the answers that were not a fresh value.
struct Watch {
    std::vector<std::string> bad_answers;
    int rounds = 0;
};
Watch watch_good(uint16_t port, std::chrono::milliseconds how_long, const std::function<void()> &also = {}) {
    Watch w;
    RawConn c(port);
    const auto until = std::chrono::steady_clock::now() + how_long;
    while (std::chrono::steady_clock::now() < until) {
        const std::string r = c.ask("GET VAR good ups.status");
        if (r.rfind("VAR good ups.status \"", 0) != 0) w.bad_answers.push_back(r);
        ++w.rounds;
        if (also) also();
        std::this_thread::sleep_for(100ms);
    }
    std::cout << "[ info ] healthy device: " << (w.rounds - int(w.bad_answers.size())) << " of " << w.rounds
              << " GET VAR answers fresh\n";
    return w;
}

// The pid of upsdrvd's worker for `device` (its command line is "upsdrvd --worker=<device>"), 0 if none.
// The worker of `device` under this test's upsdrvd (tests running at the same time may have
// workers of the same device name).
int worker_pid(const UpsdrvdProcess &drivers, const std::string &device) {
    for (const auto &e : std::filesystem::directory_iterator("/proc")) {
        const std::string name = e.path().filename();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        std::ifstream st(e.path() / "stat");
        std::string line;
        std::getline(st, line);
        const auto close = line.rfind(')');
        int ppid = 0;
        if (close == std::string::npos || std::sscanf(line.c_str() + close + 1, " %*c %d", &ppid) != 1 ||
            ppid != drivers.pid())
            continue;
        std::ifstream f(e.path() / "cmdline");
        std::string cmd((std::istreambuf_iterator<char>(f)), {});
        if (cmd.find(std::string("--worker=") + device + '\0') != std::string::npos &&
            cmd.find(UPSDRVD_BIN) == 0)
            return std::stoi(name);
    }
    return 0;
}

} // namespace

// The fixture really crashes (SIGSEGV at its 2nd poll in every worker), and the crash stays in the
// worker: upsd keeps serving `good` fresh, `bad` is stale, and the restarts back off 1, 2, 4 s.
TEST(Isolation, CrashLoopLeavesTheHealthyDeviceFreshAndBacksOff) {
    UpsdrvdProcess drivers;
    const std::string devices = good_device() + "  bad:\n    driver: " + fixture("segv_in_poll") +
                                "\n    port: none\n    pollinterval: 0.2\n    segv_on_poll: 2\n";
    auto upsd = start_yaml_stack(drivers, kTop, devices, "good");
    bool saw_stale = false;
    std::set<std::string> bad_said;
    const auto w = watch_good(upsd->port(), 5s, [&] {
        RawConn c(upsd->port());
        const std::string r = c.ask("GET VAR bad ups.status");
        bad_said.insert(r);
        saw_stale |= r == "ERR DATA-STALE";
    });
    EXPECT_TRUE(w.bad_answers.empty()) << w.bad_answers.size() << " of " << w.rounds << " failed, first: "
                                       << w.bad_answers.front() << "\n" << drivers.log();
    EXPECT_TRUE(saw_stale) << ::testing::PrintToString(bad_said) << drivers.log();
    EXPECT_TRUE(drivers.running()) << "upsdrvd itself died:\n" << drivers.log();
    const std::string log = drivers.log();
    EXPECT_NE(log.find("SIGSEGV in plugin segv_in_poll"), std::string::npos) << log; // it really crashed
    EXPECT_NE(log.find("was killed by SIGSEGV; data stale, next worker in 1.0 s"), std::string::npos) << log;
    EXPECT_NE(log.find("was killed by SIGSEGV (2 times in a row); data stale, next worker in 2.0 s"), std::string::npos) << log;
    // The same failure again is logged at 1, 2, 4, 8 ... repetitions only (4 s, then 8 s backoff).
    EXPECT_TRUE(drivers.wait_log("(4 times in a row); data stale, next worker in 8.0 s", 8s)) << drivers.log();
    EXPECT_EQ(drivers.log().find("(3 times in a row)"), std::string::npos) << drivers.log();
}

// A plugin that crashes twice and then works: the device comes back by itself, fresh through upsd.
TEST(Isolation, CrashedDeviceComesBackAfterRestarts) {
    UpsdrvdProcess drivers;
    const std::string counter = drivers.dir().string() + "/crashes";
    const std::string devices = good_device() + "  bad:\n    driver: " + fixture("segv_in_poll") +
                                "\n    port: none\n    pollinterval: 0.2\n    segv_on_poll: 2\n    crash_file: " +
                                counter + "\n    crashes: 2\n";
    auto upsd = start_yaml_stack(drivers, kTop, devices, "good");
    const auto t0 = std::chrono::steady_clock::now();
    ASSERT_TRUE(drivers.wait_log("(2 times in a row)", 10s)) << drivers.log();
    EXPECT_TRUE(upsd->wait_value("bad", "ups.status", 10s)) << drivers.log() << upsd->log();
    const auto recovered = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::cout << "[ info ] bad fresh again " << recovered << " s after the first crash was logged\n";
    RawConn c(upsd->port());
    EXPECT_EQ(c.ask("GET VAR bad ups.status"), "VAR bad ups.status \"OL\"");
    EXPECT_EQ(count(drivers.log(), "was killed by SIGSEGV"), 2u) << drivers.log();
}

// A poll that never returns: the worker marks the data stale, ends itself at poll_timeout, and a
// fresh worker replaces it; the healthy device never waits.
TEST(Isolation, HungPluginCallEndsTheWorkerNotTheHost) {
    UpsdrvdProcess drivers;
    const std::string devices = good_device() + "  hang:\n    driver: " + fixture("hangs_in_poll") +
                                "\n    port: none\n    pollinterval: 0.2\n    poll_timeout: 1\n    hang_ms: 600000\n";
    auto upsd = start_yaml_stack(drivers, kTop, devices, "good");
    const auto w = watch_good(upsd->port(), 4s);
    EXPECT_TRUE(w.bad_answers.empty()) << w.bad_answers.front() << "\n" << drivers.log();
    EXPECT_TRUE(drivers.wait_log("ended itself: a plugin call overran poll_timeout", 5s)) << drivers.log();
    EXPECT_TRUE(drivers.wait_log("hangs_in_poll: blocking in poll()", 1s)) << drivers.log();
    // Each fresh worker's first poll succeeds and publishes, so the data is fresh again for a moment
    // after every restart: wait for the stale answer rather than sampling once. A host that never
    // marks a hung call stale never gives it.
    RawConn c(upsd->port());
    std::string answer;
    wait_until([&] { return (answer = c.ask("GET VAR hang ups.status")) == "ERR DATA-STALE"; }, 6s);
    EXPECT_EQ(answer, "ERR DATA-STALE") << drivers.log();
}

// A plugin that leaks: with memory_limit its allocations fail, it aborts, and the log says it was at
// its limit. Without the limit the same fixture keeps growing (checked first, so the test shows the
// fixture leaks for real).
TEST(Isolation, LeakingPluginIsStoppedByItsMemoryLimit) {
    UpsdrvdProcess drivers;
    const std::string devices = good_device() + "  leak:\n    driver: " + fixture("leaks_in_poll") +
                                "\n    port: none\n    pollinterval: 0.1\n    leak_mib: 8\n    memory_limit: 96M\n";
    auto upsd = start_yaml_stack(drivers, kTop, devices, "good");
    const auto w = watch_good(upsd->port(), 3s);
    EXPECT_TRUE(w.bad_answers.empty()) << w.bad_answers.front() << "\n" << drivers.log();
    ASSERT_TRUE(drivers.wait_log("was killed by SIGABRT", 10s)) << drivers.log();
    const std::string log = drivers.log();
    EXPECT_NE(log.find("leaks_in_poll: out of memory, aborting"), std::string::npos) << log;
    EXPECT_NE(log.find("near its memory_limit"), std::string::npos) << log;
}

TEST(Isolation, LeakFixtureReallyGrowsWithoutALimit) {
    UpsdrvdProcess drivers;
    drivers.write_config("  leak:\n    driver: " + fixture("leaks_in_poll") +
                         "\n    port: none\n    pollinterval: 0.1\n    leak_mib: 4\n");
    drivers.start();
    ASSERT_TRUE(drivers.wait_log("running 1 device")) << drivers.log();
    int pid = 0;
    for (int i = 0; i < 50 && !pid; ++i, std::this_thread::sleep_for(100ms)) pid = worker_pid(drivers, "leak");
    ASSERT_GT(pid, 0);
    const long first = rss_kib(pid);
    long later = first;
    // 4 MiB every 0.1 s: 20 MiB within a few seconds even on a loaded machine.
    for (int i = 0; i < 100 && later - first <= 20 * 1024; ++i, std::this_thread::sleep_for(100ms)) later = rss_kib(pid);
    EXPECT_GT(later - first, 20 * 1024) << first << " KiB -> " << later << " KiB";
}

// A plugin logging thousands of lines per poll (through the host and straight to stderr): what
// reaches upsdrvd's log is bounded and says how much was dropped; the device itself is served.
TEST(Isolation, LogFloodIsBoundedAndCounted) {
    UpsdrvdProcess drivers;
    const std::string devices = good_device() + "  noisy:\n    driver: " + fixture("floods_log") +
                                "\n    port: none\n    pollinterval: 0.2\n    lines_per_poll: 2000\n";
    auto upsd = start_yaml_stack(drivers, kTop, devices, "good");
    const auto w = watch_good(upsd->port(), 3s);
    EXPECT_TRUE(w.bad_answers.empty()) << w.bad_answers.front();
    const std::string log = drivers.log();
    const size_t flood = count(log, "floods_log: ");
    // ~15 polls x 4000 lines were written; the limits let through a burst and then a trickle.
    std::cout << "[ info ] flood lines in upsdrvd's log: " << flood << "\n";
    EXPECT_LT(flood, 1500u) << "log lines of the flood that got through";
    EXPECT_GT(flood, 100u);
    EXPECT_NE(log.find("suppressed"), std::string::npos);
    RawConn c(upsd->port());
    EXPECT_EQ(c.ask("GET VAR noisy ups.status"), "VAR noisy ups.status \"OL\"");
}

// Commands to an isolated device: same TRACKING result as the in-process one; the socket is the
// same kind of driver socket (upsd cannot tell).
TEST(Isolation, CommandsReachAnIsolatedDeviceWithTheirResult) {
    UpsdrvdProcess drivers;
    drivers.write_config("  inproc:\n    driver: sim\n    port: " + sim_dev() + "\n" +
                         "  iso:\n    driver: sim\n    port: " + sim_dev() + "\n    isolation: process\n");
    drivers.start();
    const auto a = drivers.dump_data("sim", "inproc");
    const auto b = drivers.dump_data("sim", "iso");
    EXPECT_EQ(a.commands, b.commands);
    for (const auto &[k, v] : a.vars)
        if (k.rfind("driver.", 0) != 0 && k != "ups.status") {
            EXPECT_EQ(b.vars.count(k), 1u) << k;
        }
    auto ask = [&](const std::string &dev, const std::string &line) {
        const auto lines = nutpp::driver_socket::exchange(drivers.socket("sim", dev), line, "TRACKING", 5s);
        return lines.empty() ? std::string("<none>") : lines.back();
    };
    // The sim declares load.off but refuses it (NUT's dummy-ups does too): result 1 either way.
    EXPECT_EQ(ask("inproc", "INSTCMD load.off TRACKING t1"), "TRACKING t1 1");
    EXPECT_EQ(ask("iso", "INSTCMD load.off TRACKING t1"), "TRACKING t1 1");
    EXPECT_EQ(ask("inproc", "INSTCMD no.such.cmd TRACKING t3"), ask("iso", "INSTCMD no.such.cmd TRACKING t3"));
    EXPECT_EQ(ask("inproc", "SET ups.delay.shutdown 30 TRACKING t4"), ask("iso", "SET ups.delay.shutdown 30 TRACKING t4"));
    EXPECT_GT(worker_pid(drivers, "iso"), 0);
    EXPECT_EQ(worker_pid(drivers, "inproc"), 0);
}

// Reload restarts only the worker whose device changed; the other keeps its process.
TEST(Isolation, ReloadRestartsOnlyChangedWorkers) {
    UpsdrvdProcess drivers;
    auto dev = [](const std::string &name, const std::string &poll) {
        return "  " + name + ":\n    driver: sim\n    port: " + sim_dev() + "\n    isolation: process\n    pollinterval: " +
               poll + "\n";
    };
    drivers.write_config(dev("keep", "1") + dev("change", "1"));
    drivers.start();
    drivers.dump_data("sim", "keep");
    drivers.dump_data("sim", "change");
    const int keep = worker_pid(drivers, "keep"), change = worker_pid(drivers, "change");
    ASSERT_GT(keep, 0);
    ASSERT_GT(change, 0);
    drivers.write_config(dev("keep", "1") + dev("change", "2"));
    drivers.signal(SIGHUP);
    ASSERT_TRUE(drivers.wait_log("reload done")) << drivers.log();
    EXPECT_EQ(drivers.dump_data("sim", "change").vars.at("driver.parameter.pollinterval"), "2");
    EXPECT_EQ(worker_pid(drivers, "keep"), keep);
    const int changed = worker_pid(drivers, "change");
    EXPECT_GT(changed, 0);
    EXPECT_NE(changed, change);
    // Stopping upsdrvd ends its workers too.
    drivers.signal(SIGTERM);
    EXPECT_EQ(drivers.wait_exit(10s), 0) << drivers.log();
    EXPECT_EQ(worker_pid(drivers, "keep"), 0);
    EXPECT_EQ(worker_pid(drivers, "change"), 0);
}

// upsdrvd -k sends an isolated device's shutdown commands from its worker.
TEST(Isolation, KillPowerWorksForAnIsolatedDevice) {
    UpsdrvdProcess drivers;
    drivers.write_config("  iso:\n    driver: sim\n    port: " + sim_dev() +
                         "\n    isolation: process\n    sdcommands: load.off\n");
    std::string out;
    // The sim refuses load.off (as NUT's dummy-ups): the refusal comes from the plugin in the worker.
    EXPECT_EQ(UpsdrvdProcess::run_sync("-f " + drivers.config_path() + " -k", out), 1) << out;
    EXPECT_NE(out.find("device 'iso': INSTCMD load.off failed: NUTPP_E_UNSUPPORTED: sim: instant command load.off is "
                       "not supported"),
              std::string::npos) << out;
    EXPECT_NE(out.find("device 'iso': load.off failed"), std::string::npos) << out;
}
