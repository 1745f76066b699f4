// Which nutpp plugin takes over which NUT driver, and how that driver's ups.conf options become the
// plugin's keys. Const data: one row per NUT driver. Options not listed in a row are carried when
// the plugin declares a key of the same name (compared case-insensitively, so snmp-ups' secLevel
// becomes seclevel); the import asks the plugin for its keys (upsdrvd --describe NAME --keys), so the
// table only holds what differs.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nutpp::import {

// What one NUT option value becomes.
struct Converted {
    enum class Kind { Carry, Implied, Refuse } kind = Kind::Carry;
    std::string value; // Carry: the value to write; Refuse: why it cannot be carried
};

struct ConvertContext {
    std::string nut_dir; // where the NUT files are (relative dummy-ups files are resolved there)
};

using Convert = Converted (*)(std::string_view value, const ConvertContext &ctx);

struct OptionRule {
    const char *nut;      // NUT option name (case-insensitive)
    const char *nutpp;    // the plugin's key; nullptr = not carried (see why)
    const char *why;      // nutpp == nullptr: why it is not carried
    Convert convert;      // nullptr: the value as written
};

struct FixedKey {
    const char *key;
    const char *value;
};

// A section's options as written (key, first value), for StaysNut.
using SectionOptions = std::vector<std::pair<std::string, std::string>>;

// A device whose settings the plugin cannot serve (e.g. nutdrv_qx on USB) stays NUT's: returns why,
// or "" when the plugin takes it.
using StaysNut = std::string (*)(std::string_view port, const SectionOptions &options);

struct DriverMapping {
    const char *nut_driver;
    const char *plugin;                 // nullptr: no nutpp plugin, the device stays NUT's driver
    const char *note;                   // plugin: how it is served; no plugin: why not
    std::span<const FixedKey> fixed;    // keys written for every such device (protocol, map)
    std::span<const OptionRule> options;
    StaysNut stays_nut;                 // nullptr: every device of this driver is taken
};

// The row for a NUT driver name, or nullptr (unknown to nutpp: the device stays NUT's).
const DriverMapping *find_driver(std::string_view nut_driver);

// Every row (for the man page and tests).
std::span<const DriverMapping> driver_table();

} // namespace nutpp::import
