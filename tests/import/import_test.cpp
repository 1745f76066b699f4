// nutpp import, in process: NUT files written here (and Debian's own) -> YAML -> our config loader.
// The plugins' keys come from the built plugins (validate::probe_plugin runs the upsdrvd next to
// this test binary), as they do for `nutpp import`.
#include "import/driver_table.hpp"
#include "import/importer.hpp"
#include "import/nut_files.hpp"
#include "device_key.hpp"
#include "import/yaml_out.hpp"
#include "register_map.hpp"
#include "temp_dir.hpp"

#include <yaml-cpp/yaml.h>
#include "validate/validate.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;
using nutpp::import::import_nut;
using nutpp::import::ImportResult;
using nutpp::testing::TempDir;

namespace {

std::vector<nutpp::config::KeySpec> plugin_keys(const std::string &plugin) {
    return nutpp::validate::probe_plugin(plugin, "").keys;
}

nutpp::config::Config load(const ImportResult &r) {
    try {
        return nutpp::config::load_string(r.yaml, "imported.yaml");
    } catch (const std::exception &e) {
        ADD_FAILURE() << e.what() << "\n" << r.yaml;
        throw;
    }
}

const nutpp::config::DeviceConfig &device(const nutpp::config::Config &c, const std::string &name) {
    for (const auto &d : c.devices)
        if (d.name == name) return d;
    throw std::runtime_error("no device " + name);
}

std::string key(const nutpp::config::DeviceConfig &d, const std::string &k) { return nutpp::testing::device_key(d, k); }

bool listed(const ImportResult &r, const std::string &where, const std::string &text) {
    for (const auto &p : r.not_carried)
        if (p.file + ":" + std::to_string(p.line) == where && p.what.find(text) != std::string::npos) return true;
    return false;
}

std::string problems(const ImportResult &r) {
    std::string s;
    for (const auto &p : r.not_carried) s += p.str() + "\n";
    return s;
}

// A site as people run it: a USB UPS, an SNMP UPS in the rack, two serial units, a dummy for
// testing, a driver nutpp has no plugin for, users, and upsmon as primary of two UPSes.
const char *const kUpsConf = R"(# ups.conf of a small server room
maxretry = 3
pollinterval = 5
user = nut
chroot = /var/lib/nut

[usb]
	driver = usbhid-ups
	port = auto
	vendorid = 0764
	productid = 0501
	serial = "CTH A12 34"
	desc = "Rack UPS \# 1"
	override.battery.charge.low = 30
	default.battery.runtime.low = 120
	ignorelb
	subdriver = cyberpower
	pollinterval = 2

[rack-snmp]
	driver = snmp-ups
	port = 192.0.2.10
	community = s3cret
	snmp_version = v2c
	mibs = apcc
	pollfreq = 15
	secLevel = noAuthNoPriv

[old-qx]
	driver = nutdrv_qx
	port = /dev/ttyS0
	protocol = megatec
	norating
	offdelay = 60

[qx-usb]
	driver = nutdrv_qx
	port = auto
	vendorid = 0665

[apc]
	driver = apcsmart
	port = /dev/ttyUSB0
	cable = 940-0095B
	sdtype = 2
	bogus_option = 1

[test]
	driver = dummy-ups
	port = test.dev
	mode = dummy-once

[relay]
	driver = generic_modbus
	port = /dev/ttyUSB1
	OL_addr = 1
	response_timeout_ms = 250

[old-bcm]
	driver = bcmxcp
	port = /dev/ttyS1
	desc = "Powerware"
)";

const char *const kUpsdConf = R"(LISTEN 127.0.0.1 3493
LISTEN ::1
LISTEN 192.168.1.2 3493
MAXAGE 20
ACL all 0.0.0.0/0
)";

const char *const kUsers = R"([admin]
	password = "adm in\#pass"
	actions = SET
	actions = FSD
	instcmds = ALL
[monmaster]
	password = mpass
	upsmon master
