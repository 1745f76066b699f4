// upsweb's pieces without a network: the `web:` config section, the Store's change events, the
// Prometheus rendering (checked by promtool when installed), the JSON shapes, the event hub's
// bounds, Basic credentials and the Home Assistant discovery payloads.
#include "config/config.hpp"
#include "process.hpp"
#include "web/api.hpp"
#include "web/http.hpp"
#include "web/metrics.hpp"
#include "web/mqtt.hpp"
#include "web/sse.hpp"
#include "web/store.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <thread>

using namespace nutpp;
using namespace std::chrono_literals;

namespace {

config::Config load(const std::string &yaml) { return config::load_string(yaml, "t.yaml"); }

std::string config_error(const std::string &yaml) {
    try {
        load(yaml);
    } catch (const config::ConfigError &e) {
        return e.what();
    }
    return "(no error)";
}

using Vars = std::vector<std::pair<std::string, std::string>>;
const Vars kOnline = {{"battery.charge", "100"},   {"battery.runtime", "5550"}, {"device.mfr", "CPS"},
                      {"device.model", "CP1000\"X"}, {"ups.beeper.status", "enabled"}, {"ups.load", "7"},
                      {"ups.status", "OL CHRG"},    {"ups.mfr", "CPS"}};

bool has_tool(const std::string &name) {
    return nutpp::testing::run_command({"sh", "-c", "command -v " + name}).exit_code == 0;
}

} // namespace

TEST(WebConfig, DefaultsAndLoopback) {
    const auto cfg = load("web:\n  http: {}\n");
    ASSERT_TRUE(cfg.web.configured);
    EXPECT_EQ(cfg.web.upsd_host, "localhost");
    EXPECT_EQ(cfg.web.upsd_port, 3493);
    ASSERT_TRUE(cfg.web.http.enabled);
    ASSERT_EQ(cfg.web.http.listen.size(), 1u);
    EXPECT_EQ(cfg.web.http.listen[0].host, "127.0.0.1"); // off the network unless asked
    EXPECT_EQ(cfg.web.http.listen[0].port, 9199);
    EXPECT_FALSE(cfg.web.mqtt.enabled);
    EXPECT_FALSE(load("devices: {}\n").web.configured);
}

TEST(WebConfig, FullSection) {
    const auto cfg = load(R"(users:
  bot: { password: s3cret, instcmds: [beeper.mute] }
web:
  upsd: 10.0.0.5:3500
  ups: [a, b]
  pollinterval: 2.5
  variables: [battery.charge, ups.status]
  http: { listen: ["[::1]:8080", "127.0.0.1"], max_event_clients: 4 }
  mqtt: { broker: "broker.lan:1884", prefix: home/ups, user: u, password: p, commands_user: bot }
)");
    EXPECT_EQ(cfg.web.upsd_host, "10.0.0.5");
    EXPECT_EQ(cfg.web.upsd_port, 3500);
    EXPECT_EQ(cfg.web.ups, (std::vector<std::string>{"a", "b"}));
    EXPECT_DOUBLE_EQ(cfg.web.pollinterval, 2.5);
    ASSERT_EQ(cfg.web.http.listen.size(), 2u);
    EXPECT_EQ(cfg.web.http.listen[0].host, "::1");
    EXPECT_EQ(cfg.web.http.listen[0].port, 8080);
    EXPECT_EQ(cfg.web.http.listen[1].port, 9199);
    EXPECT_EQ(cfg.web.mqtt.host, "broker.lan");
    EXPECT_EQ(cfg.web.mqtt.port, 1884);
    EXPECT_EQ(cfg.web.mqtt.prefix, "home/ups");
    EXPECT_EQ(cfg.web.mqtt.commands_user, "bot");
}

