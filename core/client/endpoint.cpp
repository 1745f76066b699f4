#include "client/endpoint.hpp"

#include <charconv>
#include <stdexcept>

namespace nutpp::client {

namespace {

[[noreturn]] void bad(std::string_view spec, std::string_view why) {
    throw std::invalid_argument("invalid UPS/host specification '" + std::string(spec) + "': " +
                                std::string(why));
}

uint16_t parse_port(std::string_view spec, std::string_view text) {
    unsigned v = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc() || p != text.data() + text.size() || v == 0 || v > 65535)
        bad(spec, "port must be a number from 1 to 65535");
    return static_cast<uint16_t>(v);
}

bool has_space(std::string_view s) {
    for (char c : s)
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return true;
    return false;
}

// Fills host/port of `ep` from "host[:port]" / "[v6][:port]" / "v6".
void parse_hostport(std::string_view spec, std::string_view hp, Endpoint &ep) {
    if (hp.empty()) bad(spec, "empty host name");
    if (hp.front() == '[') {
        const auto close = hp.find(']');
        if (close == std::string_view::npos) bad(spec, "missing ']' after IPv6 address");
        ep.host = std::string(hp.substr(1, close - 1));
        const auto rest = hp.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') bad(spec, "unexpected text after ']'");
            ep.port = parse_port(spec, rest.substr(1));
        }
    } else {
        const auto colon = hp.find(':');
        if (colon != std::string_view::npos && hp.find(':', colon + 1) != std::string_view::npos) {
            ep.host = std::string(hp); // several colons: a bare IPv6 address without a port
        } else if (colon != std::string_view::npos) {
            ep.host = std::string(hp.substr(0, colon));
            ep.port = parse_port(spec, hp.substr(colon + 1));
        } else {
            ep.host = std::string(hp);
        }
    }
    if (ep.host.empty()) bad(spec, "empty host name");
    if (has_space(ep.host)) bad(spec, "host name contains whitespace or control characters");
}

} // namespace

Endpoint Endpoint::parse(std::string_view spec) {
    Endpoint ep;
    const auto at = spec.find('@');
    const auto ups = spec.substr(0, at);
    if (ups.empty()) bad(spec, "empty UPS name");
    if (has_space(ups)) bad(spec, "UPS name contains whitespace or control characters");
    ep.ups = std::string(ups);
    if (at != std::string_view::npos) {
        const auto hp = spec.substr(at + 1);
        if (hp.find('@') != std::string_view::npos) bad(spec, "more than one '@'");
        parse_hostport(spec, hp, ep);
    }
    return ep;
}

Endpoint Endpoint::parse_host(std::string_view spec) {
    Endpoint ep;
    if (spec.empty()) return ep;
    if (spec.find('@') != std::string_view::npos) bad(spec, "'@' in a host name");
    parse_hostport(spec, spec, ep);
    return ep;
}

std::string Endpoint::to_string() const {
    std::string r = ups;
    if (!r.empty()) r += '@';
    const bool v6 = host.find(':') != std::string::npos;
    if (v6) r += '[';
    r += host;
    if (v6) r += ']';
    if (port != kDefaultPort) r += ':' + std::to_string(port);
    return r;
}

} // namespace nutpp::client
