// upsmon's TLS settings (CERTVERIFY, CERTPATH, FORCESSL, CERTHOST) as a supply applies them: the
// policy taken from the config, and FORCESSL refusing a upsd that offers no TLS.
#include "monitor_fixture.hpp"
#include "monitor/supply.hpp"

#include <gtest/gtest.h>

using namespace std::chrono_literals;
using namespace nutpp::testing;
using nutpp::monitor::Supply;
using nutpp::monitor::tls_policy;

TEST(SupplyTls, PolicyFromGlobalsAndCerthost) {
    nutpp::config::MonitorConfig cfg;
    cfg.certverify = true;
    cfg.certpath = "/etc/nutpp/ca";
    cfg.forcessl = false;
    cfg.certhosts.push_back({"ups1.example.org", "ups1-cert", false, true});
    const auto global = tls_policy(cfg, "other.example.org");
    EXPECT_TRUE(global.options.verify);
    EXPECT_EQ(global.options.ca_path, "/etc/nutpp/ca");
    EXPECT_EQ(global.options.host, "other.example.org"); // CERTVERIFY: this server's certificate
    EXPECT_FALSE(global.required);
    const auto host = tls_policy(cfg, "UPS1.example.org"); // host names compare case-insensitively
    EXPECT_FALSE(host.options.verify);
    EXPECT_EQ(host.options.host, "ups1-cert");
    EXPECT_EQ(host.options.ca_path, "/etc/nutpp/ca");
    EXPECT_TRUE(host.required);
}

TEST(SupplyTls, ForcesslRefusesAServerWithoutTls) {
    OurStack stack("  demo:\n    driver: sim\n    port: " + std::string(NUTPP_SIM_DATA_DIR) + "/cp1000avrlcd.dev\n",
                   "  mons: { password: ss, upsmon: secondary }\n");
    nutpp::config::Monitor m;
    m.system = "demo@127.0.0.1:" + std::to_string(stack.port());
    m.ups = "demo";
    m.host = "127.0.0.1";
    m.port = stack.port();
    m.user = "mons";
    m.password = "ss";
    m.role = nutpp::config::Role::Secondary;

    Supply plain(m, {});
    EXPECT_EQ(plain.poll(5s).value_or("<none>"), "OL") << plain.last_error(); // clear text is fine by default

    nutpp::monitor::TlsPolicy force;
    force.required = true;
    Supply forced(m, force);
    EXPECT_FALSE(forced.poll(5s).has_value());
    EXPECT_NE(forced.last_error().find("FORCESSL"), std::string::npos) << forced.last_error();
    EXPECT_FALSE(forced.connected());
}
