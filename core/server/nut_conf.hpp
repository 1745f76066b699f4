// NUT drop-in mode: builds the same config::Config the YAML loader gives, from NUT's own
// upsd.conf, upsd.users and ups.conf in NUT_CONFPATH (default /etc/nut), so an existing NUT
// installation can switch to our upsd by swapping the binary.
//
// NUT's start-up rules kept: a missing upsd.conf or ups.conf is fatal, a missing upsd.users only
// warns, no UPS section is fatal unless ALLOW_NO_DEVICE; ups.conf sections without `driver` or
// `port` are ignored with a warning; state path = NUT_STATEPATH > ups.conf `statepath` >
// upsd.conf STATEPATH > built-in. Keywords of upsd.conf are upper case (case-sensitive, as NUT).
#pragma once

#include "config/config.hpp"

#include <stdexcept>
#include <string>

namespace nutpp::server {

struct NutPaths {
    std::string confpath;  // NUT_CONFPATH or /etc/nut
    std::string statepath; // NUT_STATEPATH or empty (then the files decide, else the default)
    std::string pidpath;   // NUT_ALTPIDPATH or NUT_STATEPATH or the state path
};

inline constexpr const char *kNutDefaultConfPath = "/etc/nut";
inline constexpr const char *kNutDefaultStatePath = "/run/nut";

NutPaths nut_paths_from_env();

// Throws std::runtime_error with NUT-like messages ("Can't open <file>: ...", "Fatal error: at
// least one UPS must be defined in ups.conf").
config::Config load_nut_config(const NutPaths &paths);

} // namespace nutpp::server
