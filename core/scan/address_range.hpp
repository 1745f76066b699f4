// The addresses `nutpp scan` probes: nut-scanner's -m CIDR, or -s START [-e END].
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace nutpp::scan {

inline constexpr size_t kMaxAddresses = 65536; // a /16: more is a typo, not a scan

// "192.168.1.0/24", "fd00::/120": every address of the network; for IPv4 networks larger than /31
// the network and broadcast addresses are left out (as nut-scanner does). Throws
// std::invalid_argument saying what is wrong (not an address, more than kMaxAddresses, ...).
std::vector<std::string> expand_cidr(std::string_view cidr);

// START..END inclusive (same family; END defaults to START). Throws std::invalid_argument.
std::vector<std::string> expand_range(std::string_view start, std::string_view end);

// "host:port" of one of those addresses, an IPv6 address in brackets ("[fd00::1]:502").
std::string host_port(std::string_view host, uint16_t port);

} // namespace nutpp::scan
