// How dummy-ups declares the variables it simulates (NUT 2.8.0 drivers/dummy-ups.h, `nut_data`):
// every variable it sets is writable; a name from its table keeps that row's type (a NUMBER, or a
// STRING with the row's maximum length), any other name becomes a STRING of at most 32 bytes.
// Names compare case-insensitively (dummy-ups uses strcasecmp).
#pragma once

#include <nutpp/driver.h>

#include <cstdint>
#include <string_view>

namespace nutpp::sim {

struct VarShape {
    nutpp_type type;     // NUTPP_TYPE_STRING or NUTPP_TYPE_NUMBER
    uint32_t max_length; // STRING only
};

// The declaration dummy-ups gives `name` (always writable).
VarShape dummy_shape(std::string_view name);

// Variables dummy-ups publishes before reading its file (DU_FLAG_INIT rows).
struct InitialVar {
    const char *name;
    const char *value;
};
inline constexpr InitialVar kInitialVars[] = {
    {"ups.mfr", "Dummy Manufacturer"},
    {"ups.model", "Dummy UPS"},
    {"ups.status", "OL"},
};

} // namespace nutpp::sim
