// `monitor:` (NUT's upsmon.conf): which UPSes this host watches and how it reacts.
#include "config/sections.hpp"

#include "common/strings.hpp"

#include <map>

namespace nutpp::config {

// NUT 2.8.0's events plus the ones later versions added (upsmon ignores flags for events it never raises).
const std::vector<std::string> &notify_types() {
    static const std::vector<std::string> types = {
        "ONLINE",  "ONBATT",    "LOWBATT",  "FSD",       "COMMOK",   "COMMBAD",           "SHUTDOWN",
        "REPLBATT", "NOCOMM",   "NOPARENT", "CAL",       "NOTCAL",   "OFF",               "NOTOFF",
        "BYPASS",  "NOTBYPASS", "ECO",      "NOTECO",    "ALARM",    "NOTALARM",          "OVER",
        "NOTOVER", "TRIM",      "NOTTRIM",  "BOOST",     "NOTBOOST", "OTHER",             "NOTOTHER",
        "SHUTDOWN_HOSTSYNC", "SUSPEND_STARTING", "SUSPEND_FINISHED",
    };
    return types;
}


NotifyFlags MonitorConfig::flags_for(std::string_view type) const {
    const auto it = notifyflag.find(std::string(type));
    return it != notifyflag.end() ? it->second : NotifyFlags{};
}

} // namespace nutpp::config

