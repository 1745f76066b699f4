// upsweb end to end on the sim plugin, started by `nutpp run`: the JSON API, the event stream
// (a status change at the device reaches an SSE client by push), actions authenticated by upsd's
// users, bad requests, /metrics checked by promtool, and docs/openapi.yaml against the answers.
#include "web_fixture.hpp"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <atomic>
#include <mutex>
#include <thread>

using namespace std::chrono_literals;
using namespace nutpp::testing;
using nlohmann::json;

namespace {

// A real SSE client on its own thread, collecting what the stream sends.
class SseReader {
public:
    SseReader(const WebStack &s, const std::string &path) : cli_(s.client()) {
        cli_->set_read_timeout(60, 0);
        t_ = std::thread([this, path] {
            auto r = cli_->Get(path, [&](const char *data, size_t n) {
                std::lock_guard lk(mu_);
                text_.append(data, n);
                return !stop_;
            });
            std::lock_guard lk(mu_);
            status_ = r ? r->status : -1;
            ended_ = true;
        });
    }
    ~SseReader() {
        stop_ = true;
        cli_->stop();
        t_.join();
    }
    std::string text() const {
        std::lock_guard lk(mu_);
        return text_;
    }
    bool wait(const std::string &needle, std::chrono::milliseconds timeout) const {
        return wait_until([&] { return text().find(needle) != std::string::npos; }, timeout);
    }

private:
    std::unique_ptr<httplib::Client> cli_;
    std::thread t_;
    mutable std::mutex mu_;
    std::string text_;
    std::atomic<bool> stop_{false};
    int status_ = 0;
    bool ended_ = false;
};

} // namespace

TEST(WebE2E, ApiListsAndDescribesTheUps) {
    WebStack s;
    const auto list = s.get_json("/api/v1/ups");
    ASSERT_EQ(list.size(), 1u) << list.dump();
    EXPECT_EQ(list[0]["name"], "demo");
    EXPECT_EQ(list[0]["description"], "Test UPS");
    EXPECT_TRUE(list[0]["error"].is_null());
    const auto ups = s.get_json("/api/v1/ups/demo");
    EXPECT_EQ(ups["variables"]["battery.charge"], "100");
    EXPECT_EQ(ups["variables"]["device.model"], "CP1000AVRLCD");
    EXPECT_EQ(s.get_json("/api/v1/ups/demo/variables/ups.load")["value"], "7");
    const auto cmds = s.get_json("/api/v1/ups/demo/commands");
    ASSERT_TRUE(cmds.is_array());
    // The sim is dummy-ups-like: load.off, and every variable writable.
    ASSERT_EQ(cmds.size(), 1u) << cmds.dump();
    EXPECT_EQ(cmds[0]["name"], "load.off");
    EXPECT_FALSE(cmds[0]["description"].get<std::string>().empty());
    const auto rw = s.get_json("/api/v1/ups/demo/writable");
    ASSERT_TRUE(rw.is_array());
    json delay, model;
    for (const auto &v : rw) {
        if (v["name"] == "ups.delay.shutdown") delay = v;
        if (v["name"] == "ups.model") model = v;
    }
    EXPECT_EQ(delay["type"], "NUMBER") << rw.dump();
    EXPECT_EQ(delay["value"], "20");
    EXPECT_EQ(model["type"], "STRING") << rw.dump();
    EXPECT_EQ(model["max_length"], 32);
    EXPECT_TRUE(s.get_json("/api/v1/ups/demo/history").is_array());
}

