#include "web_fixture.hpp"

#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace nutpp::testing {

using namespace std::chrono_literals;

std::string make_temp_dir(const std::string &tag) {
    std::string tmpl = (std::filesystem::temp_directory_path() / ("nutpp-" + tag + "-XXXXXX")).string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    return tmpl;
}

void write_file(const std::string &path, const std::string &text) {
    // Written aside and renamed: the sim never reads half a file.
    const std::string tmp = path + ".tmp";
    std::ofstream(tmp) << text;
    std::filesystem::rename(tmp, path);
}

std::string read_file(const std::string &path) {
    std::ifstream f(path);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

bool have_program(const std::string &name) {
    return run_command({"sh", "-c", "command -v " + name}).exit_code == 0;
}

std::string dev_text(const std::string &status, int charge) {
    return "battery.charge: " + std::to_string(charge) +
           "\nbattery.runtime: 5550\nbattery.voltage: 13.7\ndevice.mfr: CPS\ndevice.model: CP1000AVRLCD\n"
           "device.serial: CRMLV2000234\ndevice.type: ups\ninput.voltage: 122.0\nups.load: 7\n"
           "ups.delay.shutdown: 20\n"
           "ups.mfr: CPS\nups.model: CP1000AVRLCD\nups.status: " +
           status + "\n";
}

WebStack::WebStack(const WebStackOptions &o) {
    dir_ = make_temp_dir("web");
    upsd_port_ = free_tcp_port();
    http_port_ = free_tcp_port();
    write_file(dir_ + "/demo.dev", dev_text("OL", 100));
    if (o.mqtt) {
        mqtt_port_ = free_tcp_port();
        write_file(dir_ + "/mosquitto.conf", "listener " + std::to_string(mqtt_port_) +
                                                 " 127.0.0.1\nallow_anonymous true\npersistence false\n");
        broker_ = Daemon({"mosquitto", "-c", dir_ + "/mosquitto.conf"}, {}, dir_ + "/mosquitto.log");
        // Ready when it accepts a client.
        wait_until([&] {
            return run_command({"mosquitto_pub", "-h", "127.0.0.1", "-p", std::to_string(mqtt_port_), "-t", "probe", "-m", "x"},
                               {}, 2s)
                       .exit_code == 0;
        },
                 10s);
    }
    std::ostringstream y;
    y << "state_dir: " << dir_ << "/run\n"
      << "plugin_dir: " << NUTPP_PLUGIN_DIR_FOR_TESTS << "\n"
      << "devices:\n  demo:\n    driver: sim\n    port: " << dir_ << "/demo.dev\n    pollinterval: 0.1\n"
      << "    desc: \"Test UPS\"\n"
      << "server:\n  listen: [\"127.0.0.1:" << upsd_port_ << "\"]\n"
      << "users:\n" << o.users
      << "web:\n  upsd: 127.0.0.1:" << upsd_port_ << "\n  pollinterval: " << o.pollinterval << "\n"
      << "  http: { listen: \"127.0.0.1:" << http_port_ << "\", max_event_clients: 8, max_body: 1024 }\n";
    if (o.mqtt) y << "  mqtt: { broker: \"127.0.0.1:" << mqtt_port_ << "\", keepalive: 5" << o.mqtt_extra << " }\n";
    write_file(dir_ + "/nutpp.yaml", y.str());
    ::chmod((dir_ + "/nutpp.yaml").c_str(), 0600);
    nutpp_ = Daemon({std::string(NUTPP_BIN_DIR) + "/nutpp", "run", "-f", dir_ + "/nutpp.yaml"}, {}, dir_ + "/nutpp.log");
    const bool up = wait_until(
        [&] {
            try {
                const auto j = get_json("/api/v1/ups");
                return j.is_array() && !j.empty() && j[0]["status"] == "OL";
            } catch (const std::exception &) {
                return false;
            }
        },
        60s);
    if (!up) throw std::runtime_error("the stack did not come up:\n" + log());
}

WebStack::~WebStack() {
    nutpp_.stop(10s);
    broker_.stop();
    if (!getenv("NUTPP_KEEP_SANDBOX")) std::filesystem::remove_all(dir_);
}

std::unique_ptr<httplib::Client> WebStack::client() const {
    auto c = std::make_unique<httplib::Client>("127.0.0.1", http_port_);
    c->set_connection_timeout(5, 0);
    c->set_read_timeout(10, 0);
    return c;
}

void WebStack::set_dev(const std::string &status, int charge) { write_file(dir_ + "/demo.dev", dev_text(status, charge)); }

std::string WebStack::log() const { return read_file(dir_ + "/nutpp.log"); }

pid_t WebStack::upsweb_pid() const {
    const std::string s = read_file(dir_ + "/run/upsweb.pid");
    return s.empty() ? -1 : pid_t(std::stol(s));
}

nlohmann::json WebStack::get_json(const std::string &path, int *status) const {
    auto r = client()->Get(path);
    if (!r) throw std::runtime_error("GET " + path + ": " + httplib::to_string(r.error()));
    if (status) *status = r->status;
    return nlohmann::json::parse(r->body);
}

bool wait_retained(uint16_t port, const std::vector<std::string> &topics, std::chrono::milliseconds timeout) {
    std::vector<std::string> argv = {"mosquitto_sub", "-h", "127.0.0.1", "-p", std::to_string(port), "--retained-only",
                                     "-C", std::to_string(topics.size()), "-W", "1"};
    for (const auto &t : topics) {
        argv.push_back("-t");
        argv.push_back(t);
    }
    return wait_until([&] { return run_command(argv, {}, std::chrono::seconds(5)).exit_code == 0; }, timeout);
}

Subscriber::Subscriber(uint16_t port, const std::vector<std::string> &topics, const std::string &log_path)
    : path_(log_path) {
    std::vector<std::string> argv = {"mosquitto_sub", "-h", "127.0.0.1", "-p", std::to_string(port), "-F", "%r %t %p"};
    for (const auto &t : topics) {
        argv.push_back("-t");
        argv.push_back(t);
    }
    d_ = Daemon(argv, {}, log_path);
}

bool Subscriber::wait_line(const std::string &topic, const std::string &payload, std::chrono::milliseconds timeout) const {
    return wait_until(
        [&] {
            std::istringstream in(text());
            for (std::string line; std::getline(in, line);) {
                if (line.size() < 2) continue;
                const auto rest = line.substr(2);
                if (rest.rfind(topic + " ", 0) != 0) continue;
                if (payload.empty() || rest.substr(topic.size() + 1) == payload) return true;
            }
            return false;
        },
        timeout);
}

std::string Subscriber::last(const std::string &topic, bool *retained) const {
    std::istringstream in(text());
    std::string found;
    for (std::string line; std::getline(in, line);) {
        if (line.size() < 2 || line.substr(2).rfind(topic + " ", 0) != 0) continue;
        found = line.substr(2 + topic.size() + 1);
        if (retained) *retained = line[0] == '1';
    }
    return found;
}

} // namespace nutpp::testing
