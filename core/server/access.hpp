// Access rules by network (server.allow / server.deny, globally or per listener), checked by upsd
// right after accept(): a refused peer is closed before a byte of it is read.
#pragma once

#include "config/config.hpp"

#include <sys/socket.h>

#include <cstdint>
#include <string>

namespace nutpp::server {

// A socket address as upsd shows it (logs, LIST CLIENT): "127.0.0.1", "::1"; "?" for other
// families. And its port (0 for other families).
std::string addr_text(const sockaddr *sa);
uint16_t addr_port(const sockaddr *sa);

// True when `peer` (an AF_INET or AF_INET6 address; a v4-mapped IPv6 address counts as its IPv4
// address) lies in `net`.
bool in_network(const config::Network &net, const sockaddr *peer);

// config::AccessRules' rule: refused when in any deny network; else accepted when allow is empty
// or the peer is in an allow network.
bool permitted(const config::AccessRules &rules, const sockaddr *peer);

// The same networks in the same lists (order and spelling aside): two listen entries that end up
// on one socket must agree on who may use it.
bool same_rules(const config::AccessRules &a, const config::AccessRules &b);

} // namespace nutpp::server
