#include "web/upsweb.hpp"

#include <algorithm>

namespace nutpp::web {

Upsweb::Upsweb(const config::Config &cfg)
    : cfg_(cfg.web), hub_(size_t(cfg.web.http.max_event_clients)), collector_(cfg.web, store_) {
    if (cfg_.http.enabled && (cfg_.http.metrics || cfg_.http.api || cfg_.http.page))
        http_ = std::make_unique<HttpFrontend>(cfg_, store_, hub_);
    if (cfg_.mqtt.enabled) {
        std::string user, password;
        if (!cfg_.mqtt.commands_user.empty()) {
            const auto it = std::find_if(cfg.users.begin(), cfg.users.end(),
                                         [&](const config::User &u) { return u.name == cfg_.mqtt.commands_user; });
            // The loader checked the name; upsweb logs in to upsd with the clear-text password.
            if (it == cfg.users.end() || it->password.empty())
                throw config::ConfigError(cfg_.mqtt.where, "web.mqtt.commands_user",
                                          "user '" + cfg_.mqtt.commands_user + "' has no password or password_file",
                                          "a user whose password upsweb can send to upsd (password_hash cannot be sent)");
            user = it->name;
            password = it->password;
        }
        mqtt_ = std::make_unique<MqttPublisher>(cfg_, store_, user, password);
    }
    store_.subscribe([this](const std::vector<Event> &evs) { hub_.publish(evs); });
    if (mqtt_) store_.subscribe([this](const std::vector<Event> &evs) { mqtt_->on_events(evs); });
}

Upsweb::~Upsweb() { stop(); }

void Upsweb::start() {
    collector_.poll_all();
    if (http_) http_->start();
    if (mqtt_) mqtt_->start();
    thread_ = std::thread([this] { collector_.run(stop_); });
}

void Upsweb::stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    if (http_) http_->stop();
    if (mqtt_) mqtt_->stop();
}

} // namespace nutpp::web
