#include "nutpp/support/config_range.hpp"

#include <cstdio>

namespace nutpp::support {

std::optional<std::string> range_error(const ConfigRange &r, double value) {
    if (value >= r.min && value <= r.max) return std::nullopt; // NaN fails both: an error
    char buf[96];
    std::snprintf(buf, sizeof buf, "%g..%g", r.min, r.max);
    std::string e = std::string(r.key) + " must be " + buf;
    if (r.unit && *r.unit) e += std::string(" ") + r.unit;
    return e;
}

} // namespace nutpp::support
