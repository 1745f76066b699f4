// A plugin named by path (`driver: /path/to/nutpp-mysim.so`, README) reached three ways: upsdrvd
// serves it, `upsdrvd --dump` reads it and our upsd serves it. Each used to derive the socket name
// on its own (descriptor name, file stem, file name with ".so"), so upsd answered "Driver not
// connected". The sim plugin is copied under a name that differs from its descriptor's ("sim") to
// show the name comes from the configured path, which upsd can know without loading the plugin.
#include "upsd_fixture.hpp"
#include "upsdrvd_fixture.hpp"

#include <gtest/gtest.h>

#include <filesystem>

using namespace std::chrono_literals;
using namespace nutpp::testing;
namespace fs = std::filesystem;

TEST(PathPlugin, ServedByUpsdrvdDumpAndUpsdUnderOneName) {
    UpsdrvdProcess drivers;
    const fs::path so = drivers.dir() / "nutpp-mysim.so";
    fs::copy_file(fs::path(NUTPP_PLUGIN_DIR_FOR_TESTS) / "nutpp-sim.so", so);
    const std::string devices = "  demo:\n    driver: " + so.string() + "\n    port: " + std::string(NUTPP_SIM_DATA_DIR) +
                                "/cp1000avrlcd.dev\n    desc: \"by path\"\n";
    drivers.write_config(devices);
    drivers.start();

    // upsdrvd: <state_dir>/mysim-demo, not sim-demo (the descriptor's name).
    const auto st = drivers.dump_data("mysim", "demo"); // a worker process: the first poll comes a moment later
    EXPECT_EQ(st.vars.count("ups.status"), 1u) << drivers.log();
    EXPECT_EQ(st.vars.at("driver.name"), "sim");
    EXPECT_FALSE(fs::exists(drivers.socket("sim", "demo")));

    // upsdrvd --dump finds the same socket.
    std::string out;
    EXPECT_EQ(UpsdrvdProcess::run_sync("-f " + drivers.config_path() + " --dump demo", out), 0) << out;
    EXPECT_NE(out.find("ups.status: OL"), std::string::npos) << out;

    // Our upsd finds it too.
    const std::string dir = drivers.dir().string() + "/upsd";
    fs::create_directories(dir);
    YamlUpsd upsd(dir, "state_dir: " + drivers.state_dir() + "\nserver:\n  listen: [\"127.0.0.1:{PORT}\"]\n" +
                           "devices:\n" + devices);
    ASSERT_TRUE(upsd.wait_value("demo", "ups.status", 10s)) << upsd.log();
    RawConn c(upsd.port());
    EXPECT_EQ(c.ask("GET VAR demo ups.status"), "VAR demo ups.status \"OL\"");
    EXPECT_EQ(c.ask("GET UPSDESC demo"), "UPSDESC demo \"by path\"");
}
