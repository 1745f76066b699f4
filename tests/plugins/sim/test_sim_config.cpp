// Config checks and dummy-ups' mode guessing.
#include <gtest/gtest.h>

#include <nutpp/driver.hpp>

#include "known_vars.hpp"
#include "sim_config.hpp"

using namespace nutpp::sim;
using Mode = SimConfig::Mode;

namespace {
SimConfig cfg(const char *port, std::optional<std::string> mode = std::nullopt,
              std::optional<std::string> strict_off = std::nullopt, const char *confdir = nullptr) {
    RawConfig raw;
    if (port) raw.port = port;
    raw.mode = mode;
    raw.repeater_disable_strict_start = strict_off;
    return make_config(raw, confdir);
}
nutpp_status config_error(const char *port, std::optional<std::string> mode = std::nullopt,
                          std::optional<std::string> strict_off = std::nullopt) {
    try {
        cfg(port, mode, strict_off);
    } catch (const nutpp::Error &e) {
        return e.status();
    }
    return NUTPP_OK;
}
} // namespace

TEST(SimConfig, ModeGuessedFromPortLikeDummyUps) {
    EXPECT_EQ(cfg("ups.seq").mode, Mode::DummyLoop);
    EXPECT_EQ(cfg("ups.dev").mode, Mode::DummyOnce);
    EXPECT_EQ(cfg("ups.txt").mode, Mode::Dummy);
    EXPECT_EQ(cfg("ups@host").mode, Mode::Repeater);
    EXPECT_EQ(cfg("ups@host:3493").mode, Mode::Repeater);
    EXPECT_FALSE(cfg("ups.dev").mode_from_config);
    EXPECT_STREQ(mode_name(Mode::DummyOnce), "dummy-once");
    EXPECT_STREQ(mode_name(Mode::Dummy), "dummy");
}

TEST(SimConfig, ExplicitModeWins) {
    EXPECT_EQ(cfg("ups.dev", "dummy-loop").mode, Mode::DummyLoop);
    EXPECT_EQ(cfg("ups.seq", "dummy-once").mode, Mode::DummyOnce);
    EXPECT_EQ(cfg("weird@name.dev", "dummy").mode, Mode::Dummy);
    EXPECT_EQ(cfg("ups@host", "repeater").mode, Mode::Repeater);
    EXPECT_TRUE(cfg("ups.dev", "dummy").mode_from_config);
}

TEST(SimConfig, Errors) {
    EXPECT_EQ(config_error(nullptr), NUTPP_E_CONFIG);
    EXPECT_EQ(config_error(""), NUTPP_E_CONFIG);
    EXPECT_EQ(config_error("a.dev", std::string("meta")), NUTPP_E_CONFIG);
    EXPECT_EQ(config_error("a.dev", std::string("Dummy-Once")), NUTPP_E_CONFIG); // NUT compares exactly
    EXPECT_EQ(config_error("a@b", std::nullopt, std::string("maybe")), NUTPP_E_CONFIG);
    try {
        cfg("x.dev", std::string("bogus"));
        FAIL();
    } catch (const nutpp::Error &e) {
        EXPECT_NE(std::string(e.what()).find("bogus"), std::string::npos);
    }
}

TEST(SimConfig, StrictStart) {
    EXPECT_TRUE(cfg("u@h").strict_start);
    EXPECT_TRUE(cfg("u@h", std::nullopt, std::string("false")).strict_start);
    EXPECT_FALSE(cfg("u@h", std::nullopt, std::string("true")).strict_start);
    // Other spellings ("yes", "On") never reach the plugin: the host canonicalises boolean keys.
    EXPECT_THROW(cfg("u@h", std::nullopt, std::string("yes")), nutpp::Error);
}

TEST(SimConfig, RelativePathsResolveAgainstConfdir) {
    EXPECT_EQ(cfg("/abs/x.dev").path, "/abs/x.dev");
    EXPECT_EQ(cfg("x.dev").path, "/etc/nutpp/x.dev");
    EXPECT_EQ(cfg("sub/x.seq", std::nullopt, std::nullopt, "/tmp/conf").path, "/tmp/conf/sub/x.seq");
    EXPECT_EQ(cfg("x.seq", std::nullopt, std::nullopt, "/tmp/conf/").path, "/tmp/conf/x.seq");
    EXPECT_EQ(cfg("x.seq", std::nullopt, std::nullopt, "").path, "/etc/nutpp/x.seq");
    EXPECT_EQ(cfg("ups@host").path, ""); // no file in repeater mode
}

TEST(KnownVars, DummyUpsDeclarations) {
    // Observed on NUT 2.8.0 (upsrw on dummy-ups): NUMBER for table names, STRING:32 for the rest.
    EXPECT_EQ(dummy_shape("battery.charge").type, NUTPP_TYPE_NUMBER);
    EXPECT_EQ(dummy_shape("BATTERY.CHARGE").type, NUTPP_TYPE_NUMBER);
    EXPECT_EQ(dummy_shape("battery.charge.warning").type, NUTPP_TYPE_STRING);
    EXPECT_EQ(dummy_shape("battery.charge.warning").max_length, 32u);
    EXPECT_EQ(dummy_shape("ups.firmware").max_length, 16u);
    EXPECT_EQ(dummy_shape("ups.test.result").max_length, 16u);
    EXPECT_EQ(dummy_shape("ups.serial").max_length, 32u); // first of its two rows
    EXPECT_EQ(dummy_shape("ups.status").max_length, 32u);
    EXPECT_EQ(dummy_shape("output.voltage.nominal").type, NUTPP_TYPE_STRING);
    EXPECT_EQ(dummy_shape("input.transfer.reason").max_length, 1u);
}

TEST(SimConfig, Credentials) {
    RawConfig raw;
    raw.port = "ups@host";
    EXPECT_FALSE(make_config(raw, nullptr).username.has_value());
    raw.username = "admin";
    raw.password = "secret";
    auto c = make_config(raw, nullptr);
    EXPECT_EQ(c.username, "admin");
    EXPECT_EQ(c.password, "secret");
    raw.username.reset();
    EXPECT_THROW(make_config(raw, nullptr), nutpp::Error);
}