[monslave]
	password = spass
	upsmon secondary
	allowfrom = localhost
)";

const char *const kUpsmon = R"(RUN_AS_USER nut
MONITOR usb@localhost 1 monmaster mpass master
MONITOR rack-snmp@localhost 2 monmaster mpass primary
MONITOR far@other.example:3494 0 monslave spass slave
MINSUPPLIES 2
SHUTDOWNCMD "/sbin/shutdown -h +0"
NOTIFYCMD /usr/sbin/upssched
NOTIFYFLAG ONBATT SYSLOG+WALL+EXEC
NOTIFYFLAG LOWBATT IGNORE
NOTIFYMSG ONBATT "UPS %s on battery"
POWERDOWNFLAG /etc/killpower
DEADTIME 25
CERTIDENT "my cert" "pw"
)";

} // namespace

TEST(Import, RealisticSiteCarriesDevicesUsersAndMonitor) {
    TempDir d;
    d.write("nut.conf", "MODE=netserver\n");
    d.write("ups.conf", kUpsConf);
    d.write("upsd.conf", kUpsdConf);
    d.write("upsd.users", kUsers);
    d.write("upsmon.conf", kUpsmon);
    d.write("test.dev", "ups.status: OL\n");
    const ImportResult r = import_nut(d.path, plugin_keys);
    const auto c = load(r);

    // Globals and the state path for the device that stays NUT's.
    EXPECT_EQ(c.driver_defaults.maxretry, 3);
    EXPECT_EQ(c.driver_defaults.pollinterval, 5);
    EXPECT_EQ(c.driver_defaults.user, "nut");
    EXPECT_EQ(c.state_dir, "/run/nut");

    const auto &usb = device(c, "usb");
    EXPECT_EQ(usb.driver, "usbhid");
    EXPECT_EQ(usb.port, "auto");
    EXPECT_EQ(key(usb, "vendorid"), "0764");
    EXPECT_EQ(key(usb, "productid"), "0501");
    EXPECT_EQ(key(usb, "serial"), "CTH A12 34");
    EXPECT_EQ(usb.desc, "Rack UPS # 1");
    EXPECT_TRUE(usb.ignorelb);
    EXPECT_EQ(usb.pollinterval, 2);
    ASSERT_EQ(usb.overrides.size(), 1u);
    EXPECT_EQ(usb.overrides[0].first, "battery.charge.low");
    EXPECT_EQ(usb.overrides[0].second.value, "30");
    ASSERT_EQ(usb.defaults.size(), 1u);
    EXPECT_EQ(usb.defaults[0].second.value, "120");

    const auto &snmp = device(c, "rack-snmp");
    EXPECT_EQ(snmp.driver, "snmp");
    EXPECT_EQ(key(snmp, "community"), "s3cret");
    EXPECT_EQ(key(snmp, "snmp_version"), "v2c");
    EXPECT_EQ(key(snmp, "mibs"), "apcc");
    EXPECT_EQ(key(snmp, "pollfreq"), "15");
    EXPECT_EQ(key(snmp, "seclevel"), "noAuthNoPriv"); // NUT's secLevel

    const auto &qx = device(c, "old-qx");
    EXPECT_EQ(qx.driver, "serial");
    EXPECT_EQ(key(qx, "protocol"), "megatec");
    EXPECT_EQ(key(qx, "norating"), "true");
    EXPECT_EQ(key(qx, "offdelay"), "60");

    const auto &apc = device(c, "apc");
    EXPECT_EQ(apc.driver, "serial");
    EXPECT_EQ(key(apc, "protocol"), "apcsmart");
    EXPECT_EQ(key(apc, "cable"), "940-0095B");
    EXPECT_EQ(key(apc, "sdtype"), "2");

    const auto &test = device(c, "test");
    EXPECT_EQ(test.driver, "sim");
    EXPECT_EQ(test.port, d.path + "/test.dev"); // dummy-ups read it from NUT's directory
    EXPECT_EQ(key(test, "mode"), "dummy-once");

    const auto &relay = device(c, "relay");
    EXPECT_EQ(relay.driver, "modbus");
    EXPECT_EQ(key(relay, "map"), "generic");
    EXPECT_EQ(key(relay, "OL_addr"), "1");
    EXPECT_EQ(key(relay, "response_timeout"), "0.25");

    // Left to NUT: served by our upsd through the NUT driver's socket.
    EXPECT_EQ(device(c, "old-bcm").driver, "bcmxcp");
    EXPECT_EQ(device(c, "old-bcm").desc, "Powerware");
    EXPECT_EQ(device(c, "qx-usb").driver, "nutdrv_qx");

    // Every device passes its plugin's own key check (what upsdrvd runs at start).
    for (const auto &dev : c.devices) {
        if (dev.driver == "bcmxcp" || dev.driver == "nutdrv_qx") continue; // NUT's, not ours
        EXPECT_NO_THROW(nutpp::config::check_driver_keys(dev, dev.driver, plugin_keys(dev.driver))) << dev.name;
    }

    ASSERT_EQ(c.server.listen.size(), 3u);
    EXPECT_EQ(c.server.listen[1].host, "::1");
    EXPECT_EQ(c.server.listen[2].host, "192.168.1.2");
    EXPECT_EQ(c.server.maxage, 20);

    ASSERT_EQ(c.users.size(), 3u);
    EXPECT_EQ(c.users[0].name, "admin");
    EXPECT_EQ(c.users[0].password, "adm in#pass");
    EXPECT_EQ(c.users[0].actions, (std::vector<std::string>{"set", "fsd"}));
    EXPECT_EQ(c.users[0].instcmds, (std::vector<std::string>{"all"}));
    EXPECT_EQ(c.users[1].upsmon, nutpp::config::Role::Primary);
    EXPECT_EQ(c.users[2].upsmon, nutpp::config::Role::Secondary);

    const auto &m = c.monitor;
    ASSERT_EQ(m.monitors.size(), 3u);
    EXPECT_EQ(m.monitors[0].role, nutpp::config::Role::Primary);
    EXPECT_EQ(m.monitors[1].power, 2);
    EXPECT_EQ(m.monitors[2].host, "other.example");
    EXPECT_EQ(m.monitors[2].port, 3494);
    EXPECT_EQ(m.monitors[2].role, nutpp::config::Role::Secondary);
    EXPECT_EQ(m.monitors[2].password, "spass");
    EXPECT_EQ(m.minsupplies, 2);
    EXPECT_EQ(m.shutdowncmd, "/sbin/shutdown -h +0");
    EXPECT_EQ(m.notifycmd, "/usr/sbin/upssched");
    EXPECT_TRUE(m.flags_for("ONBATT").exec && m.flags_for("ONBATT").wall && m.flags_for("ONBATT").syslog);
    EXPECT_TRUE(m.flags_for("LOWBATT").ignore);
    EXPECT_EQ(m.notifymsg.at("ONBATT"), "UPS %s on battery");
    EXPECT_EQ(m.deadtime, 25);
    EXPECT_EQ(m.run_as_user, "nut");

    // What could not be carried, each at its file:line, with why.
    EXPECT_TRUE(listed(r, "ups.conf:5", "chroot")) << problems(r);
    EXPECT_TRUE(listed(r, "ups.conf:17", "picks the vendor mapping")) << problems(r);
    EXPECT_TRUE(listed(r, "ups.conf:46", "'bogus_option': the serial plugin has no such option")) << problems(r);
    EXPECT_TRUE(listed(r, "ups.conf:36", "USB Q1 unit")) << problems(r);
    EXPECT_TRUE(listed(r, "ups.conf:59", "stays NUT's driver")) << problems(r);
    EXPECT_TRUE(listed(r, "upsd.conf:5", "ACL")) << problems(r);
    EXPECT_TRUE(listed(r, "upsd.users:12", "allowfrom")) << problems(r);
    EXPECT_TRUE(listed(r, "upsmon.conf:13", "CERTIDENT")) << problems(r);
    EXPECT_EQ(r.not_carried.size(), 8u) << problems(r);
    EXPECT_FALSE(r.complete());
    // The YAML says where things came from.
    EXPECT_NE(r.yaml.find("ups.conf:10"), std::string::npos) << r.yaml;
    EXPECT_NE(r.yaml.find("upsmon.conf:2"), std::string::npos) << r.yaml;
    ASSERT_FALSE(r.hints.empty());
    EXPECT_NE(r.hints[0].find("mkpasswd"), std::string::npos);
}

