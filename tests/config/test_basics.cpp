// Error format, suggestions, file handling, YAML syntax errors and the full example config.
#include "helpers.hpp"

#include <sys/stat.h>

using namespace nutpp::config;
using nutpp::config::test::error_of;
using nutpp::config::test::TempDir;
using nutpp::config::test::yaml;

TEST(ConfigLocation, StrIsFileLineColumn) {
    EXPECT_EQ((Location{"a.yaml", 3, 7}).str(), "a.yaml:3:7");
    EXPECT_EQ((Location{"a.yaml", 0, 0}).str(), "a.yaml");
}

TEST(ConfigError, WhatHasAllParts) {
    const ConfigError e(Location{"f.yaml", 2, 5}, "server.maxage", "'x' is not a whole number", "a whole number >= 1");
    EXPECT_STREQ(e.what(), "f.yaml:2:5: server.maxage: 'x' is not a whole number; expected a whole number >= 1");
    const ConfigError s(Location{"f.yaml", 1, 1}, "pollintervall", "unknown key", "a key", "pollinterval");
    EXPECT_STREQ(s.what(), "f.yaml:1:1: pollintervall: unknown key; expected a key (did you mean 'pollinterval'?)");
    const ConfigError bare(Location{"f.yaml", 4, 2}, "", "YAML syntax error: boom");
    EXPECT_STREQ(bare.what(), "f.yaml:4:2: YAML syntax error: boom");
}

TEST(ConfigSuggest, DistanceCountsTranspositionsAsOne) {
    EXPECT_EQ(edit_distance("driver", "drvier"), 1u);
    EXPECT_EQ(edit_distance("port", "prot"), 1u);
    EXPECT_EQ(edit_distance("maxage", "maxage"), 0u);
    EXPECT_EQ(edit_distance("POLLFREQ", "pollfreq"), 0u); // case-insensitive
    EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
    EXPECT_EQ(edit_distance("", "abc"), 3u);
}

TEST(ConfigSuggest, PicksClosePlausibleCandidate) {
    const std::vector<std::string> keys = {"pollinterval", "port", "driver", "desc", "maxretry"};
    EXPECT_EQ(suggest("pollintervall", keys), "pollinterval");
    EXPECT_EQ(suggest("drvier", keys), "driver");
    EXPECT_EQ(suggest("prot", keys), "port");
    EXPECT_EQ(suggest("MAXRETRY", keys), "maxretry");
    EXPECT_EQ(suggest("vendorid", keys), "");  // nothing close
    EXPECT_EQ(suggest("x", keys), "");         // too short to guess
    EXPECT_EQ(suggest(std::string(1000, 'a'), keys), "");
    EXPECT_EQ(suggest("abc", {}), "");
}

TEST(ConfigLoad, EmptyDocumentGivesDefaults) {
    for (const char *text : {"", "# only a comment\n", "~\n"}) {
        const Config c = load_string(text, "t.yaml");
        EXPECT_EQ(c.file, "t.yaml");
        EXPECT_EQ(c.state_dir, "/run/nutpp");
        EXPECT_EQ(c.plugin_dir, "");
        EXPECT_TRUE(c.devices.empty());
        EXPECT_TRUE(c.users.empty());
        EXPECT_EQ(c.driver_defaults.pollinterval, 2);
        EXPECT_EQ(c.driver_defaults.maxretry, 1);
        EXPECT_EQ(c.driver_defaults.retrydelay, 5);
        EXPECT_EQ(c.driver_defaults.maxstartdelay, 75);
        EXPECT_EQ(c.driver_defaults.poll_timeout, 5);
        EXPECT_EQ(c.server.maxage, 15);
        EXPECT_EQ(c.server.trackingdelay, 3600);
        ASSERT_EQ(c.server.listen.size(), 2u);
        EXPECT_EQ(c.server.listen[0].host, "127.0.0.1");
        EXPECT_EQ(c.server.listen[1].host, "::1");
        EXPECT_EQ(c.server.listen[1].port, 3493);
        EXPECT_FALSE(c.server.listen_configured);
        EXPECT_EQ(c.monitor.pollfreq, 5);
        EXPECT_EQ(c.monitor.finaldelay, 5);
        EXPECT_EQ(c.monitor.rbwarntime, 43200);
    }
}

