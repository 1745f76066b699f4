// `web:` (upsweb): where to read UPS data from, and the HTTP and MQTT outputs.
#include "config/sections.hpp"

#include "common/strings.hpp"

#include <map>

namespace nutpp::config::detail {

namespace {

constexpr uint16_t kDefaultHttpPort = 9199; // DRuggeri/nut_exporter's port: scrape configs keep working

std::vector<Listen> parse_http_listen(const Reader &r, const Entry &e) {
    static const std::string expected = "'address[:port]', e.g. '127.0.0.1:9199', '[::1]:9199', '*:9199'";
    std::vector<Listen> out;
    std::map<std::pair<std::string, uint16_t>, Location> seen;
    for (const auto &el : elements(r, e, "a list of " + expected, true)) {
        Listen l;
        l.port = kDefaultHttpPort;
        l.where = el.value_at;
        const std::string why = split_host_port(text(el, expected), l.host, l.port);
        if (!why.empty()) fail(el, "invalid listen address: " + why, expected);
        auto [prev, fresh] = seen.emplace(std::pair{common::to_lower(l.host), l.port}, l.where);
        if (!fresh)
            fail(el, "duplicate listen address (first written at " + prev->second.str() + ")", "each address once");
        out.push_back(std::move(l));
    }
    if (out.empty()) fail(e, "is empty", "at least one " + expected);
    return out;
}

WebHttp parse_http(const Reader &r, const Entry &section) {
    WebHttp h;
    h.enabled = true;
    h.where = section.key_at;
    if (!is_null(section) && !section.value.IsMap())
        fail(section, "is not a map", "a map with listen, certfile, metrics, api, page");
    apply_fields(entries(r, section),
                 {
                     {"enabled", [&](const Entry &e) { h.enabled = boolean(e); }},
                     {"listen", [&](const Entry &e) { h.listen = parse_http_listen(r, e); }},
                     {"certfile", [&](const Entry &e) { h.certfile = parse_path(e); }},
                     {"metrics", [&](const Entry &e) { h.metrics = boolean(e); }},
                     {"api", [&](const Entry &e) { h.api = boolean(e); }},
                     {"page", [&](const Entry &e) { h.page = boolean(e); }},
                     {"max_event_clients", [&](const Entry &e) { h.max_event_clients = int(integer(e, 1, 1000)); }},
                     {"max_body", [&](const Entry &e) { h.max_body = size_t(integer(e, 64, 1 << 20)); }},
                 },
                 "section 'web.http'");
    // Off-by-default exposure: loopback unless the file says otherwise.
    if (h.listen.empty()) h.listen = {Listen{"127.0.0.1", kDefaultHttpPort, h.where, {}}};
    return h;
}

std::string topic_prefix(const Entry &e) {
    static const std::string expected = "an MQTT topic prefix without '+', '#' or a leading/trailing '/'";
    const std::string s = printable_text(e, expected);
    if (s.find_first_of("+#") != std::string::npos || s.front() == '/' || s.back() == '/')
        fail(e, "invalid topic prefix", expected);
    return s;
}

WebMqtt parse_mqtt(const Reader &r, const Entry &section) {
    WebMqtt m;
    m.enabled = true;
    m.where = section.key_at;
    if (!is_null(section) && !section.value.IsMap())
        fail(section, "is not a map", "a map with host, port, prefix, user, password");
    bool have_password = false;
    const auto one_password = [&](const Entry &e) {
        if (have_password) fail_at(e.key_at, e.path, "password given twice", "only one of password, password_file");
        have_password = true;
    };
    apply_fields(entries(r, section),
                 {
                     {"enabled", [&](const Entry &e) { m.enabled = boolean(e); }},
                     {"broker",
                      [&](const Entry &e) {
                          static const std::string expected = "'host[:port]', e.g. '127.0.0.1:1883'";
                          const std::string why = split_host_port(text(e, expected), m.host, m.port);
                          if (!why.empty()) fail(e, "invalid broker address: " + why, expected);
                      }},
                     {"client_id", [&](const Entry &e) { m.client_id = printable_text(e, "an MQTT client id"); }},
                     {"user", [&](const Entry &e) { m.user = printable_text(e, "the broker user name"); }},
                     {"password",
                      [&](const Entry &e) {
                          one_password(e);
                          m.password = printable_text(e, "the broker password");
                          m.password_at = e.key_at;
                      }},
                     {"password_file",
                      [&](const Entry &e) {
                          one_password(e);
                          m.password = read_secret_file(r, e);
                      }},
                     {"prefix", [&](const Entry &e) { m.prefix = topic_prefix(e); }},
                     {"discovery", [&](const Entry &e) { m.discovery = boolean(e); }},
                     {"discovery_prefix", [&](const Entry &e) { m.discovery_prefix = topic_prefix(e); }},
                     {"tls", [&](const Entry &e) { m.tls = boolean(e); }},
                     {"cafile", [&](const Entry &e) { m.cafile = parse_path(e); }},
                     {"capath", [&](const Entry &e) { m.capath = parse_path(e); }},
                     {"certfile", [&](const Entry &e) { m.certfile = parse_path(e); }},
                     {"keyfile", [&](const Entry &e) { m.keyfile = parse_path(e); }},
                     {"keepalive", [&](const Entry &e) { m.keepalive = int(integer(e, 5, 3600)); }},
                     {"commands_user", [&](const Entry &e) { m.commands_user = printable_text(e, "a user of section 'users'"); }},
                 },
                 "section 'web.mqtt'");
    if (!m.cafile.empty() || !m.capath.empty()) m.tls = true;
    if (m.tls && m.cafile.empty() && m.capath.empty())
        fail_at(m.where, section.path + ".cafile", "missing", "cafile or capath to check the broker's certificate");
    if (m.certfile.empty() != m.keyfile.empty())
        fail_at(m.where, section.path + (m.certfile.empty() ? ".certfile" : ".keyfile"), "missing",
                "certfile and keyfile together");
    if (have_password && m.user.empty()) fail_at(m.where, section.path + ".user", "missing", "the broker user name");
    return m;
}

std::vector<std::string> name_list(const Reader &r, const Entry &e, std::string_view what) {
    std::vector<std::string> out;
    const std::string expected = "a list of " + std::string(what);
    for (const auto &w : word_entries(r, e, expected, " ,")) {
        std::string s = text(w, expected);
        if (!is_simple_name(s)) fail(w, "invalid name", expected);
        out.push_back(std::move(s));
    }
    return out;
}

} // namespace

WebConfig parse_web(const Reader &r, const Entry &section) {
    WebConfig w;
    w.configured = true;
    w.where = section.key_at;
    if (!is_null(section) && !section.value.IsMap()) fail(section, "is not a map", "a map with upsd, http, mqtt");
    apply_fields(entries(r, section),
                 {
                     {"upsd",
                      [&](const Entry &e) {
                          static const std::string expected = "'host[:port]' of the upsd to read, e.g. 'localhost:3493'";
                          const std::string why = split_host_port(text(e, expected), w.upsd_host, w.upsd_port);
                          if (!why.empty()) fail(e, "invalid server address: " + why, expected);
                      }},
                     {"ups", [&](const Entry &e) { w.ups = name_list(r, e, "UPS names"); }},
                     {"pollinterval", [&](const Entry &e) { w.pollinterval = number(e, 0.1, 3600); }},
                     {"variables", [&](const Entry &e) { w.variables = name_list(r, e, "variable names"); }},
                     {"http", [&](const Entry &e) { w.http = parse_http(r, e); }},
                     {"mqtt", [&](const Entry &e) { w.mqtt = parse_mqtt(r, e); }},
                 },
                 "section 'web'");
    return w;
}

} // namespace nutpp::config::detail
