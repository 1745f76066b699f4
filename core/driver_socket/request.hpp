// Requests a socket client (upsd, NUT's upsd, a debug tool) sends to a driver, parsed from the NUT
// driver-socket protocol (reference §2.2). Validation of arity follows NUT's driver core.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace nutpp::driver_socket {

struct Request {
    enum class Kind { DumpAll, Ping, InstCmd, Set, Logout, Ignored, Malformed };
    Kind kind = Kind::Ignored;
    std::string name;                 // INSTCMD command / SET variable
    std::optional<std::string> value; // INSTCMD parameter / SET value
    std::optional<std::string> tracking;
    std::string why;                  // for Malformed: what was wrong (logged)
};

// words: one tokenized line (parseconf), non-empty.
Request parse_request(const std::vector<std::string> &words);

// NUT's driver TRACKING result codes.
enum class TrackingResult : int { Handled = 0, Unknown = 1, Invalid = 2, Failed = 3, ConversionFailed = 4 };
std::string tracking_line(const std::string &id, TrackingResult r);

} // namespace nutpp::driver_socket
