// upsdrvd end to end: the real binary, real plugins (the sim plugin and deliberately broken fixture
// plugins), real driver sockets.
#include "upsdrvd_fixture.hpp"

#include <gtest/gtest.h>

#include <signal.h>

#include <fstream>
#include <thread>

using namespace nutpp;
using namespace std::chrono_literals;
using nutpp::testing::UpsdrvdProcess;

namespace {

std::string fixture(const std::string &name) { return std::string(NUTPP_FIXTURE_DIR) + "/nutpp-" + name + ".so"; }
std::string sim_dev() { return std::string(NUTPP_SIM_DATA_DIR) + "/cp1000avrlcd.dev"; }

std::string device(const std::string &name, const std::string &driver, const std::string &extra = "") {
    return "  " + name + ":\n    driver: " + driver + "\n    port: " + sim_dev() + "\n" + extra;
}

} // namespace

TEST(Upsdrvd, LoadFailuresEachGetOneClearErrorAndOthersRun) {
    UpsdrvdProcess p;
    p.write_config(device("good", "sim") +                                     //
                   device("missing", "nosuchplugin") +                         //
                   device("notelf", std::string(NUTPP_FIXTURE_DIR) + "/not_elf.so") +
                   device("nosym", fixture("no_symbol")) +                     //
                   device("major", fixture("wrong_major")) +                   //
                   device("short", fixture("short_struct")) +                  //
                   device("nullop", fixture("null_op")) +                      //
                   device("createfails", fixture("create_fails")),
                   // The host's own loader messages (isolated devices report the same text from
                   // their worker: Isolation.LoadFailuresOfAnIsolatedPluginAreReported).
                   "isolation: in-process\n");
    p.start();
    ASSERT_TRUE(p.wait_log("running")) << p.log();
    const std::string log = p.log();
    EXPECT_NE(log.find("device 'missing': cannot load plugin 'nosuchplugin': no such file"), std::string::npos) << log;
    EXPECT_NE(log.find("device 'notelf': cannot load plugin"), std::string::npos) << log;
    EXPECT_NE(log.find("invalid ELF header"), std::string::npos) << log;
    EXPECT_NE(log.find("device 'nosym': plugin " + fixture("no_symbol") + ": no entry point 'nutpp_driver_v1'"),
              std::string::npos) << log;
    EXPECT_NE(log.find("device 'major': plugin " + fixture("wrong_major") +
                       ": ABI major version 2 is not supported (this host supports 1)"),
              std::string::npos) << log;
    EXPECT_NE(log.find("device 'short': plugin " + fixture("short_struct") + ": descriptor struct_size 16 is smaller"),
              std::string::npos) << log;
    EXPECT_NE(log.find("device 'nullop': plugin " + fixture("null_op") + ": required op 'poll' is NULL"),
              std::string::npos) << log;
    EXPECT_TRUE(p.wait_log("device 'createfails': create failed: NUTPP_E_CONFIG: simulated create failure: missing widget"))
        << p.log();
    auto st = p.dump("sim", "good");
    EXPECT_TRUE(st.data_ok);
    EXPECT_EQ(st.vars.at("device.model"), "CP1000AVRLCD");
    EXPECT_TRUE(p.running());
}

TEST(Upsdrvd, DescribeReadsTheDescriptor) {
    std::string out;
    ASSERT_EQ(UpsdrvdProcess::run_sync(std::string("--plugin-dir ") + NUTPP_PLUGIN_DIR_FOR_TESTS + " --describe sim", out), 0) << out;
    EXPECT_NE(out.find("plugin:      sim"), std::string::npos) << out;
    EXPECT_NE(out.find("id:          org.nutpp.sim"), std::string::npos) << out;
    EXPECT_NE(out.find("  port (string, required)"), std::string::npos) << out;
    EXPECT_NE(UpsdrvdProcess::run_sync("--describe " + fixture("wrong_major"), out), 0);
    EXPECT_NE(out.find("ABI major version 2"), std::string::npos) << out;
}

