// The parsing lives in the plugin-support library (nutpp/support/nut_client.hpp), which plugins
// such as the sim repeater use too; this is core's spelling of the same thing.
#include "client/endpoint.hpp"

#include <nutpp/support/nut_client.hpp>

namespace nutpp::client {

namespace {

Endpoint from(support::NutEndpoint e) { return Endpoint{std::move(e.ups), std::move(e.host), e.port}; }

} // namespace

Endpoint Endpoint::parse(std::string_view spec) { return from(support::NutEndpoint::parse(spec)); }

Endpoint Endpoint::parse_host(std::string_view spec) { return from(support::NutEndpoint::parse_host(spec)); }

std::string Endpoint::to_string() const { return support::NutEndpoint{ups, host, port}.to_string(); }

} // namespace nutpp::client