TEST(WebConfig, ErrorsNameFileLineColumnAndKey) {
    EXPECT_EQ(config_error("web:\n  http:\n    lisen: 1.2.3.4\n"),
              "t.yaml:3:5: web.http.lisen: unknown key; expected one of enabled, listen, certfile, metrics, api, page, "
              "max_event_clients, max_body (did you mean 'listen'?)")
        << "the message lists the section's keys";
    EXPECT_NE(config_error("web:\n  http: { listen: 'host:99999' }\n").find("t.yaml:2:19: web.http.listen: invalid listen address: port out of range"),
              std::string::npos)
        << config_error("web:\n  http: { listen: 'host:99999' }\n");
    EXPECT_NE(config_error("web:\n  pollinterval: 0\n").find("t.yaml:2:17: web.pollinterval"), std::string::npos);
    EXPECT_NE(config_error("web:\n  mqtt: { commands_user: nobody }\n").find("t.yaml:2:3: web.mqtt.commands_user: 'nobody' is not a user"),
              std::string::npos)
        << config_error("web:\n  mqtt: { commands_user: nobody }\n");
    EXPECT_NE(config_error("web:\n  mqtt: { tls: yes }\n").find("web.mqtt.cafile: missing"), std::string::npos);
    EXPECT_NE(config_error("web:\n  mqtt: { prefix: 'a/#' }\n").find("web.mqtt.prefix: invalid topic prefix"),
              std::string::npos);
    EXPECT_NE(config_error("web:\n  ups: ['bad name']\n").find("web.ups"), std::string::npos);
    EXPECT_NE(config_error("web: [1]\n").find("t.yaml:1:6: web: is not a map"), std::string::npos)
        << config_error("web: [1]\n");
}

TEST(WebStore, ChangesBecomeEventsInOrder) {
    web::Store s;
    std::vector<web::Event> seen;
    s.subscribe([&](const std::vector<web::Event> &evs) { seen.insert(seen.end(), evs.begin(), evs.end()); });
    s.update("ups1", "desc", {{"battery.charge", "100"}, {"ups.status", "OL"}});
    ASSERT_EQ(seen.size(), 4u); // comm ok, charge, status (+ its variable event)
    EXPECT_EQ(seen[0].kind, web::Event::Kind::Comm);
    EXPECT_EQ(seen[2].kind, web::Event::Kind::Status);
    EXPECT_EQ(seen[2].value, "OL");
    seen.clear();
    s.update("ups1", "desc", {{"battery.charge", "100"}, {"ups.status", "OL"}});
    EXPECT_TRUE(seen.empty()) << "no change, no event";
    s.update("ups1", "desc", {{"battery.charge", "90"}, {"ups.status", "OB DISCHRG"}});
    ASSERT_EQ(seen.size(), 3u);
    EXPECT_EQ(seen[0].name, "battery.charge");
    EXPECT_EQ(seen[0].old, "100");
    EXPECT_EQ(seen[1].kind, web::Event::Kind::Status);
    EXPECT_EQ(seen[1].old, "OL");
    EXPECT_LT(seen[0].seq, seen[1].seq);
    seen.clear();
    s.set_error("ups1", "DATA-STALE");
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].kind, web::Event::Kind::Comm);
    EXPECT_EQ(s.get("ups1")->status(), "OB DISCHRG") << "the last values stay for the page";
    seen.clear();
    s.update("ups1", "desc", {{"ups.status", "OB DISCHRG"}});
    ASSERT_EQ(seen.size(), 2u); // comm back, battery.charge gone
    EXPECT_EQ(seen[1].name, "battery.charge");
    EXPECT_EQ(seen[1].value, "");
    seen.clear();
    s.retain({});
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].kind, web::Event::Kind::Removed);
    EXPECT_FALSE(s.get("ups1"));
}

TEST(WebMetrics, NutExporterNames) {
    web::Store s;
    s.update("ups1", "", kOnline);
    const std::string m = web::render_metrics(s.snapshot(), 3, {});
    EXPECT_NE(m.find("network_ups_tools_battery_charge{ups=\"ups1\"} 100\n"), std::string::npos) << m;
    EXPECT_NE(m.find("network_ups_tools_ups_status{flag=\"OL\",ups=\"ups1\"} 1\n"), std::string::npos) << m;
    EXPECT_NE(m.find("network_ups_tools_ups_status{flag=\"CHRG\",ups=\"ups1\"} 1\n"), std::string::npos) << m;
    EXPECT_NE(m.find("network_ups_tools_ups_status{flag=\"OB\",ups=\"ups1\"} 0\n"), std::string::npos) << m;
    EXPECT_NE(m.find("network_ups_tools_ups_beeper_status{ups=\"ups1\"} 1\n"), std::string::npos) << "on/off words";
    EXPECT_NE(m.find("network_ups_tools_device_info{mfr=\"CPS\",model=\"CP1000\\\"X\",ups=\"ups1\"} 1\n"),
              std::string::npos)
        << m;
    EXPECT_EQ(m.find("network_ups_tools_ups_mfr"), std::string::npos) << "strings are not samples";
    EXPECT_NE(m.find("nutpp_upsweb_ups_up{ups=\"ups1\"} 1\n"), std::string::npos);
    EXPECT_NE(m.find("nutpp_upsweb_scrape_errors_total 3\n"), std::string::npos);
    EXPECT_EQ(m.find("# TYPE network_ups_tools_ups_status gauge"), m.rfind("# TYPE network_ups_tools_ups_status gauge"));
}

