// `devices:` and the driver globals.
#include "helpers.hpp"

using namespace nutpp::config;
using nutpp::config::test::error_of;
using nutpp::config::test::yaml;

namespace {
std::vector<std::string> keys_of(const Settings &s) {
    std::vector<std::string> out;
    for (const auto &[k, v] : s) out.push_back(k);
    return out;
}
} // namespace

TEST(ConfigDevices, OrderKeptAndGlobalsInherited) {
    const Config c = load_string(yaml(R"(
devices:
  zeta: { driver: sim, port: a }
  alpha: { driver: sim, port: b, maxretry: 4, retrydelay: 0.5, poll_timeout: 9, maxstartdelay: 10 }
  mid: { driver: sim, port: c, synchronous: on, user: nut, group: dialout, debug_min: 2 }
pollinterval: 7      # written after the devices, still applies to them
retrydelay: 3
synchronous: no
user: nutpp
)"),
                                 "t.yaml");
    ASSERT_EQ(c.devices.size(), 3u);
    EXPECT_EQ(c.devices[0].name, "zeta");
    EXPECT_EQ(c.devices[1].name, "alpha");
    EXPECT_EQ(c.devices[2].name, "mid");
    const auto &z = c.devices[0];
    EXPECT_EQ(z.pollinterval, 7);
    EXPECT_EQ(z.retrydelay, 3);
    EXPECT_EQ(z.maxretry, 1);
    EXPECT_EQ(z.poll_timeout, 5);
    EXPECT_EQ(z.maxstartdelay, 75);
    EXPECT_EQ(z.synchronous, "no");
    EXPECT_EQ(z.user, "nutpp");
    EXPECT_EQ(z.sdorder, 0);
    EXPECT_FALSE(z.nolock);
    EXPECT_FALSE(z.ignorelb);
    const auto &a = c.devices[1];
    EXPECT_EQ(a.maxretry, 4);
    EXPECT_EQ(a.retrydelay, 0.5);
    EXPECT_EQ(a.poll_timeout, 9);
    EXPECT_EQ(a.maxstartdelay, 10);
    const auto &m = c.devices[2];
    EXPECT_EQ(m.synchronous, "yes");
    EXPECT_EQ(m.user, "nut");
    EXPECT_EQ(m.group, "dialout");
    EXPECT_EQ(m.debug_min, 2);
}

TEST(ConfigDevices, HostKeysDriverKeysAndAllKeys) {
    const Config c = load_string(yaml(R"(
devices:
  ups1:
    driver: usbhid-ups
    vendorid: "0764"
    port: auto
    nolock:
    ignorelb: yes
    sdorder: -1
    sdcommands: shutdown.return,shutdown.stayoff
    allow_killpower: true
    override.ups.mfr: ACME
    default:
      battery.charge.low: 20
      input.transfer.low: 90
    override:
      ups.model: Big One
    pollfreq: 30
    explore:
)"),
                                 "t.yaml");
    const auto &d = c.devices.at(0);
    EXPECT_TRUE(d.nolock); // a bare flag, as in ups.conf
    EXPECT_TRUE(d.ignorelb);
    EXPECT_EQ(d.sdorder, -1);
    EXPECT_EQ(d.sdcommands, (std::vector<std::string>{"shutdown.return", "shutdown.stayoff"}));
    EXPECT_TRUE(d.allow_killpower);
    EXPECT_EQ(keys_of(d.overrides), (std::vector<std::string>{"ups.mfr", "ups.model"}));
    EXPECT_EQ(d.overrides[0].second.value, "ACME");
    EXPECT_EQ(d.overrides[0].second.where.str(), "t.yaml:11:23");
    EXPECT_EQ(d.overrides[1].second.value, "Big One");
    EXPECT_EQ(keys_of(d.defaults), (std::vector<std::string>{"battery.charge.low", "input.transfer.low"}));
    EXPECT_EQ(d.defaults[0].second.value, "20");
    // Only the plugin's keys, in file order; an empty value is "" (a bare flag).
    EXPECT_EQ(keys_of(d.driver_keys), (std::vector<std::string>{"vendorid", "pollfreq", "explore"}));
    EXPECT_EQ(d.driver_keys[0].second.value, "0764");
    EXPECT_EQ(d.driver_keys[0].second.where.str(), "t.yaml:4:15");
    EXPECT_EQ(d.driver_keys[0].second.key_at.str(), "t.yaml:4:5");
    EXPECT_EQ(d.driver_keys[2].second.value, "");
    EXPECT_EQ(keys_of(d.all_keys),
              (std::vector<std::string>{"driver", "vendorid", "port", "nolock", "ignorelb", "sdorder", "sdcommands",
                                        "allow_killpower", "override.ups.mfr", "default.battery.charge.low",
                                        "default.input.transfer.low", "override.ups.model", "pollfreq", "explore"}));
    ASSERT_NE(d.find("ignorelb"), nullptr);
    EXPECT_EQ(d.find("ignorelb")->value, "yes"); // as written
    EXPECT_EQ(d.find("sdorder")->value, "-1");
    EXPECT_EQ(d.find("nolock")->value, "");
    EXPECT_EQ(d.find("nope"), nullptr);
}

