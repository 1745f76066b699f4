// Where a UPS lives: NUT's "<ups>[@<host>[:<port>]]" notation (IPv6 hosts in brackets).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace nutpp::client {

inline constexpr uint16_t kDefaultPort = 3493;

struct Endpoint {
    std::string ups;
    std::string host = "localhost";
    uint16_t port = kDefaultPort;

    // "ups", "ups@host", "ups@host:port", "ups@[::1]:port", "ups@[::1]".
    // Throws std::invalid_argument with a readable reason.
    static Endpoint parse(std::string_view spec);

    // "host", "host:port", "[v6]:port", "[v6]" or a bare IPv6 address ("::1"); ups stays empty.
    // Used by `upsc -l host[:port]`. Empty spec -> localhost.
    static Endpoint parse_host(std::string_view spec);

    // Back to text: "ups@host:port" (port omitted when 3493, IPv6 hosts bracketed), as NUT prints it.
    std::string to_string() const;
};

} // namespace nutpp::client
