// Value ranges of numeric config keys, as a const table the plugin checks in create().
//
// The host cannot check them before create() yet: nutpp_config_key (ABI 1.x) has no min/max. When
// the ABI gains them, the same table fills those fields and this check becomes the host's.
#pragma once

#include <optional>
#include <span>
#include <string>

namespace nutpp::support {

struct ConfigRange {
    const char *key;
    double min;
    double max;
    const char *unit; // shown in the error ("s", "min"), or ""
};

// "offdelay must be 12..600 s" when `value` is outside the range, else nullopt.
std::optional<std::string> range_error(const ConfigRange &r, double value);

// The first range violated by the configured values; `number_of(key)` returns the configured
// number or nullopt (unset). Use with nutpp::Host::config_number:
//   if (auto e = check_ranges(kRanges, [&](const char *k) { return host.config_number(k); }))
//       throw nutpp::Error(NUTPP_E_CONFIG, *e);
template <class NumberOf>
std::optional<std::string> check_ranges(std::span<const ConfigRange> ranges, NumberOf &&number_of) {
    for (const auto &r : ranges)
        if (const std::optional<double> v = number_of(r.key))
            if (auto e = range_error(r, *v)) return e;
    return std::nullopt;
}

} // namespace nutpp::support
