// Asking for what upscmd/upsrw need and were not given on the command line, the way NUT does:
// "Username (<login>): " on stdout read from stdin (an empty answer means <login>), and
// "Password: " without echo on the controlling terminal, falling back to stderr/stdin like
// getpass(3) when there is none.
#pragma once

#include <optional>
#include <string>

namespace nutpp::clients {

// The login name of the real user ("" if unknown), offered as the default username.
std::string default_username();

// nullopt at end of input. An empty line gives default_username().
std::optional<std::string> prompt_username();

// Never fails: end of input gives "" (NUT then sends no usable password and upsd answers
// PASSWORD-REQUIRED on the action).
std::string prompt_password();

} // namespace nutpp::clients