// Debian's nut-server/nut-client install NUT's example files as /etc/nut/*: the import of exactly
// those must load, and every directive they set must arrive with its value.
TEST(Import, DebianExampleFilesRoundTrip) {
    const std::string etc = "/etc/nut";
    if (!fs::exists(etc + "/upsmon.conf") || !fs::exists(etc + "/ups.conf"))
        GTEST_SKIP() << "SKIPPED: NUT's example files (/etc/nut from nut-server/nut-client) are not installed";
    TempDir d;
    for (const char *f : {"nut.conf", "ups.conf", "upsd.conf", "upsd.users", "upsmon.conf"})
        if (fs::exists(etc + "/" + f)) fs::copy_file(etc + "/" + f, d.path + "/" + f);
    const ImportResult r = import_nut(d.path, plugin_keys);
    const auto c = load(r);
    // Read the NUT files independently of the import (plain word split of uncommented lines).
    std::map<std::string, std::string> upsmon;
    std::ifstream in(d.path + "/upsmon.conf");
    for (std::string line; std::getline(in, line);) {
        if (line.empty() || line[0] == '#') continue;
        std::istringstream ss(line);
        std::string k, v;
        ss >> k;
        std::getline(ss >> std::ws, v);
        if (v.size() >= 2 && v.front() == '"') v = v.substr(1, v.size() - 2);
        upsmon[k] = v;
    }
    ASSERT_FALSE(upsmon.empty());
    const auto &m = c.monitor;
    const std::map<std::string, std::string> got = {
        {"MINSUPPLIES", std::to_string(m.minsupplies)}, {"SHUTDOWNCMD", m.shutdowncmd},
        {"POLLFREQ", std::to_string(m.pollfreq)},       {"POLLFREQALERT", std::to_string(m.pollfreqalert)},
        {"HOSTSYNC", std::to_string(m.hostsync)},       {"DEADTIME", std::to_string(m.deadtime)},
        {"POWERDOWNFLAG", m.powerdownflag},             {"RBWARNTIME", std::to_string(m.rbwarntime)},
        {"NOCOMMWARNTIME", std::to_string(m.nocommwarntime)}, {"FINALDELAY", std::to_string(m.finaldelay)},
        {"OFFDURATION", std::to_string(m.offduration)}, {"OVERDURATION", std::to_string(m.overduration)},
    };
    for (const auto &[k, v] : upsmon) {
        const auto it = got.find(k);
        if (it == got.end()) {
            // Whatever we do not compare here must at least be reported, never dropped silently.
            bool reported = r.yaml.find("upsmon.conf:") != std::string::npos;
            for (const auto &p : r.not_carried) reported |= p.file == "upsmon.conf";
            EXPECT_TRUE(reported) << k;
            continue;
        }
        EXPECT_EQ(it->second, v) << k;
    }
    // ups.conf's only global (maxretry = 3 in Debian's file) arrives.
    EXPECT_EQ(c.driver_defaults.maxretry, 3) << r.yaml;
    EXPECT_TRUE(c.devices.empty());
    EXPECT_TRUE(r.complete()) << problems(r);
}