TEST(ConfigDevices, SdcommandsAsList) {
    const Config c = load_string("devices:\n  u: {driver: x, port: y, sdcommands: [load.off, shutdown.return]}\n", "t");
    EXPECT_EQ(c.devices[0].sdcommands, (std::vector<std::string>{"load.off", "shutdown.return"}));
    EXPECT_EQ(c.devices[0].find("sdcommands")->value, "load.off,shutdown.return");
}

TEST(ConfigDevices, MissingDriverOrPortAtDevice) {
    auto e = error_of(yaml(R"(
devices:
  ok: { driver: sim, port: x }
  broken:
    port: /dev/ttyS0
)"));
    EXPECT_EQ(e.where.str(), "t.yaml:3:3");
    EXPECT_EQ(e.key, "devices.broken.driver");
    EXPECT_EQ(e.problem, "missing");
    e = error_of("devices:\n  u: { driver: sim }\n");
    EXPECT_EQ(e.where.str(), "t.yaml:2:3");
    EXPECT_EQ(e.key, "devices.u.port");
    e = error_of("devices:\n  u:\n");
    EXPECT_EQ(e.where.str(), "t.yaml:2:3");
    EXPECT_EQ(e.problem, "has no settings");
    e = error_of("devices:\n  u: usbhid-ups\n");
    EXPECT_EQ(e.where.str(), "t.yaml:2:6");
    EXPECT_EQ(e.problem, "is not a map");
    e = error_of("devices: [a, b]\n");
    EXPECT_EQ(e.where.str(), "t.yaml:1:10");
    EXPECT_EQ(e.key, "devices");
    EXPECT_EQ(e.problem, "is a list");
}

TEST(ConfigDevices, NamesValidated) {
    auto e = error_of("devices:\n  \"my ups\": { driver: sim, port: x }\n");
    EXPECT_EQ(e.where.str(), "t.yaml:2:3");
    EXPECT_EQ(e.problem, "invalid device name");
    EXPECT_EQ(e.key, "devices.<key>");
    e = error_of("devices:\n  a/b: { driver: sim, port: x }\n");
    EXPECT_EQ(e.where.str(), "t.yaml:2:3");
    e = error_of("devices:\n  default: { driver: sim, port: x }\n");
    EXPECT_EQ(e.problem, "'default' is reserved");
    // NUT compares UPS names case-insensitively.
    e = error_of("devices:\n  Demo: { driver: sim, port: x }\n  demo: { driver: sim, port: y }\n");
    EXPECT_EQ(e.where.str(), "t.yaml:3:3");
    EXPECT_EQ(e.problem, "duplicate key (first written at t.yaml:2:3)");
    EXPECT_NE(e.expected.find("case-insensitively"), std::string::npos);
    // Driver names become file names: no path tricks.
    for (const char *bad : {"../evil", ".hidden", "a b", "x/y", "/opt/../etc/x.so", "/opt/x.txt"}) {
        e = error_of(std::string("devices:\n  u: { port: x, driver: \"") + bad + "\" }\n");
        EXPECT_EQ(e.where.str(), "t.yaml:2:25") << bad;
        EXPECT_EQ(e.problem, "invalid driver name") << bad;
    }
    // An absolute path to a plugin module is accepted (out-of-tree plugins, tests).
    EXPECT_EQ(load_string("devices:\n  u: { port: x, driver: /opt/drivers/nutpp-x.so }\n", "t.yaml").devices.at(0).driver,
              "/opt/drivers/nutpp-x.so");
}

TEST(ConfigDevices, DuplicateKeysAndVariables) {
    auto e = error_of(yaml(R"(
devices:
  u:
    driver: sim
    port: a
    port: b
)"));
    EXPECT_EQ(e.where.str(), "t.yaml:5:5");
    EXPECT_EQ(e.key, "devices.u.port");
    EXPECT_EQ(e.problem, "duplicate key (first written at t.yaml:4:5)");
    // The same override in the flat and the nested form.
    e = error_of(yaml(R"(
devices:
  u:
    driver: sim
    port: a
    override.ups.mfr: A
    override: { ups.mfr: B }
)"));
    EXPECT_EQ(e.where.str(), "t.yaml:6:17");
    EXPECT_EQ(e.key, "devices.u.override.ups.mfr");
    EXPECT_EQ(e.problem, "duplicate override for 'ups.mfr' (first written at t.yaml:5:5)");
    e = error_of("devices:\n  u: { driver: sim, port: a, override.: x }\n");
    EXPECT_EQ(e.where.str(), "t.yaml:2:30");
    EXPECT_EQ(e.problem, "invalid variable name");
    e = error_of("devices:\n  u: { driver: sim, port: a, default.ups.mfr: }\n");
    EXPECT_EQ(e.where.str(), "t.yaml:2:30");
    EXPECT_EQ(e.problem, "has no value");
    e = error_of("devices:\n  u: { driver: sim, port: a, override: x }\n");
    EXPECT_EQ(e.where.str(), "t.yaml:2:40");
    EXPECT_EQ(e.problem, "is not a map");
}

TEST(ConfigDevices, ValuesValidated) {
    struct Case {
        const char *kv;
        const char *problem;
    } cases[] = {
        {"pollinterval: 0", "'0' is out of range"},
        {"pollinterval: fast", "'fast' is not a number"},
        {"pollinterval: .nan", "'.nan' is not a number"},
        {"pollinterval: nan", "'nan' is not a number"},
        {"maxretry: 1.5", "'1.5' is not a whole number"},
        {"maxretry: 0", "'0' is out of range"},
        {"sdorder: -2", "'-2' is out of range"},
        {"nolock: maybe", "'maybe' is not a boolean"},
        {"synchronous: sometimes", "'sometimes' is not valid"},
        {"user: \"bad user\"", "invalid name"},
        {"poll_timeout: 0", "'0' is out of range"},
        {"desc: [a]", "is a list"},
        {"vendorid: [1, 2]", "is a list"},
        {"sdcommands: \"bad cmd!\"", "invalid command name"},
        {"desc: \"two\\nlines\"", "contains a control character (line break, tab, ...)"},
        {"override.ups.mfr: \"a\\tb\"", "contains a control character (line break, tab, ...)"},
        {"vendorid: \"\\x01\"", "contains a control character (line break, tab, ...)"},
    };
    for (const auto &c : cases) {
        const auto e = error_of(std::string("devices:\n  u:\n    driver: sim\n    port: a\n    ") + c.kv + "\n");
        EXPECT_EQ(e.where.line, 5) << c.kv;
        EXPECT_EQ(e.problem, c.problem) << c.kv;
    }
    // Exact message for one of them.
    const auto e = error_of("devices:\n  u: { driver: sim, port: a, pollinterval: 0.01 }\n");
    EXPECT_STREQ(e.what(), "t.yaml:2:44: devices.u.pollinterval: '0.01' is out of range; expected a number from 0.05 to "
                           "86400");
}

TEST(ConfigDevices, GlobalValuesValidated) {
    auto e = error_of("maxretry: -1\n");
    EXPECT_EQ(e.where.str(), "t.yaml:1:11");
    EXPECT_EQ(e.key, "maxretry");
    e = error_of("\nsynchronous: sure\n");
    EXPECT_EQ(e.where.str(), "t.yaml:2:14");
    EXPECT_EQ(e.expected, "auto, yes or no");
}

TEST(ConfigDevices, EmptyDevicesSection) {
    EXPECT_TRUE(load_string("devices:\n", "t").devices.empty());
    EXPECT_TRUE(load_string("devices: {}\n", "t").devices.empty());
}

TEST(ConfigDevices, IsolationAndMemoryLimit) {
    const Config c = load_string(yaml(R"(
isolation: process
memory_limit: 64M
devices:
  a: { driver: x, port: y }
  b: { driver: x, port: y, isolation: in-process, memory_limit: 1G }
  c: { driver: x, port: y, isolation: auto, memory_limit: 33554432 }
)"), "t");
    EXPECT_EQ(c.devices[0].isolation, Isolation::Process); // inherited
    EXPECT_EQ(c.devices[0].memory_limit, 64ull << 20);
    EXPECT_EQ(c.devices[1].isolation, Isolation::InProcess);
    EXPECT_EQ(c.devices[1].memory_limit, 1ull << 30);
    EXPECT_EQ(c.devices[2].isolation, Isolation::Auto);
    EXPECT_EQ(c.devices[2].memory_limit, 32ull << 20);
    EXPECT_EQ(load_string("devices:\n  u: { driver: x, port: y }\n", "t").devices[0].isolation, Isolation::Auto);

    auto e = error_of("devices:\n  u: { driver: x, port: y, isolation: sandbox }\n");
    EXPECT_EQ(e.where.str(), "t.yaml:2:39");
    EXPECT_EQ(e.key, "devices.u.isolation");
    EXPECT_NE(e.expected.find("auto, in-process or process"), std::string::npos);
    e = error_of("devices:\n  u: { driver: x, port: y, memory_limit: 12X }\n");
    EXPECT_EQ(e.key, "devices.u.memory_limit");
    EXPECT_NE(e.problem.find("is not a size"), std::string::npos);
    e = error_of("memory_limit: 1M\ndevices:\n  u: { driver: x, port: y }\n");
    EXPECT_EQ(e.where.str(), "t.yaml:1:15");
    EXPECT_EQ(e.problem, "is below 16M");
    e = error_of("devices:\n  u: { driver: x, port: y, memory_limit: -5M }\n");
    EXPECT_EQ(e.key, "devices.u.memory_limit");
}
