// Which map fits a Modbus device: each map's `probe` (map_probe.hpp) asked over one link, in the
// order of the maps, the first that fits wins. `nutpp scan --modbus_scan` calls it for every
// address (library nutpp_modbus_link, shared with the plugin), so the scanner has no detection of
// its own.
#pragma once

#include "modbus_link.hpp"
#include "register_map.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace nutpp::modbus {

struct ProbeRequest {
    LinkConfig link;           // port (TCP host:port, or an RTU device with its line settings)
    bool fixed_slave = false;  // true: every map is tried at link.slave; false: at each map's slaveid
    // The whole probe of the device: connecting and every request share it, so a device that
    // accepts the connection and never answers costs this much, not this much per map.
    std::chrono::milliseconds timeout{5000};
};

struct ProbeOutcome {
    bool connected = false;
    bool answered = false; // some request came back (a value or a Modbus exception)
    std::string map;       // the map that fits ("" when none does)
    int slave = 0;         // the slave id it answered at
    std::string how;       // what was read and checked (probe_describe)
    std::string error;     // why not connected, or the last request's failure
};

// The built-in maps that have a probe, in builtin_maps() order (loaded once).
const std::vector<RegisterMap> &builtin_probe_maps();

ProbeOutcome probe_device(const ProbeRequest &req, const std::vector<RegisterMap> &maps);
inline ProbeOutcome probe_device(const ProbeRequest &req) { return probe_device(req, builtin_probe_maps()); }

} // namespace nutpp::modbus
