// Per-vendor additions to the generic mapping: small named tables, one entry per USB vendor ID.
// The same table lists the vendors the udev rule (etc/, generated at build time) grants access to,
// so the rule and the code cannot disagree.
#pragma once

#include <cstdint>
#include <span>

#include "hid_usage_names.hpp"
#include "nut_mapping.hpp"

namespace nutpp::usbhid {

// Rewrites broken logical limits of one field (firmware that leaks the limits of an earlier item).
struct LogicalLimitFix {
    const char *hid_path;
    int64_t logical_min;
    int64_t logical_max;
};

struct VendorQuirks {
    uint16_t vendor_id;
    const char *name;                      // as NUT names the subdriver family
    std::span<const MappingRow> rows;      // tried before the generic table
    std::span<const UsageName> usage_names; // the vendor's own usage page
    std::span<const LogicalLimitFix> limit_fixes;
    // CyberPower: some models report battery.voltage 1.5x too high. When the value exceeds 1.4x the
    // nominal voltage, it is scaled by 2/3 (the check NUT's CyberPower subdriver does too).
    bool battery_voltage_scale_fix = false;
    // APC Back-UPS: some units report Discharging while on line; drop DISCHRG while OL.
    bool ignore_discharging_on_line = false;
};

std::span<const VendorQuirks> vendor_table();
// The quirks for `vendor_id`, or nullptr (generic mapping only).
const VendorQuirks *find_vendor(uint16_t vendor_id);

} // namespace nutpp::usbhid
