// NUT's publishing rules (core/host/nut_normalizer.hpp) without running a plugin: the sim plugin's
// descriptor (its keys and flags) and a store, as every runner uses them.
#include "inprocess_support.hpp"

#include "host/nut_normalizer.hpp"

#include <gtest/gtest.h>

using namespace nutpp;
using namespace nutpp::testing;

namespace {

struct Normalized {
    HostDir dir;
    config::Config cfg;
    std::shared_ptr<host::Plugin> plugin;
    store::VarStore store;
    std::unique_ptr<host::NutNormalizer> nut;
    explicit Normalized(const std::string &device_keys) {
        cfg = dir.load("  u:\n    driver: sim\n    port: x.dev\n" + device_keys);
        plugin = host::Plugin::load("sim", NUTPP_PLUGIN_DIR_FOR_TESTS);
        nut = std::make_unique<host::NutNormalizer>(cfg.devices.at(0), *plugin, store);
    }
    std::string get(const std::string &name) { return store.value(name).value_or("<unset>"); }
};

} // namespace

TEST(NutNormalizer, OverridesWinAndMirrorToDevice) {
    Normalized n("    override.ups.mfr: Acme\n    default.ups.model: Guess\n    default.battery.charge: 50\n");
    n.nut->publish_start();
    EXPECT_EQ(n.get("driver.name"), "sim");
    EXPECT_EQ(n.get("driver.parameter.port"), "x.dev");
    EXPECT_EQ(n.get("ups.mfr"), "Acme");
    EXPECT_EQ(n.get("device.mfr"), "Acme");
    n.nut->plugin_set("ups.mfr", "FromPlugin"); // an override is immutable
    EXPECT_EQ(n.get("ups.mfr"), "Acme");
    n.nut->plugin_set("ups.model", "Real");
    n.nut->apply_defaults(); // the plugin's value stays; what it did not set takes the default
    EXPECT_EQ(n.get("ups.model"), "Real");
    EXPECT_EQ(n.get("device.model"), "Real");
    EXPECT_EQ(n.get("battery.charge"), "50");
    EXPECT_EQ(n.get("device.type"), "ups");
}

TEST(NutNormalizer, DeviceVarsSetByThePluginAreNotOverwrittenByTheMirror) {
    Normalized n("");
    n.nut->publish_start();
    n.nut->plugin_set("device.serial", "DEV1");
    n.nut->plugin_set("ups.serial", "UPS1");
    EXPECT_EQ(n.get("device.serial"), "DEV1");
    EXPECT_EQ(n.get("ups.serial"), "UPS1");
}

TEST(NutNormalizer, UnknownCommandsAndBadSetsAreAnsweredWithoutThePlugin) {
    Normalized n("");
    n.nut->publish_start();
    driver_socket::Request cmd;
    cmd.kind = driver_socket::Request::Kind::InstCmd;
    cmd.name = "no.such.command";
    EXPECT_EQ(n.nut->check_request(cmd), driver_socket::TrackingResult::Unknown);
    driver_socket::Request set;
    set.kind = driver_socket::Request::Kind::Set;
    set.name = "driver.name"; // read-only
    set.value = "x";
    EXPECT_EQ(n.nut->check_request(set), driver_socket::TrackingResult::Unknown);
}