TEST(Import, TokenizerRulesAndLineNumbers) {
    TempDir d;
    // A quoted value continued over two lines keeps the line it started on; escapes and '#'.
    d.write("ups.conf", "[a]\n  driver = dummy-ups\n  port = \"/tmp/x\\\"y.dev\"\n  desc = \"two\nlines\"\n"
                        "  nosuchkey = 1 # trailing comment\n[b]\n  driver = \"dummy-ups\n");
    const ImportResult r = import_nut(d.path, plugin_keys);
    const auto c = load(r);
    ASSERT_EQ(c.devices.size(), 1u);
    EXPECT_EQ(c.devices[0].port, "/tmp/x\"y.dev");
    EXPECT_EQ(c.devices[0].desc, "twolines"); // NUT drops the newline inside quotes
    EXPECT_TRUE(listed(r, "ups.conf:6", "nosuchkey")) << problems(r);
    // The unterminated quote is a parse error at the line it starts on; [b] then lacks a driver.
    EXPECT_TRUE(listed(r, "ups.conf:8", "parse error")) << problems(r);
    EXPECT_TRUE(listed(r, "ups.conf:7", "no driver or no port")) << problems(r);
}

TEST(Import, NetclientImportsOnlyUpsmon) {
    TempDir d;
    d.write("nut.conf", "MODE=netclient\nUPSMON_OPTIONS=\"-D\"\n");
    d.write("ups.conf", "[x]\ndriver=usbhid-ups\nport=auto\n");
    d.write("upsmon.conf", "MONITOR x@server 1 u p secondary\n");
    const ImportResult r = import_nut(d.path, plugin_keys);
    const auto c = load(r);
    EXPECT_TRUE(c.devices.empty());
    ASSERT_EQ(c.monitor.monitors.size(), 1u);
    EXPECT_EQ(c.monitor.monitors[0].host, "server");
    EXPECT_TRUE(listed(r, "ups.conf:1", "MODE=netclient")) << problems(r);
    EXPECT_TRUE(listed(r, "nut.conf:2", "UPSMON_OPTIONS")) << problems(r);
}

