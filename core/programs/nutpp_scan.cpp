#include "nutpp_scan.hpp"

#include "import/yaml_out.hpp"
#include "scan/address_range.hpp"
#include "scan/modbus.hpp"
#include "scan/nut_servers.hpp"
#include "scan/serial.hpp"
#include "scan/snmp.hpp"
#include "scan/usb.hpp"
#include "host/plugin.hpp"

#include <CLI/CLI.hpp>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <set>

namespace nutpp::programs {

using import::yaml_scalar;
using scan::host_port;

namespace {

// A device name from a UPS name that is unique in this output (the same UPS name on two servers).
std::string unique_name(std::string base, std::set<std::string> &used) {
    for (auto &c : base)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-')) c = '_';
    if (base.empty() || base == "default") base = "ups";
    std::string name = base;
    for (int i = 2; !used.insert(name).second; ++i) name = base + "-" + std::to_string(i);
    return name;
}

std::string seconds_since(std::chrono::steady_clock::time_point t0) {
    char took[32];
    std::snprintf(took, sizeof took, "%.2f", std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    return took;
}

// Entries for the Modbus TCP slaves a map's probe identified; a comment for one that answered
// but fits no built-in map (a user map may). Returns the entries written.
size_t print_modbus(import::YamlOut &o, const std::vector<scan::ModbusSlave> &slaves, std::set<std::string> &used) {
    size_t n = 0;
    for (const auto &m : slaves) {
        const std::string where = host_port(m.host, m.port);
        if (m.map.empty()) {
            o.comment(2, "Modbus TCP device " + where + " answered, but no built-in map's probe fits (try a user map)");
            continue;
        }
        o.open(2, unique_name(m.map, used), "Modbus TCP " + where + ", slave " + std::to_string(m.slave) + ", map " + m.map);
        o.comment(4, "identified by " + m.how);
        o.entry(4, "driver", "modbus");
        o.entry(4, "port", yaml_scalar(where));
        o.entry(4, "slaveid", std::to_string(m.slave));
        o.entry(4, "map", m.map);
        ++n;
    }
    return n;
}

// Entries for the serial ports where a protocol answered; a comment for each other port.
size_t print_serial(import::YamlOut &o, const std::vector<scan::SerialUps> &ports, int baud, double timeout,
                    std::set<std::string> &used) {
    size_t n = 0;
    for (const auto &p : ports) {
        if (p.protocol.empty()) {
            char t[32];
            std::snprintf(t, sizeof t, "%g", timeout);
            o.comment(2, "serial port " + p.port + ": " +
                             (p.error.empty() ? std::string("no answer to Q1 or 'Y' within ") + t + " s" : p.error));
            continue;
        }
        o.open(2, unique_name(p.protocol, used), "serial port " + p.port + ", " + p.protocol);
        o.comment(4, "identified by " + p.how);
        o.entry(4, "driver", "serial");
        o.entry(4, "port", yaml_scalar(p.port));
        o.entry(4, "protocol", p.protocol);
        if (baud > 0) o.entry(4, "baud_rate", std::to_string(baud));
        ++n;
    }
    return n;
}

} // namespace

CLI::App *add_scan_command(CLI::App &app, ScanCommand &cmd) {
    auto *s = app.add_subcommand("scan", "find UPSes and print ready nutpp.yaml device entries");
    s->add_option("-m,--mask_cidr", cmd.cidr, "scan the addresses of this network, e.g. 192.168.1.0/24");
    s->add_option("-s,--start_ip", cmd.start, "first address of a range");
    s->add_option("-e,--end_ip", cmd.end, "last address of the range (default: the start address)");
    s->add_option("-p,--port", cmd.port, "NUT server port")->capture_default_str()->check(CLI::Range(1, 65535));
    s->add_option("-t,--timeout", cmd.timeout, "seconds to wait for each address")
        ->capture_default_str()
        ->check(CLI::Range(0.05, 600.0));
    s->add_option("-T,--thread", cmd.parallel, "probes at once")->capture_default_str()->check(CLI::Range(1, 1024));
    s->add_flag("-O,--oldnut_scan", cmd.nut, "look for NUT servers (LIST UPS on the port; the default with a range)");
    s->add_flag("-U,--usb_scan", cmd.usb, "look for USB HID UPSes (the usbhid plugin's vendor table)");
    s->add_flag("-S,--snmp_scan", cmd.snmp, "look for SNMP agents in the range (the snmp plugin's mappings)");
    s->add_option("--snmp_port", cmd.snmp_port, "SNMP agent UDP port")->capture_default_str()->check(CLI::Range(1, 65535));
    s->add_option("--snmp_version", cmd.snmp_version, "v1, v2c or v3 (v3 when a user is given)")
        ->check(CLI::IsMember({"v1", "v2c", "v3"}));
    s->add_option("-c,--community", cmd.community, "SNMP v1/v2c community")->capture_default_str();
    s->add_option("-u,--secName", cmd.secname, "SNMPv3 user name");
    s->add_option("-l,--secLevel", cmd.seclevel, "SNMPv3 level: noAuthNoPriv, authNoPriv, authPriv")
        ->check(CLI::IsMember({"noAuthNoPriv", "authNoPriv", "authPriv"}));
    s->add_option("-W,--authPassword", cmd.authpassword, "SNMPv3 authentication pass phrase");
    s->add_option("-X,--privPassword", cmd.privpassword, "SNMPv3 privacy pass phrase");
    s->add_option("-w,--authProtocol", cmd.authprotocol, "SNMPv3 authentication protocol (MD5, SHA, ...)");
    s->add_option("-x,--privProtocol", cmd.privprotocol, "SNMPv3 privacy protocol (DES, AES, ...)");
    s->add_flag("--modbus_scan", cmd.modbus, "look for Modbus TCP UPSes in the range (the modbus plugin's map probes)");
    s->add_option("--modbus_port", cmd.modbus_port, "Modbus TCP port")->capture_default_str()->check(CLI::Range(1, 65535));
    s->add_option("--slaveid", cmd.slaveid, "Modbus slave id to ask (default: each map's own, 1 for most)")
        ->check(CLI::Range(1, 247));
    s->add_option("--serial", cmd.serial,
                  "serial ports to probe, e.g. /dev/ttyS0,/dev/ttyUSB0 (raises DTR and writes queries: not for "
                  "contact-closure cables)")
        ->delimiter(',');
    s->add_option("--serial_baud", cmd.serial_baud, "serial line speed (default: the serial plugin's, 2400)")
        ->check(CLI::IsMember({1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200}));
    s->add_flag("-q,--quiet", cmd.quiet, "no progress line");
    return s;
}

int run_scan(const ScanCommand &cmd) {
    std::vector<std::string> hosts;
    try {
        if (!cmd.cidr.empty() && !cmd.start.empty()) throw std::invalid_argument("give -m or -s, not both");
        if (!cmd.cidr.empty()) hosts = scan::expand_cidr(cmd.cidr);
        else if (!cmd.start.empty()) hosts = scan::expand_range(cmd.start, cmd.end);
        else if (!cmd.end.empty()) throw std::invalid_argument("-e needs -s");
    } catch (const std::invalid_argument &e) {
        std::cerr << "nutpp scan: " << e.what() << "\n";
        return 2;
    }
    if (hosts.empty() && !cmd.usb && cmd.serial.empty()) {
        std::cerr << "nutpp scan: nothing to scan: give -U (USB), --serial PORT,... and/or an address range (-m CIDR, "
                     "or -s START [-e END])\n";
        return 2;
    }
    if (hosts.empty() && cmd.modbus) {
        std::cerr << "nutpp scan: --modbus_scan needs an address range (-m CIDR, or -s START [-e END])\n";
        return 2;
    }
    import::YamlOut o; // the body of `devices:`
    std::set<std::string> used;
    size_t n = 0;
    std::string summary;

    if (cmd.usb) {
        std::vector<scan::UsbUps> found;
        try {
            found = scan::scan_usb();
        } catch (const std::exception &e) {
            std::cerr << "nutpp scan: USB: " << e.what() << "\n";
            return 2;
        }
        for (const auto &u : found) {
            char ids[16];
            std::snprintf(ids, sizeof ids, "%04x:%04x", u.vendor_id, u.product_id);
            std::string base = u.vendor_name.empty() ? "usb" : u.vendor_name;
            for (auto &c : base) c = char(std::tolower(static_cast<unsigned char>(c)));
            o.open(2, unique_name(base, used),
                   std::string("USB ") + ids + " " + u.vendor + " " + u.product + ", bus " + u.bus + " port " +
                       (u.busport.empty() ? "?" : u.busport));
            o.entry(4, "driver", "usbhid");
            o.entry(4, "port", "auto");
            char hex[8];
            std::snprintf(hex, sizeof hex, "%04x", u.vendor_id);
            o.entry(4, "vendorid", yaml_scalar(hex));
            std::snprintf(hex, sizeof hex, "%04x", u.product_id);
            o.entry(4, "productid", yaml_scalar(hex));
            // What tells identical UPSes apart: the serial number, else where it is plugged in.
            if (!u.serial.empty()) {
                o.entry(4, "serial", yaml_scalar(scan::regex_literal(u.serial)));
            } else {
                o.entry(4, "bus", yaml_scalar(u.bus));
                if (!u.busport.empty()) o.entry(4, "busport", yaml_scalar(scan::regex_literal(u.busport)));
            }
            if (!u.product.empty()) o.entry(4, "desc", yaml_scalar((u.vendor.empty() ? "" : u.vendor + " ") + u.product));
            if (!u.problem.empty()) o.comment(4, "strings not read: " + u.problem);
            ++n;
        }
        summary += std::to_string(found.size()) + " USB UPS(es)";
    }

    const bool tty = !cmd.quiet && ::isatty(2);
    const auto probe_options = [&](const char *what, const char *unit = "addresses") {
        scan::ProbeOptions opt;
        opt.timeout = std::chrono::milliseconds(long(cmd.timeout * 1000));
        opt.parallel = cmd.parallel;
        if (tty)
            opt.progress = [what, unit](size_t done, size_t total) {
                std::fprintf(stderr, "\rnutpp scan: %s: %zu/%zu %s", what, done, total, unit);
                if (done == total) std::fputc('\n', stderr);
            };
        return opt;
    };

    if (!hosts.empty() && cmd.snmp) {
        scan::SnmpOptions so;
        so.port = uint16_t(cmd.snmp_port);
        so.version = cmd.secname.empty() ? cmd.snmp_version : "v3";
        so.community = cmd.community;
        so.secname = cmd.secname;
        so.seclevel = cmd.seclevel;
        so.authprotocol = cmd.authprotocol;
        so.privprotocol = cmd.privprotocol;
        so.authpassword = cmd.authpassword;
        so.privpassword = cmd.privpassword;
        so.probe = probe_options("SNMP");
        std::vector<scan::SnmpAgent> agents;
        const auto t0 = std::chrono::steady_clock::now();
        try {
            agents = scan::scan_snmp(hosts, so, host::default_plugin_dir() + "/nutpp-snmp.so");
        } catch (const std::exception &e) {
            std::cerr << "nutpp scan: SNMP: " << e.what() << "\n";
            return 2;
        }
        const std::string took = seconds_since(t0);
        size_t usable = 0;
        for (const auto &a : agents) {
            const std::string where = host_port(a.host, a.port);
            if (a.mapping.empty()) {
                o.comment(2, "SNMP agent " + where + " (sysObjectID " + (a.sysoid.empty() ? "absent" : a.sysoid) +
                                 "): no mapping of the snmp plugin fits");
                continue;
            }
            o.open(2, unique_name(a.mapping, used), "SNMP agent " + where + ", mapping " + a.mapping + " (by " + a.how + ")");
            o.entry(4, "driver", "snmp");
            o.entry(4, "port", yaml_scalar(a.port == 161 ? a.host : where));
            o.entry(4, "snmp_version", so.version);
            if (so.version == "v3") {
                o.entry(4, "secname", yaml_scalar(so.secname));
                o.entry(4, "seclevel", yaml_scalar(so.seclevel));
                if (so.seclevel != "noAuthNoPriv") {
                    o.entry(4, "authprotocol", yaml_scalar(so.authprotocol));
                    o.entry(4, "authpassword", yaml_scalar(so.authpassword));
                }
                if (so.seclevel == "authPriv") {
                    o.entry(4, "privprotocol", yaml_scalar(so.privprotocol));
                    o.entry(4, "privpassword", yaml_scalar(so.privpassword));
                }
            } else {
                o.entry(4, "community", yaml_scalar(so.community));
            }
            o.entry(4, "mibs", yaml_scalar(a.mapping));
            ++usable;
        }
        n += usable;
        std::cerr << "nutpp scan: SNMP: " << hosts.size() << " address(es) probed in " << took << " s\n";
        summary += std::string(summary.empty() ? "" : ", ") + "SNMP port " + std::to_string(cmd.snmp_port) + ": " +
                   std::to_string(agents.size()) + " agent(s), " + std::to_string(usable) + " UPS(es)";
    }

    if (!hosts.empty() && cmd.modbus) {
        scan::ModbusOptions mo;
        mo.port = uint16_t(cmd.modbus_port);
        if (cmd.slaveid > 0) mo.slave = cmd.slaveid;
        mo.probe = probe_options("Modbus TCP");
        const auto t0 = std::chrono::steady_clock::now();
        std::vector<scan::ModbusSlave> slaves;
        try {
            slaves = scan::scan_modbus(hosts, mo);
        } catch (const std::exception &e) { // a built-in map that does not load: a build defect
            std::cerr << "nutpp scan: Modbus: " << e.what() << "\n";
            return 2;
        }
        n += print_modbus(o, slaves, used);
        const size_t ups = size_t(std::count_if(slaves.begin(), slaves.end(), [](const auto &m) { return !m.map.empty(); }));
        std::cerr << "nutpp scan: Modbus: " << hosts.size() << " address(es) probed in " << seconds_since(t0) << " s\n";
        summary += std::string(summary.empty() ? "" : ", ") + "Modbus TCP port " + std::to_string(cmd.modbus_port) + ": " +
                   std::to_string(slaves.size()) + " device(s), " + std::to_string(ups) + " UPS(es)";
    }

    if (!cmd.serial.empty()) {
        const auto t0 = std::chrono::steady_clock::now();
        const auto ports = scan::scan_serial(cmd.serial, cmd.serial_baud > 0 ? cmd.serial_baud : 2400,
                                             probe_options("serial", "ports"));
        const size_t ups = print_serial(o, ports, cmd.serial_baud, cmd.timeout, used);
        n += ups;
        std::cerr << "nutpp scan: serial: " << ports.size() << " port(s) probed in " << seconds_since(t0) << " s\n";
        summary += std::string(summary.empty() ? "" : ", ") + "serial: " + std::to_string(ports.size()) + " port(s), " +
                   std::to_string(ups) + " UPS(es)";
    }

    if (!hosts.empty() && (cmd.nut || (!cmd.snmp && !cmd.modbus))) {
        const scan::ProbeOptions opt = probe_options("NUT servers");
        const auto t0 = std::chrono::steady_clock::now();
        const auto servers = scan::scan_nut_servers(hosts, uint16_t(cmd.port), opt);
        const std::string took = seconds_since(t0);
        size_t upses = 0;
        for (const auto &s : servers) {
            for (const auto &[ups, desc] : s.upses) {
                o.open(2, unique_name(ups, used), "NUT server " + host_port(s.host, s.port) + ", UPS " + ups);
                o.entry(4, "driver", "sim");
                o.entry(4, "mode", "repeater");
                o.entry(4, "port", yaml_scalar(ups + "@" + host_port(s.host, s.port)));
                if (!desc.empty() && desc != "Unavailable") o.entry(4, "desc", yaml_scalar(desc));
                ++upses;
            }
            if (s.upses.empty()) o.comment(2, "NUT server " + host_port(s.host, s.port) + " serves no UPS");
        }
        n += upses;
        std::cerr << "nutpp scan: NUT: " << hosts.size() << " address(es) probed in " << took << " s\n";
        summary += std::string(summary.empty() ? "" : ", ") + std::to_string(hosts.size()) + " address(es), port " +
                   std::to_string(cmd.port) + ": " + std::to_string(servers.size()) + " NUT server(s), " +
                   std::to_string(upses) + " UPS(es)";
    }
    std::cout << "# nutpp scan: " << summary << "\n";
    if (n > 0) std::cout << "devices:\n";
    std::cout << o.text() << std::flush;
    std::cerr << "nutpp scan: " << summary << "\n";
    return n > 0 ? 0 : 1;
}

} // namespace nutpp::programs
