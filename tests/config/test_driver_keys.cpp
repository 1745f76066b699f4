// check_driver_keys: plugin-specific keys against the plugin's declared keys.
#include "helpers.hpp"

using namespace nutpp::config;
using nutpp::config::test::yaml;

namespace {

const std::vector<KeySpec> usb_keys = {
    {"port", KeySpec::Type::String, true, {}},
    {"vendorid", KeySpec::Type::String, false, {}},
    {"interruptonly", KeySpec::Type::Bool, false, {}},
    {"pollfreq", KeySpec::Type::Integer, false, {}},
    {"offdelay", KeySpec::Type::Number, false, {}},
    {"subdriver", KeySpec::Type::Enum, false, {"apc", "cyberpower", "mge"}},
    {"community", KeySpec::Type::String, false, {}, true},
};

// Keys with a declared range (ABI 1.2 NUTPP_KEY_RANGE).
const std::vector<KeySpec> ranged_keys = {
    {"port", KeySpec::Type::String, true, {}},
    {"slaveid", KeySpec::Type::Integer, false, {}, false, std::pair{1.0, 247.0}},
    {"reply_timeout", KeySpec::Type::Number, false, {}, false, std::pair{0.05, 3.0}},
};

DeviceConfig device(const std::string &body) {
    return load_string("devices:\n  ups1:\n    driver: usbhid-ups\n" + body, "t.yaml").devices.at(0);
}

ConfigError check_error(const DeviceConfig &d, const std::vector<KeySpec> &keys) {
    try {
        check_driver_keys(d, "usbhid-ups", keys);
    } catch (const ConfigError &e) {
        return e;
    }
    ADD_FAILURE() << "no error";
    return ConfigError({}, "", "");
}

} // namespace

TEST(ConfigDriverKeys, UnknownKeysAreNotLoadErrors) {
    const DeviceConfig d = device("    port: auto\n    vendorld: 0764\n");
    ASSERT_EQ(d.driver_keys.size(), 1u); // accepted at load time, the plugin is not known yet
    const auto e = check_error(d, usb_keys);
    EXPECT_EQ(e.where.str(), "t.yaml:5:5");
    EXPECT_EQ(e.key, "devices.ups1.vendorld");
    EXPECT_EQ(e.problem, "unknown key for driver 'usbhid-ups'");
    EXPECT_EQ(e.suggestion, "vendorid");
    EXPECT_NE(e.expected.find("vendorid"), std::string::npos) << e.expected;
}

TEST(ConfigDriverKeys, HostKeyTyposSuggestHostKeys) {
    const auto e = check_error(device("    port: auto\n    pollintervall: 3\n"), usb_keys);
    EXPECT_EQ(e.where.str(), "t.yaml:5:5");
    EXPECT_EQ(e.suggestion, "pollinterval");
    EXPECT_STREQ(e.what(), "t.yaml:5:5: devices.ups1.pollintervall: unknown key for driver 'usbhid-ups'; expected a "
                           "host key or one of driver 'usbhid-ups': port, vendorid, interruptonly, pollfreq, offdelay, "
                           "subdriver, community (did you mean 'pollinterval'?)");
}

