#include "server/upsd.hpp"

#include "common/strings.hpp"
#include "config/socket_name.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <stdexcept>

namespace nutpp::server {

using namespace std::chrono_literals;

std::string driver_socket_path(const std::string &state_dir, const config::DeviceConfig &d) {
    return (std::filesystem::path(state_dir) / config::driver_socket_name(d.driver, d.name)).string();
}

namespace {

// NUT's upsd refuses to serve nothing unless ALLOW_NO_DEVICE (an empty ups.conf is a mistake far
// more often than a plan to add UPSes by reload). The drop-in loader already applied the rule with
// NUT's own message; this is the same rule for nutpp files, at start and at reload.
void require_devices(const config::Config &cfg) {
    if (!cfg.devices.empty()) return;
    if (!cfg.server.allow_no_device)
        throw std::runtime_error(cfg.file + ": no devices defined: upsd needs at least one (set server.allow_no_device: "
                                            "true to start without and add them later by reload)");
    spdlog::warn("no devices defined in {}: serving none until a reload adds some", cfg.file);
}

} // namespace

Upsd::Upsd(common::EventLoop &loop, const config::Config &cfg, std::string version_line) : loop_(loop) {
    require_devices(cfg);
    ctx_.version_line = std::move(version_line);
    ctx_.users = Users(cfg.users);
    ctx_.maxage = std::chrono::seconds(cfg.server.maxage);
    trackingdelay_ = std::chrono::seconds(cfg.server.trackingdelay);
    NetOptions o;
    o.listen = cfg.server.listen;
    if (o.listen.empty()) { // the loader fills the default; keep NUT's default if it did not
        o.listen.push_back(config::Listen{"127.0.0.1", 3493, {}, {}});
        o.listen.push_back(config::Listen{"::1", 3493, {}, {}});
    }
    o.maxconn = cfg.server.maxconn;
    o.maxconn_per_address = cfg.server.maxconn_per_address;
    o.idle_timeout = std::chrono::seconds(cfg.server.idle_timeout);
    o.allow_not_all_listeners = cfg.server.allow_not_all_listeners;
    o.access = cfg.server.access;
    net_ = std::make_unique<NetServer>(loop_, ctx_, std::move(o));
    const auto &srv = cfg.server;
    if (!srv.certfile.empty()) {
        net_->set_tls(std::make_shared<TlsContext>(srv.certfile, srv.disable_weak_ssl, srv.certrequest, srv.certpath));
        ctx_.tls_configured = true;
    } else if (!nss_database_in(srv.certpath).empty() || !srv.certident.name.empty()) {
        // An upsd.conf from NUT's NSS build (Debian's): its certificate lives in an NSS database
        // we cannot read. Say so, instead of a STARTTLS that just answers FEATURE-NOT-CONFIGURED.
        spdlog::warn("TLS is off: CERTPATH/CERTIDENT name an NSS certificate database (NUT built with NSS); "
                     "nutpp uses OpenSSL: set CERTFILE to one PEM file holding the certificate and its key "
                     "(e.g. pk12util -o upsd.p12 -n <CERTIDENT name> -d {}, then openssl pkcs12 -in upsd.p12 -nodes)",
                     srv.certpath.empty() ? "<CERTPATH>" : srv.certpath);
    }
    apply_devices(cfg);
}

Upsd::~Upsd() {
    if (timer_) loop_.cancel_timer(timer_);
    net_.reset(); // sessions first: they point into the UPS objects
    ctx_.upses.clear();
}

void Upsd::start() {
    net_->start();
    timer_ = loop_.add_timer(1s, [this] { tick(); }, 1s);
}

void Upsd::apply_devices(const config::Config &cfg) {
    std::vector<std::unique_ptr<Ups>> next;
    for (const auto &d : cfg.devices) {
        const std::string path = driver_socket_path(cfg.state_dir, d);
        std::unique_ptr<Ups> ups;
        for (auto &old : ctx_.upses)
            if (old && old->name() == d.name) ups = std::move(old);
        if (ups) {
            ups->set_desc(d.desc);
            ups->set_socket_path(path);
        } else {
            ups = std::make_unique<Ups>(loop_, ctx_.tracking, d.name, d.desc, path);
        }
        ups->on_change = [this](const Ups &u) { net_->push_status(u); };
        next.push_back(std::move(ups));
    }
    for (auto &gone : ctx_.upses) {
        if (!gone) continue;
        spdlog::info("UPS [{}] removed from the configuration", gone->name());
        net_->kick_logins(gone.get());
    }
    ctx_.upses = std::move(next);
}

void Upsd::reload(const config::Config &cfg) {
    require_devices(cfg); // before anything changes: a refused reload keeps the running set
    ctx_.users = Users(cfg.users);
    ++ctx_.users_generation; // every connection's password verdict is checked again
    ctx_.maxage = std::chrono::seconds(cfg.server.maxage);
    trackingdelay_ = std::chrono::seconds(cfg.server.trackingdelay);
    net_->set_maxconn(cfg.server.maxconn, cfg.server.maxconn_per_address);
    net_->set_idle_timeout(std::chrono::seconds(cfg.server.idle_timeout));
    net_->set_access(cfg.server.access, cfg.server.listen); // applies to new connections
    apply_devices(cfg);
    spdlog::info("reloaded: {} UPS, {} user(s)", ctx_.upses.size(), ctx_.users.size());
}

void Upsd::tick() {
    for (auto &u : ctx_.upses) u->tick(ctx_.maxage);
    net_->tick();
    ctx_.tracking.expire(trackingdelay_);
}

} // namespace nutpp::server
