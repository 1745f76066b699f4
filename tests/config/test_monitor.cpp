// `monitor:` (upsmon.conf).
#include "helpers.hpp"

using namespace nutpp::config;
using nutpp::config::test::error_of;
using nutpp::config::test::yaml;

TEST(ConfigMonitor, Defaults) {
    const MonitorConfig m = load_string("monitor: {}\n", "t").monitor;
    EXPECT_TRUE(m.monitors.empty());
    EXPECT_EQ(m.minsupplies, 1);
    EXPECT_EQ(m.pollfreq, 5);
    EXPECT_EQ(m.pollfreqalert, 5);
    EXPECT_EQ(m.deadtime, 15);
    EXPECT_EQ(m.hostsync, 15);
    EXPECT_EQ(m.finaldelay, 5);
    EXPECT_EQ(m.rbwarntime, 43200);
    EXPECT_EQ(m.nocommwarntime, 300);
    EXPECT_EQ(m.offduration, 30);
    EXPECT_EQ(m.oblbduration, 0);
    EXPECT_EQ(m.overduration, -1);
    EXPECT_TRUE(m.alarmcritical);
    EXPECT_EQ(m.shutdownexit, 0);
    EXPECT_EQ(m.powerdownflag, "");
    EXPECT_FALSE(m.certverify);
    EXPECT_FALSE(m.forcessl);
}

TEST(ConfigMonitor, AllKeys) {
    const MonitorConfig m = load_string(yaml(R"(
monitor:
  monitors:
    - { ups: a, power: 2, user: u, password: p, role: master }
    - { ups: "b@[::1]:3500", power: 0, user: u, password: p, role: Slave }
    - { ups: c@nut.example:4000, user: u, password: p, role: secondary }
  minsupplies: 2
  pollfreq: 10
  pollfreqalert: 2
  deadtime: 30
  hostsync: 20
  finaldelay: 0
  rbwarntime: 100
  nocommwarntime: 60
  offduration: -1
  oblbduration: 5
  overduration: 10
  alarmcritical: off
  shutdownexit: 30
  pollfail_log_throttle_max: 100
  powerdownflag: /etc/killpower
  shutdowncmd: /sbin/poweroff
  notifycmd: /usr/local/bin/notify
  run_as_user: nut
  certpath: /etc/ssl/certs
  certfile: /etc/nutpp/upsmon.pem
  certident: { name: me, password: pw }
  certhost:
    - { host: nut.example, name: srv, certverify: yes, forcessl: 1 }
  certverify: true
  forcessl: true
  debug_min: 1
  notifymsg: { onbatt: "on battery: %s", LOWBATT: "" }
  notifyflag:
    ONLINE: ignore
    onbatt: SYSLOG+EXEC
    SHUTDOWN_HOSTSYNC: [wall]
)"),
                                        "t.yaml")
                                .monitor;
    ASSERT_EQ(m.monitors.size(), 3u);
    EXPECT_EQ(m.monitors[0].system, "a");
    EXPECT_EQ(m.monitors[0].host, "localhost"); // NUT's default host
    EXPECT_EQ(m.monitors[0].port, 3493);
    EXPECT_EQ(m.monitors[0].power, 2);
    EXPECT_EQ(m.monitors[0].role, Role::Primary);
    EXPECT_EQ(m.monitors[0].where.str(), "t.yaml:3:7");
    EXPECT_EQ(m.monitors[1].ups, "b");
    EXPECT_EQ(m.monitors[1].host, "::1");
    EXPECT_EQ(m.monitors[1].port, 3500);
    EXPECT_EQ(m.monitors[1].role, Role::Secondary);
    EXPECT_EQ(m.monitors[2].system, "c@nut.example:4000");
    EXPECT_EQ(m.monitors[2].host, "nut.example");
    EXPECT_EQ(m.monitors[2].port, 4000);
    EXPECT_EQ(m.monitors[2].power, 1); // default
    EXPECT_EQ(m.minsupplies, 2);
    EXPECT_EQ(m.pollfreq, 10);
    EXPECT_EQ(m.pollfreqalert, 2);
    EXPECT_EQ(m.deadtime, 30);
    EXPECT_EQ(m.hostsync, 20);
    EXPECT_EQ(m.finaldelay, 0);
    EXPECT_EQ(m.rbwarntime, 100);
    EXPECT_EQ(m.nocommwarntime, 60);
    EXPECT_EQ(m.offduration, -1);
    EXPECT_EQ(m.oblbduration, 5);
    EXPECT_EQ(m.overduration, 10);
    EXPECT_FALSE(m.alarmcritical);
    EXPECT_EQ(m.shutdownexit, 30);
    EXPECT_EQ(m.pollfail_log_throttle_max, 100);
    EXPECT_EQ(m.powerdownflag, "/etc/killpower");
    EXPECT_EQ(m.shutdowncmd, "/sbin/poweroff");
    EXPECT_EQ(m.notifycmd, "/usr/local/bin/notify");
    EXPECT_EQ(m.run_as_user, "nut");
    EXPECT_EQ(m.certpath, "/etc/ssl/certs");
    EXPECT_EQ(m.certfile, "/etc/nutpp/upsmon.pem");
    EXPECT_EQ(m.certident.name, "me");
    ASSERT_EQ(m.certhosts.size(), 1u);
    EXPECT_EQ(m.certhosts[0].host, "nut.example");
    EXPECT_TRUE(m.certhosts[0].certverify);
    EXPECT_TRUE(m.certhosts[0].forcessl);
    EXPECT_TRUE(m.certverify);
    EXPECT_TRUE(m.forcessl);
    EXPECT_EQ(m.debug_min, 1);
    EXPECT_EQ(m.notifymsg.at("ONBATT"), "on battery: %s");
    EXPECT_EQ(m.notifymsg.at("LOWBATT"), "");
    EXPECT_EQ(m.flags_for("ONLINE"), (NotifyFlags{false, false, false, true}));
    EXPECT_EQ(m.flags_for("ONBATT"), (NotifyFlags{true, false, true, false}));
    EXPECT_EQ(m.flags_for("SHUTDOWN_HOSTSYNC"), (NotifyFlags{false, true, false, false}));
    EXPECT_EQ(m.flags_for("FSD"), NotifyFlags{});
}

