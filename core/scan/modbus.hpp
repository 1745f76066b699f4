// Modbus TCP slaves for `nutpp scan --modbus_scan`: each address is asked by the modbus plugin's
// own probe_device() (plugins/modbus, library nutpp_modbus_link), which tries every built-in map's
// `probe` and names the map that fits.
#pragma once

#include "scan/nut_servers.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nutpp::scan {

struct ModbusOptions {
    uint16_t port = 502;
    std::optional<int> slave; // every map at this slave id; else each map's own (1, 192 ...)
    ProbeOptions probe;       // timeout: the whole probe of one address
};

struct ModbusSlave {
    std::string host;
    uint16_t port = 502;
    std::string map; // the built-in map that fits ("" when the device answered but none fits)
    int slave = 0;
    std::string how; // what identified it
};

// The Modbus TCP devices that answered, in the order of `hosts`. An address where nothing listens
// costs at most the timeout, so does one that accepts and never answers.
std::vector<ModbusSlave> scan_modbus(const std::vector<std::string> &hosts, const ModbusOptions &opt);

} // namespace nutpp::scan
