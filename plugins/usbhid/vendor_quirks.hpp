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

// Firmware with a wrong unit exponent: a variable whose value lies in [low, high) is multiplied by
// `factor` (the first matching row of a variable wins). The windows are where NUT's fixed
// corrections turn an implausible reading into a plausible one; a reading already plausible is
// left alone, so a newer firmware that reports correctly is not broken by the fix.
struct ScaleFix {
    const char *nut_name;
    double low;
    double high;
    double factor;
};

// A fixed multiplier for one variable of one USB product (NUT's per-product-ID scale tables).
struct ProductScale {
    uint16_t product_id;
    const char *nut_name;
    double factor;
};

// A model name a vendor's subdriver spells its own way: (USB iProduct, model part) -> name.
struct ModelRename {
    const char *product;
    const char *model;
    const char *name;
};

// ups.model built from the USB product string and a model part (MGE/Eaton): the model part is the
// string at `model_string_path`, else the whole number at `model_number_path` (the VA rating); the
// pair is looked up in `renames`, else published as "product model". No model part: the generic rows.
struct ModelNameRule {
    const char *model_string_path;
    const char *model_number_path;
    std::span<const ModelRename> renames;
};

// ups.realpower when the device has no reading of it: round(ups.load / 100 x ups.power.nominal x
// power_factor), as NUT's mge-hid.c estimates it.
struct RealpowerEstimate {
    double power_factor;
};

struct VendorQuirks {
    uint16_t vendor_id;
    const char *name;                      // as NUT names the subdriver family
    std::span<const MappingRow> rows = {};      // tried before the generic table
    std::span<const UsageName> usage_names = {}; // the vendor's own usage page
    std::span<const LogicalLimitFix> limit_fixes = {};
    // CyberPower: some models report battery.voltage 1.5x too high. When the value exceeds 1.4x the
    // nominal voltage, it is scaled by 2/3 (the check NUT's CyberPower subdriver does too).
    bool battery_voltage_scale_fix = false;
    // APC Back-UPS: some units report Discharging while on line; drop DISCHRG while OL.
    bool ignore_discharging_on_line = false;
    std::span<const ScaleFix> scale_fixes = {};
    std::span<const ProductScale> product_scales = {};
    // Generic-table paths this vendor uses for something else (its own rows bind them instead).
    std::span<const char *const> generic_paths_skipped = {};
    // NUT's offdelay/ondelay defaults, seconds (usbhid-ups: 20/30; CyberPower since NUT 2.8.3: 60/120,
    // because its firmware counts these delays in whole minutes).
    long default_offdelay = 20;
    long default_ondelay = 30;
    const ModelNameRule *model_name = nullptr;
    const RealpowerEstimate *realpower_estimate = nullptr;
};

std::span<const VendorQuirks> vendor_table();
// The quirks for `vendor_id`, or nullptr (generic mapping only).
const VendorQuirks *find_vendor(uint16_t vendor_id);

} // namespace nutpp::usbhid
