// `server:` (NUT's upsd.conf) and the value kinds several sections share.
#include "config/sections.hpp"

#include "common/strings.hpp"

#include <map>

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

std::vector<Listen> parse_listen(const Reader &r, const Entry &e) {
    static const std::string expected = "'address[:port]', e.g. '127.0.0.1:3493', '[::1]:3493', 'localhost', '*'";
    std::vector<Listen> out;
    std::map<std::pair<std::string, uint16_t>, Location> seen;
    for (const auto &el : elements(r, e, "a list of " + expected, true)) {
        Listen l;
        l.where = el.value_at;
        const std::string s = text(el, expected);
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
    apply_fields(entries(r, section),
                 {
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
                 },
                 "section 'server'");
    return s;
}

} // namespace nutpp::config::detail
