// upsweb benchmark client (bench/web_bench.sh starts the stack): from a status change at the
// (simulated) device to the SSE event, the MQTT message and the first /metrics showing it, as
// p50/p99; the cost of a /metrics scrape with all UPSes (latency, upsweb CPU per scrape); upsweb's
// memory; and, side by side, DRuggeri/nut_exporter's algorithm -- every scrape connects to upsd and
// reads each UPS as its go.nut library does -- reproduced over our client library (nutpp_client)
// and the same renderer, so only the data path differs.
//
//   web_latency <upsd-port> <http-port> <mqtt-port> <dev-dir> <ups-count> <upsweb-pid>
#include "client/connection.hpp"
#include "web/metrics.hpp"
#include "web/store.hpp"

#include <httplib.h>
#include <mosquitto.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

std::atomic<int> g_want{0};               // 1 = waiting for OB, 2 = waiting for OL
std::atomic<int64_t> g_sse_ns{0}, g_mqtt_ns{0};
Clock::time_point g_t0;

int64_t since_t0() { return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - g_t0).count(); }
const char *want_text(int w) { return w == 1 ? "OB DISCHRG" : "OL"; }

void write_dev(const std::string &path, const std::string &status) {
    const std::string tmp = path + ".tmp";
    std::ofstream(tmp) << "battery.charge: 100\nbattery.runtime: 5550\ninput.voltage: 122.0\nups.load: 7\n"
                          "device.mfr: CPS\ndevice.model: CP1000AVRLCD\nups.status: "
                       << status << "\n";
    std::filesystem::rename(tmp, path);
}

double pct(std::vector<double> v, double p) {
    if (v.empty()) return -1;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, size_t(p / 100.0 * double(v.size())))];
}

double cpu_seconds(pid_t pid) { // utime + stime of a process
    std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
    std::string s((std::istreambuf_iterator<char>(f)), {});
    std::istringstream in(s.substr(s.rfind(')') + 2));
    std::string w;
    unsigned long long ut = 0, st = 0;
    for (int i = 3; i <= 15 && in >> w; ++i) {
        if (i == 14) ut = std::stoull(w);
        if (i == 15) st = std::stoull(w);
    }
    return double(ut + st) / double(sysconf(_SC_CLK_TCK));
}

long rss_kib(pid_t pid) {
    std::ifstream f("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(f, line);)
        if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    return -1;
}

void on_mqtt(mosquitto *, void *, const mosquitto_message *m) {
    const std::string p(static_cast<const char *>(m->payload), size_t(m->payloadlen));
    const int w = g_want;
    if (w && p == want_text(w) && g_mqtt_ns == 0) g_mqtt_ns = since_t0();
}

} // namespace