TEST(ConfigDriverKeys, ValidKeysPass) {
    const DeviceConfig d = device(yaml(R"(
    port: auto
    vendorid: "0764"
    interruptonly:
    pollfreq: 30
    offdelay: 2.5
    subdriver: mge
    community: secret
)"));
    EXPECT_NO_THROW(check_driver_keys(d, "usbhid-ups", usb_keys));
}

TEST(ConfigDriverKeys, TypesChecked) {
    struct Case {
        const char *kv;
        const char *problem;
        const char *expected;
    } cases[] = {
        {"pollfreq: 1.5", "'1.5' is not valid", "a whole number"},
        {"pollfreq: many", "'many' is not valid", "a whole number"},
        {"offdelay: soon", "'soon' is not valid", "a number"},
        {"interruptonly: perhaps", "'perhaps' is not valid", "true/yes/on/1 or false/no/off/0 (or no value)"},
        {"subdriver: MGE", "'MGE' is not valid", "one of apc, cyberpower, mge"},
        {"subdriver: cyberpowr", "'cyberpowr' is not valid", "one of apc, cyberpower, mge"},
    };
    for (const auto &c : cases) {
        const auto e = check_error(device(std::string("    port: auto\n    ") + c.kv + "\n"), usb_keys);
        EXPECT_EQ(e.where.line, 5) << c.kv;
        EXPECT_GT(e.where.column, 5) << c.kv; // the value, not the key
        EXPECT_EQ(e.problem, c.problem) << c.kv;
        EXPECT_EQ(e.expected, c.expected) << c.kv;
    }
    auto e = check_error(device("    port: auto\n    subdriver: cyberpowr\n"), usb_keys);
    EXPECT_EQ(e.where.str(), "t.yaml:5:16");
    EXPECT_EQ(e.suggestion, "cyberpower");
}

TEST(ConfigDriverKeys, SecretValuesNotShown) {
    std::vector<KeySpec> keys = usb_keys;
    keys.push_back({"pin", KeySpec::Type::Integer, false, {}, true});
    const auto e = check_error(device("    port: auto\n    pin: Sup3rSecretPin\n"), keys);
    EXPECT_EQ(e.problem, "invalid value");
    EXPECT_EQ(std::string(e.what()).find("Sup3rSecretPin"), std::string::npos) << e.what();
}

TEST(ConfigDriverKeys, HostKeysDeclaredByPluginAreTypeChecked) {
    const std::vector<KeySpec> keys = {{"port", KeySpec::Type::Integer, true, {}}};
    const auto e = check_error(device("    port: /dev/ttyS0\n"), keys);
    EXPECT_EQ(e.where.str(), "t.yaml:4:11");
    EXPECT_EQ(e.key, "devices.ups1.port");
}

TEST(ConfigDriverKeys, RequiredKeysAtDeviceLocation) {
    std::vector<KeySpec> keys = usb_keys;
    keys.push_back({"serial", KeySpec::Type::String, true, {}});
    const auto e = check_error(device("    port: auto\n"), keys);
    EXPECT_EQ(e.where.str(), "t.yaml:2:3");
    EXPECT_EQ(e.key, "devices.ups1.serial");
    EXPECT_EQ(e.problem, "missing (driver 'usbhid-ups' requires it)");
}

TEST(ConfigDriverKeys, PluginWithoutKeys) {
    const auto e = check_error(device("    port: auto\n    anything: 1\n"), {});
    EXPECT_EQ(e.where.str(), "t.yaml:5:5");
    EXPECT_EQ(e.expected, "no plugin-specific keys (driver 'usbhid-ups' declares none)");
    EXPECT_NO_THROW(check_driver_keys(device("    port: auto\n    desc: x\n"), "usbhid-ups", {}));
}

// The text form the config check reads from `upsdrvd --describe NAME --keys` keeps every field.
TEST(ConfigKeySpecText, RoundTripsEveryField) {
    const std::string text = serialize_key_specs("usbhid-ups", usb_keys);
    std::string plugin;
    const auto back = parse_key_specs(text, plugin);
    EXPECT_EQ(plugin, "usbhid-ups");
    ASSERT_EQ(back.size(), usb_keys.size());
    for (size_t i = 0; i < back.size(); ++i) {
        EXPECT_EQ(back[i].name, usb_keys[i].name);
        EXPECT_EQ(back[i].type, usb_keys[i].type);
        EXPECT_EQ(back[i].required, usb_keys[i].required);
        EXPECT_EQ(back[i].secret, usb_keys[i].secret);
        EXPECT_EQ(back[i].enum_values, usb_keys[i].enum_values);
    }
}

// A declared range (ABI 1.2 NUTPP_KEY_RANGE) is checked with the file's place, before the plugin runs.
TEST(ConfigDriverKeys, RangesAreCheckedWithThePlace) {
    EXPECT_NO_THROW(check_driver_keys(device("    port: auto\n    slaveid: 247\n    reply_timeout: 0.05\n"),
                                      "usbhid-ups", ranged_keys));
    auto e = check_error(device("    port: auto\n    slaveid: 248\n"), ranged_keys);
    EXPECT_EQ(e.where.str(), "t.yaml:5:14");
    EXPECT_EQ(e.key, "devices.ups1.slaveid");
    EXPECT_EQ(e.expected, "a whole number from 1 to 247");
    e = check_error(device("    port: auto\n    reply_timeout: 0.01\n"), ranged_keys);
    EXPECT_EQ(e.expected, "a number from 0.05 to 3");
    e = check_error(device("    port: auto\n    slaveid: x\n"), ranged_keys);
    EXPECT_EQ(e.expected, "a whole number from 1 to 247");
    // The text form the other programs read keeps the ranges, as exact doubles (0.05).
    std::string plugin;
    const auto back = parse_key_specs(serialize_key_specs("p", ranged_keys), plugin);
    ASSERT_EQ(back.size(), ranged_keys.size());
    for (size_t i = 0; i < back.size(); ++i) EXPECT_EQ(back[i].range, ranged_keys[i].range) << back[i].name;
}

TEST(ConfigKeySpecText, RefusesMalformedText) {
    std::string plugin;
    EXPECT_THROW(parse_key_specs("", plugin), std::runtime_error);
    EXPECT_THROW(parse_key_specs("nutpp-keys 1\nkey\tx\tstring\t0\t0\n", plugin), std::runtime_error); // no plugin
    EXPECT_THROW(parse_key_specs("nutpp-keys 1\nplugin\tp\nkey\tx\tfloat\t0\t0\n", plugin), std::runtime_error);
    EXPECT_THROW(serialize_key_specs("p", {{"a\tb", KeySpec::Type::String, false, {}}}), std::runtime_error);
}