TEST(Upsdrvd, PublishesDriverVarsOverridesAndDefaults) {
    UpsdrvdProcess p;
    p.write_config(device("demo", "sim",
                          "    desc: \"Demo\"\n    pollinterval: 1\n"
                          "    override.ups.mfr: Fixed Mfr\n    default.ups.location: Rack 7\n"
                          "    default.ups.model: not used\n"));
    p.start();
    auto st = p.dump("sim", "demo");
    EXPECT_EQ(st.vars.at("driver.name"), "sim");
    EXPECT_EQ(st.vars.at("driver.parameter.port"), sim_dev());
    EXPECT_EQ(st.vars.at("driver.parameter.pollinterval"), "1");
    EXPECT_EQ(st.vars.count("driver.parameter.desc"), 0u);
    EXPECT_EQ(st.vars.at("ups.mfr"), "Fixed Mfr");          // override wins over the device
    EXPECT_EQ(st.vars.at("ups.location"), "Rack 7");        // default fills a gap
    EXPECT_EQ(st.vars.at("ups.model"), "CP1000AVRLCD");     // default never replaces device data
    EXPECT_EQ(st.vars.at("ups.status"), "OL");
}

TEST(Upsdrvd, TwoDevicesOfOnePluginInOneHost) {
    UpsdrvdProcess p;
    p.write_config(device("a", "sim") + device("b", "sim", "    override.ups.id: second\n"));
    p.start();
    // The socket may answer before the first poll: wait until each device has data.
    for (const char *dev : {"a", "b"}) {
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        while (!p.dump("sim", dev).data_ok && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(20ms);
    }
    EXPECT_EQ(p.dump("sim", "a").vars.count("ups.id"), 0u);
    const auto b = p.dump("sim", "b").vars;
    ASSERT_EQ(b.count("ups.id"), 1u) << p.log();
    EXPECT_EQ(b.at("ups.id"), "second");
}

TEST(Upsdrvd, SetAndInstcmdWithTracking) {
    UpsdrvdProcess p;
    p.write_config(device("demo", "sim"));
    p.start();
    p.dump("sim", "demo");
    auto lines = driver_socket::exchange(p.socket("sim", "demo"), "SET ups.delay.shutdown \"60\" TRACKING abc-1",
                                         "TRACKING", 5s);
    EXPECT_EQ(lines.back(), "TRACKING abc-1 0");
    EXPECT_EQ(p.dump("sim", "demo").vars.at("ups.delay.shutdown"), "60");
    lines = driver_socket::exchange(p.socket("sim", "demo"), "SET driver.name \"x\" TRACKING ro", "TRACKING", 5s);
    EXPECT_EQ(lines.back(), "TRACKING ro 1"); // read-only: refused by the store before the plugin
    lines = driver_socket::exchange(p.socket("sim", "demo"), "INSTCMD load.off TRACKING cmd-1", "TRACKING", 5s);
    EXPECT_EQ(lines.back(), "TRACKING cmd-1 1"); // sim (like dummy-ups) lists load.off but does not do it
    lines = driver_socket::exchange(p.socket("sim", "demo"), "INSTCMD no.such.cmd TRACKING cmd-2", "TRACKING", 5s);
    EXPECT_EQ(lines.back(), "TRACKING cmd-2 1");
}

TEST(Upsdrvd, FailingPollGoesStaleThenRecovers) {
    UpsdrvdProcess p;
    p.write_config("  flaky:\n    driver: " + fixture("poll_fails") +
                   "\n    port: none\n    fail_polls: 3\n    pollinterval: 0.2\n    retrydelay: 0.2\n    maxretry: 1\n" +
                   device("good", "sim"));
    p.start();
    EXPECT_TRUE(p.wait_log("device 'flaky': too many failed polls; data is stale")) << p.log();
    EXPECT_TRUE(p.wait_log("device 'flaky': poll failed (1/1): NUTPP_E_IO")) << p.log();
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    bool ok = false;
    while (!ok && std::chrono::steady_clock::now() < deadline) {
        ok = p.dump("poll_fails", "flaky").data_ok;
        std::this_thread::sleep_for(100ms);
    }
    EXPECT_TRUE(ok) << p.log();
    EXPECT_TRUE(p.dump("sim", "good").data_ok);
}

TEST(Upsdrvd, HangingPollIsCaughtByTheWatchdogAndOthersKeepRunning) {
    UpsdrvdProcess p;
    p.write_config("  hang:\n    driver: " + fixture("hangs_in_poll") +
                   "\n    port: none\n    hang_ms: 3000\n    pollinterval: 0.2\n    poll_timeout: 1\n"
                   "    isolation: in-process\n" +
                   device("good", "sim"));
    p.start();
    ASSERT_TRUE(p.wait_log("device 'hang': plugin poll() has not returned after")) << p.log();
    EXPECT_FALSE(p.dump("hangs_in_poll", "hang").data_ok); // stale while it hangs
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_TRUE(p.dump("sim", "good").data_ok);            // the other device answers at once
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 2500ms); // not after the 3 s hang
    ASSERT_TRUE(p.wait_log("device 'hang': plugin poll() returned after")) << p.log();
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    bool ok = false;
    while (!ok && std::chrono::steady_clock::now() < deadline) {
        ok = p.dump("hangs_in_poll", "hang").data_ok;
        std::this_thread::sleep_for(100ms);
    }
    EXPECT_TRUE(ok) << p.log();
}