TEST(Import, MalformedLinesAreListedWithWhatNutWants) {
    TempDir d;
    d.write("upsmon.conf", "MONITOR a@h 1 u p\nPOLLFREQ\nNOSUCH 1\n");
    d.write("upsd.conf", "LISTEN\nMAXAGE 1 2\n");
    const ImportResult r = import_nut(d.path, plugin_keys);
    EXPECT_TRUE(listed(r, "upsmon.conf:1", "malformed MONITOR line")) << problems(r);
    EXPECT_TRUE(listed(r, "upsmon.conf:2", "'POLLFREQ' needs exactly one value")) << problems(r);
    EXPECT_TRUE(listed(r, "upsmon.conf:3", "not an upsmon.conf directive")) << problems(r);
    EXPECT_TRUE(listed(r, "upsd.conf:1", "malformed LISTEN line")) << problems(r);
    EXPECT_TRUE(listed(r, "upsd.conf:2", "'MAXAGE' needs exactly one value")) << problems(r);
    EXPECT_EQ(r.not_carried.size(), 5u) << problems(r);
    EXPECT_NO_THROW(load(r));
}

TEST(Import, NoNutFilesIsAnError) {
    TempDir d;
    EXPECT_THROW(import_nut(d.path, plugin_keys), std::runtime_error);
    EXPECT_THROW(import_nut(d.path + "/missing", plugin_keys), std::runtime_error);
}

