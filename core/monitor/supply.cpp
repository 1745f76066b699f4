#include "monitor/supply.hpp"

#include "common/strings.hpp"

#include <spdlog/spdlog.h>

namespace nutpp::monitor {

TlsPolicy tls_policy(const config::MonitorConfig &cfg, const std::string &host) {
    TlsPolicy p;
    p.options.verify = cfg.certverify;
    p.options.host = host; // CERTVERIFY checks that the certificate is this server's, not just any valid one
    p.options.ca_path = cfg.certpath;
    p.options.cert_file = cfg.certfile;
    p.required = cfg.forcessl;
    for (const auto &h : cfg.certhosts) {
        if (!common::iequals(h.host, host)) continue;
        p.options.verify = h.certverify;
        p.options.host = h.name.empty() ? host : h.name;
        p.required = h.forcessl;
    }
    return p;
}

void Supply::open(std::chrono::milliseconds timeout) {
    auto c = client::Connection::tcp(cfg_.host, cfg_.port, timeout);
    bool tls = false;
    try {
        tls = c.try_starttls(tls_.options); // NUT upsmon tries too, and goes on in clear text when refused
    } catch (const client::Error &e) {
        // A failed handshake (bad certificate, say) closed the connection: never fall back then.
        if (!c.is_open() || tls_.required) throw;
        spdlog::debug("{}: STARTTLS: {}", name(), e.what());
    }
    if (!tls && tls_.required) throw client::Error("SSL error: the server does not offer TLS and FORCESSL is set");
    c.username(cfg_.user);
    c.password(cfg_.password);
    c.login(cfg_.ups);
    if (primary()) {
        // primary() falls back to MASTER on pre-2.8 servers; a refusal is not fatal (NUT logs it).
        try {
            c.primary(cfg_.ups);
        } catch (const client::Error &e) {
            spdlog::error("{}: PRIMARY refused ({}): FSD will not be possible", name(), e.what());
        }
    }
    conn_.emplace(std::move(c));
    spdlog::debug("{}: logged in as {}", name(), cfg_.user);
}

std::optional<std::string> Supply::poll(std::chrono::milliseconds timeout) {
    try {
        if (!conn_) open(timeout);
        conn_->set_timeout(timeout);
        return conn_->get_var(cfg_.ups, "ups.status");
    } catch (const client::Error &e) {
        error_ = e.what();
        // Server-side refusals (DATA-STALE, DRIVER-NOT-CONNECTED) keep the session; the rest
        // (socket errors, failed login) start over on the next poll.
        if (!e.from_server() || !conn_) conn_.reset();
        return std::nullopt;
    } catch (const std::exception &e) {
        error_ = e.what();
        conn_.reset();
        return std::nullopt;
    }
}

std::optional<std::string> Supply::get(const std::string &var) {
    if (!conn_) return std::nullopt;
    try {
        return conn_->get_var(cfg_.ups, var);
    } catch (const client::Error &e) {
        if (!e.from_server()) conn_.reset();
        return std::nullopt;
    }
}

bool Supply::set_fsd() {
    try {
        if (!conn_) open(client::kDefaultTimeout);
        conn_->fsd(cfg_.ups);
        return true;
    } catch (const std::exception &e) {
        error_ = e.what();
        return false;
    }
}

std::optional<long> Supply::numlogins() {
    try {
        if (!conn_) return std::nullopt;
        return conn_->get_numlogins(cfg_.ups);
    } catch (const std::exception &e) {
        error_ = e.what();
        return std::nullopt;
    }
}

} // namespace nutpp::monitor