TEST(ConfigMonitor, ShutdownExitForms) {
    EXPECT_EQ(load_string("monitor: { shutdownexit: yes }", "t").monitor.shutdownexit, 0);
    EXPECT_EQ(load_string("monitor: { shutdownexit: no }", "t").monitor.shutdownexit, -1);
    EXPECT_EQ(load_string("monitor: { shutdownexit: 0 }", "t").monitor.shutdownexit, 0);
    EXPECT_EQ(load_string("monitor: { shutdownexit: 1 }", "t").monitor.shutdownexit, 1); // seconds, not "yes"
    const auto e = error_of("monitor: { shutdownexit: later }");
    EXPECT_EQ(e.where.str(), "t.yaml:1:26");
}

TEST(ConfigMonitor, MonitorErrors) {
    struct Case {
        const char *entry;
        const char *where;
        const char *key;
        const char *problem;
    } cases[] = {
        {"{ user: u, password: p, role: primary }", "t.yaml:2:14", "monitor.monitors[0].ups", "missing"},
        {"{ ups: a, password: p, role: primary }", "t.yaml:2:14", "monitor.monitors[0].user", "missing"},
        {"{ ups: a, user: u, role: primary }", "t.yaml:2:14", "monitor.monitors[0].password", "missing"},
        {"{ ups: a, user: u, password: p }", "t.yaml:2:14", "monitor.monitors[0].role", "missing"},
        {"{ ups: a, user: u, password: p, role: boss }", "t.yaml:2:52", "monitor.monitors[0].role",
         "'boss' is not valid"},
        {"{ ups: 'a b@h', user: u, password: p, role: primary }", "t.yaml:2:21", "monitor.monitors[0].ups",
         "invalid UPS name"},
        {"{ ups: a@h:0, user: u, password: p, role: primary }", "t.yaml:2:21", "monitor.monitors[0].ups",
         "invalid server address: port out of range"},
        {"{ ups: a@, user: u, password: p, role: primary }", "t.yaml:2:21", "monitor.monitors[0].ups",
         "invalid server address: empty host"},
        {"{ ups: a, power: -1, user: u, password: p, role: primary }", "t.yaml:2:31", "monitor.monitors[0].power",
         "'-1' is out of range"},
        {"{ ups: a, user: u, password: p, password_file: /x, role: primary }", "t.yaml:2:46",
         "monitor.monitors[0].password_file", "password given twice"},
        {"{ ups: a, usr: u }", "t.yaml:2:24", "monitor.monitors[0].usr", "unknown key"},
        {"just-a-name", "t.yaml:2:14", "monitor.monitors[0]", "is not a map"},
    };
    for (const auto &c : cases) {
        const auto e = error_of(std::string("monitor:\n  monitors: [") + c.entry + "]\n");
        EXPECT_EQ(e.where.str(), c.where) << c.entry;
        EXPECT_EQ(e.key, c.key) << c.entry;
        EXPECT_EQ(e.problem, c.problem) << c.entry;
    }
    const auto e = error_of("monitor:\n  monitors: [{ ups: a, usr: u }]\n");
    EXPECT_EQ(e.suggestion, "user");
}

