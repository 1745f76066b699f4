// The built nutpp-sim.so, loaded with dlopen and driven through a FakeHost: descriptor, .dev loading,
// setvar, instant commands and error handling.
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>

#include "dev_file.hpp"
#include "sim_fixture.hpp"

using namespace nutpp::test;

namespace {

const nutpp_config_key *key(const nutpp_driver_descriptor &d, const char *name) {
    for (uint32_t i = 0; i < d.config_key_count; ++i) {
        auto *k = reinterpret_cast<const nutpp_config_key *>(reinterpret_cast<const char *>(d.config_keys) +
                                                             size_t(i) * d.config_key_size);
        if (std::strcmp(k->name, name) == 0) return k;
    }
    return nullptr;
}

std::string lower(std::string s) {
    for (auto &c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

} // namespace

TEST_F(SimPlugin, Descriptor) {
    const auto &d = plugin_->descriptor();
    EXPECT_STREQ(d.id, "org.nutpp.sim");
    EXPECT_STREQ(d.name, "sim");
    EXPECT_EQ(d.abi_major, NUTPP_ABI_MAJOR);
    EXPECT_EQ(d.struct_size, sizeof(nutpp_driver_descriptor));
    EXPECT_EQ(d.transports, uint32_t(NUTPP_TRANSPORT_SIM | NUTPP_TRANSPORT_NETWORK));
    EXPECT_EQ(d.config_key_size, sizeof(nutpp_config_key));
    for (uint32_t i = 0; i < d.config_key_count; ++i) {
        const auto &k = d.config_keys[i];
        EXPECT_TRUE(k.description && std::strlen(k.description) > 10) << k.name;
    }
    const auto *port = key(d, "port");
    ASSERT_NE(port, nullptr);
    EXPECT_TRUE(port->flags & NUTPP_KEY_REQUIRED);
    const auto *mode = key(d, "mode");
    ASSERT_NE(mode, nullptr);
    EXPECT_EQ(mode->type, NUTPP_TYPE_ENUM);
    EXPECT_EQ(mode->default_value, nullptr); // chosen from port
    std::set<std::string> modes;
    for (auto v = mode->enum_values; v && *v; ++v) modes.insert(*v);
    EXPECT_EQ(modes, (std::set<std::string>{"dummy-once", "dummy-loop", "dummy", "repeater"}));
    const auto *strict = key(d, "repeater_disable_strict_start");
    ASSERT_NE(strict, nullptr);
    EXPECT_EQ(strict->type, NUTPP_TYPE_BOOL);
    ASSERT_NE(d.commands, nullptr);
    EXPECT_STREQ(d.commands[0], "load.off");
    EXPECT_EQ(d.commands[1], nullptr);
}

TEST_F(SimPlugin, ExportsOnlyTheDescriptor) {
    EXPECT_NE(plugin_->symbol("nutpp_driver_v1"), nullptr);
    // Internal functions stay hidden (nutpp::sim::parse_dev), also those of the statically linked
    // support library (nutpp::support::split_words).
    EXPECT_EQ(plugin_->symbol("_ZN5nutpp3sim9parse_devESt17basic_string_viewIcSt11char_traitsIcEE"), nullptr);
    EXPECT_EQ(plugin_->symbol("_ZN5nutpp7support11split_wordsB5cxx11ESt17basic_string_viewIcSt11char_traitsIcEE"),
              nullptr);
}

TEST_F(SimPlugin, LoadsTheSampleDumpLikeDummyUps) {
    open(data_dir() + "/cp1000avrlcd.dev");
    auto &h = host();
    EXPECT_EQ(h.status(), "OL");
    EXPECT_EQ(h.value("ups.mfr"), "CPS"); // the file overrides the "Dummy Manufacturer" default
    EXPECT_EQ(h.value("battery.charge"), "100");
    EXPECT_EQ(h.value("ups.test.result"), "No test initiated");
    EXPECT_EQ(h.value("driver.parameter.mode"), "dummy-once");
    EXPECT_EQ(h.cmds, (std::set<std::string, CaseLess>{"load.off"}));
    // Declarations as NUT 2.8.0 dummy-ups reports them (upsrw transcript).
    ASSERT_TRUE(h.decls.count("battery.charge"));
    EXPECT_EQ(h.decls["battery.charge"].type, NUTPP_TYPE_NUMBER);
    EXPECT_TRUE(h.decls["battery.charge"].writable());
    EXPECT_EQ(h.decls["battery.charge.warning"].type, NUTPP_TYPE_STRING);
    EXPECT_EQ(h.decls["battery.charge.warning"].max_length, 32u);
    EXPECT_EQ(h.decls["ups.firmware"].max_length, 16u);
    EXPECT_EQ(h.decls["output.voltage.nominal"].type, NUTPP_TYPE_STRING);
    EXPECT_EQ(h.decls["ups.status"].max_length, 32u);
    EXPECT_TRUE(h.decls["ups.status"].writable());
    // Every variable of the file is there and declared writable (38 + driver.parameter.mode).
    EXPECT_EQ(h.vars.size(), 39u);
    for (const auto &[name, value] : h.vars)
        if (name.rfind("driver.", 0) != 0) {
            EXPECT_TRUE(h.decls.count(name) && h.decls[name].writable()) << name;
        }
    EXPECT_EQ(inst_->poll(NUTPP_WAKE_FIRST), NUTPP_OK);
    EXPECT_EQ(h.vars.size(), 39u);
}

TEST_F(SimPlugin, EmptyFileGivesDummyDefaults) {
    open(file("empty.dev", "# nothing\n"));
    EXPECT_EQ(host().value("ups.mfr"), "Dummy Manufacturer");
    EXPECT_EQ(host().value("ups.model"), "Dummy UPS");
    EXPECT_EQ(host().status(), "OL");
    EXPECT_EQ(host().vars.size(), 4u); // + driver.parameter.mode
}

TEST_F(SimPlugin, DriverVariablesAreNotImported) {
    open(file("d.dev", "driver.name: usbhid-ups\ndriver.parameter.port: auto\nDriver.Version: 2.8.0\nups.load: 3\n"));
    EXPECT_FALSE(host().has("driver.name"));
    EXPECT_FALSE(host().has("driver.parameter.port"));
    EXPECT_FALSE(host().has("driver.version"));
    EXPECT_EQ(host().value("ups.load"), "3");
}

TEST_F(SimPlugin, ConfiguredModeIsNotRepublished) {
    open(file("m.dev", "ups.load: 3\n"), "dummy-loop");
    EXPECT_FALSE(host().has("driver.parameter.mode")); // the host publishes configured keys itself
    open(file("m.seq", "ups.load: 3\n"));
    EXPECT_EQ(host().value("driver.parameter.mode"), "dummy-loop");
    open(file("m.txt", "ups.load: 3\n"));
    EXPECT_EQ(host().value("driver.parameter.mode"), "dummy");
}

// Every file of the DDL sample set loads and exposes its variables: what the file says, with
// driver.* left out and empty values meaning "no such variable" (dummy-ups' rule).
TEST_F(SimPlugin, EveryDdlFileLoads) {
    ASSERT_TRUE(std::filesystem::exists(ddl_dir() + "/index.csv")) << ddl_dir();
    size_t files = 0;
    for (const auto &e : read_ddl_index(ddl_dir())) {
        SCOPED_TRACE(e.file);
        const std::string path = ddl_dir() + "/" + e.file;
        std::string error;
        int err = 0;
        auto parsed = nutpp::sim::load_dev_file(path, error, err);
        ASSERT_TRUE(parsed.has_value()) << error;

        std::map<std::string, std::string, CaseLess> expected = {
            {"ups.mfr", "Dummy Manufacturer"}, {"ups.model", "Dummy UPS"}, {"ups.status", "OL"}};
        for (const auto &it : parsed->steps[0].items) {
            if (lower(it.name).rfind("driver.", 0) == 0) continue;
            if (it.value.empty() && lower(it.name) != "ups.status") expected.erase(it.name);
            else expected[it.name] = it.value;
        }

        auto &inst = open(path);
        ASSERT_EQ(inst.poll(NUTPP_WAKE_FIRST), NUTPP_OK);
        auto &h = host();
        for (const auto &[name, value] : expected) EXPECT_EQ(h.value(name), value) << name;
        for (const auto &[name, value] : h.vars)
            if (name != "driver.parameter.mode") {
                EXPECT_TRUE(expected.count(name)) << "unexpected " << name;
            }
        EXPECT_EQ(h.vars.size(), expected.size() + 1);
        EXPECT_EQ(h.logs_containing(path + ":"), 0u) << "parse problems were logged";
        ++files;
    }
    EXPECT_GE(files, 50u);
}

TEST_F(SimPlugin, SetvarAppliesValues) {
    auto &inst = open(data_dir() + "/cp1000avrlcd.dev");
    auto &h = host();
    EXPECT_EQ(inst.setvar("battery.charge", "55"), NUTPP_OK);
    EXPECT_EQ(h.value("battery.charge"), "55");
    EXPECT_EQ(inst.setvar("ups.status", "OB  DISCHRG LB"), NUTPP_OK);
    EXPECT_EQ(h.status(), "OB DISCHRG LB");
    EXPECT_EQ(inst.setvar("ups.alarm", "Overheat"), NUTPP_OK);
    EXPECT_EQ(h.value("ups.alarm"), "Overheat");
    EXPECT_EQ(h.status(), "ALARM OB DISCHRG LB");
    EXPECT_EQ(inst.setvar("ups.alarm", ""), NUTPP_OK);
    EXPECT_FALSE(h.has("ups.alarm"));
    EXPECT_EQ(h.status(), "OB DISCHRG LB");
    // dummy-once keeps a set value across polls.
    EXPECT_EQ(inst.poll(), NUTPP_OK);
    EXPECT_EQ(h.value("battery.charge"), "55");
    EXPECT_EQ(h.status(), "OB DISCHRG LB");
}

TEST_F(SimPlugin, EmptyValueDeletes) {
    auto &inst = open(file("e.dev", "ups.load: 12\nups.macaddr: \ndevice.model:\nups.id: x\n"));
    auto &h = host();
    EXPECT_FALSE(h.has("ups.macaddr"));
    EXPECT_FALSE(h.has("device.model"));
    EXPECT_EQ(inst.setvar("ups.load", ""), NUTPP_OK);
    EXPECT_FALSE(h.has("ups.load"));
    EXPECT_EQ(h.calls_starting("delete_var ups.load"), 1u);
    EXPECT_EQ(inst.setvar("ups.load", "7"), NUTPP_OK); // and it can come back, declared again
    EXPECT_EQ(h.value("ups.load"), "7");
    EXPECT_EQ(h.decls["ups.load"].type, NUTPP_TYPE_NUMBER);
}

TEST_F(SimPlugin, SetvarRejectsDriverVariables) {
    auto &inst = open(file("x.dev", "ups.load: 1\n"));
    EXPECT_EQ(inst.setvar("driver.name", "evil"), NUTPP_E_UNSUPPORTED);
    EXPECT_NE(host().take_error().find("driver.name"), std::string::npos);
}

TEST_F(SimPlugin, LoadOffIsAdvertisedButUnsupported) {
    auto &inst = open(file("x.dev", "ups.load: 1\n"));
    EXPECT_TRUE(host().cmds.count("load.off"));
    EXPECT_EQ(inst.instcmd("load.off"), NUTPP_E_UNSUPPORTED);
    EXPECT_NE(host().take_error().find("load.off"), std::string::npos);
    EXPECT_EQ(inst.instcmd("beeper.enable", "x"), NUTPP_E_UNSUPPORTED);
}

TEST_F(SimPlugin, MissingFileFailsOpenNamingIt) {
    const std::string missing = (dir_.path() / "missing.dev").string();
    auto &inst = make(missing);
    ASSERT_EQ(inst.create_status(), NUTPP_OK); // create() does no I/O
    EXPECT_EQ(inst.open(), NUTPP_E_NO_DEVICE);
    EXPECT_NE(host().last_error.find(missing), std::string::npos) << host().last_error;
    // Once the file appears, the host's next open() works.
    file("missing.dev", "ups.load: 4\n");
    EXPECT_EQ(inst.open(), NUTPP_OK);
    EXPECT_EQ(host().value("ups.load"), "4");
}

TEST_F(SimPlugin, DirectoryAsPortIsAConfigError) {
    auto &inst = make(dir_.path().string(), "dummy-once");
    ASSERT_TRUE(inst.created());
    EXPECT_EQ(inst.open(), NUTPP_E_CONFIG);
    EXPECT_NE(host().last_error.find(dir_.path().string()), std::string::npos);
}

TEST_F(SimPlugin, BadConfigFailsCreate) {
    auto &a = make("");
    EXPECT_EQ(a.create_status(), NUTPP_E_CONFIG);
    EXPECT_NE(host().last_error.find("port"), std::string::npos);
    auto &b = make("x.dev", "meta");
    EXPECT_EQ(b.create_status(), NUTPP_E_CONFIG);
    EXPECT_NE(host().last_error.find("meta"), std::string::npos);
}

TEST_F(SimPlugin, RelativePortUsesConfdir) {
    file("rel.dev", "ups.load: 42\n");
    ::setenv("NUTPP_CONFDIR", dir_.path().c_str(), 1);
    open("rel.dev");
    ::unsetenv("NUTPP_CONFDIR");
    EXPECT_EQ(host().value("ups.load"), "42");
}

TEST_F(SimPlugin, MalformedLinesAreLoggedNotFatal) {
    auto &inst = open(file("bad.dev", "ups.load: 5\nthis line has no colon\nx: \"a#b\"\nTIMER\n\x01\x02\xff: 3\n"
                                      "ups.status: OB\n"));
    auto &h = host();
    EXPECT_EQ(h.value("ups.load"), "5");
    EXPECT_GE(h.logs_containing("bad.dev:2:"), 1u);
    EXPECT_GE(h.logs_containing("bad.dev:3:"), 1u);
    EXPECT_GE(h.logs_containing("bad.dev:4:"), 1u);
    EXPECT_GE(h.logs_containing("bad.dev:5:"), 1u);
    EXPECT_EQ(inst.poll(), NUTPP_OK); // TIMER (0 s) then the OB step
    EXPECT_EQ(h.status(), "OB");
}

TEST_F(SimPlugin, OverlongValuesAreCut) {
    open(file("long.dev", "ups.id: " + std::string(300, 'x') + "\n"));
    EXPECT_EQ(host().value("ups.id"), std::string(255, 'x'));
    EXPECT_GE(host().logs_containing("cut to 255"), 1u);
}

TEST_F(SimPlugin, ReopenRepublishesEverything) {
    auto &inst = open(data_dir() + "/cp1000avrlcd.dev");
    const size_t n = host().vars.size();
    inst.close();
    host().vars.clear(); // the host drops the device's data between close and open
    host().decls.clear();
    host().cmds.clear();
    EXPECT_EQ(inst.open(), NUTPP_OK);
    EXPECT_EQ(host().vars.size(), n);
    EXPECT_TRUE(host().cmds.count("load.off"));
    EXPECT_TRUE(host().decls.count("battery.charge"));
}
