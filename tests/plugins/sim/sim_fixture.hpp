// Fixture for tests that load the built nutpp-sim.so and drive it through a FakeHost.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

#include "fake_host.hpp"
#include "plugin_harness.hpp"
#include "test_util.hpp"

namespace nutpp::test {

class SimPlugin : public ::testing::Test {
protected:
    static void SetUpTestSuite() { plugin_ = std::make_unique<LoadedPlugin>(NUTPP_SIM_PLUGIN_PATH); }
    static void TearDownTestSuite() { plugin_.reset(); }
    void SetUp() override { ASSERT_TRUE(plugin_->ok()) << plugin_->error(); }

    // Creates an instance with `port` (and optional mode); does not open it.
    PluginInstance &make(const std::string &port, const std::string &mode = "",
                         const std::map<std::string, std::string> &extra = {}) {
        inst_.reset(); // an earlier instance still points at the old host
        host_ = std::make_unique<FakeHost>();
        host_->set_config("port", port);
        if (!mode.empty()) host_->set_config("mode", mode);
        host_->set_config("repeater_disable_strict_start", "false"); // the descriptor's default
        for (const auto &[k, v] : extra) host_->set_config(k, v);
        inst_ = std::make_unique<PluginInstance>(*plugin_, *host_);
        return *inst_;
    }
    // Creates and opens; fails the test if either fails.
    PluginInstance &open(const std::string &port, const std::string &mode = "",
                         const std::map<std::string, std::string> &extra = {}) {
        auto &i = make(port, mode, extra);
        EXPECT_EQ(i.create_status(), NUTPP_OK) << host_->last_error;
        if (i.created()) {
            EXPECT_EQ(i.open(), NUTPP_OK) << host_->last_error;
        }
        return i;
    }
    FakeHost &host() { return *host_; }
    std::string file(const std::string &name, const std::string &content) { return dir_.write(name, content); }
    static std::string data_dir() { return NUTPP_SIM_DATA_DIR; }
    static std::string ddl_dir() { return NUTPP_TESTDATA_DIR "/ddl"; }

    static inline std::unique_ptr<LoadedPlugin> plugin_;
    TempDir dir_;
    std::unique_ptr<FakeHost> host_;
    std::unique_ptr<PluginInstance> inst_; // destroyed before host_ (declared after it)
};

} // namespace nutpp::test
