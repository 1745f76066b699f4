// A recording implementation of the nutpp host API, for driving a plugin in a unit test without the
// real host (collectd's plugin_mock, done with a struct of function pointers). It keeps the device's
// variables, declarations, commands and status the way the host's store would, logs every call in
// `calls`, and serves config values from a map. Single-threaded: the test is the instance thread.
//
// ups.status and ups.alarm follow the real host's rules: the status batch is core/store's StatusBatch
// (NUT's token order, ALARM, alarm texts joined), and a plain set of ups.status / ups.alarm is
// handled as core/host does (a one-line batch / a direct set). Not modelled: ignorelb (no config).
#pragma once

#include <nutpp/driver.h>

#include "store/status.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nutpp::test {

// ASCII case-insensitive ordering (NUT names).
struct CaseLess {
    bool operator()(const std::string &a, const std::string &b) const;
};

class FakeHost {
public:
    struct Decl {
        nutpp_type type = NUTPP_TYPE_STRING;
        uint32_t flags = 0;
        uint32_t max_length = 0;
        std::vector<nutpp_range> ranges;
        std::vector<std::string> enums;
        bool writable() const { return flags & NUTPP_VAR_WRITABLE; }
    };
    struct LogLine {
        nutpp_log_level level;
        std::string text;
    };

    FakeHost();
    FakeHost(const FakeHost &) = delete;
    FakeHost &operator=(const FakeHost &) = delete;

    const nutpp_host_api *api() const { return &api_; }
    nutpp_host_ctx *ctx() { return reinterpret_cast<nutpp_host_ctx *>(this); }
    static FakeHost &from(nutpp_host_ctx *h) { return *reinterpret_cast<FakeHost *>(h); }

    // Config served to config_get (values must not change while an instance uses them).
    void set_config(const std::string &key, const std::string &value) { config_[key] = value; }

    std::optional<std::string> value(const std::string &name) const;
    bool has(const std::string &name) const { return vars.count(name) != 0; }
    std::string status() const { return value("ups.status").value_or(""); }
    // Log lines (any level) containing `needle`.
    size_t logs_containing(std::string_view needle) const;
    // Calls whose text starts with `prefix` (e.g. "set_var ups.load").
    size_t calls_starting(std::string_view prefix) const;
    void clear_calls() { calls.clear(); }
    // Error detail attached by the last op (set_error), then cleared.
    std::string take_error();

    // --- what the plugin did ---
    std::map<std::string, std::string, CaseLess> vars;
    std::map<std::string, Decl, CaseLess> decls;
    std::set<std::string, CaseLess> cmds;
    std::vector<std::string> calls;
    std::vector<LogLine> logs;
    std::vector<std::string> status_history; // every committed ups.status
    std::string last_error;
    std::optional<uint32_t> poll_interval_ms;
    int data_ok_reports = 0;
    int data_stale_reports = 0;
    int request_polls = 0;

private:
    nutpp_status do_set(const char *name, const char *value);
    void do_commit();

    nutpp_host_api api_{};
    std::map<std::string, std::string> config_;
    store::StatusBatch batch_;
};

} // namespace nutpp::test
