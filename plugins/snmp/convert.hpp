// The one table-driven place where raw SNMP values become NUT values: scale, decimals, enums,
// TimeTicks, bit strings, status tokens and alarm texts, and the named conversions. Depends on the
// standard library and nutpp::support only (no Net-SNMP), so the fuzz target compiles it alone.
#pragma once

#include "mapping.hpp"

#include <nutpp/support/status_bits.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nutpp::snmp {

// A varbind's value, independent of Net-SNMP's types.
struct RawValue {
    enum class Kind { Missing, Integer, Unsigned, TimeTicks, Counter64, Octets, Oid, IpAddress };
    Kind kind = Kind::Missing;
    int64_t integer = 0;  // Integer; Unsigned/TimeTicks/Counter64 as well (clamped to int64)
    std::string octets;   // Octets / IpAddress bytes; Oid as dotted text
};

// What one entry makes of a raw value. `usable` false: treat as "did not answer" (next entry of the
// same variable, then its default). For status/alarm/bits the contribution goes into `status`.
struct Converted {
    bool usable = false;
    std::string text; // String/Number/Timeticks/Enum: the published value
};

// Converts `raw` for `spec`; status/alarm/bits entries add to `status` instead of `text`.
Converted convert_value(const VarSpec &spec, const RawValue &raw, support::StatusSet &status);

// NUT's number printing for a mapping entry: `decimals` digits, or -1 = as needed, at most 2.
std::string format_number(double v, int decimals);

// The named conversions (`convert:`); nullopt when the input does not fit.
std::optional<std::string> apply_conversion(Conversion c, std::string_view in);

// SET payload for a writable variable: the enum's key for an enum entry, the number divided by the
// scale for a number entry, else the value. nullopt (with `why`) when it cannot be expressed.
std::optional<std::string> set_payload(const VarSpec &spec, const std::string &value, std::string &why);

} // namespace nutpp::snmp
