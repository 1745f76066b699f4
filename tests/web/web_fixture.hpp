// The whole upsweb stack for end-to-end tests: `nutpp run` on a YAML file with a sim device, our
// upsd and a `web:` section (so the launcher is what starts upsweb), optionally a private mosquitto
// broker on a free loopback port. Every process is ours and stopped by PID.
#pragma once

#include "process.hpp"
#include "wait_until.hpp"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace nutpp::testing {

struct WebStackOptions {
    bool mqtt = false;         // start mosquitto and configure web.mqtt
    std::string mqtt_extra;    // more keys for web.mqtt (flow-map entries, e.g. ", commands_user: bot")
    std::string users = "  admin: { password: adminpass, actions: [set], instcmds: [all] }\n"
                        "  viewer: { password: viewerpass }\n";
    double pollinterval = 30;  // long: changes must arrive by push
};

std::string make_temp_dir(const std::string &tag);
void write_file(const std::string &path, const std::string &text);
std::string read_file(const std::string &path);
bool have_program(const std::string &name);

// The sim device's file: a CP1000AVRLCD-like UPS (the sim offers load.off and makes every variable writable, like dummy-ups).
std::string dev_text(const std::string &status, int charge);

class WebStack {
public:
    explicit WebStack(const WebStackOptions &o = {});
    ~WebStack();

    std::string dir() const { return dir_; }
    uint16_t http_port() const { return http_port_; }
    uint16_t upsd_port() const { return upsd_port_; }
    uint16_t mqtt_port() const { return mqtt_port_; }
    std::string base_url() const { return "http://127.0.0.1:" + std::to_string(http_port_); }
    std::unique_ptr<httplib::Client> client() const;
    void set_dev(const std::string &status, int charge);
    std::string log() const;      // nutpp run (and its components)
    pid_t upsweb_pid() const;     // from state_dir/upsweb.pid; -1 if none
    Daemon &launcher() { return nutpp_; }
    // GET path -> parsed JSON (throws with the body when not JSON).
    nlohmann::json get_json(const std::string &path, int *status = nullptr) const;

private:
    std::string dir_;
    uint16_t upsd_port_ = 0, http_port_ = 0, mqtt_port_ = 0;
    Daemon broker_, nutpp_;
};

// Waits until the broker holds a retained message on each of `topics` (asked with a short-lived
// mosquitto_sub --retained-only), so a subscriber started after that sees them as retained.
bool wait_retained(uint16_t port, const std::vector<std::string> &topics, std::chrono::milliseconds timeout);

// A mosquitto_sub process printing "<retain> <topic> <payload>" lines for `topics` into a file.
class Subscriber {
public:
    Subscriber(uint16_t port, const std::vector<std::string> &topics, const std::string &log_path);
    std::string text() const { return read_file(path_); }
    // Waits until a line with this topic (and payload, when given) was received.
    bool wait_line(const std::string &topic, const std::string &payload, std::chrono::milliseconds timeout) const;
    // The payload of the last line of `topic` ("" if none) and whether it came retained.
    std::string last(const std::string &topic, bool *retained = nullptr) const;

private:
    std::string path_;
    Daemon d_;
};

} // namespace nutpp::testing
