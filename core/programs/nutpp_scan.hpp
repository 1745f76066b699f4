// `nutpp scan`: finds UPSes and prints ready YAML device entries (nut-scanner's flags where they
// mean the same).
#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace nutpp::programs {

struct ScanCommand {
    std::string cidr;       // -m
    std::string start, end; // -s / -e
    int port = 3493;        // -p (NUT servers)
    double timeout = 5;     // -t seconds per probe
    int parallel = 64;      // -T probes at once
    bool nut = false;       // -O: NUT servers (the default when an address range is given)
    bool usb = false;       // -U: USB HID UPSes
    bool snmp = false;      // -S: SNMP agents in the range
    int snmp_port = 161;
    std::string snmp_version = "v1", community = "public";
    std::string secname, seclevel = "noAuthNoPriv", authprotocol = "MD5", privprotocol = "DES";
    std::string authpassword, privpassword;
    bool modbus = false;    // --modbus_scan: Modbus TCP slaves in the range
    int modbus_port = 502;
    int slaveid = 0;        // --slaveid: every map at this id (0: each map's own, 1 for most)
    std::vector<std::string> serial; // --serial: ports to probe (written to: only when named)
    int serial_baud = 0;    // --serial_baud (0: the plugin's default, 2400)
    bool quiet = false;     // -q: no progress line
};

// Adds the subcommand; returns it (run_scan when it was parsed).
CLI::App *add_scan_command(CLI::App &app, ScanCommand &cmd);

// Exit status: 0 something found, 1 nothing found, 2 bad arguments (or USB unusable).
int run_scan(const ScanCommand &cmd);

} // namespace nutpp::programs