// NUT's Socomec and Phoenix Contact drivers take no line options (they fix it): the import names
// the built-in map and writes the line NUT's driver would use.
TEST(Import, ModbusVendorDriversTakeTheirMapsAndLine) {
    TempDir d;
    d.write("ups.conf", "[digys]\n\tdriver = socomec_jbus\n\tport = /dev/ttyS1\n"
                        "[quint]\n\tdriver = phoenixcontact_modbus\n\tport = /dev/ttyUSB0\n\tdesc = \"24 V DC\"\n");
    const ImportResult r = import_nut(d.path, plugin_keys);
    const auto c = load(r);
    const auto &digys = device(c, "digys");
    EXPECT_EQ(digys.driver, "modbus");
    EXPECT_EQ(digys.port, "/dev/ttyS1");
    EXPECT_EQ(key(digys, "map"), "socomec_jbus");
    EXPECT_EQ(key(digys, "ser_baud_rate"), "<unset>"); // 9600 8N1 is the plugin's default too
    const auto &quint = device(c, "quint");
    EXPECT_EQ(quint.driver, "modbus");
    EXPECT_EQ(key(quint, "map"), "phoenixcontact_quint");
    EXPECT_EQ(key(quint, "ser_baud_rate"), "115200");
    EXPECT_EQ(key(quint, "ser_parity"), "E");
    EXPECT_EQ(quint.desc, "24 V DC");
    EXPECT_EQ(nutpp::modbus::resolve_map("phoenixcontact_quint").slaveid, 192); // NUT's fixed slave id
    EXPECT_EQ(nutpp::modbus::resolve_map("socomec_jbus").slaveid, 1);
    // The map knows the first-generation QUINT (all NUT 2.8.0 drives); the YAML says so beside it.
    EXPECT_NE(r.yaml.find("QUINT4 and TRIO units, served by NUT after 2.8.0, are not mapped yet"), std::string::npos)
        << r.yaml;
    for (const auto &dev : c.devices)
        EXPECT_NO_THROW(nutpp::config::check_driver_keys(dev, dev.driver, plugin_keys(dev.driver))) << dev.name;
    EXPECT_TRUE(r.complete()) << problems(r);
}

TEST(Import, DriverTableNamesRealPlugins) {
    // Every plugin the table names exists and declares the keys the table writes for it.
    for (const auto &row : nutpp::import::driver_table()) {
        if (!row.plugin) continue;
        const auto keys = plugin_keys(row.plugin);
        for (const auto &fx : row.fixed) {
            if (std::string(fx.key) == "map" && std::string(fx.value) != "generic") { // a built-in map of that name
                EXPECT_NO_THROW(nutpp::modbus::resolve_map(fx.value)) << row.nut_driver << " map " << fx.value;
            }
            const bool declared = std::any_of(keys.begin(), keys.end(), [&](const auto &k) { return k.name == fx.key; });
            EXPECT_TRUE(declared) << row.nut_driver << " -> " << row.plugin << " key " << fx.key;
        }
        for (const auto &o : row.options) {
            if (!o.nutpp || std::string(o.nutpp) == "port") continue;
            const bool declared = std::any_of(keys.begin(), keys.end(), [&](const auto &k) { return k.name == o.nutpp; });
            EXPECT_TRUE(declared) << row.nut_driver << " -> " << row.plugin << " key " << o.nutpp;
        }
    }
}

// Comments carry text from outside (a device's strings in a scan, a file's values): a line break
// or other control character in it must not end the comment and start YAML of its own.
TEST(Import, CommentTextCannotStartAYamlLine) {
    nutpp::import::YamlOut o;
    o.open(0, "devices");
    o.open(2, "ups", "model \"X\"\ninjected: true\r");
    o.comment(4, "identified by \"UPS\nmibs: evil\"");
    o.entry(4, "driver", "modbus", "note\x1b[31m");
    EXPECT_EQ(o.text(), "devices:\n  ups:  # model \"X\"?injected: true?\n    # identified by \"UPS?mibs: evil\"\n"
                        "    driver: modbus  # note?[31m\n");
    const YAML::Node n = YAML::Load(o.text());
    EXPECT_FALSE(n["injected"]);
    EXPECT_FALSE(n["devices"]["ups"]["mibs"]);
    EXPECT_EQ(n["devices"]["ups"]["driver"].as<std::string>(), "modbus");
}
