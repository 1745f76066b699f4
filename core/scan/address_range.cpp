#include "scan/address_range.hpp"

#include "config/config.hpp"

#include <arpa/inet.h>

#include <array>
#include <stdexcept>

namespace nutpp::scan {

namespace {

using Bytes = std::array<uint8_t, 16>;

std::string text(const Bytes &a, bool v6) {
    char buf[INET6_ADDRSTRLEN] = "";
    inet_ntop(v6 ? AF_INET6 : AF_INET, a.data(), buf, sizeof buf);
    return buf;
}

// a + 1 in place (big-endian over the family's bytes); false on wrap-around.
bool increment(Bytes &a, bool v6) {
    for (int i = (v6 ? 16 : 4) - 1; i >= 0; --i)
        if (++a[size_t(i)] != 0) return true;
    return false;
}

bool parse(std::string_view s, Bytes &out, bool &v6) {
    const std::string str(s);
    out = {};
    if (inet_pton(AF_INET, str.c_str(), out.data()) == 1) return v6 = false, true;
    if (inet_pton(AF_INET6, str.c_str(), out.data()) == 1) return v6 = true, true;
    return false;
}

std::vector<std::string> walk(Bytes from, const Bytes &to, bool v6) {
    std::vector<std::string> out;
    for (;;) {
        if (out.size() >= kMaxAddresses)
            throw std::invalid_argument("more than " + std::to_string(kMaxAddresses) + " addresses");
        out.push_back(text(from, v6));
        if (from == to || !increment(from, v6)) break;
    }
    return out;
}

} // namespace

std::vector<std::string> expand_cidr(std::string_view cidr) {
    config::Network n;
    std::string suggestion;
    const std::string why = config::parse_network(cidr, n, &suggestion);
    // nut-scanner takes 192.168.1.7/24 as the network it lies in.
    if (!why.empty() && (suggestion.empty() || !config::parse_network(suggestion, n).empty()))
        throw std::invalid_argument("'" + std::string(cidr) + "': " + why);
    const int bits = n.v6 ? 128 : 32;
    if (bits - n.prefix > 16) throw std::invalid_argument("'" + std::string(cidr) + "' has more than " +
                                                          std::to_string(kMaxAddresses) + " addresses");
    Bytes last = n.addr;
    for (int i = n.prefix; i < bits; ++i) last[size_t(i / 8)] |= uint8_t(0x80 >> (i % 8));
    Bytes first = n.addr;
    if (!n.v6 && n.prefix < 31) {
        increment(first, false);          // not the network address
        for (int i = 3; i >= 0; --i)      // nor the broadcast address
            if (last[size_t(i)]-- != 0) break;
    }
    return walk(first, last, n.v6);
}

std::vector<std::string> expand_range(std::string_view start, std::string_view end) {
    Bytes a, b;
    bool v6a = false, v6b = false;
    if (!parse(start, a, v6a)) throw std::invalid_argument("'" + std::string(start) + "' is not an IP address");
    if (end.empty()) b = a, v6b = v6a;
    else if (!parse(end, b, v6b)) throw std::invalid_argument("'" + std::string(end) + "' is not an IP address");
    if (v6a != v6b) throw std::invalid_argument("start and end are not the same address family");
    if (b < a) throw std::invalid_argument("the end address comes before the start address");
    return walk(a, b, v6a);
}

std::string host_port(std::string_view host, uint16_t port) {
    const std::string h(host);
    return (h.find(':') != std::string::npos ? "[" + h + "]" : h) + ":" + std::to_string(port);
}

} // namespace nutpp::scan
