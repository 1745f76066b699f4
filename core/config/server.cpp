// `server:` (NUT's upsd.conf) and the value kinds several sections share.
#include "config/sections.hpp"

#include "common/strings.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <map>

namespace nutpp::config {

std::string parse_network(std::string_view text, Network &out, std::string *suggestion) {
    out = Network{};
    out.text = std::string(text);
    const size_t slash = text.find('/');
    const std::string addr(text.substr(0, slash));
    if (addr.empty()) return "no address";
    if (inet_pton(AF_INET, addr.c_str(), out.addr.data()) == 1) {
        out.v6 = false;
    } else if (inet_pton(AF_INET6, addr.c_str(), out.addr.data()) == 1) {
        out.v6 = true;
    } else {
        return "'" + addr + "' is not a numeric IPv4 or IPv6 address";
    }
    const int max = out.v6 ? 128 : 32;
    out.prefix = max;
    if (slash != std::string_view::npos) {
        long long n = -1;
        if (!common::parse_int(text.substr(slash + 1), n) || n < 0 || n > max)
            return "prefix length must be a number from 0 to " + std::to_string(max);
        out.prefix = int(n);
    }
    // ::ffff:a.b.c.d/96+n is the IPv4 network a.b.c.d/n: store it that way (one form to match).
    static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (out.v6 && out.prefix >= 96 && std::equal(kMapped, kMapped + 12, out.addr.begin())) {
        std::copy(out.addr.begin() + 12, out.addr.end(), out.addr.begin());
        std::fill(out.addr.begin() + 4, out.addr.end(), 0);
        out.v6 = false;
        out.prefix -= 96;
    }
    // Bits set past the prefix are almost always a typo for the network (or a missing /32).
    bool host_bits = false;
    auto network = out.addr;
    const int bytes = out.v6 ? 16 : 4;
    for (int i = 0; i < bytes; ++i) {
        const int keep = std::clamp(out.prefix - i * 8, 0, 8);
        const auto mask = static_cast<uint8_t>(keep == 0 ? 0 : 0xff << (8 - keep));
        if (network[size_t(i)] & ~mask) host_bits = true;
        network[size_t(i)] &= mask;
    }
    if (host_bits) {
        if (suggestion) {
            char buf[INET6_ADDRSTRLEN] = "";
            inet_ntop(out.v6 ? AF_INET6 : AF_INET, network.data(), buf, sizeof buf);
            *suggestion = std::string(buf) + "/" + std::to_string(out.prefix);
        }
        return "address has bits set past the prefix length";
    }
    return {};
}

} // namespace nutpp::config