TEST(Upsdrvd, CppExceptionInPollBecomesAnError) {
    UpsdrvdProcess p;
    p.write_config("  thrower:\n    driver: " + fixture("throws_in_cpp") + "\n    port: none\n    pollinterval: 0.2\n");
    p.start();
    EXPECT_TRUE(p.wait_log("device 'thrower': poll failed (1/1): NUTPP_E_IO")) << p.log();
    std::this_thread::sleep_for(500ms);
    EXPECT_TRUE(p.running());
}

// In-process plugins share upsdrvd's process: a crash in one ends it (plugin isolation is a later
// step). What we promise today is that the log says which plugin, device and call it was, and that
// the process dies of the real signal (exit status 128+11), so supervisors and core dumps see it.
TEST(Upsdrvd, PluginCrashNamesThePluginDeviceAndCall) {
    UpsdrvdProcess p;
    p.write_config("  bad:\n    driver: " + fixture("segv_in_poll") + "\n    port: none\n    pollinterval: 0.2\n    isolation: in-process\n"
                   "    segv_on_poll: 2\n");
    p.start();
    // The fixture must really crash (an optimiser once deleted its null write): the exit says so.
    EXPECT_EQ(p.wait_exit(15s), 128 + SIGSEGV) << p.log();
    EXPECT_NE(p.log().find("upsdrvd: SIGSEGV in plugin segv_in_poll ("), std::string::npos) << p.log();
    EXPECT_NE(p.log().find("device 'bad', during poll()"), std::string::npos) << p.log();
}

TEST(Upsdrvd, HupReloadTouchesOnlyChangedDevices) {
    UpsdrvdProcess p;
    p.write_config(device("keep", "sim") + device("drop", "sim") + device("change", "sim"));
    p.start();
    p.dump("sim", "keep");
    p.dump("sim", "drop");
    p.dump("sim", "change");
    // A client connected to the unchanged device must stay connected through the reload.
    const std::string keep_sock = p.socket("sim", "keep");
    p.write_config(device("keep", "sim") + device("change", "sim", "    pollinterval: 1\n") + device("added", "sim"));
    p.signal(SIGHUP);
    ASSERT_TRUE(p.wait_log("reload done")) << p.log();
    EXPECT_TRUE(p.wait_log("device 'drop': removed from config, stopping"));
    EXPECT_TRUE(p.wait_log("device 'change': config changed, restarting"));
    EXPECT_EQ(p.log().find("device 'keep': config changed"), std::string::npos);
    EXPECT_FALSE(std::filesystem::exists(p.socket("sim", "drop")));
    EXPECT_EQ(p.dump_data("sim", "change").vars.at("driver.parameter.pollinterval"), "1");
    EXPECT_TRUE(p.dump_data("sim", "added").data_ok);
    EXPECT_TRUE(p.dump("sim", "keep").data_ok);
    // A broken config on reload keeps the running one.
    {
        std::ofstream f(p.config_path());
        f << "state_dir: [oops\n";
    }
    p.signal(SIGHUP);
    EXPECT_TRUE(p.wait_log("reload failed, keeping the running configuration")) << p.log();
    EXPECT_TRUE(p.dump("sim", "keep").data_ok);
}