TEST(WebE2E, ErrorsAreJsonWithNutNames) {
    WebStack s;
    int st = 0;
    auto j = s.get_json("/api/v1/ups/nosuch", &st);
    EXPECT_EQ(st, 404);
    EXPECT_EQ(j["error"], "UNKNOWN-UPS");
    j = s.get_json("/api/v1/ups/demo/variables/no.such.var", &st);
    EXPECT_EQ(st, 404);
    EXPECT_EQ(j["error"], "VAR-NOT-SUPPORTED");
    j = s.get_json("/api/v1/ups/nosuch/commands", &st);
    EXPECT_EQ(st, 404);
    EXPECT_EQ(j["error"], "UNKNOWN-UPS") << "upsd's answer, passed on";
    j = s.get_json("/api/v1/nothing", &st);
    EXPECT_EQ(st, 404);
    EXPECT_EQ(j["error"], "NOT-FOUND");
    // A body over max_body (1024) is refused before it is read whole.
    auto r = s.client()->Put("/api/v1/ups/demo/variables/ups.delay.shutdown", std::string(100000, 'x'), "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 413);
    EXPECT_EQ(json::parse(r->body)["error"], "REQUEST-TOO-LARGE");
    // A client that connects and sends half a request does not hold up the others.
    httplib::Client slow("127.0.0.1", s.http_port());
    std::thread stall([&] {
        const std::string cmd = "exec 3<>/dev/tcp/127.0.0.1/" + std::to_string(s.http_port()) +
                                "; printf 'GET /api/v1/ups HTTP/1.1\\r\\nHost: x\\r\\n' >&3; sleep 3";
        run_command({"bash", "-c", cmd}, {}, 10s);
    });
    std::this_thread::sleep_for(300ms);
    EXPECT_EQ(s.get_json("/api/v1/ups/demo", &st)["name"], "demo");
    EXPECT_EQ(st, 200);
    stall.join();
}

TEST(WebE2E, ActionsUseUpsdUsersRights) {
    WebStack s;
    auto cli = s.client();
    const std::string path = "/api/v1/ups/demo/variables/ups.delay.shutdown";
    auto r = cli->Put(path, R"({"value": "45"})", "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 401);
    EXPECT_EQ(json::parse(r->body)["error"], "USERNAME-REQUIRED");
    EXPECT_EQ(r->get_header_value("WWW-Authenticate"), "Basic realm=\"nutpp upsweb\"");

    cli->set_basic_auth("viewer", "viewerpass"); // a user without the SET action
    r = cli->Put(path, R"({"value": "45"})", "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 403) << r->body;
    EXPECT_EQ(json::parse(r->body)["error"], "ACCESS-DENIED");

    cli->set_basic_auth("admin", "wrong");
    r = cli->Put(path, R"({"value": "45"})", "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 403) << r->body;

    cli->set_basic_auth("admin", "adminpass");
    r = cli->Put(path, R"({"value": "not json)", "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400);
    EXPECT_EQ(json::parse(r->body)["error"], "INVALID-ARGUMENT");
    r = cli->Put(path, R"({"value": "45"})", "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << r->body;
    EXPECT_EQ(json::parse(r->body)["result"], "OK");
    // upsd has it at once; the API shows it after the next read (the poll interval is long, so ask
    // upsd directly through the live writable listing).
    EXPECT_TRUE(wait_until(
        [&] {
            for (const auto &v : s.get_json("/api/v1/ups/demo/writable"))
                if (v["name"] == "ups.delay.shutdown") return v["value"] == "45";
            return false;
        },
        10s));

    // Instant commands: rights checked by upsd (the sim then refuses to run it: INSTCMD-FAILED or
    // CMD-NOT-SUPPORTED, never ACCESS-DENIED for admin).
    cli->set_basic_auth("viewer", "viewerpass");
    r = cli->Post("/api/v1/ups/demo/commands/load.off", "", "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 403);
    EXPECT_EQ(json::parse(r->body)["error"], "ACCESS-DENIED");
    cli->set_basic_auth("admin", "adminpass");
    r = cli->Post("/api/v1/ups/demo/commands/load.off", "", "application/json");
    ASSERT_TRUE(r);
    EXPECT_NE(json::parse(r->body)["error"], "ACCESS-DENIED") << r->body;
    EXPECT_TRUE(r->status == 200 || json::parse(r->body).contains("error")) << r->body;
}

TEST(WebE2E, StatusChangeReachesEventStreamAndMetrics) {
    WebStack s;
    SseReader all(s, "/api/v1/events");
    SseReader other(s, "/api/v1/events?ups=other");
    ASSERT_TRUE(all.wait(": nutpp upsweb event stream", 10s)) << all.text();
    s.set_dev("OB DISCHRG", 95);
    // pollinterval is 30 s: within this wait only the push can have delivered it.
    ASSERT_TRUE(all.wait("event: status", 10s)) << all.text() << s.log();
    const std::string t = all.text();
    const auto at = t.find("event: status\ndata: ");
    const auto line_end = t.find('\n', at + 20);
    const auto ev = json::parse(t.substr(at + 20, line_end - at - 20));
    EXPECT_EQ(ev["ups"], "demo");
    EXPECT_EQ(ev["value"], "OB DISCHRG");
    EXPECT_EQ(ev["old"], "OL");
    EXPECT_NE(t.find("\"name\":\"battery.charge\""), std::string::npos) << t;
    EXPECT_EQ(other.text().find("event:"), std::string::npos) << "the ?ups= filter";

    auto r = s.client()->Get("/metrics");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_NE(r->body.find("network_ups_tools_ups_status{flag=\"OB\",ups=\"demo\"} 1"), std::string::npos) << r->body;
    EXPECT_NE(r->body.find("network_ups_tools_battery_charge{ups=\"demo\"} 95"), std::string::npos);
    EXPECT_NE(r->body.find("network_ups_tools_device_info{mfr=\"CPS\",model=\"CP1000AVRLCD\""), std::string::npos);
    auto r2 = s.client()->Get("/ups_metrics?ups=demo");
    ASSERT_TRUE(r2);
    EXPECT_EQ(r2->status, 200) << "nut_exporter's path";
    if (!have_program("promtool")) {
        GTEST_SKIP() << "promtool not installed (Debian package prometheus): the exposition format is not validated";
    }
    write_file(s.dir() + "/metrics.txt", r->body);
    const auto check = run_command({"sh", "-c", "promtool check metrics < " + s.dir() + "/metrics.txt"});
    EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
}

TEST(WebE2E, EventStreamLimit) {
    WebStack s;
    std::vector<std::unique_ptr<SseReader>> readers;
    for (int i = 0; i < 8; ++i) readers.push_back(std::make_unique<SseReader>(s, "/api/v1/events"));
    for (auto &r : readers) ASSERT_TRUE(r->wait(": nutpp", 10s));
    int st = 0;
    const auto j = s.get_json("/api/v1/events", &st);
    EXPECT_EQ(st, 503);
    EXPECT_EQ(j["error"], "TOO-MANY-CLIENTS");
    EXPECT_EQ(s.get_json("/api/v1/ups", &st).size(), 1u) << "ordinary requests still served";
    readers.clear();
}

// docs/openapi.yaml against the server: every documented GET answers with a documented status and
// carries the documented required fields.
TEST(WebE2E, OpenApiDescribesWhatTheServerAnswers) {
    WebStack s;
    const YAML::Node spec = YAML::LoadFile(NUTPP_OPENAPI);
    ASSERT_TRUE(spec["paths"].IsMap());
    const auto resolve = [&](YAML::Node schema) {
        if (schema["$ref"]) {
            std::string ref = schema["$ref"].as<std::string>();
            schema = spec["components"]["schemas"][ref.substr(ref.rfind('/') + 1)];
        }
        return schema;
    };
    int checked = 0;
    for (const auto &p : spec["paths"]) {
        std::string path = p.first.as<std::string>();
        if (!p.second["get"] || path == "/api/v1/events") continue;
        for (const auto &[from, to] : {std::pair<std::string, std::string>{"{ups}", "demo"}, {"{var}", "battery.charge"}})
            if (auto at = path.find(from); at != std::string::npos) path.replace(at, from.size(), to);
        auto r = s.client()->Get(path);
        ASSERT_TRUE(r) << path;
        const auto responses = p.second["get"]["responses"];
        ASSERT_TRUE(responses[std::to_string(r->status)]) << path << " answered " << r->status << ", not documented";
        ++checked;
        const auto content = responses[std::to_string(r->status)]["content"];
        if (!content || !content["application/json"]) continue;
        YAML::Node schema = resolve(content["application/json"]["schema"]);
        json body = json::parse(r->body);
        if (schema["type"] && schema["type"].as<std::string>() == "array") {
            ASSERT_TRUE(body.is_array()) << path;
            if (body.empty()) continue;
            schema = resolve(schema["items"]);
            body = body[0];
        }
        for (const auto &req : schema["required"]) EXPECT_TRUE(body.contains(req.as<std::string>())) << path << ": " << req;
    }
    EXPECT_GE(checked, 7);
    // The event stream is documented as text/event-stream.
    EXPECT_TRUE(spec["paths"]["/api/v1/events"]["get"]["responses"]["200"]["content"]["text/event-stream"]);
}
