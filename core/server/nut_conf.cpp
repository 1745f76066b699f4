#include "server/nut_conf.hpp"

#include "common/parseconf.hpp"
#include "common/strings.hpp"

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace nutpp::server {

using common::iequals;
using Words = std::vector<std::string>;

namespace {

bool read_lines(const std::string &path, std::vector<Words> &out, std::string &err) {
    std::ifstream f(path);
    if (!f) {
        err = "Can't open " + path + ": " + std::strerror(errno);
        return false;
    }
    std::stringstream ss;
    ss << f.rdbuf();
    // Config files may hold UTF-8 descriptions; keep those bytes (printable_only = false).
    common::LineTokenizer tok(64, 1024, false);
    std::vector<common::LineTokenizer::Line> lines;
    tok.feed(ss.str(), lines);
    tok.finish(lines);
    int n = 0;
    for (auto &l : lines) {
        ++n;
        if (l.error) {
            spdlog::warn("{}: parse error near line {}: {}", path, n, l.error_text);
            continue;
        }
        if (!l.words.empty()) out.push_back(std::move(l.words));
    }
    return true;
}

// "[name]" as one word (NUT writes sections that way).
bool section_name(const Words &w, std::string &name) {
    if (w.size() != 1 || w[0].size() < 3 || w[0].front() != '[' || w[0].back() != ']') return false;
    name = w[0].substr(1, w[0].size() - 2);
    return true;
}

// "key = value", "key value" and bare "key" all occur in NUT files.
std::pair<std::string, std::vector<std::string>> key_values(const Words &w) {
    std::vector<std::string> vals(w.begin() + 1, w.end());
    if (!vals.empty() && vals[0] == "=") vals.erase(vals.begin());
    return {w[0], vals};
}

bool to_bool(const std::string &v) {
    bool b = false;
    return common::parse_bool(v, b) && b;
}

int to_int(const std::string &key, const std::string &v, int fallback) {
    long long n = 0;
    if (!common::parse_int(v, n) || n < 0) {
        spdlog::warn("upsd.conf: {} {}: not a number, using {}", key, v, fallback);
        return fallback;
    }
    return int(n);
}

void parse_upsd_conf(const std::vector<Words> &lines, config::Config &cfg, std::string &statepath) {
    auto &s = cfg.server;
    for (const auto &w : lines) {
        const std::string &k = w[0];
        const std::string v = w.size() > 1 ? w[1] : "";
        if (k == "LISTEN" && w.size() >= 2) {
            config::Listen l;
            l.host = w[1];
            if (w.size() >= 3) l.port = uint16_t(to_int(k, w[2], 3493));
            s.listen.push_back(l);
            s.listen_configured = true;
        } else if (k == "MAXAGE" && w.size() >= 2) s.maxage = std::max(1, to_int(k, v, 15));
        else if (k == "MAXCONN" && w.size() >= 2) s.maxconn = to_int(k, v, 0);
        else if (k == "TRACKINGDELAY" && w.size() >= 2) s.trackingdelay = to_int(k, v, 3600);
        else if (k == "STATEPATH" && w.size() >= 2) statepath = v;
        else if (k == "CERTFILE" && w.size() >= 2) s.certfile = v;
        else if (k == "CERTPATH" && w.size() >= 2) s.certpath = v;
        else if (k == "CERTIDENT" && w.size() >= 3) s.certident = {w[1], w[2], {}};
        else if (k == "CERTREQUEST" && w.size() >= 2) {
            if (v == "1" || iequals(v, "REQUEST")) s.certrequest = config::CertRequest::Request;
            else if (v == "2" || iequals(v, "REQUIRE")) s.certrequest = config::CertRequest::Require;
        } else if (k == "DISABLE_WEAK_SSL" && w.size() >= 2) s.disable_weak_ssl = to_bool(v);
        else if (k == "ALLOW_NO_DEVICE" && w.size() >= 2) s.allow_no_device = to_bool(v);
        else if (k == "ALLOW_NOT_ALL_LISTENERS" && w.size() >= 2) s.allow_not_all_listeners = to_bool(v);
        else if (k == "DEBUG_MIN" && w.size() >= 2) s.debug_min = to_int(k, v, 0);
        else if (k == "DATAPATH" && w.size() >= 2) s.datapath = v;
        else if (k == "ACL" || k == "ACCEPT" || k == "REJECT")
            // NUT 2.8.0 dropped these too and serves everyone who reaches a LISTEN address;
            // drop-in mode does the same. (nutpp's YAML file has server.allow / server.deny.)
            spdlog::warn("upsd.conf: {} is obsolete and ignored, as in NUT 2.8.0 (use a firewall or LISTEN; "
                         "nutpp's own config file has allow/deny lists)",
                         k);
        else spdlog::warn("upsd.conf: unrecognized directive {}", k);
    }
    if (!s.listen_configured) {
        s.listen.push_back({"127.0.0.1", 3493, {}, {}});
        s.listen.push_back({"::1", 3493, {}, {}});
    }
}

void parse_users(const std::vector<Words> &lines, config::Config &cfg) {
    config::User *u = nullptr;
    for (const auto &w : lines) {
        std::string name;
        if (section_name(w, name)) {
            cfg.users.push_back(config::User{});
            u = &cfg.users.back();
            u->name = name;
            continue;
        }
        if (!u) continue;
        auto [k, vals] = key_values(w);
        if (iequals(k, "password") && !vals.empty()) {
            u->password = vals[0];
        } else if (iequals(k, "password_hash") && !vals.empty()) {
            u->password_hash = vals[0]; // nutpp extension: crypt(3) string
        } else if (iequals(k, "actions")) {
            for (const auto &v : vals)
                for (const auto &a : common::split_ws(v)) u->actions.push_back(common::to_lower(a));
        } else if (iequals(k, "instcmds")) {
            for (const auto &v : vals) u->instcmds.push_back(iequals(v, "all") ? "all" : v);
        } else if (iequals(k, "upsmon") && !vals.empty()) {
            const std::string r = common::to_lower(vals[0]);
            if (r == "primary" || r == "master") u->upsmon = config::Role::Primary;
            else if (r == "secondary" || r == "slave") u->upsmon = config::Role::Secondary;
            else spdlog::warn("upsd.users: [{}]: unknown upsmon role {}", u->name, vals[0]);
        } else if (iequals(k, "allowfrom")) {
            spdlog::warn("upsd.users: allowfrom is obsolete and ignored");
        } else {
            spdlog::warn("upsd.users: [{}]: unknown field {}", u->name, k);
        }
    }
}

void parse_ups_conf(const std::vector<Words> &lines, config::Config &cfg, std::string &statepath) {
    std::vector<config::DeviceConfig> all;
    config::DeviceConfig *d = nullptr;
    for (const auto &w : lines) {
        std::string name;
        if (section_name(w, name)) {
            all.push_back(config::DeviceConfig{});
            d = &all.back();
            d->name = name;
            continue;
        }
        auto [k, vals] = key_values(w);
        const std::string v = vals.empty() ? "" : vals[0];
        if (!d) {
            if (iequals(k, "statepath")) statepath = v; // the only global upsd reads
            continue;
        }
        if (k == "driver") d->driver = v;
        else if (k == "port") d->port = v;
        else if (k == "desc") d->desc = v;
    }
    for (auto &dev : all) {
        if (dev.driver.empty() || dev.port.empty()) {
            spdlog::warn("ups.conf: ignoring incomplete configuration for UPS [{}]", dev.name);
            continue;
        }
        cfg.devices.push_back(std::move(dev));
    }
}

} // namespace

NutPaths nut_paths_from_env() {
    NutPaths p;
    const char *c = std::getenv("NUT_CONFPATH");
    p.confpath = c && *c ? c : kNutDefaultConfPath;
    const char *s = std::getenv("NUT_STATEPATH");
    p.statepath = s && *s ? s : "";
    const char *a = std::getenv("NUT_ALTPIDPATH");
    p.pidpath = a && *a ? a : p.statepath;
    return p;
}

config::Config load_nut_config(const NutPaths &paths) {
    config::Config cfg;
    cfg.file = paths.confpath + "/upsd.conf";
    std::string err, upsd_state, ups_state;
    std::vector<Words> upsd_lines, users_lines, ups_lines;
    if (!read_lines(paths.confpath + "/upsd.conf", upsd_lines, err)) throw std::runtime_error(err);
    parse_upsd_conf(upsd_lines, cfg, upsd_state);
    if (!read_lines(paths.confpath + "/ups.conf", ups_lines, err)) throw std::runtime_error(err);
    parse_ups_conf(ups_lines, cfg, ups_state);
    // Checked before upsd.users is read, as NUT does (the same message for the same files).
    if (cfg.devices.empty() && !cfg.server.allow_no_device)
        throw std::runtime_error("Fatal error: at least one UPS must be defined in ups.conf");
    // NUT 2.8.0's upsd refuses to start without upsd.users; so do we (same outcome on the same files).
    if (!read_lines(paths.confpath + "/upsd.users", users_lines, err))
        throw std::runtime_error(err + " (create it, empty if nobody needs to log in)");
    parse_users(users_lines, cfg);
    cfg.state_dir = !paths.statepath.empty() ? paths.statepath
                    : !ups_state.empty()     ? ups_state
                    : !upsd_state.empty()    ? upsd_state
                                             : kNutDefaultStatePath;
    return cfg;
}

} // namespace nutpp::server