TEST(WebMetrics, SubsetFilterAndStaleUps) {
    web::Store s;
    s.update("a", "", kOnline);
    s.update("b", "", kOnline);
    s.set_error("b", "DATA-STALE");
    const std::string m = web::render_metrics(s.snapshot(), 0, {{"battery.charge"}, ""});
    EXPECT_NE(m.find("network_ups_tools_battery_charge{ups=\"a\"} 100"), std::string::npos);
    EXPECT_EQ(m.find("network_ups_tools_ups_load"), std::string::npos) << "not in the subset";
    EXPECT_EQ(m.find("network_ups_tools_battery_charge{ups=\"b\"}"), std::string::npos) << "stale values are left out";
    EXPECT_NE(m.find("nutpp_upsweb_ups_up{ups=\"b\"} 0"), std::string::npos);
    const std::string only = web::render_metrics(s.snapshot(), 0, {{}, "a"});
    EXPECT_EQ(only.find("ups=\"b\""), std::string::npos) << only;
}

TEST(WebMetrics, PromtoolAcceptsTheOutput) {
    if (!has_tool("promtool")) GTEST_SKIP() << "promtool not installed (Debian package prometheus): cannot validate";
    web::Store s;
    s.update("ups1", "", kOnline);
    s.update("weird.name-2", "", {{"ups.status", "OB LB \"odd\""}, {"battery.charge", "5.5"}});
    s.set_error("ghost", "DRIVER-NOT-CONNECTED");
    const std::string path = std::filesystem::temp_directory_path() / ("upsweb-metrics-" + std::to_string(getpid()));
    std::ofstream(path) << web::render_metrics(s.snapshot(), 1, {});
    const auto r = nutpp::testing::run_command({"sh", "-c", "promtool check metrics < " + path});
    std::filesystem::remove(path);
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST(WebMetrics, ValueConversion) {
    EXPECT_EQ(web::metric_value("12.5"), 12.5);
    EXPECT_EQ(web::metric_value("Enabled"), 1.0);
    EXPECT_EQ(web::metric_value("off"), 0.0);
    EXPECT_FALSE(web::metric_value("CPS"));
    EXPECT_FALSE(web::metric_value("nan"));
    EXPECT_EQ(web::metric_name("input.voltage"), "network_ups_tools_input_voltage");
    EXPECT_EQ(web::label_escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
}

TEST(WebApi, JsonShapesAndErrorStatus) {
    web::Store s;
    s.update("ups1", "Rack", kOnline);
    const auto j = web::ups_json(*s.get("ups1"));
    EXPECT_EQ(j["name"], "ups1");
    EXPECT_EQ(j["description"], "Rack");
    EXPECT_EQ(j["status"], "OL CHRG");
    EXPECT_TRUE(j["error"].is_null());
    EXPECT_EQ(j["variables"]["battery.charge"], "100");
    EXPECT_EQ(web::http_status_for("UNKNOWN-UPS"), 404);
    EXPECT_EQ(web::http_status_for("ACCESS-DENIED"), 403);
    EXPECT_EQ(web::http_status_for("USERNAME-REQUIRED"), 401);
    EXPECT_EQ(web::http_status_for("DATA-STALE"), 503);
    EXPECT_EQ(web::http_status_for("SOMETHING-NEW"), 502);
    EXPECT_EQ(web::error_json("UNKNOWN-UPS", "x").dump(), R"({"error":"UNKNOWN-UPS","message":"x"})");
    web::Event e;
    e.kind = web::Event::Kind::Status;
    e.seq = 7;
    e.ups = "ups1";
    e.name = "ups.status";
    e.value = "OB";
    e.old = "OL";
    EXPECT_EQ(web::sse_frame(e).rfind("id: 7\nevent: status\ndata: {", 0), 0u) << web::sse_frame(e);
    EXPECT_EQ(web::sse_frame(e).substr(web::sse_frame(e).size() - 2), "\n\n");
}

TEST(WebEvents, SlowClientIsDroppedNotWaitedFor) {
    web::EventHub hub(2, 3);
    auto fast = hub.join("");
    auto slow = hub.join("");
    ASSERT_TRUE(fast && slow);
    EXPECT_FALSE(hub.join("")) << "max_event_clients";
    web::Event e;
    e.ups = "u";
    for (int i = 0; i < 5; ++i) {
        hub.publish({e});
        ASSERT_TRUE(hub.next(*fast, 0ms).has_value()); // the fast one keeps up
    }
    EXPECT_FALSE(hub.next(*slow, 0ms).has_value()) << "overflowed: dropped";
    EXPECT_EQ(hub.dropped(), 1u);
    hub.leave(slow);
    auto filtered = hub.join("other");
    ASSERT_TRUE(filtered);
    (void)hub.next(*filtered, 0ms); // the greeting
    hub.publish({e});
    EXPECT_EQ(hub.next(*filtered, 0ms), std::string()) << "another UPS's event is not sent";
    (void)hub.next(*fast, 0ms); // drain: the next wait must be woken by close()
    std::thread t([&] {
        std::this_thread::sleep_for(50ms);
        hub.close();
    });
    EXPECT_FALSE(hub.next(*fast, 10s).has_value()) << "close wakes a waiting stream";
    t.join();
}

TEST(WebHttp, BasicCredentials) {
    std::string u, p;
    ASSERT_TRUE(web::parse_basic_auth("Basic YWRtaW46cDpx", u, p)); // admin:p:q
    EXPECT_EQ(u, "admin");
    EXPECT_EQ(p, "p:q");
    ASSERT_TRUE(web::parse_basic_auth("Basic YTpi", u, p)); // a:b
    EXPECT_EQ(p, "b");
    EXPECT_FALSE(web::parse_basic_auth("Bearer abc", u, p));
    EXPECT_FALSE(web::parse_basic_auth("Basic !!!!", u, p));
    EXPECT_FALSE(web::parse_basic_auth("Basic YWRtaW4=", u, p)) << "no colon";
    EXPECT_FALSE(web::parse_basic_auth("Basic YTpiCmM=", u, p)) << "a:b\\nc would end the protocol line";
}

TEST(WebMqtt, HomeAssistantDiscovery) {
    config::WebMqtt m;
    web::Store s;
    auto vars = kOnline;
    vars.emplace_back("driver.version", "1.0"); // the driver's, not the UPS's: no sensor
    s.update("rack.1", "Rack UPS", vars);
    const auto msgs = web::discovery_messages(m, *s.get("rack.1"));
    ASSERT_EQ(msgs.size(), kOnline.size() + 1);
    const auto charge = nlohmann::json::parse(msgs[0].payload);
    EXPECT_EQ(msgs[0].topic, "homeassistant/sensor/nutpp_rack_1/battery_charge/config");
    EXPECT_EQ(charge["state_topic"], "nutpp/rack.1/battery.charge");
    EXPECT_EQ(charge["unit_of_measurement"], "%");
    EXPECT_EQ(charge["device_class"], "battery");
    EXPECT_EQ(charge["state_class"], "measurement");
    EXPECT_EQ(charge["unique_id"], "nutpp_rack_1_battery_charge");
    EXPECT_EQ(charge["device"]["identifiers"][0], "nutpp_rack_1");
    EXPECT_EQ(charge["device"]["manufacturer"], "CPS");
    EXPECT_EQ(charge["availability"][0]["topic"], "nutpp/status");
    const auto &ob = msgs.back();
    EXPECT_EQ(ob.topic, "homeassistant/binary_sensor/nutpp_rack_1/on_battery/config");
    EXPECT_EQ(nlohmann::json::parse(ob.payload)["state_topic"], "nutpp/rack.1/ups.status");
    EXPECT_TRUE(ob.retain);
}

TEST(WebMqtt, UnreachableBrokerNeverBlocks) {
    config::Config cfg = load("web:\n  mqtt: { broker: '127.0.0.1:" + std::to_string(nutpp::testing::free_tcp_port()) + "' }\n");
    web::Store s;
    web::MqttPublisher p(cfg.web, s, "", "");
    const auto t0 = std::chrono::steady_clock::now();
    p.start();
    s.subscribe([&](const std::vector<web::Event> &evs) { p.on_events(evs); });
    for (int i = 0; i < 100; ++i) s.update("u", "", {{"battery.charge", std::to_string(i)}});
    p.stop();
    EXPECT_FALSE(p.connected());
    // Bounded, not timed: with a blocking connect this would take the TCP timeout (minutes).
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 20s);
}
