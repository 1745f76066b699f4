// The I/O-free half of a map's `probe` (register_map.hpp): the value the device's registers (or
// its identification answer) give, whether it passes the map's check, and how to say so in the
// scan's output. The I/O half, asking a device, is probe_device() (probe_device.hpp).
#pragma once

#include "register_map.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>

namespace nutpp::modbus {

struct ProbeValue {
    std::string text;              // strings as read (trimmed); numbers in decimal
    std::optional<int64_t> number; // numeric types (a u64 above INT64_MAX has none)
};

// `regs` holds the probe's `count` registers.
ProbeValue probe_value(const Probe &p, std::span<const uint16_t> regs);
// A device_id probe: the object's text, or its `field=` part; nullopt when the answer lacks it.
std::optional<ProbeValue> probe_value(const Probe &p, const std::map<uint8_t, std::string> &objects);

bool probe_fits(const Probe &p, const ProbeValue &v);

// What was read and checked, e.g. `holding register 532 "Smart-UPS 750" matches ^Smart-UPS`.
std::string probe_describe(const Probe &p, const ProbeValue &v);

} // namespace nutpp::modbus
