// MQTT output (libmosquitto): every variable of every UPS on <prefix>/<ups>/<variable> (retained),
// availability on <prefix>/status (last will "offline") and <prefix>/<ups>/availability, and Home
// Assistant MQTT discovery under <discovery_prefix>/{sensor,binary_sensor}/nutpp_<ups>/.../config,
// so each UPS appears as a device with a sensor per variable and an "on battery" binary sensor.
// Optional: <prefix>/<ups>/command (payload "cmd [value]") runs an instant command as
// web.mqtt.commands_user (that user's upsd rights apply); replies on <prefix>/<ups>/command/result.
//
// libmosquitto's own thread connects, reconnects with backoff (1 s doubling to 30 s) and sends;
// publishing only queues, so an unreachable broker never blocks the collector or HTTP.
#pragma once

#include "config/config.hpp"
#include "web/store.hpp"

#include <nlohmann/json.hpp>

#include <atomic>
#include <string>
#include <utility>
#include <vector>

struct mosquitto;
struct mosquitto_message;

namespace nutpp::web {

struct MqttMessage {
    std::string topic;
    std::string payload;
    bool retain = true;
};

// Topic of a variable: <prefix>/<ups>/<variable>.
std::string var_topic(const config::WebMqtt &m, const std::string &ups, const std::string &var);
std::string availability_topic(const config::WebMqtt &m, const std::string &ups);
std::string bridge_topic(const config::WebMqtt &m); // <prefix>/status
// Home Assistant discovery topic of a variable's sensor.
std::string sensor_topic(const config::WebMqtt &m, const std::string &ups, const std::string &var);
// Home Assistant discovery messages (retained) for one UPS: a sensor per variable and the
// on-battery binary sensor.
std::vector<MqttMessage> discovery_messages(const config::WebMqtt &m, const UpsData &u);
// The config payload of one variable's sensor.
nlohmann::json sensor_config(const config::WebMqtt &m, const UpsData &u, const std::string &var);
// [A-Za-z0-9_-] only, as discovery object ids require.
std::string object_id(std::string_view s);

class MqttPublisher {
public:
    // `user`/`password`: the upsd credentials of commands_user (empty: no command topic).
    MqttPublisher(const config::WebConfig &cfg, Store &store, std::string cmd_user, std::string cmd_password);
    ~MqttPublisher();
    // Sets up the client and starts its thread; the connection is made (and retried) there.
    // Throws std::runtime_error for settings libmosquitto refuses (e.g. unreadable TLS files).
    void start();
    void stop(); // "offline", disconnect, join
    void on_events(const std::vector<Event> &evs);
    bool connected() const { return connected_; }
    unsigned long published() const { return published_; }

private:
    static void on_connect(mosquitto *, void *self, int rc);
    static void on_disconnect(mosquitto *, void *self, int rc);
    static void on_message(mosquitto *, void *self, const ::mosquitto_message *msg);
    void publish(const MqttMessage &m);
    void publish_all(); // after each (re)connect: the broker may have lost retained state
    void run_command(const std::string &ups, const std::string &payload);

    config::WebConfig cfg_;
    Store &store_;
    std::string cmd_user_, cmd_password_;
    mosquitto *mosq_ = nullptr;
    std::atomic<bool> connected_{false};
    std::atomic<unsigned long> published_{0};
    std::atomic<int> commands_running_{0};
};

} // namespace nutpp::web
