// upsd.conf -> server, upsd.users -> users, upsmon.conf -> monitor.
#include "import/detail.hpp"

#include "common/strings.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <span>

namespace nutpp::import::detail {

namespace {

struct Simple {
    const char *nut;   // keyword as NUT writes it (upper case; NUT compares exactly)
    const char *nutpp; // key in our section
};

const Simple kUpsdSimple[] = {
    {"MAXAGE", "maxage"},
    {"MAXCONN", "maxconn"},
    {"TRACKINGDELAY", "trackingdelay"},
    {"CERTFILE", "certfile"},
    {"CERTREQUEST", "certrequest"},
    {"DISABLE_WEAK_SSL", "disable_weak_ssl"},
    {"ALLOW_NO_DEVICE", "allow_no_device"},
    {"ALLOW_NOT_ALL_LISTENERS", "allow_not_all_listeners"},
    {"DEBUG_MIN", "debug_min"},
    {"DATAPATH", "datapath"},
};

const Simple kUpsmonSimple[] = {
    {"MINSUPPLIES", "minsupplies"},
    {"SHUTDOWNCMD", "shutdowncmd"},
    {"NOTIFYCMD", "notifycmd"},
    {"POLLFREQ", "pollfreq"},
    {"POLLFREQALERT", "pollfreqalert"},
    {"HOSTSYNC", "hostsync"},
    {"DEADTIME", "deadtime"},
    {"POWERDOWNFLAG", "powerdownflag"},
    {"RBWARNTIME", "rbwarntime"},
    {"NOCOMMWARNTIME", "nocommwarntime"},
    {"FINALDELAY", "finaldelay"},
    {"RUN_AS_USER", "run_as_user"},
    {"CERTPATH", "certpath"},
    {"CERTVERIFY", "certverify"},
    {"FORCESSL", "forcessl"},
    {"DEBUG_MIN", "debug_min"},
    {"OFFDURATION", "offduration"},
    {"OBLBDURATION", "oblbduration"},
    {"OVERDURATION", "overduration"},
    {"ALARMCRITICAL", "alarmcritical"},
    {"SHUTDOWNEXIT", "shutdownexit"},
    {"POLLFAIL_LOG_THROTTLE_MAX", "pollfail_log_throttle_max"},
};

const Simple *find_simple(std::span<const Simple> table, std::string_view k) {
    for (const auto &s : table)
        if (k == s.nut) return &s;
    return nullptr;
}

std::string flow_list(const std::vector<std::string> &items) {
    std::vector<std::string> q;
    for (const auto &i : items) q.push_back(yaml_scalar(i));
    return "[" + common::join(q, ", ") + "]";
}

// A usable host:port for `listen:` (IPv6 in brackets).
std::string listen_text(const std::string &host, const std::string &port) {
    const std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    return port.empty() ? h : h + ":" + port;
}

bool valid_username(std::string_view s) {
    if (s.empty() || s.size() > 64) return false;
    for (unsigned char c : s)
        if (c <= 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '#') return false;
    return true;
}

} // namespace

void import_upsd_conf(Run &run, const NutFile &f) {
    auto &o = run.server;
    std::vector<std::pair<std::string, std::string>> listen; // text, where
    for (const auto &l : f.lines) {
        const auto &w = l.words;
        const std::string &k = w[0];
        const std::string at = where(f, l.line);
        if (k == "LISTEN" && (w.size() == 2 || w.size() == 3)) {
            listen.emplace_back(listen_text(w[1], w.size() == 3 ? w[2] : ""), at);
        } else if (const Simple *s = find_simple(kUpsdSimple, k); s && w.size() == 2) {
            o.entry(2, s->nutpp, yaml_scalar(w[1]), at);
        } else if (k == "STATEPATH" && w.size() == 2) {
            if (run.statepath.empty()) {
                run.statepath = w[1];
                run.statepath_from = at;
            }
        } else if (k == "CERTPATH" || k == "CERTIDENT") {
            run.refuse(f, l.line, "'" + k + "': an NSS certificate database, which nutpp's OpenSSL cannot read; export "
                                  "the certificate and key to one PEM (pk12util, openssl pkcs12 -nodes) and set server.certfile");
        } else if (k == "LISTEN" || find_simple(kUpsdSimple, k)) {
            run.refuse(f, l.line, k == "LISTEN" ? "malformed LISTEN line (NUT wants: LISTEN <address> [<port>])"
                                                : "'" + k + "' needs exactly one value");
        } else if (k == "ACL" || k == "ACCEPT" || k == "REJECT") {
            run.refuse(f, l.line, "'" + k + "': obsolete since NUT 2.4 and ignored by NUT 2.8; nutpp has server.allow / "
                                  "server.deny lists (networks) if you want them");
        } else {
            run.refuse(f, l.line, "'" + common::join(w, " ").substr(0, 60) + "': not an upsd.conf directive nutpp knows");
        }
    }
    if (!listen.empty()) {
        o.open(2, "listen");
        for (const auto &[text, at] : listen) o.item(4, yaml_scalar(text), at);
    }
}

void import_upsd_users(Run &run, const NutFile &f) {
    auto &o = run.users;
    std::set<std::string> names;
    // NUT allows "actions" and "instcmds" on several lines of a section: they add up, so a user is
    // written once its section ends.
    struct Pending {
        std::string name, at;
        std::vector<std::pair<std::string, std::string>> lines; // key: rendered value, with where
        std::vector<std::string> where;
        std::vector<std::string> actions, instcmds;
        std::string actions_at, instcmds_at;
    };
    std::optional<Pending> u;
    const auto flush = [&] {
        if (!u) return;
        o.open(2, u->name, u->at);
        for (size_t i = 0; i < u->lines.size(); ++i) o.entry(4, u->lines[i].first, u->lines[i].second, u->where[i]);
        if (!u->actions.empty()) o.entry(4, "actions", flow_list(u->actions), u->actions_at);
        if (!u->instcmds.empty()) o.entry(4, "instcmds", flow_list(u->instcmds), u->instcmds_at);
        u.reset();
    };
    bool skipping = true; // before the first section, or inside one that is not carried
    for (const auto &l : f.lines) {
        std::string name;
        if (section_header(l, name)) {
            flush();
            skipping = true;
            if (!valid_username(name)) {
                run.refuse(f, l.line, "[" + name + "]: not a user name nutpp accepts (printable, no spaces, quotes, '\\' or '#')");
            } else if (!names.insert(name).second) {
                run.refuse(f, l.line, "[" + name + "]: a second section for this user");
            } else {
                skipping = false;
                run.has_users = true;
                u = Pending{name, where(f, l.line), {}, {}, {}, {}, {}, {}};
            }
            continue;
        }
        const KeyValues kv = key_values(l);
        const std::string at = where(f, l.line);
        if (skipping) {
            run.refuse(f, l.line, "'" + kv.key + "': outside a user section that is carried");
            continue;
        }
        const std::string k = common::to_lower(kv.key);
        if (k == "password" && kv.values.size() == 1) {
            u->lines.emplace_back("password", yaml_scalar(kv.values[0]));
            u->where.push_back(at);
            run.plain_passwords = true;
        } else if (k == "actions" || k == "instcmds") {
            auto &items = k == "actions" ? u->actions : u->instcmds;
            auto &item_at = k == "actions" ? u->actions_at : u->instcmds_at;
            for (const auto &v : kv.values)
                for (const auto &a : common::split_ws(v))
                    items.push_back(k == "actions" || common::iequals(a, "all") ? common::to_lower(a) : a);
            item_at += (item_at.empty() ? "" : ", ") + at;
        } else if (k == "upsmon" && kv.values.size() == 1) {
            const std::string r = common::to_lower(kv.values[0]);
            if (r == "primary" || r == "master" || r == "secondary" || r == "slave") {
                u->lines.emplace_back("upsmon", r == "primary" || r == "master" ? "primary" : "secondary");
                u->where.push_back(at);
            } else {
                run.refuse(f, l.line, "'upsmon " + kv.values[0] + "': not primary/master or secondary/slave");
            }
        } else if (k == "allowfrom") {
            run.refuse(f, l.line, "'allowfrom': obsolete and ignored by NUT 2.8; nutpp has server.allow / server.deny");
        } else {
            run.refuse(f, l.line, "'" + kv.key + "': not a upsd.users field nutpp knows");
        }
    }
    flush();
}

void import_upsmon_conf(Run &run, const NutFile &f) {
    auto &o = run.monitor;
    std::vector<std::pair<std::string, std::string>> monitors, flags, msgs, certhosts; // rendered, where
    const auto &types = config::notify_types();
    const auto known_type = [&](const std::string &t) { return std::find(types.begin(), types.end(), t) != types.end(); };
    for (const auto &l : f.lines) {
        const auto &w = l.words;
        const std::string &k = w[0];
        const std::string at = where(f, l.line);
        if (k == "MONITOR" && w.size() == 6) {
            const std::string role = common::to_lower(w[5]);
            const std::string r = role == "master" ? "primary" : role == "slave" ? "secondary" : role;
            monitors.emplace_back("{ ups: " + yaml_scalar(w[1]) + ", power: " + yaml_scalar(w[2]) + ", user: " +
                                      yaml_scalar(w[3]) + ", password: " + yaml_scalar(w[4]) + ", role: " + yaml_scalar(r) + " }",
                                  at);
            run.has_monitor = true;
        } else if (k == "NOTIFYFLAG" && w.size() == 3 && known_type(w[1])) {
            std::vector<std::string> items; // SYSLOG+WALL+EXEC, or IGNORE
            const std::string &p = w[2];
            for (size_t pos = 0;;) {
                const size_t plus = p.find('+', pos);
                items.push_back(common::to_lower(p.substr(pos, plus - pos)));
                if (plus == std::string::npos) break;
                pos = plus + 1;
            }
            flags.emplace_back(w[1] + ": " + flow_list(items), at);
        } else if (k == "NOTIFYMSG" && w.size() == 3 && known_type(w[1])) {
            msgs.emplace_back(w[1] + ": " + yaml_scalar(w[2]), at);
        } else if (k == "CERTHOST" && w.size() == 5) {
            certhosts.emplace_back("{ host: " + yaml_scalar(w[1]) + ", name: " + yaml_scalar(w[2]) + ", certverify: " +
                                       yaml_scalar(w[3]) + ", forcessl: " + yaml_scalar(w[4]) + " }",
                                   at);
        } else if (const Simple *s = find_simple(kUpsmonSimple, k); s && w.size() == 2) {
            o.entry(2, s->nutpp, yaml_scalar(w[1]), at);
            run.has_monitor = true;
        } else if (k == "CERTIDENT") {
            run.refuse(f, l.line, "'CERTIDENT': an NSS certificate database, which nutpp's OpenSSL cannot read; export "
                                  "the certificate and key to one PEM and set monitor.certfile");
        } else if (k == "MONITOR") {
            run.refuse(f, l.line, "malformed MONITOR line (NUT wants: MONITOR <ups>@<host>[:<port>] <power> <user> "
                                  "<password> primary|secondary)");
        } else if (k == "CERTHOST") {
            run.refuse(f, l.line, "malformed CERTHOST line (NUT wants: CERTHOST <host> <certname> <certverify> <forcessl>)");
        } else if (k == "NOTIFYFLAG" || k == "NOTIFYMSG") {
            run.refuse(f, l.line, "'" + common::join(w, " ").substr(0, 60) + "': unknown event or malformed line");
        } else if (find_simple(kUpsmonSimple, k)) {
            run.refuse(f, l.line, "'" + k + "' needs exactly one value");
        } else {
            run.refuse(f, l.line, "'" + common::join(w, " ").substr(0, 60) + "': not an upsmon.conf directive nutpp knows");
        }
    }
    const auto block = [&](const char *key, const auto &rows, bool list) {
        if (rows.empty()) return;
        o.open(2, key);
        for (const auto &[text, at] : rows) {
            if (list) o.item(4, text, at);
            else {
                const size_t colon = text.find(": ");
                o.entry(4, text.substr(0, colon), text.substr(colon + 2), at);
            }
        }
    };
    block("monitors", monitors, true);
    block("notifyflag", flags, false);
    block("notifymsg", msgs, false);
    block("certhost", certhosts, true);
}

} // namespace nutpp::import::detail
