// Which protocol a serial UPS speaks: the detection `protocol: auto` runs when the plugin opens a
// port, and the same for `nutpp scan --serial` (library nutpp_serial_core), so the scanner has no
// detection of its own. It writes to the port: a query of each protocol.
#pragma once

#include "link.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace nutpp::serial {

enum class Protocol { Auto, Megatec, ApcSmart };

// The `protocol` key's value of a protocol ("auto", "megatec", "apcsmart"), and back (nullopt for
// anything else).
const char *protocol_key(Protocol p);
std::optional<Protocol> parse_protocol(std::string_view key);

// Megatec's Q1, then APC's 'Y', each tried twice with `reply_timeout` per reply (so a silent line
// costs four of them). nullopt when neither answers.
std::optional<Protocol> detect_protocol(Link &link, std::chrono::milliseconds reply_timeout);

struct SerialProbe {
    std::optional<Protocol> protocol;
    std::string how;   // what answered ("a Megatec status line in answer to Q1", ...)
    std::string error; // the port could not be opened (absent, no permission, locked by a driver)
};

// Opens `port` at `baud` with the line settings `protocol: auto` opens it with and runs
// detect_protocol, the four replies sharing `timeout`: a silent port costs about `timeout`.
SerialProbe serial_probe(const std::string &port, int baud, std::chrono::milliseconds timeout);

} // namespace nutpp::serial
