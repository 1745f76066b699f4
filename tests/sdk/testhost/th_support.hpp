// Helpers shared by the test-host tests of the built-in plugins: one nutpp_th per test (freed by
// RAII), failure messages that show what the plugin published and every breach, and the
// `upsdrvd --check` run against the same simulated device.
#pragma once

#include <nutpp/testhost.h>

#include "process.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace th_test {

struct Free {
    void operator()(nutpp_th *th) const { nutpp_th_free(th); }
};
using Th = std::unique_ptr<nutpp_th, Free>;

inline std::string plugin_path(const std::string &name) {
    return std::string(NUTPP_PLUGIN_DIR_FOR_TESTS) + "/nutpp-" + name + ".so";
}

inline Th load(const std::string &plugin, const std::vector<std::pair<std::string, std::string>> &config) {
    Th th(nutpp_th_load(plugin_path(plugin).c_str(), "ups"));
    for (const auto &[k, v] : config) nutpp_th_config(th.get(), k.c_str(), v.c_str());
    return th;
}

// Everything a failing assertion should show.
inline std::string report(nutpp_th *th) {
    std::string out = std::string("error: ") + nutpp_th_error(th) + "\nop error: " + nutpp_th_op_error(th) +
                      "\nvariables:\n" + nutpp_th_dump(th) + "log:\n";
    for (size_t i = 0; i < nutpp_th_log_count(th); ++i) out += std::string("  ") + nutpp_th_log_line(th, i, nullptr, nullptr) + "\n";
    for (size_t i = 0; i < nutpp_th_breach_count(th); ++i) out += std::string("BREACH: ") + nutpp_th_breach(th, i) + "\n";
    return out;
}

// create + open + first poll, asserting each.
#define TH_START(th)                                                                              \
    do {                                                                                          \
        ASSERT_EQ(nutpp_th_create(th), NUTPP_OK) << th_test::report(th);                          \
        ASSERT_EQ(nutpp_th_open(th), NUTPP_OK) << th_test::report(th);                            \
        ASSERT_EQ(nutpp_th_poll(th, NUTPP_WAKE_FIRST), NUTPP_OK) << th_test::report(th);          \
    } while (0)

inline std::string str(const char *s) { return s ? s : "<unset>"; }

// `upsdrvd --check <plugin> -o k=v ...`: exit status and output.
inline nutpp::testing::CommandResult check(const std::string &plugin,
                                           const std::vector<std::pair<std::string, std::string>> &config,
                                           std::vector<std::string> extra = {}) {
    std::vector<std::string> argv = {UPSDRVD_BIN, "--plugin-dir", NUTPP_PLUGIN_DIR_FOR_TESTS, "--check", plugin};
    for (const auto &[k, v] : config) {
        argv.push_back("-o");
        argv.push_back(k + "=" + v);
    }
    argv.insert(argv.end(), extra.begin(), extra.end());
    return nutpp::testing::run_command(argv, {}, std::chrono::seconds(60));
}

} // namespace th_test