TEST(ConfigMonitor, DuplicateMonitorAndMinsupplies) {
    auto e = error_of(yaml(R"(
monitor:
  monitors:
    - { ups: a@h, user: u, password: p, role: primary }
    - { ups: a@h, user: u, password: p, role: primary }
)"));
    EXPECT_EQ(e.where.str(), "t.yaml:4:7");
    EXPECT_EQ(e.problem, "duplicate monitor 'a@h' (first written at t.yaml:3:7)");
    e = error_of(yaml(R"(
monitor:
  minsupplies: 2
  monitors:
    - { ups: a@h, power: 1, user: u, password: p, role: primary }
)"));
    EXPECT_EQ(e.where.str(), "t.yaml:2:16");
    EXPECT_EQ(e.key, "monitor.minsupplies");
    EXPECT_EQ(e.problem, "the monitors' power values add up to 1, less than 2");
    // Without monitors (e.g. a driver-only host) minsupplies is not checked.
    EXPECT_NO_THROW(load_string("monitor: { minsupplies: 3 }\n", "t"));
}

TEST(ConfigMonitor, KeyErrors) {
    auto e = error_of("monitor:\n  pollfreq: 5\n  polfreq: 5\n");
    EXPECT_EQ(e.where.str(), "t.yaml:3:3");
    EXPECT_EQ(e.suggestion, "pollfreq");
    EXPECT_EQ(e.expected, "a key of section 'monitor'"); // too many keys to list
    e = error_of("monitor:\n  notifyflag: { ONBAT: syslog }\n");
    EXPECT_EQ(e.where.str(), "t.yaml:2:17");
    EXPECT_EQ(e.key, "monitor.notifyflag.ONBAT");
    EXPECT_EQ(e.suggestion, "ONBATT");
    e = error_of("monitor:\n  notifyflag: { ONBATT: syslog+mail }\n");
    EXPECT_EQ(e.where.str(), "t.yaml:2:25");
    EXPECT_EQ(e.problem, "'mail' is not valid");
    EXPECT_EQ(e.suggestion, "wall");
    e = error_of("monitor:\n  notifymsg: { onbatt: a, ONBATT: b }\n");
    EXPECT_EQ(e.where.str(), "t.yaml:2:27");
    EXPECT_NE(e.problem.find("duplicate key"), std::string::npos);
    e = error_of("monitor:\n  pollfreq: 0\n");
    EXPECT_STREQ(e.what(), "t.yaml:2:13: monitor.pollfreq: '0' is out of range; expected a whole number from 1 to 86400");
    e = error_of("monitor:\n  certhost: [{ host: h }]\n");
    EXPECT_EQ(e.where.str(), "t.yaml:2:14");
    EXPECT_EQ(e.key, "monitor.certhost[0].name");
}
