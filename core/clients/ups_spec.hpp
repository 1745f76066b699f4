// Turning the "ups[@host[:port]]" / "host[:port]" operands into client::Endpoint, with NUT's
// complaints when they do not parse. The parsing itself is client::Endpoint's; this only adds the
// messages NUT's clients print (they differ per program, so the caller picks the wording).
#pragma once

#include "client/endpoint.hpp"

#include <optional>
#include <string_view>

namespace nutpp::clients {

enum class SpecWording {
    upsc,      // "Error: invalid UPS definition.\nRequired format: ..."
    admin,     // upscmd/upsrw: the same on one line, two spaces after the full stop
};

// nullopt after printing NUT's messages on stderr (spec missing or malformed).
std::optional<client::Endpoint> parse_ups_operand(const char *spec, SpecWording wording);

// For `upsc -l/-L [host[:port]]`; a missing operand means localhost. nullopt after printing.
// A spec with '@' is not rejected here: NUT hands it to the resolver, which answers "No such host",
// so we print that too (caller gets nullopt).
std::optional<client::Endpoint> parse_host_operand(const char *spec);

} // namespace nutpp::clients
