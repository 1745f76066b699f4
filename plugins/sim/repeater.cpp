#include "repeater.hpp"

#include <nutpp/support/numbers.hpp>

#include <chrono>
#include <stdexcept>

namespace nutpp::sim {

using support::iequals;
using support::istarts_with;
using support::ILess;

namespace {

// Per request; a poll makes a few round trips, so this stays well inside a poll budget.
constexpr std::chrono::milliseconds kTimeout{3000};

bool is_driver_name(const std::string &n) { return istarts_with(n, "driver."); }

} // namespace

Repeater::Repeater(Host host, SimConfig config)
    : host_(host), config_(std::move(config)),
      pub_(host, [this](const std::string &name) -> std::optional<VarDecl> {
          // Only writable variables get a declaration; read-only ones keep the host's default,
          // which NUT reports as "NUMBER" without RW, as upsd does for a variable without flags.
          auto it = rw_.find(name);
          if (it == rw_.end()) return std::nullopt;
          return it->second;
      }) {
    try {
        ep_ = support::NutEndpoint::parse(config_.port);
    } catch (const std::exception &e) {
        throw Error(NUTPP_E_CONFIG, "sim: repeater port '" + config_.port + "' is not ups@host[:port]: " + e.what());
    }
    if (ep_.ups.empty()) throw Error(NUTPP_E_CONFIG, "sim: repeater port '" + config_.port + "' names no UPS");
}

VarDecl Repeater::decl_from_type(const std::vector<std::string> &words) {
    VarDecl d;
    d.writable = false;
    d.type = NUTPP_TYPE_NUMBER; // upsd reports a variable without STRING as NUMBER
    for (const auto &w : words) {
        if (iequals(w, "RW")) d.writable = true;
        else if (istarts_with(w, "STRING:")) {
            d.type = NUTPP_TYPE_STRING;
            const auto n = support::to_integer(w.substr(7));
            d.max_length = n && *n > 0 && *n < 65536 ? uint32_t(*n) : 0;
        } else if (iequals(w, "STRING")) {
            d.type = NUTPP_TYPE_STRING;
        }
    }
    return d;
}

nutpp_status Repeater::status_for(const support::NutClientError &e) {
    const std::string &c = e.code;
    if (c.empty()) return NUTPP_E_IO; // connection or protocol failure
    if (c == "USERNAME-REQUIRED" || c == "PASSWORD-REQUIRED" || c == "ACCESS-DENIED" ||
        c == "INVALID-PASSWORD" || c == "INVALID-USERNAME")
        return NUTPP_E_PERMISSION;
    if (c == "CMD-NOT-SUPPORTED" || c == "VAR-NOT-SUPPORTED" || c == "FEATURE-NOT-SUPPORTED")
        return NUTPP_E_UNSUPPORTED;
    if (c == "INVALID-ARGUMENT" || c == "INVALID-VALUE" || c == "TOO-LONG") return NUTPP_E_INVALID_ARG;
    if (c == "READONLY" || c == "SET-FAILED" || c == "INSTCMD-FAILED") return NUTPP_E_REJECTED;
    if (c == "UNKNOWN-UPS" || c == "DATA-STALE" || c == "DRIVER-NOT-CONNECTED") return NUTPP_E_NO_DEVICE;
    return NUTPP_E_IO;
}

nutpp_status Repeater::failed(const support::NutClientError &e, const std::string &what) {
    if (!e.from_server()) { // the socket is unusable: reconnect on the next poll
        conn_.reset();
        credentials_sent_ = false;
    }
    return host_.fail(status_for(e), "sim: repeater " + ep_.to_string() + ": " + what + ": " + e.what());
}

void Repeater::connect() {
    conn_.reset();
    credentials_sent_ = false;
    // Plain text: a plugin cannot carry a TLS library, and upsd never insists on it (NUT's repeater
    // tries STARTTLS and goes on in clear text when refused, which stock upsd always does).
    conn_.emplace(support::NutClient::connect(ep_.host, ep_.port, kTimeout));
}

void Repeater::login_if_needed() {
    if (credentials_sent_ || !config_.username) return;
    conn_->username(*config_.username);
    if (config_.password) conn_->password(*config_.password);
    credentials_sent_ = true;
}

void Repeater::refresh_types() {
    std::map<std::string, VarDecl, ILess> rw;
    for (const auto &[name, value] : conn_->list_rw(ep_.ups)) {
        (void)value;
        if (is_driver_name(name)) continue;
        const auto words = conn_->get_type(ep_.ups, name);
        VarDecl d = decl_from_type(words);
        d.writable = true;
        for (const auto &w : words) {
            if (iequals(w, "ENUM")) d.enums = conn_->list_enum(ep_.ups, name);
            if (iequals(w, "RANGE"))
                for (const auto &[lo, hi] : conn_->list_range(ep_.ups, name)) {
                    auto a = support::to_integer(lo), b = support::to_integer(hi);
                    if (a && b) d.ranges.push_back({*a, *b});
                }
        }
        rw.emplace(name, std::move(d));
    }
    // A variable that stopped being writable loses its RW flag.
    for (const auto &[name, old] : rw_)
        if (!rw.count(name) && pub_.values().count(name)) {
            VarDecl ro = old;
            ro.writable = false;
            ro.enums.clear();
            ro.ranges.clear();
            pub_.declare(name, ro);
        }
    rw_ = std::move(rw);
    for (const auto &[name, d] : rw_)
        if (pub_.values().count(name)) pub_.declare(name, d);
}

void Repeater::refresh_commands() {
    std::set<std::string, ILess> remote;
    for (auto &c : conn_->list_cmd(ep_.ups))
        if (!is_driver_name(c)) remote.insert(std::move(c));
    for (const auto &c : cmds_)
        if (!remote.count(c)) host_.api()->remove_cmd(host_.ctx(), c.c_str());
    for (const auto &c : remote)
        if (!cmds_.count(c)) host_.command(c.c_str());
    cmds_ = std::move(remote);
}

void Repeater::refresh(bool full) {
    const auto vars = conn_->list_var(ep_.ups);
    std::set<std::string, ILess> names;
    for (const auto &[name, value] : vars)
        if (!is_driver_name(name)) names.insert(name);
    if (full || names != names_) {
        refresh_types();
        refresh_commands();
    }
    for (const auto &[name, value] : vars) pub_.set(name, value);
    std::vector<std::string> gone;
    for (const auto &[name, value] : pub_.values())
        if (!names.count(name)) gone.push_back(name);
    for (const auto &name : gone) pub_.remove(name);
    if (!names.count("ups.alarm")) pub_.set_alarm("");
    pub_.flush();
    names_ = std::move(names);
}

nutpp_status Repeater::open() {
    pub_.reset();
    rw_.clear();
    names_.clear();
    cmds_.clear();
    try {
        connect();
        refresh(true);
    } catch (const support::NutClientError &e) {
        conn_.reset();
        const nutpp_status st = failed(e, "cannot mirror the remote UPS");
        if (config_.strict_start || e.code == "UNKNOWN-UPS") return st;
        host_.warn("sim: repeater " + ep_.to_string() + " unreachable at start (" + e.what() +
                   "); retrying from poll (repeater_disable_strict_start)");
        outage_logged_ = true;
    }
    return NUTPP_OK;
}

nutpp_status Repeater::poll(uint32_t) {
    try {
        const bool fresh = !conn_;
        if (fresh) connect();
        refresh(fresh);
        if (outage_logged_) host_.info("sim: repeater " + ep_.to_string() + " reachable again");
        outage_logged_ = false;
        return NUTPP_OK;
    } catch (const support::NutClientError &e) {
        const nutpp_status st = failed(e, "poll failed");
        if (!outage_logged_) host_.warn("sim: repeater " + ep_.to_string() + ": " + e.what());
        outage_logged_ = true;
        return st;
    }
}

nutpp_status Repeater::instcmd(const char *cmd, const char *arg) {
    if (!conn_) return host_.fail(NUTPP_E_NO_DEVICE, "sim: repeater " + ep_.to_string() + " is not connected");
    try {
        login_if_needed();
        conn_->instcmd(ep_.ups, cmd, arg ? std::optional<std::string>(arg) : std::nullopt);
        return NUTPP_OK;
    } catch (const support::NutClientError &e) {
        return failed(e, std::string("INSTCMD ") + cmd);
    }
}

nutpp_status Repeater::setvar(const char *name, const char *value) {
    if (!conn_) return host_.fail(NUTPP_E_NO_DEVICE, "sim: repeater " + ep_.to_string() + " is not connected");
    if (is_driver_name(name))
        return host_.fail(NUTPP_E_UNSUPPORTED, std::string("sim: ") + name + " belongs to the host and cannot be set");
    try {
        login_if_needed();
        conn_->set_var(ep_.ups, name, value ? value : "");
        return NUTPP_OK; // upsd applies it asynchronously; the next poll mirrors the new value
    } catch (const support::NutClientError &e) {
        return failed(e, std::string("SET VAR ") + name);
    }
}

void Repeater::close() {
    if (conn_) conn_->logout(); // never throws: a server gone already is fine
    conn_.reset();
    credentials_sent_ = false;
}

} // namespace nutpp::sim
