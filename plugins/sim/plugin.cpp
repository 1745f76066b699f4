// The exported descriptor of the sim plugin (nutpp-sim.so): NUT's dummy-ups as a nutpp driver.
#include <nutpp/driver.hpp>

#include "sim_driver.hpp"

namespace {

const char *const kModes[] = {"dummy-once", "dummy-loop", "dummy", "repeater", nullptr};

const nutpp_config_key kKeys[] = {
    {"port", NUTPP_TYPE_STRING, nullptr,
     "Simulation file (.dev dump or .seq sequence; a relative path is resolved against $NUTPP_CONFDIR, "
     "which upsdrvd sets to the config file's directory), or ups@host[:port] of a NUT server to repeat",
     NUTPP_KEY_REQUIRED, nullptr, 0, 0},
    {"mode", NUTPP_TYPE_ENUM, nullptr,
     "dummy-once (apply the file once, re-read it when it changes), dummy-loop (replay it forever), "
     "dummy (= dummy-loop) or repeater; default from port: ups@host -> repeater, *.seq -> dummy-loop, "
     "*.dev -> dummy-once, else dummy",
     0, kModes, 0, 0},
    {"repeater_disable_strict_start", NUTPP_TYPE_BOOL, "false",
     "Repeater: if the remote server is unreachable at start, open anyway and keep retrying (data "
     "stale meanwhile) instead of failing the open",
     0, nullptr, 0, 0},
    {"username", NUTPP_TYPE_STRING, nullptr,
     "Repeater: user name for forwarding SET VAR and INSTCMD to the remote server (nutpp extension)",
     0, nullptr, 0, 0},
    {"password", NUTPP_TYPE_STRING, nullptr, "Repeater: password of 'username' (nutpp extension)",
     NUTPP_KEY_SECRET, nullptr, 0, 0},
};

const char *const kCommands[] = {"load.off", nullptr};

} // namespace

extern "C" NUTPP_EXPORT const nutpp_driver_descriptor nutpp_driver_v1 = {
    sizeof(nutpp_driver_descriptor),
    NUTPP_ABI_MAJOR,
    NUTPP_ABI_MINOR,
    "org.nutpp.sim",
    "sim",
    "1.0.0",
    "nutpp project",
    "Device simulation from NUT .dev/.seq files, and repeater of a remote NUT server (NUT dummy-ups)",
    NUTPP_TRANSPORT_SIM | NUTPP_TRANSPORT_NETWORK,
    kKeys,
    static_cast<uint32_t>(sizeof kKeys / sizeof kKeys[0]),
    sizeof(nutpp_config_key),
    nullptr, // variables: whatever the file or the remote server holds
    kCommands,
    nullptr,
    nullptr,
    &nutpp::driver_ops<nutpp::sim::SimDriver>,
    nullptr, // library_init_ex (ABI 1.2): none
};
