// Section parsers of the config file (internal to nutpp_config). Each takes the section's entry and
// throws ConfigError on the first problem.
#pragma once

#include "config/config.hpp"
#include "config/reader.hpp"

#include <vector>

namespace nutpp::config::detail {

// Top-level ups.conf-style globals (pollinterval, maxretry, ...) writing into `d`.
std::vector<Field> driver_default_fields(DriverDefaults &d);
// `devices:` (a map of name -> settings), each device starting from `defaults`.
std::vector<DeviceConfig> parse_devices(const Reader &r, const Entry &section, const DriverDefaults &defaults);

// `server:`
ServerConfig parse_server(const Reader &r, const Entry &section);
// `users:`
std::vector<User> parse_users(const Reader &r, const Entry &section);
// `monitor:`
MonitorConfig parse_monitor(const Reader &r, const Entry &section);
// `web:`
WebConfig parse_web(const Reader &r, const Entry &section);

// Shared value kinds.
Role parse_role(const Entry &e);                               // primary|secondary (master|slave aliases)
CertIdent parse_certident(const Reader &r, const Entry &e);    // { name, password | password_file }
std::string parse_path(const Entry &e);                        // a non-empty path
std::string parse_account(const Entry &e);                     // a Unix user/group name

} // namespace nutpp::config::detail
