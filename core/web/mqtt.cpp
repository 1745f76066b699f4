#include "web/mqtt.hpp"

#include "client/connection.hpp"
#include "common/strings.hpp"
#include "web/metrics.hpp"

#include <mosquitto.h>
#include <spdlog/spdlog.h>

#include <mutex>
#include <stdexcept>
#include <thread>

namespace nutpp::web {

using nlohmann::json;

namespace {

// Home Assistant metadata of the NUT variables that have a unit (const data; the others become
// plain sensors). device_class values are Home Assistant's sensor device classes.
struct SensorInfo {
    std::string_view var;
    std::string_view unit;
    std::string_view device_class; // "" = none
};
constexpr SensorInfo kSensors[] = {
    {"battery.charge", "%", "battery"},
    {"battery.charge.low", "%", "battery"},
    {"battery.charge.warning", "%", "battery"},
    {"battery.runtime", "s", "duration"},
    {"battery.runtime.low", "s", "duration"},
    {"battery.voltage", "V", "voltage"},
    {"battery.voltage.nominal", "V", "voltage"},
    {"battery.current", "A", "current"},
    {"battery.temperature", "°C", "temperature"},
    {"input.voltage", "V", "voltage"},
    {"input.voltage.nominal", "V", "voltage"},
    {"input.transfer.low", "V", "voltage"},
    {"input.transfer.high", "V", "voltage"},
    {"input.frequency", "Hz", "frequency"},
    {"input.current", "A", "current"},
    {"output.voltage", "V", "voltage"},
    {"output.voltage.nominal", "V", "voltage"},
    {"output.frequency", "Hz", "frequency"},
    {"output.current", "A", "current"},
    {"ups.load", "%", ""},
    {"ups.power", "VA", "apparent_power"},
    {"ups.power.nominal", "VA", "apparent_power"},
    {"ups.realpower", "W", "power"},
    {"ups.realpower.nominal", "W", "power"},
    {"ups.temperature", "°C", "temperature"},
    {"ups.delay.shutdown", "s", "duration"},
    {"ups.delay.start", "s", "duration"},
};

const SensorInfo *sensor_info(std::string_view var) {
    for (const auto &s : kSensors)
        if (s.var == var) return &s;
    return nullptr;
}

json device_json(const UpsData &u) {
    const auto pick = [&](std::initializer_list<const char *> names) -> std::string {
        for (const char *n : names)
            if (const auto *v = u.find(n)) return *v;
        return {};
    };
    json d{{"identifiers", json::array({"nutpp_" + object_id(u.name)})}, {"name", u.desc.empty() ? u.name : u.desc}};
    if (auto s = pick({"device.mfr", "ups.mfr"}); !s.empty()) d["manufacturer"] = s;
    if (auto s = pick({"device.model", "ups.model"}); !s.empty()) d["model"] = s;
    if (auto s = pick({"device.serial", "ups.serial"}); !s.empty()) d["serial_number"] = s;
    if (auto s = pick({"ups.firmware"}); !s.empty()) d["sw_version"] = s;
    return d;
}

json availability_json(const config::WebMqtt &m, const std::string &ups) {
    return json::array({json{{"topic", bridge_topic(m)}}, json{{"topic", availability_topic(m, ups)}}});
}

} // namespace

std::string object_id(std::string_view s) {
    std::string out;
    for (char c : s) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-') ? c : '_';
    return out;
}

std::string var_topic(const config::WebMqtt &m, const std::string &ups, const std::string &var) {
    return m.prefix + "/" + ups + "/" + var;
}
std::string availability_topic(const config::WebMqtt &m, const std::string &ups) {
    return m.prefix + "/" + ups + "/availability";
}
std::string bridge_topic(const config::WebMqtt &m) { return m.prefix + "/status"; }
std::string sensor_topic(const config::WebMqtt &m, const std::string &ups, const std::string &var) {
    return m.discovery_prefix + "/sensor/nutpp_" + object_id(ups) + "/" + object_id(var) + "/config";
}

json sensor_config(const config::WebMqtt &m, const UpsData &u, const std::string &var) {
    json c{{"name", var},
           {"unique_id", "nutpp_" + object_id(u.name) + "_" + object_id(var)},
           {"object_id", object_id(u.name) + "_" + object_id(var)},
           {"state_topic", var_topic(m, u.name, var)},
           {"availability", availability_json(m, u.name)},
           {"availability_mode", "all"},
           {"payload_available", "online"},
           {"payload_not_available", "offline"},
           {"device", device_json(u)}};
    const auto *v = u.find(var);
    const bool numeric = v && metric_value(*v).has_value() && var != "ups.status";
    if (const auto *info = sensor_info(var)) {
        c["unit_of_measurement"] = info->unit;
        if (!info->device_class.empty()) c["device_class"] = info->device_class;
    }
    if (numeric) c["state_class"] = "measurement";
    else c["entity_category"] = "diagnostic"; // text values (model, serial...) are details, not readings
    return c;
}

std::vector<MqttMessage> discovery_messages(const config::WebMqtt &m, const UpsData &u) {
    std::vector<MqttMessage> out;
    const std::string node = "nutpp_" + object_id(u.name);
    for (const auto &[var, _] : u.vars) {
        // driver.* describes the driver process (name, version, parameters), not the UPS: still
        // published as topics, but no Home Assistant sensors for them.
        if (var.rfind("driver.", 0) == 0) continue;
        out.push_back({sensor_topic(m, u.name, var), sensor_config(m, u, var).dump()});
    }
    json b{{"name", "On battery"},
           {"unique_id", node + "_on_battery"},
           {"object_id", object_id(u.name) + "_on_battery"},
           {"state_topic", var_topic(m, u.name, "ups.status")},
           // ups.status is a list of flags; OB among them means the UPS runs on battery.
           {"value_template", "{{ 'ON' if 'OB' in value.split() else 'OFF' }}"},
           {"payload_on", "ON"},
           {"payload_off", "OFF"},
           {"availability", availability_json(m, u.name)},
           {"availability_mode", "all"},
           {"payload_available", "online"},
           {"payload_not_available", "offline"},
           {"device", device_json(u)}};
    out.push_back({m.discovery_prefix + "/binary_sensor/" + node + "/on_battery/config", b.dump()});
    return out;
}

MqttPublisher::MqttPublisher(const config::WebConfig &cfg, Store &store, std::string cmd_user, std::string cmd_password)
    : cfg_(cfg), store_(store), cmd_user_(std::move(cmd_user)), cmd_password_(std::move(cmd_password)) {}

MqttPublisher::~MqttPublisher() { stop(); }

void MqttPublisher::start() {
    static std::once_flag init;
    std::call_once(init, [] { mosquitto_lib_init(); });
    const auto &m = cfg_.mqtt;
    mosq_ = mosquitto_new(m.client_id.c_str(), true, this);
    if (!mosq_) throw std::runtime_error("MQTT: cannot create the client");
    const auto check = [&](int rc, const char *what) {
        if (rc != MOSQ_ERR_SUCCESS) throw std::runtime_error(std::string("MQTT ") + what + ": " + mosquitto_strerror(rc));
    };
    mosquitto_int_option(mosq_, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
    const std::string offline = "offline";
    check(mosquitto_will_set(mosq_, bridge_topic(m).c_str(), int(offline.size()), offline.data(), 1, true), "last will");
    if (!m.user.empty())
        check(mosquitto_username_pw_set(mosq_, m.user.c_str(), m.password.empty() ? nullptr : m.password.c_str()),
              "credentials");
    if (m.tls)
        check(mosquitto_tls_set(mosq_, m.cafile.empty() ? nullptr : m.cafile.c_str(),
                                m.capath.empty() ? nullptr : m.capath.c_str(),
                                m.certfile.empty() ? nullptr : m.certfile.c_str(),
                                m.keyfile.empty() ? nullptr : m.keyfile.c_str(), nullptr),
              "TLS settings");
    mosquitto_reconnect_delay_set(mosq_, 1, 30, true);
    mosquitto_connect_callback_set(mosq_, &MqttPublisher::on_connect);
    mosquitto_disconnect_callback_set(mosq_, &MqttPublisher::on_disconnect);
    mosquitto_message_callback_set(mosq_, &MqttPublisher::on_message);
    const int rc = mosquitto_connect_async(mosq_, m.host.c_str(), m.port, m.keepalive);
    if (rc != MOSQ_ERR_SUCCESS)
        spdlog::warn("MQTT broker {}:{}: {} (retrying)", m.host, m.port,
                     rc == MOSQ_ERR_ERRNO ? std::strerror(errno) : mosquitto_strerror(rc));
    check(mosquitto_loop_start(mosq_), "thread");
}

void MqttPublisher::stop() {
    if (!mosq_) return;
    if (connected_) {
        // A clean DISCONNECT cancels the last will, so say "offline" ourselves first; the loop
        // thread sends it, then ends on the disconnect (not forced: that could drop the message).
        const std::string offline = "offline";
        mosquitto_publish(mosq_, nullptr, bridge_topic(cfg_.mqtt).c_str(), int(offline.size()), offline.data(), 1, true);
        mosquitto_disconnect(mosq_);
        mosquitto_loop_stop(mosq_, false);
    } else {
        mosquitto_loop_stop(mosq_, true); // possibly waiting to reconnect: nothing to flush
    }
    while (commands_running_ > 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    mosquitto_destroy(mosq_);
    mosq_ = nullptr;
}

void MqttPublisher::publish(const MqttMessage &m) {
    const int rc = mosquitto_publish(mosq_, nullptr, m.topic.c_str(), int(m.payload.size()), m.payload.data(), 1, m.retain);
    if (rc == MOSQ_ERR_SUCCESS) ++published_;
    // While disconnected nothing is queued: publish_all() sends the whole state on reconnect.
}

void MqttPublisher::publish_all() {
    const auto &m = cfg_.mqtt;
    publish({bridge_topic(m), "online"});
    for (const auto &u : store_.snapshot()) {
        if (m.discovery)
            for (const auto &d : discovery_messages(m, u)) publish(d);
        publish({availability_topic(m, u.name), u.error.empty() && u.ever_read ? "online" : "offline"});
        for (const auto &[var, value] : u.vars) publish({var_topic(m, u.name, var), value});
    }
}

void MqttPublisher::on_events(const std::vector<Event> &evs) {
    if (!mosq_ || !connected_) return;
    const auto &m = cfg_.mqtt;
    bool rediscover = false;
    std::string rediscover_ups;
    for (const auto &e : evs) {
        switch (e.kind) {
        case Event::Kind::Variable:
            // An empty retained message deletes the retained value of a variable that is gone.
            publish({var_topic(m, e.ups, e.name), e.value});
            // A variable that is gone loses its sensor too (an empty retained config deletes it).
            if (e.value.empty() && m.discovery && e.name.rfind("driver.", 0) != 0)
                publish({sensor_topic(m, e.ups, e.name), ""});
            if (e.old.empty() && !e.value.empty()) {
                rediscover = true; // a new variable: its sensor too
                rediscover_ups = e.ups;
            }
            break;
        case Event::Kind::Comm: publish({availability_topic(m, e.ups), e.value.empty() ? "online" : "offline"}); break;
        case Event::Kind::Removed: publish({availability_topic(m, e.ups), "offline"}); break;
        case Event::Kind::Status: break; // the ups.status variable event carries it
        }
    }
    if (rediscover && m.discovery)
        if (const auto u = store_.get(rediscover_ups))
            for (const auto &d : discovery_messages(m, *u)) publish(d);
}

void MqttPublisher::on_connect(mosquitto *, void *self, int rc) {
    auto *p = static_cast<MqttPublisher *>(self);
    const auto &m = p->cfg_.mqtt;
    if (rc != 0) {
        spdlog::warn("MQTT broker {}:{} refused the connection: {}", m.host, m.port, mosquitto_connack_string(rc));
        return;
    }
    spdlog::info("MQTT connected to {}:{}", m.host, m.port);
    p->connected_ = true;
    p->publish_all();
    if (!p->cmd_user_.empty()) {
        const std::string sub = m.prefix + "/+/command";
        mosquitto_subscribe(p->mosq_, nullptr, sub.c_str(), 1);
    }
}

void MqttPublisher::on_disconnect(mosquitto *, void *self, int rc) {
    auto *p = static_cast<MqttPublisher *>(self);
    p->connected_ = false;
    if (rc != 0) spdlog::warn("MQTT connection to {}:{} lost; reconnecting", p->cfg_.mqtt.host, p->cfg_.mqtt.port);
}

void MqttPublisher::on_message(mosquitto *, void *self, const mosquitto_message *msg) {
    auto *p = static_cast<MqttPublisher *>(self);
    const std::string topic = msg->topic ? msg->topic : "";
    const std::string pre = p->cfg_.mqtt.prefix + "/", post = "/command";
    if (topic.size() <= pre.size() + post.size() || topic.compare(0, pre.size(), pre) != 0 ||
        topic.compare(topic.size() - post.size(), post.size(), post) != 0)
        return;
    const std::string ups = topic.substr(pre.size(), topic.size() - pre.size() - post.size());
    const std::string payload(static_cast<const char *>(msg->payload), size_t(std::max(0, msg->payloadlen)));
    // upsd answers within its timeout; the MQTT thread must not wait for it. A few at a time only.
    if (p->commands_running_ >= 4) {
        p->publish({topic + "/result", json{{"command", payload}, {"error", "TOO-MANY-CLIENTS"}}.dump(), false});
        return;
    }
    ++p->commands_running_;
    std::thread([p, ups, payload] {
        p->run_command(ups, payload);
        --p->commands_running_;
    }).detach();
}

void MqttPublisher::run_command(const std::string &ups, const std::string &payload) {
    const auto words = common::split_ws(payload);
    const std::string result_topic = cfg_.mqtt.prefix + "/" + ups + "/command/result";
    json r{{"command", payload}};
    if (words.empty() || words.size() > 2 || payload.find_first_of("\r\n") != std::string::npos) {
        r["error"] = "INVALID-ARGUMENT";
    } else {
        try {
            auto c = client::Connection::tcp(cfg_.upsd_host, cfg_.upsd_port, std::chrono::seconds(5));
            c.try_starttls();
            c.username(cmd_user_);
            c.password(cmd_password_);
            c.instcmd(ups, words[0], words.size() > 1 ? std::optional<std::string>(words[1]) : std::nullopt);
            r["result"] = "OK";
            c.logout();
        } catch (const client::Error &e) {
            r["error"] = e.from_server() ? e.code : "UNREACHABLE";
        }
    }
    spdlog::info("MQTT command {} on {}: {}", payload, ups, r.contains("error") ? r["error"].get<std::string>() : "OK");
    publish({result_topic, r.dump(), false});
}

} // namespace nutpp::web
