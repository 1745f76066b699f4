// upsweb against NUT 2.8.0's own upsd (Debian nut-server, dummy-ups): NUT refuses NUTPP WATCH, so
// metrics and the API work by polling.
#include "nut_sandbox.hpp"
#include "web_fixture.hpp"

#include <gtest/gtest.h>

#include <filesystem>

using namespace std::chrono_literals;
using namespace nutpp::testing;
using nlohmann::json;

TEST(WebNut, PollsNutUpsd) {
    if (!NutSandbox::available()) GTEST_SKIP() << NutSandbox::skip_reason();
    NutSandbox nut;
    const std::string dir = make_temp_dir("web-nut");
    const uint16_t http = free_tcp_port();
    write_file(dir + "/nutpp.yaml", "state_dir: " + dir + "/run\nweb:\n  upsd: 127.0.0.1:" + std::to_string(nut.port()) +
                                        "\n  pollinterval: 0.5\n  http: { listen: '127.0.0.1:" + std::to_string(http) +
                                        "' }\n");
    Daemon upsweb({std::string(NUTPP_BIN_DIR) + "/upsweb", "-F", "-f", dir + "/nutpp.yaml"}, {}, dir + "/upsweb.log");
    httplib::Client cli("127.0.0.1", http);
    cli.set_read_timeout(10, 0);
    std::string metrics;
    ASSERT_TRUE(wait_until(
        [&] {
            auto r = cli.Get("/metrics");
            if (!r || r->status != 200) return false;
            metrics = r->body;
            return metrics.find("network_ups_tools_battery_charge{ups=\"dummy\"}") != std::string::npos;
        },
        30s))
        << metrics << read_file(dir + "/upsweb.log");
    EXPECT_NE(metrics.find("network_ups_tools_ups_status{flag=\"OL\",ups=\"dummy\"} 1"), std::string::npos) << metrics;
    EXPECT_NE(metrics.find("nutpp_upsweb_ups_up{ups=\"dummy\"} 1"), std::string::npos);
    auto r = cli.Get("/api/v1/ups/dummy");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    const auto j = json::parse(r->body);
    EXPECT_EQ(j["description"], "nutpp test sandbox");
    EXPECT_EQ(j["variables"]["device.model"], nut.run({"upsc", nut.spec(), "device.model"}).out.substr(0, j["variables"]["device.model"].get<std::string>().size()));
    r = cli.Get("/api/v1/ups/dummy/commands");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << r->body;
    EXPECT_NE(r->body.find("load.off"), std::string::npos) << r->body;
    // Actions through NUT's upsd with its users (admin may run every command).
    cli.set_basic_auth(kMonUser, kMonPass);
    r = cli.Post("/api/v1/ups/dummy/commands/load.off", "", "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 403) << r->body;
    EXPECT_EQ(json::parse(r->body)["error"], "ACCESS-DENIED");
    // NUT's driver going away: the API and metrics say so, by NUT's error name.
    nut.stop_driver();
    ASSERT_TRUE(wait_until(
        [&] {
            auto g = cli.Get("/api/v1/ups/dummy");
            return g && json::parse(g->body)["error"] == "DRIVER-NOT-CONNECTED";
        },
        30s))
        << read_file(dir + "/upsweb.log");
    auto m = cli.Get("/metrics");
    ASSERT_TRUE(m);
    EXPECT_NE(m->body.find("nutpp_upsweb_ups_up{ups=\"dummy\"} 0"), std::string::npos) << m->body;
    EXPECT_EQ(m->body.find("network_ups_tools_battery_charge{ups=\"dummy\"}"), std::string::npos);
    // upsd itself gone: UNREACHABLE, counted as scrape errors, and HTTP keeps answering.
    nut.upsd().stop();
    ASSERT_TRUE(wait_until(
        [&] {
            auto g = cli.Get("/api/v1/ups/dummy");
            return g && json::parse(g->body)["error"] == "UNREACHABLE";
        },
        30s))
        << read_file(dir + "/upsweb.log");
    m = cli.Get("/metrics");
    ASSERT_TRUE(m);
    EXPECT_EQ(m->status, 200);
    EXPECT_EQ(m->body.find("nutpp_upsweb_scrape_errors_total 0\n"), std::string::npos) << m->body;
    r = cli.Get("/api/v1/ups/dummy/commands");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 503) << r->body;
    EXPECT_EQ(json::parse(r->body)["error"], "UNREACHABLE");
    upsweb.stop();
    EXPECT_NE(read_file(dir + "/upsweb.log").find("connected to upsd"), std::string::npos);
    std::filesystem::remove_all(dir);
}
