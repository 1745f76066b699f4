// A device entry's key as the tests read it: its value, or "<unset>" when the entry lacks it (so a
// missing key fails one expectation instead of dereferencing null and ending the test binary).
#pragma once

#include "config/config.hpp"

#include <string>

namespace nutpp::testing {

inline std::string device_key(const nutpp::config::DeviceConfig &d, const std::string &key) {
    const auto *s = d.find(key);
    return s ? s->value : "<unset>";
}

} // namespace nutpp::testing