TEST(ConfigLoad, SyntaxErrorHasPosition) {
    auto e = error_of(yaml(R"(
server:
  listen: [127.0.0.1, ::1
maxage: 3
)"));
    EXPECT_EQ(e.where.str(), "t.yaml:3:7"); // where yaml-cpp gives up: the ':' inside the open list
    EXPECT_EQ(e.key, "");
    EXPECT_NE(std::string(e.what()).find("YAML syntax error"), std::string::npos) << e.what();

    e = error_of("a: b: c\n");
    EXPECT_EQ(e.where.str(), "t.yaml:1:5");
    e = error_of("server:\n\tmaxage: 3\n"); // tab indentation
    EXPECT_EQ(e.where.line, 2);
    EXPECT_NE(std::string(e.what()).find("YAML syntax error"), std::string::npos);
}

TEST(ConfigLoad, TopLevelMustBeOneMap) {
    auto e = error_of("- a\n- b\n");
    EXPECT_EQ(e.where.str(), "t.yaml:1:1");
    EXPECT_EQ(e.problem, "the top level is not a map");
    e = error_of("state_dir: /run/a\n---\nstate_dir: /run/b\n");
    EXPECT_EQ(e.where.str(), "t.yaml:3:1");
    EXPECT_EQ(e.problem, "a second YAML document");
}

TEST(ConfigLoad, UnknownTopLevelKeySuggests) {
    auto e = error_of("state_dir: /run/x\nplugin_dri: /usr/lib\n");
    EXPECT_EQ(e.where.str(), "t.yaml:2:1");
    EXPECT_EQ(e.key, "plugin_dri");
    EXPECT_EQ(e.suggestion, "plugin_dir");
    EXPECT_NE(std::string(e.what()).find("(did you mean 'plugin_dir'?)"), std::string::npos);

    e = error_of("statepath: /run/nut\n"); // NUT's name
    EXPECT_EQ(e.where.str(), "t.yaml:1:1");
    EXPECT_EQ(e.suggestion, "state_dir");

    e = error_of("\n\n  # comment\nMONITOR: {}\n");
    EXPECT_EQ(e.where.str(), "t.yaml:4:1");
    EXPECT_EQ(e.suggestion, "monitor");
}

TEST(ConfigLoad, DuplicateKeyReportedAtSecond) {
    const auto e = error_of(yaml(R"(
state_dir: /run/a
pollinterval: 3
state_dir: /run/b
)"));
    EXPECT_EQ(e.where.str(), "t.yaml:3:1");
    EXPECT_EQ(e.key, "state_dir");
    EXPECT_EQ(e.problem, "duplicate key (first written at t.yaml:1:1)");
}

TEST(ConfigLoad, PathsMustBeAbsolute) {
    auto e = error_of("state_dir: run/nutpp\n");
    EXPECT_EQ(e.where.str(), "t.yaml:1:12");
    EXPECT_EQ(e.expected, "an absolute path");
    e = error_of("plugin_dir:\n");
    EXPECT_EQ(e.where.str(), "t.yaml:1:1"); // an empty value is reported at its key
    EXPECT_EQ(e.problem, "has no value");
    e = error_of("state_dir: [a]\n");
    EXPECT_EQ(e.where.str(), "t.yaml:1:12");
    EXPECT_EQ(e.problem, "is a list");
}

TEST(ConfigLoadFile, MissingDirectoryAndFifoAreErrors) {
    TempDir dir;
    auto expect_file_error = [](const std::string &path, const std::string &problem) {
        try {
            load_file(path);
            ADD_FAILURE() << "loaded " << path;
        } catch (const ConfigError &e) {
            EXPECT_EQ(e.where.file, path);
            EXPECT_EQ(e.where.line, 0);
            EXPECT_EQ(e.problem, problem);
            EXPECT_EQ(std::string(e.what()).rfind(path + ": ", 0), 0u) << e.what();
        }
    };
    expect_file_error(dir.path() + "/nope.yaml", "cannot open: No such file or directory");
    expect_file_error(dir.path(), "not a regular file");
    const std::string fifo = dir.path() + "/fifo";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    expect_file_error(fifo, "not a regular file"); // and it does not hang
    expect_file_error(dir.write("big.yaml", std::string(5 * 1024 * 1024, '#')), "larger than 4 MiB");
}

TEST(ConfigLoadFile, ErrorsNameTheFile) {
    TempDir dir;
    const std::string p = dir.write("nutpp.yaml", "server:\n  maxage: 0\n");
    try {
        load_file(p);
        FAIL();
    } catch (const ConfigError &e) {
        EXPECT_EQ(std::string(e.what()), p + ":2:11: server.maxage: '0' is out of range; expected a whole number >= 1");
    }
}

// The configuration shown in the project brief, with every section kind.
TEST(ConfigLoadFile, FullExampleParses) {
    TempDir dir;
    dir.write("monuser.secret", "hunter2\n");
    const std::string p = dir.write("nutpp.yaml", yaml(R"(
state_dir: /run/nutpp          # driver sockets + pid files (NUT's STATEPATH)
plugin_dir: /usr/lib/x86_64-linux-gnu/nutpp/drivers   # optional override
pollinterval: 3
maxretry: 2
devices:            # was ups.conf; order is kept (LIST UPS order)
  demo: { driver: sim, port: /etc/nutpp/cp1000avrlcd.dev, desc: "Demo UPS", pollinterval: 2 }
  other: { driver: usbhid-ups, port: auto }
server:             # was upsd.conf
  listen: ["127.0.0.1:3493", "[::1]:3493", "localhost", "*:3494"]
  maxage: 15
  maxconn: 1024
  trackingdelay: 3600
  certfile: /etc/nutpp/upsd.pem     # optional (TLS)
  allow_no_device: false
users:              # was upsd.users
  admin:   { password: "pa ss", actions: [set, fsd], instcmds: [all] }
  monuser: { password_file: monuser.secret, upsmon: primary }
  hashed:  { password_hash: "sha512$abc$def", upsmon: slave }
monitor:            # was upsmon.conf
  monitors: [{ ups: demo@localhost, power: 1, user: monuser, password_file: monuser.secret, role: primary }]
  minsupplies: 1
  pollfreq: 5
  pollfreqalert: 5
  deadtime: 15
  hostsync: 15
  finaldelay: 5
  rbwarntime: 43200
  nocommwarntime: 300
  powerdownflag: /etc/killpower
  shutdowncmd: "/sbin/shutdown -h +0"
  notifycmd: /usr/sbin/upssched
  notifymsg: { ONBATT: "UPS %s is on battery" }
  notifyflag: { ONBATT: [syslog, wall, exec] }
)"));
    const Config c = load_file(p);
    EXPECT_EQ(c.file, p);
    EXPECT_EQ(c.state_dir, "/run/nutpp");
    EXPECT_EQ(c.plugin_dir, "/usr/lib/x86_64-linux-gnu/nutpp/drivers");
    ASSERT_EQ(c.devices.size(), 2u);
    const auto &demo = c.devices[0];
    EXPECT_EQ(demo.name, "demo");
    EXPECT_EQ(demo.where.str(), p + ":6:3");
    EXPECT_EQ(demo.driver, "sim");
    EXPECT_EQ(demo.port, "/etc/nutpp/cp1000avrlcd.dev");
    EXPECT_EQ(demo.desc, "Demo UPS");
    EXPECT_EQ(demo.pollinterval, 2);  // its own value
    EXPECT_EQ(demo.maxretry, 2);      // the global
    EXPECT_EQ(c.devices[1].pollinterval, 3);
    EXPECT_EQ(c.devices[1].name, "other");

    ASSERT_EQ(c.server.listen.size(), 4u);
    EXPECT_EQ(c.server.listen[0].host, "127.0.0.1");
    EXPECT_EQ(c.server.listen[1].host, "::1");
    EXPECT_EQ(c.server.listen[2].host, "localhost");
    EXPECT_EQ(c.server.listen[2].port, 3493);
    EXPECT_EQ(c.server.listen[3].host, "*");
    EXPECT_EQ(c.server.listen[3].port, 3494);
    EXPECT_EQ(c.server.listen[3].where.str(), p + ":9:57");
    EXPECT_EQ(c.server.maxconn, 1024);
    EXPECT_EQ(c.server.certfile, "/etc/nutpp/upsd.pem");
    EXPECT_FALSE(c.server.allow_no_device);

    ASSERT_EQ(c.users.size(), 3u);
    EXPECT_EQ(c.users[0].name, "admin");
    EXPECT_EQ(c.users[0].password, "pa ss");
    EXPECT_EQ(c.users[0].actions, (std::vector<std::string>{"set", "fsd"}));
    EXPECT_EQ(c.users[0].instcmds, (std::vector<std::string>{"all"}));
    EXPECT_EQ(c.users[0].upsmon, Role::None);
    EXPECT_EQ(c.users[1].password, "hunter2"); // from the file, relative to the config's directory
    EXPECT_EQ(c.users[1].upsmon, Role::Primary);
    EXPECT_EQ(c.users[2].password_hash, "sha512$abc$def");
    EXPECT_EQ(c.users[2].password, "");
    EXPECT_EQ(c.users[2].upsmon, Role::Secondary);

    ASSERT_EQ(c.monitor.monitors.size(), 1u);
    const auto &m = c.monitor.monitors[0];
    EXPECT_EQ(m.system, "demo@localhost");
    EXPECT_EQ(m.ups, "demo");
    EXPECT_EQ(m.host, "localhost");
    EXPECT_EQ(m.port, 3493);
    EXPECT_EQ(m.password, "hunter2");
    EXPECT_EQ(m.role, Role::Primary);
    EXPECT_EQ(c.monitor.shutdowncmd, "/sbin/shutdown -h +0");
    EXPECT_EQ(c.monitor.powerdownflag, "/etc/killpower");
    EXPECT_EQ(c.monitor.notifymsg.at("ONBATT"), "UPS %s is on battery");
    EXPECT_EQ(c.monitor.flags_for("ONBATT"), (NotifyFlags{true, true, true, false}));
    EXPECT_EQ(c.monitor.flags_for("ONLINE"), (NotifyFlags{true, true, false, false})); // NUT default
}
