// SNMP agents for `nutpp scan -S`: each address is asked for sysObjectID and every shipped
// mapping's probe OID in one request, and the snmp plugin's own detection rule (snmp::detect)
// picks the mapping, as the plugin does when it opens the device.
#pragma once

#include "scan/nut_servers.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace nutpp::scan {

struct SnmpOptions {
    uint16_t port = 161;
    std::string version = "v1"; // v1, v2c, v3
    std::string community = "public";
    std::string secname, seclevel = "noAuthNoPriv", authprotocol = "MD5", privprotocol = "DES";
    std::string authpassword, privpassword;
    ProbeOptions probe;
};

struct SnmpAgent {
    std::string host;
    uint16_t port = 161;
    std::string mapping; // the mapping the plugin would use ("" when none fits)
    std::string how;     // "sysObjectID ..." / "probe OID ..."
    std::string sysoid;
};

// The agents that answered, in the order of `hosts`. `plugin_path` locates the shipped mappings the
// way the plugin does (snmp-mibs beside it in a build tree, else the installed directory).
// Throws std::runtime_error when the mappings cannot be read.
std::vector<SnmpAgent> scan_snmp(const std::vector<std::string> &hosts, const SnmpOptions &opt,
                                 const std::string &plugin_path);

} // namespace nutpp::scan
