// upsweb's MQTT output with a real mosquitto broker and a real subscriber (mosquitto_sub): retained
// values, Home Assistant discovery payloads, availability with the last will, the OL -> OB change,
// and a command topic bounded by its user's upsd rights.
#include "web_fixture.hpp"

#include <gtest/gtest.h>

#include <signal.h>

#include <set>
#include <sstream>

using namespace std::chrono_literals;
using namespace nutpp::testing;
using nlohmann::json;

namespace {

// Keys of Home Assistant's MQTT sensor / binary_sensor discovery schema (full names) that upsweb may
// send; anything else would be rejected by Home Assistant's schema validation.
const std::set<std::string> kHaKeys = {
    "name", "unique_id", "object_id", "state_topic", "availability", "availability_mode",
    "payload_available", "payload_not_available", "device", "unit_of_measurement", "device_class",
    "state_class", "entity_category", "value_template", "payload_on", "payload_off"};
const std::set<std::string> kHaDeviceKeys = {"identifiers", "name", "manufacturer", "model", "serial_number",
                                              "sw_version"};
const std::set<std::string> kSensorClasses = {"battery", "duration", "voltage", "current", "temperature",
                                               "frequency", "apparent_power", "power"};

void check_discovery(const std::string &topic, const std::string &payload) {
    SCOPED_TRACE(topic);
    const auto j = json::parse(payload);
    for (const auto &[k, _] : j.items()) EXPECT_TRUE(kHaKeys.count(k)) << "not a discovery key: " << k;
    for (const auto &k : {"name", "unique_id", "state_topic", "device", "availability"}) EXPECT_TRUE(j.contains(k)) << k;
    ASSERT_TRUE(j["device"]["identifiers"].is_array());
    EXPECT_FALSE(j["device"]["identifiers"].empty());
    for (const auto &[k, _] : j["device"].items()) EXPECT_TRUE(kHaDeviceKeys.count(k)) << "device key " << k;
    if (j.contains("device_class") && topic.find("/sensor/") != std::string::npos) {
        EXPECT_TRUE(kSensorClasses.count(j["device_class"])) << j["device_class"];
    }
    if (j.contains("state_class")) {
        EXPECT_EQ(j["state_class"], "measurement");
    }
    for (const auto &a : j["availability"]) EXPECT_TRUE(a.contains("topic"));
}

} // namespace

TEST(WebMqtt, TopicsDiscoveryLastWillAndChange) {
    if (!have_program("mosquitto") || !have_program("mosquitto_sub"))
        GTEST_SKIP() << "mosquitto / mosquitto-clients not installed: no broker to test against";
    WebStackOptions o;
    o.mqtt = true;
    o.mqtt_extra = ", commands_user: viewer";
    WebStack s(o);
    // Subscribed after upsweb published (its MQTT client connects after the web side is up, so wait
    // for the broker to hold them): everything seen now must have been retained.
    ASSERT_TRUE(wait_retained(s.mqtt_port(), {"nutpp/status", "nutpp/demo/battery.charge"}, 15s)) << s.log();
    Subscriber sub(s.mqtt_port(), {"nutpp/#", "homeassistant/#"}, s.dir() + "/sub.log");
    ASSERT_TRUE(sub.wait_line("nutpp/demo/ups.status", "OL", 15s)) << sub.text() << s.log();
    ASSERT_TRUE(sub.wait_line("homeassistant/binary_sensor/nutpp_demo/on_battery/config", "", 15s)) << sub.text();
    bool retained = false;
    EXPECT_EQ(sub.last("nutpp/demo/battery.charge", &retained), "100");
    EXPECT_TRUE(retained);
    EXPECT_EQ(sub.last("nutpp/status", &retained), "online");
    EXPECT_TRUE(retained);
    EXPECT_EQ(sub.last("nutpp/demo/availability"), "online");
    // Discovery: every message valid, the key ones present.
    std::istringstream in(sub.text());
    int discovery = 0;
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("1 homeassistant/", 0) != 0) continue;
        const auto sp = line.find(' ', 2);
        check_discovery(line.substr(2, sp - 2), line.substr(sp + 1));
        ++discovery;
    }
    EXPECT_GE(discovery, 10);
    const auto charge = json::parse(sub.last("homeassistant/sensor/nutpp_demo/battery_charge/config"));
    EXPECT_EQ(charge["state_topic"], "nutpp/demo/battery.charge");
    EXPECT_EQ(charge["unit_of_measurement"], "%");
    EXPECT_EQ(charge["device"]["model"], "CP1000AVRLCD");
    const auto ob = json::parse(sub.last("homeassistant/binary_sensor/nutpp_demo/on_battery/config"));
    EXPECT_EQ(ob["state_topic"], "nutpp/demo/ups.status");

    // OL -> OB at the device reaches the subscriber (by push: the poll interval is 30 s).
    s.set_dev("OB DISCHRG", 93);
    ASSERT_TRUE(sub.wait_line("nutpp/demo/ups.status", "OB DISCHRG", 10s)) << sub.text();
    EXPECT_TRUE(sub.wait_line("nutpp/demo/battery.charge", "93", 10s));
    EXPECT_EQ(sub.last("nutpp/demo/ups.status", &retained), "OB DISCHRG");
    EXPECT_FALSE(retained) << "live messages arrive unflagged; the broker keeps them retained for new subscribers";
    Subscriber late(s.mqtt_port(), {"nutpp/demo/ups.status"}, s.dir() + "/late.log");
    EXPECT_TRUE(late.wait_line("nutpp/demo/ups.status", "OB DISCHRG", 10s)) << late.text();

    // Command topic: runs as web.mqtt.commands_user (viewer), whose upsd rights refuse it.
    ASSERT_EQ(run_command({"mosquitto_pub", "-h", "127.0.0.1", "-p", std::to_string(s.mqtt_port()), "-t",
                           "nutpp/demo/command", "-m", "load.off"})
                  .exit_code,
              0);
    ASSERT_TRUE(sub.wait_line("nutpp/demo/command/result", "", 10s)) << sub.text();
    EXPECT_EQ(json::parse(sub.last("nutpp/demo/command/result"))["error"], "ACCESS-DENIED");

    // Last will: upsweb killed without a goodbye -> the broker publishes "offline"; `nutpp run`
    // restarts it and it says "online" again.
    const pid_t pid = s.upsweb_pid();
    ASSERT_GT(pid, 0);
    ASSERT_EQ(::kill(pid, SIGKILL), 0);
    ASSERT_TRUE(sub.wait_line("nutpp/status", "offline", 20s)) << sub.text();
    EXPECT_TRUE(wait_until([&] { return sub.last("nutpp/status") == "online" && s.upsweb_pid() != pid; }, 30s))
        << sub.text() << s.log();
    // A clean stop says "offline" itself (a clean disconnect cancels the will).
    s.launcher().stop(10s);
    EXPECT_TRUE(wait_until([&] { return sub.last("nutpp/status") == "offline"; }, 20s)) << sub.text();
}
