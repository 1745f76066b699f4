// upsweb as a whole: the Store fed by the Collector, and the outputs the `web` section turns on
// (HTTP: metrics, API, events, page; MQTT). core/programs/upsweb.cpp wraps it in a daemon; tests
// and the benchmark run it in-process.
#pragma once

#include "config/config.hpp"
#include "web/collector.hpp"
#include "web/http.hpp"
#include "web/mqtt.hpp"
#include "web/sse.hpp"
#include "web/store.hpp"

#include <atomic>
#include <memory>
#include <thread>

namespace nutpp::web {

class Upsweb {
public:
    // Throws config::ConfigError when the file's web settings cannot work together with its
    // users (commands_user without a clear-text password).
    explicit Upsweb(const config::Config &cfg);
    ~Upsweb();
    // Reads upsd once (so the first scrape has data when upsd is up), opens the listeners (throws
    // std::runtime_error when one cannot be bound), then runs the collector on its own thread.
    void start();
    void stop();

    Store &store() { return store_; }
    EventHub &hub() { return hub_; }
    Collector &collector() { return collector_; }
    const HttpFrontend *http() const { return http_.get(); }
    const MqttPublisher *mqtt() const { return mqtt_.get(); }

private:
    config::WebConfig cfg_;
    Store store_;
    EventHub hub_;
    Collector collector_;
    std::unique_ptr<HttpFrontend> http_;
    std::unique_ptr<MqttPublisher> mqtt_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

} // namespace nutpp::web