TEST(Upsdrvd, ControlCommandsUseThePidFile) {
    UpsdrvdProcess p;
    p.write_config(device("demo", "sim"));
    p.start();
    p.dump("sim", "demo");
    std::string out;
    EXPECT_EQ(UpsdrvdProcess::run_sync("-f " + p.config_path() + " -c reload", out), 0) << out;
    EXPECT_TRUE(p.wait_log("reload done")) << p.log();
    EXPECT_EQ(UpsdrvdProcess::run_sync("-f " + p.config_path() + " -c stop", out), 0) << out;
    EXPECT_EQ(p.wait_exit(10s), 0) << p.log();
    EXPECT_FALSE(std::filesystem::exists(p.socket("sim", "demo")));
    EXPECT_NE(UpsdrvdProcess::run_sync("-f " + p.config_path() + " -c stop", out), 0);
    EXPECT_NE(out.find("not running"), std::string::npos) << out;
}

TEST(Upsdrvd, DumpPrintsLikeUpsc) {
    UpsdrvdProcess p;
    p.write_config(device("demo", "sim"));
    p.start();
    p.dump("sim", "demo");
    std::string out;
    ASSERT_EQ(UpsdrvdProcess::run_sync("-f " + p.config_path() + " --dump demo", out), 0) << out;
    EXPECT_NE(out.find("battery.charge: 100\nbattery.charge.low: 10\n"), std::string::npos) << out;
    EXPECT_NE(out.find("ups.status: OL\n"), std::string::npos) << out;
}

TEST(Upsdrvd, ConfigErrorsNameFileLineColumn) {
    UpsdrvdProcess p;
    p.write_config(device("demo", "sim", "    polinterval: 2\n"));
    std::string out;
    // An unknown device key is reported by the plugin key check with location and a suggestion.
    p.start();
    EXPECT_TRUE(p.wait_log(p.config_path() + ":")) << p.log();
    EXPECT_TRUE(p.wait_log("did you mean 'pollinterval'")) << p.log();
    EXPECT_NE(p.wait_exit(5s), 0);
    {
        std::ofstream f(p.config_path());
        f << "state_dir: /tmp\ndevices:\n  demo: {driver: sim, port: x\n";
    }
    EXPECT_NE(UpsdrvdProcess::run_sync("-F -f " + p.config_path(), out), 0);
    EXPECT_NE(out.find(p.config_path() + ":"), std::string::npos) << out;
}

TEST(Upsdrvd, TermStopsCleanly) {
    UpsdrvdProcess p;
    p.write_config(device("demo", "sim"));
    p.start();
    p.dump("sim", "demo");
    p.signal(SIGTERM);
    EXPECT_EQ(p.wait_exit(10s), 0) << p.log();
    EXPECT_FALSE(std::filesystem::exists(p.socket("sim", "demo")));
}

TEST(Upsdrvd, NoDevicesIsAnError) {
    UpsdrvdProcess p;
    p.write_config("");
    p.start();
    EXPECT_TRUE(p.wait_log("no devices defined in " + p.config_path() + ": nothing to run")) << p.log();
    EXPECT_EQ(p.wait_exit(5s), 1) << p.log();
}
