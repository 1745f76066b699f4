// The exported descriptor of the SNMP plugin (nutpp-snmp.so): network UPSes over SNMP v1/v2c/v3,
// NUT snmp-ups' device keys, MIB mappings as YAML data (mibs/), an optional shared trap receiver.
#include "catalog.hpp"
#include "mapping_loader.hpp"
#include "session.hpp"
#include "snmp_driver.hpp"
#include "trap_receiver.hpp"

#include <nutpp/driver.hpp>

namespace {

using namespace nutpp::snmp;

const char *const kVersions[] = {"v1", "v2c", "v3", nullptr};
const char *const kSecLevels[] = {"noAuthNoPriv", "authNoPriv", "authPriv", nullptr};

const nutpp_config_key kKeys[] = {
    {"port", NUTPP_TYPE_STRING, nullptr, "The agent: host, host:port or [ipv6]:port (UDP, default port 161)",
     NUTPP_KEY_REQUIRED, nullptr, 0, 0},
    {"community", NUTPP_TYPE_STRING, "public", "SNMP v1/v2c community", NUTPP_KEY_SECRET, nullptr, 0, 0},
    {"snmp_version", NUTPP_TYPE_ENUM, "v1", "SNMP version: v1, v2c or v3", 0, kVersions, 0, 0},
    {"seclevel", NUTPP_TYPE_ENUM, "noAuthNoPriv", "SNMPv3 security level", 0, kSecLevels, 0, 0},
    {"secname", NUTPP_TYPE_STRING, nullptr, "SNMPv3 user name (required with snmp_version v3)", 0, nullptr, 0, 0},
    {"authpassword", NUTPP_TYPE_STRING, nullptr, "SNMPv3 authentication pass phrase (>= 8 characters)",
     NUTPP_KEY_SECRET, nullptr, 0, 0},
    {"privpassword", NUTPP_TYPE_STRING, nullptr, "SNMPv3 privacy pass phrase (>= 8 characters)", NUTPP_KEY_SECRET,
     nullptr, 0, 0},
    {"authprotocol", NUTPP_TYPE_ENUM, "MD5", "SNMPv3 authentication protocol", 0, kAuthProtocols, 0, 0},
    {"privprotocol", NUTPP_TYPE_ENUM, "DES", "SNMPv3 privacy protocol", 0, kPrivProtocols, 0, 0},
    {"mibs", NUTPP_TYPE_STRING, "auto",
     "Mapping to use: auto (by sysObjectID, then each mapping's probe OID) or a mapping name (ietf, apcc, ...)", 0,
     nullptr, 0, 0},
    {"mibfile", NUTPP_TYPE_STRING, nullptr,
     "A user mapping file (YAML, same format as the shipped ones); it is tried first and replaces a shipped "
     "mapping of the same name (nutpp)",
     0, nullptr, 0, 0},
    {"pollfreq", NUTPP_TYPE_NUMBER, "30",
     "Seconds between full updates; ups.status/ups.alarm and writable variables are read every poll (NUT's meaning)",
     NUTPP_KEY_RANGE, nullptr, 1, 86400},
    {"snmp_retries", NUTPP_TYPE_INTEGER, "2", "Net-SNMP retries per request", NUTPP_KEY_RANGE, nullptr, 0, 10},
    {"snmp_timeout", NUTPP_TYPE_NUMBER, "1", "Seconds to wait for each try of a request", NUTPP_KEY_RANGE, nullptr,
     0.05, 30},
    {"max_oids_per_request", NUTPP_TYPE_INTEGER, "24", "Varbinds per GET request (nutpp)", NUTPP_KEY_RANGE, nullptr,
     1, 128},
    {"trap_listen", NUTPP_TYPE_STRING, nullptr,
     "host:port where this upsdrvd receives SNMP traps (one receiver per process: every SNMP device that sets it "
     "must give the same value); a datagram from this device's agent address polls it at once (nutpp)",
     0, nullptr, 0, 0},
};

const char *const kVariables[] = {"ups.status", "ups.alarm", "ups.mfr", "ups.model", "ups.serial", "ups.firmware",
                                  "battery.charge", "battery.runtime", "battery.voltage", "input.voltage",
                                  "input.frequency", "output.voltage", "ups.load", "driver.version.data", nullptr};
const char *const kCommands[] = {"test.battery.start", "test.battery.stop", "load.off", "load.on", "shutdown.return",
                                 "shutdown.stayoff", "shutdown.reboot", "shutdown.default", "beeper.enable",
                                 "beeper.disable", "beeper.mute", nullptr};

nutpp_status init_ex(const nutpp_library_host *lh) {
    const std::string dir = default_mib_dir(lh && lh->plugin_path ? lh->plugin_path : "");
    std::vector<std::string> errors;
    try {
        errors = catalog_load(dir);
    } catch (const std::exception &e) {
        if (lh && lh->set_error) lh->set_error(lh, (std::string("SNMP mappings: ") + e.what()).c_str());
        return NUTPP_E_CONFIG;
    }
    for (const auto &e : errors)
        if (lh && lh->log) lh->log(lh, NUTPP_LOG_ERROR, ("SNMP mapping left out: " + e).c_str());
    snmp_library_init();
    trap_receiver_init();
    if (lh && lh->log)
        lh->log(lh, NUTPP_LOG_INFO,
                ("SNMP: " + std::to_string(catalog().size()) + " mapping(s) loaded from " + dir).c_str());
    return NUTPP_OK;
}

int init_v1(const char *plugin_path) {
    nutpp_library_host lh{};
    lh.struct_size = sizeof lh;
    lh.plugin_path = plugin_path;
    return init_ex(&lh) == NUTPP_OK ? 0 : 1;
}

void deinit() {
    trap_receiver_deinit();
    snmp_library_deinit();
    catalog_clear();
}

} // namespace

extern "C" NUTPP_EXPORT const nutpp_driver_descriptor nutpp_driver_v1 = {
    .struct_size = sizeof(nutpp_driver_descriptor),
    .abi_major = NUTPP_ABI_MAJOR,
    .abi_minor = NUTPP_ABI_MINOR,
    .id = "org.nutpp.snmp",
    .name = "snmp",
    .version = "0.1.0",
    .vendor = "nutpp project",
    .description = "Network UPSes over SNMP v1/v2c/v3 (NUT snmp-ups), MIB mappings as YAML data",
    .transports = NUTPP_TRANSPORT_SNMP,
    .config_keys = kKeys,
    .config_key_count = static_cast<uint32_t>(sizeof kKeys / sizeof kKeys[0]),
    .config_key_size = sizeof(nutpp_config_key),
    .variables = kVariables,
    .commands = kCommands,
    .library_init = init_v1,
    .library_deinit = deinit,
    .ops = &nutpp::driver_ops<SnmpDriver>,
    .library_init_ex = init_ex,
};