namespace nutpp::config::detail {

Role parse_role(const Entry &e) {
    // NUT 2.8 still accepts the old names, case-insensitively.
    const std::string s = choice(e, {"primary", "secondary", "master", "slave"});
    return s == "primary" || s == "master" ? Role::Primary : Role::Secondary;
}

std::string parse_path(const Entry &e) { return text(e, "a path"); }

std::string parse_account(const Entry &e) {
    static const std::string expected = "a user or group name";
    const std::string s = text(e, expected);
    if (!is_simple_name(s, "$")) fail(e, "invalid name", expected);
    return s;
}

CertIdent parse_certident(const Reader &r, const Entry &e) {
    CertIdent c;
    bool have_password = false;
    apply_fields(entries(r, e),
                 {
                     {"name", [&](const Entry &x) { c.name = text(x, "the certificate name"); }},
                     {"password",
                      [&](const Entry &x) {
                          if (have_password) fail_at(x.key_at, x.path, "password given twice", "password or password_file");
                          c.password = printable_text(x, "the certificate database password");
                          c.password_at = x.key_at;
                          have_password = true;
                      }},
                     {"password_file",
                      [&](const Entry &x) {
                          if (have_password) fail_at(x.key_at, x.path, "password given twice", "password or password_file");
                          c.password = read_secret_file(r, x);
                          have_password = true;
                      }},
                 },
                 "certident");
    if (c.name.empty()) fail_at(e.value_at, e.path + ".name", "missing", "the certificate name");
    if (!have_password)
        fail_at(e.value_at, e.path + ".password", "missing", "password or password_file");
    return c;
}

namespace {

const std::string kNetworkExpected = "'address[/prefix]', e.g. '192.168.1.0/24', '2001:db8::/32', '::1'";

std::vector<Network> parse_networks(const Reader &r, const Entry &e) {
    std::vector<Network> out;
    for (const auto &el : elements(r, e, "a list of " + kNetworkExpected, true)) {
        Network n;
        std::string suggestion;
        const std::string why = parse_network(text(el, kNetworkExpected), n, &suggestion);
        if (!why.empty()) fail(el, "invalid network: " + why, kNetworkExpected, suggestion);
        n.where = el.value_at;
        out.push_back(std::move(n));
    }
    return out;
}

// `allow:` / `deny:` of the server or of one listener.
std::vector<Field> access_fields(const Reader &r, AccessRules &a) {
    return {
        {"allow",
         [&r, &a](const Entry &e) {
             a.allow = parse_networks(r, e);
             a.configured = true;
         }},
        {"deny",
         [&r, &a](const Entry &e) {
             a.deny = parse_networks(r, e);
             a.configured = true;
         }},
    };
}

// One listen element: "address[:port]" or { address: "address[:port]", allow: [...], deny: [...] }.
std::string parse_listen_element(const Reader &r, const Entry &el, Listen &l, const std::string &expected) {
    if (!el.value.IsMap()) return text(el, expected);
    std::string where;
    bool have_address = false;
    std::vector<Field> fields = access_fields(r, l.access);
    fields.push_back({"address", [&](const Entry &x) {
                          where = text(x, expected);
                          have_address = true;
                      }});
    apply_fields(entries(r, el), fields, "a listen entry");
    if (!have_address) fail_at(el.value_at, el.path + ".address", "missing", expected);
    return where;
}

std::vector<Listen> parse_listen(const Reader &r, const Entry &e) {
    static const std::string expected = "'address[:port]', e.g. '127.0.0.1:3493', '[::1]:3493', 'localhost', '*'";
    std::vector<Listen> out;
    std::map<std::pair<std::string, uint16_t>, Location> seen;
    for (const auto &el : elements(r, e, "a list of " + expected + " or { address, allow, deny }", true)) {
        Listen l;
        l.where = el.value_at;
        const std::string s = parse_listen_element(r, el, l, expected);
        const std::string why = split_host_port(s, l.host, l.port);
        if (!why.empty()) fail(el, "invalid listen address: " + why, expected);
        auto [prev, fresh] = seen.emplace(std::pair{common::to_lower(l.host), l.port}, l.where);
        if (!fresh)
            fail(el, "duplicate listen address (first written at " + prev->second.str() + ")", "each address once");
        out.push_back(std::move(l));
    }
    if (out.empty()) fail(e, "is empty", "at least one " + expected);
    return out;
}

CertRequest certrequest(const Entry &e) {
    // NUT takes the numbers or the names.
    const std::string s = choice(e, {"no", "request", "require", "0", "1", "2"});
    if (s == "request" || s == "1") return CertRequest::Request;
    if (s == "require" || s == "2") return CertRequest::Require;
    return CertRequest::No;
}

} // namespace

ServerConfig parse_server(const Reader &r, const Entry &section) {
    ServerConfig s;
    std::vector<Field> fields{
                     {"listen",
                      [&](const Entry &e) {
                          s.listen = parse_listen(r, e);
                          s.listen_configured = true;
                      }},
                     {"maxage", [&](const Entry &e) { s.maxage = int(integer(e, 1)); }},
                     {"maxconn", [&](const Entry &e) { s.maxconn = int(integer(e, 1)); }},
                     {"maxconn_per_address", [&](const Entry &e) { s.maxconn_per_address = int(integer(e, 1)); }},
                     {"idle_timeout", [&](const Entry &e) { s.idle_timeout = int(integer(e, 1, 86400)); }},
                     {"trackingdelay", [&](const Entry &e) { s.trackingdelay = int(integer(e, 0)); }},
                     {"certfile", [&](const Entry &e) { s.certfile = parse_path(e); }},
                     {"certpath", [&](const Entry &e) { s.certpath = parse_path(e); }},
                     {"certident", [&](const Entry &e) { s.certident = parse_certident(r, e); }},
                     {"certrequest", [&](const Entry &e) { s.certrequest = certrequest(e); }},
                     {"disable_weak_ssl", [&](const Entry &e) { s.disable_weak_ssl = boolean(e); }},
                     {"allow_no_device", [&](const Entry &e) { s.allow_no_device = boolean(e); }},
                     {"allow_not_all_listeners", [&](const Entry &e) { s.allow_not_all_listeners = boolean(e); }},
                     {"debug_min", [&](const Entry &e) { s.debug_min = int(integer(e, 0, 100)); }},
                     {"datapath", [&](const Entry &e) { s.datapath = parse_path(e); }},
                 };
    for (auto &f : access_fields(r, s.access)) fields.push_back(std::move(f));
    apply_fields(entries(r, section), fields, "section 'server'");
    return s;
}

} // namespace nutpp::config::detail