namespace nutpp::config::detail {

namespace {

// "ups[@host[:port]]", as in MONITOR.
void parse_system(const Entry &e, Monitor &m) {
    static const std::string expected = "'upsname[@host[:port]]', e.g. 'demo@localhost'";
    m.system = text(e, expected);
    const size_t at = m.system.find('@');
    m.ups = m.system.substr(0, at);
    if (!is_simple_name(m.ups)) fail(e, "invalid UPS name", expected);
    if (at != std::string::npos) {
        const std::string why = split_host_port(std::string_view(m.system).substr(at + 1), m.host, m.port);
        if (!why.empty()) fail(e, "invalid server address: " + why, expected);
    }
}

Monitor parse_one(const Reader &r, const Entry &el) {
    Monitor m;
    m.where = el.value_at;
    if (is_null(el) || !el.value.IsMap())
        fail(el, is_null(el) ? "is empty" : "is not a map", "a map with ups, power, user, password and role");
    bool have_password = false;
    const auto one_password = [&](const Entry &e) {
        if (have_password) fail_at(e.key_at, e.path, "password given twice", "only one of password, password_file");
        have_password = true;
    };
    apply_fields(entries(r, el),
                 {
                     {"ups", [&](const Entry &e) { parse_system(e, m); }},
                     {"power", [&](const Entry &e) { m.power = int(integer(e, 0, 1000)); }},
                     {"user", [&](const Entry &e) { m.user = printable_text(e, "the upsd user name"); }},
                     {"password",
                      [&](const Entry &e) {
                          one_password(e);
                          m.password = printable_text(e, "the upsd user's password");
                          m.password_at = e.key_at;
                      }},
                     {"password_file",
                      [&](const Entry &e) {
                          one_password(e);
                          m.password = read_secret_file(r, e);
                      }},
                     {"role", [&](const Entry &e) { m.role = parse_role(e); }},
                 },
                 "a monitor");
    // NUT ignores MONITOR lines with missing fields; a silently unmonitored UPS is worse than an error.
    if (m.system.empty()) fail_at(m.where, el.path + ".ups", "missing", "'upsname[@host[:port]]'");
    if (m.user.empty()) fail_at(m.where, el.path + ".user", "missing", "the upsd user name");
    if (!have_password) fail_at(m.where, el.path + ".password", "missing", "password or password_file");
    if (m.role == Role::None) fail_at(m.where, el.path + ".role", "missing", "primary or secondary");
    return m;
}

std::vector<Monitor> parse_monitors(const Reader &r, const Entry &e) {
    std::vector<Monitor> out;
    std::map<std::string, Location> seen;
    for (const auto &el : elements(r, e, "a list of monitors", false)) {
        Monitor m = parse_one(r, el);
        auto [prev, fresh] = seen.emplace(m.system, m.where);
        if (!fresh)
            fail(el, "duplicate monitor '" + m.system + "' (first written at " + prev->second.str() + ")",
                 "each UPS once");
        out.push_back(std::move(m));
    }
    return out;
}

// Event type keys: case-insensitive, stored upper case, unknown ones get a did-you-mean.
std::string notify_type(const Entry &e) {
    const std::string up = [&] {
        std::string s = e.key;
        for (auto &c : s) c = char(std::toupper(static_cast<unsigned char>(c)));
        return s;
    }();
    for (const auto &t : notify_types())
        if (t == up) return t;
    fail_at(e.key_at, e.path, "unknown notify type", "an event such as ONBATT, ONLINE, LOWBATT, FSD, COMMBAD",
            suggest(e.key, notify_types()));
}

NotifyFlags parse_flags(const Reader &r, const Entry &e) {
    NotifyFlags f{false, false, false, false};
    for (const auto &w : word_entries(r, e, "a list of syslog, wall, exec, ignore", " +,")) {
        const std::string s = choice(w, {"syslog", "wall", "exec", "ignore"});
        if (s == "syslog") f.syslog = true;
        else if (s == "wall") f.wall = true;
        else if (s == "exec") f.exec = true;
        else f.ignore = true;
    }
    return f;
}

std::vector<CertHost> parse_certhosts(const Reader &r, const Entry &e) {
    std::vector<CertHost> out;
    for (const auto &el : elements(r, e, "a list of {host, name, certverify, forcessl}", false)) {
        CertHost h;
        apply_fields(entries(r, el),
                     {
                         {"host", [&](const Entry &x) { h.host = text(x, "the upsd host name"); }},
                         {"name", [&](const Entry &x) { h.name = text(x, "the certificate name"); }},
                         {"certverify", [&](const Entry &x) { h.certverify = boolean(x); }},
                         {"forcessl", [&](const Entry &x) { h.forcessl = boolean(x); }},
                     },
                     "a certhost");
        if (h.host.empty()) fail_at(el.value_at, el.path + ".host", "missing", "the upsd host name");
        if (h.name.empty()) fail_at(el.value_at, el.path + ".name", "missing", "the certificate name");
        out.push_back(std::move(h));
    }
    return out;
}

int shutdownexit(const Entry &e) {
    static const std::string expected = "yes, no, or seconds to wait before exiting";
    const std::string s = text(e, expected);
    bool b = false;
    if (common::parse_bool(s, b) && s != "1" && s != "0") return b ? 0 : -1;
    long long v = 0;
    if (!common::parse_int(s, v) || v < 0 || v > 86400) fail(e, "'" + s.substr(0, 40) + "' is not valid", expected);
    return int(v);
}

} // namespace

MonitorConfig parse_monitor(const Reader &r, const Entry &section) {
    MonitorConfig m;
    Location minsupplies_at = section.key_at;
    apply_fields(
        entries(r, section),
        {
            {"monitors", [&](const Entry &e) { m.monitors = parse_monitors(r, e); }},
            {"minsupplies",
             [&](const Entry &e) {
                 m.minsupplies = int(integer(e, 0, 1000));
                 minsupplies_at = e.value_at;
             }},
            {"pollfreq", [&](const Entry &e) { m.pollfreq = int(integer(e, 1, 86400)); }},
            {"pollfreqalert", [&](const Entry &e) { m.pollfreqalert = int(integer(e, 1, 86400)); }},
            {"deadtime", [&](const Entry &e) { m.deadtime = int(integer(e, 1)); }},
            {"hostsync", [&](const Entry &e) { m.hostsync = int(integer(e, 0)); }},
            {"finaldelay", [&](const Entry &e) { m.finaldelay = int(integer(e, 0)); }},
            {"rbwarntime", [&](const Entry &e) { m.rbwarntime = int(integer(e, 0)); }},
            {"nocommwarntime", [&](const Entry &e) { m.nocommwarntime = int(integer(e, 1)); }},
            {"offduration", [&](const Entry &e) { m.offduration = int(integer(e, -1)); }},
            {"oblbduration", [&](const Entry &e) { m.oblbduration = int(integer(e, 0)); }},
            {"overduration", [&](const Entry &e) { m.overduration = int(integer(e, -1)); }},
            {"alarmcritical", [&](const Entry &e) { m.alarmcritical = boolean(e); }},
            {"shutdownexit", [&](const Entry &e) { m.shutdownexit = shutdownexit(e); }},
            {"pollfail_log_throttle_max", [&](const Entry &e) { m.pollfail_log_throttle_max = int(integer(e, -1)); }},
            {"powerdownflag", [&](const Entry &e) { m.powerdownflag = parse_path(e); }},
            {"shutdowncmd", [&](const Entry &e) { m.shutdowncmd = text(e, "a command line"); }},
            {"notifycmd", [&](const Entry &e) { m.notifycmd = text(e, "a command"); }},
            {"run_as_user", [&](const Entry &e) { m.run_as_user = parse_account(e); }},
            {"certpath", [&](const Entry &e) { m.certpath = parse_path(e); }},
            {"certfile", [&](const Entry &e) { m.certfile = parse_path(e); }},
            {"certident", [&](const Entry &e) { m.certident = parse_certident(r, e); }},
            {"certhost", [&](const Entry &e) { m.certhosts = parse_certhosts(r, e); }},
            {"certverify", [&](const Entry &e) { m.certverify = boolean(e); }},
            {"forcessl", [&](const Entry &e) { m.forcessl = boolean(e); }},
            {"debug_min", [&](const Entry &e) { m.debug_min = int(integer(e, 0, 100)); }},
            {"notifymsg",
             [&](const Entry &e) {
                 for (const auto &t : entries(r, e, true)) m.notifymsg[notify_type(t)] = printable_text(t, "a message", true);
             }},
            {"notifyflag",
             [&](const Entry &e) {
                 for (const auto &t : entries(r, e, true)) m.notifyflag[notify_type(t)] = parse_flags(r, t);
             }},
        },
        "section 'monitor'");
    // NUT refuses to start when the configured supplies cannot reach MINSUPPLIES.
    if (!m.monitors.empty()) {
        int total = 0;
        for (const auto &mon : m.monitors) total += mon.power;
        if (total < m.minsupplies)
            fail_at(minsupplies_at, section.path + ".minsupplies",
                    "the monitors' power values add up to " + std::to_string(total) + ", less than " +
                        std::to_string(m.minsupplies),
                    "minsupplies <= the sum of the monitors' power values");
    }
    return m;
}

} // namespace nutpp::config::detail

