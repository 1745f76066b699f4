// One MONITOR entry at run time: its upsd session (kept open across polls, re-opened after
// errors, like NUT's upsmon) and what the loop remembers about it between polls.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "client/connection.hpp"
#include "config/config.hpp"
#include "monitor/push.hpp"
#include "monitor/status.hpp"

namespace nutpp::monitor {

using Clock = std::chrono::steady_clock;

// How a supply's session uses TLS: upsmon's CERTVERIFY/CERTPATH/FORCESSL, or the CERTHOST line
// for its host (which then decides verify and force, and names the certificate's host).
struct TlsPolicy {
    client::TlsOptions options;
    bool required = false; // FORCESSL: a server without TLS is an error, not clear text
    bool operator==(const TlsPolicy &) const = default;
};
TlsPolicy tls_policy(const config::MonitorConfig &cfg, const std::string &host);

class Supply {
public:
    Supply(config::Monitor m, TlsPolicy tls) : push(m.host, m.port, m.ups), cfg_(std::move(m)), tls_(std::move(tls)) {}
    const config::Monitor &cfg() const { return cfg_; }
    const TlsPolicy &tls() const { return tls_; }
    bool primary() const { return cfg_.role == config::Role::Primary; }
    const std::string &name() const { return cfg_.system; }

    // Connects and logs in when needed, then GET VAR <ups> ups.status. nullopt = poll failed
    // (reason in last_error()). Never throws.
    std::optional<std::string> poll(std::chrono::milliseconds timeout);
    std::optional<std::string> get(const std::string &var); // extra var on the open session
    bool set_fsd();                      // FSD <ups>; false when it failed
    std::optional<long> numlogins();     // GET NUMLOGINS <ups>
    void drop() { conn_.reset(); }       // close without LOGOUT (NUT sends none at shutdown)
    bool connected() const { return conn_.has_value(); }
    const std::string &last_error() const { return error_; }

    // Status-change push from our upsd (monitor/push.hpp); inactive against NUT's upsd.
    PushWatch push;
    bool push_due = false;       // a push arrived: re-poll before the next full cycle

    // ---- the loop's memory ----
    bool heard = false;          // ever got a status
    StatusFlags status;          // last known
    std::string raw_status;
    int commstate = -1;          // -1 never tried/known, 0 lost, 1 ok
    Clock::time_point last_ok{}, last_noncrit{}, last_nocomm_warn{}, last_rb_warn{}, oblb_since{};
    std::optional<Clock::time_point> wait_since; // first poll of the current run of WAIT answers
    bool rb_warned = false;
    bool fsd_notified = false;

private:
    void open(std::chrono::milliseconds timeout);

    config::Monitor cfg_;
    TlsPolicy tls_;
    std::optional<client::Connection> conn_;
    std::string error_;
};

} // namespace nutpp::monitor