int main(int argc, char **argv) {
    if (argc != 7) {
        std::fprintf(stderr, "usage: %s upsd-port http-port mqtt-port dev-dir ups-count upsweb-pid\n", argv[0]);
        return 2;
    }
    const int upsd_port = std::stoi(argv[1]), http_port = std::stoi(argv[2]), mqtt_port = std::stoi(argv[3]);
    const std::string dev_dir = argv[4];
    const int n_ups = std::stoi(argv[5]);
    const pid_t web_pid = pid_t(std::stol(argv[6]));
    const std::string dev = dev_dir + "/ups000.dev";
    constexpr int kRounds = 40;

    // SSE client for ups000.
    std::atomic<bool> stop{false};
    httplib::Client sse("127.0.0.1", http_port);
    sse.set_read_timeout(120, 0);
    std::thread sse_thread([&] {
        std::string buf;
        sse.Get("/api/v1/events?ups=ups000", [&](const char *d, size_t n) {
            buf.append(d, n);
            for (size_t end; (end = buf.find("\n\n")) != std::string::npos; buf.erase(0, end + 2)) {
                const std::string ev = buf.substr(0, end);
                const int w = g_want;
                if (w && ev.find("event: status") != std::string::npos &&
                    ev.find(std::string("\"value\":\"") + want_text(w) + "\"") != std::string::npos && g_sse_ns == 0)
                    g_sse_ns = since_t0();
            }
            return !stop;
        });
    });
    // MQTT subscriber.
    mosquitto_lib_init();
    mosquitto *mq = mosquitto_new("web-bench", true, nullptr);
    mosquitto_message_callback_set(mq, on_mqtt);
    if (mosquitto_connect(mq, "127.0.0.1", mqtt_port, 30) != MOSQ_ERR_SUCCESS) {
        std::fprintf(stderr, "cannot connect to the broker\n");
        return 1;
    }
    mosquitto_subscribe(mq, nullptr, "nutpp/ups000/ups.status", 0);
    mosquitto_loop_start(mq);
    std::this_thread::sleep_for(1s);

    // 1. device -> SSE and -> MQTT.
    std::vector<double> sse_ms, mqtt_ms, metrics_ms;
    int lost = 0;
    for (int i = 0; i < kRounds; ++i) {
        const int w = i % 2 == 0 ? 1 : 2;
        g_sse_ns = 0;
        g_mqtt_ns = 0;
        g_t0 = Clock::now();
        g_want = w;
        write_dev(dev, want_text(w));
        const auto end = Clock::now() + 5s;
        while ((g_sse_ns == 0 || g_mqtt_ns == 0) && Clock::now() < end) std::this_thread::sleep_for(100us);
        g_want = 0;
        if (g_sse_ns && g_mqtt_ns) {
            sse_ms.push_back(double(g_sse_ns) / 1e6);
            mqtt_ms.push_back(double(g_mqtt_ns) / 1e6);
        } else {
            ++lost;
        }
        std::this_thread::sleep_for(150ms);
    }
    // 2. device -> first /metrics showing it (scraping back to back).
    httplib::Client http("127.0.0.1", http_port);
    for (int i = 0; i < kRounds; ++i) {
        const int w = i % 2 == 0 ? 1 : 2;
        const std::string needle = std::string("network_ups_tools_ups_status{flag=\"") + (w == 1 ? "OB" : "OL") +
                                   "\",ups=\"ups000\"} 1";
        g_t0 = Clock::now();
        write_dev(dev, want_text(w));
        const auto end = Clock::now() + 5s;
        bool seen = false;
        while (!seen && Clock::now() < end) {
            auto r = http.Get("/metrics?ups=ups000");
            seen = r && r->body.find(needle) != std::string::npos;
        }
        if (seen) metrics_ms.push_back(double(since_t0()) / 1e6);
        else ++lost;
        std::this_thread::sleep_for(150ms);
    }
    // 3. A full scrape with every UPS: upsweb (served from memory) ...
    constexpr int kScrapes = 200;
    std::vector<double> scrape_ms;
    size_t bytes = 0;
    const double cpu0 = cpu_seconds(web_pid);
    for (int i = 0; i < kScrapes; ++i) {
        const auto t = Clock::now();
        auto r = http.Get("/metrics");
        scrape_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t).count());
        if (r) bytes = r->body.size();
    }
    const double web_cpu_ms = (cpu_seconds(web_pid) - cpu0) * 1000.0 / kScrapes;
    // ... and nut_exporter's algorithm: each scrape connects and reads every UPS the way its client
    // library (go.nut's NewUPS) does -- LIST CLIENT, LIST CMD + GET CMDDESC per command, GET UPSDESC,
    // GET NUMLOGINS, LIST VAR + GET DESC + GET TYPE per variable -- then renders. Also the lower
    // bound of any polling exporter: LIST VAR only.
    constexpr int kPolls = 20;
    const auto poll_run = [&](bool like_go_nut, std::vector<double> &ms, size_t &out_bytes) {
        const double c0 = cpu_seconds(getpid());
        for (int i = 0; i < kPolls; ++i) {
            const auto t = Clock::now();
            nutpp::web::Store store;
            auto c = nutpp::client::Connection::tcp("127.0.0.1", uint16_t(upsd_port));
            for (const auto &[name, desc] : c.list_ups()) {
                if (like_go_nut) {
                    c.list_client(name);
                    for (const auto &cmd : c.list_cmd(name)) c.get_cmddesc(name, cmd);
                    c.get_upsdesc(name);
                    c.get_numlogins(name);
                }
                auto vars = c.list_var(name);
                if (like_go_nut)
                    for (const auto &[var, _] : vars) {
                        c.get_desc(name, var);
                        c.get_type(name, var);
                    }
                store.update(name, desc, std::move(vars));
            }
            out_bytes = nutpp::web::render_metrics(store.snapshot(), 0, {}).size();
            ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t).count());
        }
        return (cpu_seconds(getpid()) - c0) * 1000.0 / kPolls;
    };
    std::vector<double> poll_ms, list_ms;
    size_t poll_bytes = 0, list_bytes = 0;
    const double poll_cpu_ms = poll_run(true, poll_ms, poll_bytes);
    const double list_cpu_ms = poll_run(false, list_ms, list_bytes);

    std::printf("upsweb benchmark: %d UPSes, %d status flips per path (%d lost)\n", n_ups, kRounds, lost);
    std::printf("  %-44s %9s %9s\n", "path (status change at the device ->)", "p50 ms", "p99 ms");
    std::printf("  %-44s %9.2f %9.2f\n", "SSE event (/api/v1/events)", pct(sse_ms, 50), pct(sse_ms, 99));
    std::printf("  %-44s %9.2f %9.2f\n", "MQTT message (nutpp/<ups>/ups.status)", pct(mqtt_ms, 50), pct(mqtt_ms, 99));
    std::printf("  %-44s %9.2f %9.2f\n", "first /metrics showing it (scraped in a loop)", pct(metrics_ms, 50),
                pct(metrics_ms, 99));
    std::printf("\n  full scrape, %d UPSes                         %9s %9s %12s %8s\n", n_ups, "p50 ms", "p99 ms",
                "CPU ms/scrape", "bytes");
    std::printf("  %-44s %9.2f %9.2f %12.3f %8zu\n", "upsweb /metrics (from memory, push-fed)", pct(scrape_ms, 50),
                pct(scrape_ms, 99), web_cpu_ms, bytes);
    std::printf("  %-44s %9.2f %9.2f %12.3f %8zu\n", "nut_exporter algorithm (go.nut reads per UPS)", pct(poll_ms, 50),
                pct(poll_ms, 99), poll_cpu_ms, poll_bytes);
    std::printf("  %-44s %9.2f %9.2f %12.3f %8zu\n", "polling lower bound (LIST VAR per UPS only)", pct(list_ms, 50),
                pct(list_ms, 99), list_cpu_ms, list_bytes);
    std::printf("  ratio p50: nut_exporter algorithm / upsweb %.1fx, LIST VAR only / upsweb %.1fx\n",
                pct(poll_ms, 50) / pct(scrape_ms, 50), pct(list_ms, 50) / pct(scrape_ms, 50));
    std::printf("  (nut_exporter's CPU column is the client's only; upsd's share comes on top)\n");
    std::printf("\n  upsweb RSS: %ld KiB\n", rss_kib(web_pid));

    stop = true;
    sse.stop();
    sse_thread.join();
    mosquitto_loop_stop(mq, true);
    mosquitto_destroy(mq);
    return lost > kRounds / 10 ? 1 : 0;
}
