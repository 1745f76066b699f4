#include "server/access.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <tuple>

namespace nutpp::server {

namespace {

// The peer as (is IPv6, 16 address bytes); false for other families.
bool peer_bytes(const sockaddr *peer, bool &v6, std::array<uint8_t, 16> &bytes) {
    bytes.fill(0);
    if (peer->sa_family == AF_INET) {
        v6 = false;
        std::memcpy(bytes.data(), &reinterpret_cast<const sockaddr_in *>(peer)->sin_addr, 4);
        return true;
    }
    if (peer->sa_family != AF_INET6) return false;
    const auto &a6 = reinterpret_cast<const sockaddr_in6 *>(peer)->sin6_addr;
    if (IN6_IS_ADDR_V4MAPPED(&a6)) {
        v6 = false;
        std::memcpy(bytes.data(), a6.s6_addr + 12, 4);
    } else {
        v6 = true;
        std::memcpy(bytes.data(), a6.s6_addr, 16);
    }
    return true;
}

bool prefix_equal(const std::array<uint8_t, 16> &a, const std::array<uint8_t, 16> &b, int prefix) {
    const int whole = prefix / 8, rest = prefix % 8;
    if (!std::equal(a.begin(), a.begin() + whole, b.begin())) return false;
    if (rest == 0) return true;
    const auto mask = static_cast<uint8_t>(0xff << (8 - rest));
    return (a[size_t(whole)] & mask) == (b[size_t(whole)] & mask);
}

bool in_any(const std::vector<config::Network> &nets, bool v6, const std::array<uint8_t, 16> &bytes) {
    return std::any_of(nets.begin(), nets.end(),
                       [&](const config::Network &n) { return n.v6 == v6 && prefix_equal(n.addr, bytes, n.prefix); });
}

using Key = std::tuple<bool, std::array<uint8_t, 16>, int>;
std::vector<Key> canonical(const std::vector<config::Network> &nets) {
    std::vector<Key> out;
    for (const auto &n : nets) out.emplace_back(n.v6, n.addr, n.prefix);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

} // namespace

std::string addr_text(const sockaddr *sa) {
    char buf[INET6_ADDRSTRLEN] = "?";
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in *>(sa)->sin_addr, buf, sizeof buf);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6 *>(sa)->sin6_addr, buf, sizeof buf);
    return buf;
}

uint16_t addr_port(const sockaddr *sa) {
    if (sa->sa_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in *>(sa)->sin_port);
    if (sa->sa_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6 *>(sa)->sin6_port);
    return 0;
}


bool in_network(const config::Network &net, const sockaddr *peer) {
    bool v6 = false;
    std::array<uint8_t, 16> bytes{};
    return peer_bytes(peer, v6, bytes) && net.v6 == v6 && prefix_equal(net.addr, bytes, net.prefix);
}

bool permitted(const config::AccessRules &rules, const sockaddr *peer) {
    bool v6 = false;
    std::array<uint8_t, 16> bytes{};
    if (!peer_bytes(peer, v6, bytes)) return rules.allow.empty() && rules.deny.empty();
    if (in_any(rules.deny, v6, bytes)) return false;
    return rules.allow.empty() || in_any(rules.allow, v6, bytes);
}

bool same_rules(const config::AccessRules &a, const config::AccessRules &b) {
    return canonical(a.allow) == canonical(b.allow) && canonical(a.deny) == canonical(b.deny);
}

} // namespace nutpp::server
