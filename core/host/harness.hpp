// One plugin instance driven step by step on the caller's thread, with everything it does recorded
// and judged against the contract of <nutpp/driver.h>. The engine of the SDK's test host
// (sdk/testhost, C API <nutpp/testhost.h>) and of `upsdrvd --check`.
//
// Nothing here re-implements the host: the plugin is checked by Plugin, its config by the config
// loader and check_driver_keys, and it runs in a real Device (same services, store, NUT publishing
// rules, INSTCMD/SET checks), one step at a time. The plugin gets a table of services that records
// and checks each call, then forwards it to the Device's own table.
#pragma once

#include <nutpp/driver.h>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/strings.hpp"
#include "host/device.hpp"
#include "host/host_api.hpp"
#include "host/plugin.hpp"

namespace nutpp::host {

class Harness {
public:
    struct LogLine {
        int32_t level;      // a nutpp_log_level value
        std::string text;
        bool from_plugin;   // log() of the plugin; false: a line of the host about this device
    };
    struct Declared {       // the plugin's own declaration of a variable (declare_var)
        int32_t type;
        uint32_t flags;
        uint32_t max_length;
    };
    enum class Phase { New, Created, Open, Closed, Destroyed };

    // The plugin must stay loaded for the Harness's lifetime (the shared_ptr sees to it).
    explicit Harness(std::shared_ptr<Plugin> plugin, std::string device_name = "dev");
    ~Harness(); // destroy() if the test did not
    Harness(const Harness &) = delete;
    Harness &operator=(const Harness &) = delete;

    // A device config key (before create). nullopt: the key without a value (a NUT flag).
    void config(const std::string &key, std::optional<std::string> value);
    // Longest an op may take before it is a breach; default: the device's poll_timeout.
    void set_budget(std::chrono::milliseconds b) { budget_ = b; }

    // Each step returns what the plugin returned (or NUTPP_E_STATE for a step out of order, or
    // NUTPP_E_CONFIG for a config the host refuses); error() says why on the host side.
    nutpp_status create();
    nutpp_status open();
    nutpp_status poll(uint32_t reasons, std::vector<nutpp_fd_ready> fds = {});
    // Waits like upsdrvd (real poll(2) on the watched fds, request_poll(), the request_poll_after
    // timer) up to `timeout`, then polls with what it saw. *reasons = 0 and NUTPP_OK: nothing came.
    nutpp_status run(std::chrono::milliseconds timeout, uint32_t *reasons);
    nutpp_status instcmd(const std::string &cmd, const char *arg);
    nutpp_status setvar(const std::string &name, const std::string &value);
    void close();
    void destroy();
    // After destroy(): the plugin's library_deinit runs when its last user lets go (a call into
    // the host from there is a breach too). Also done by the destructor.
    void release_plugin();

    // --- what happened ---
    Phase phase() const { return phase_; }
    const std::string &error() const { return error_; }
    const std::string &op_error() const { return op_error_; } // set_error() text of the last op
    Device *device() { return device_.get(); }
    const Plugin &plugin() const { return *plugin_; }
    std::optional<Declared> declared(const std::string &name) const;
    std::vector<LogLine> logs() const;
    void clear_logs();
    std::vector<std::string> breaches() const;
    unsigned data_ok_reports() const { return ok_reports_; }
    unsigned data_stale_reports() const { return stale_reports_; }
    const std::string &stale_reason() const { return stale_reason_; }
    int64_t deferred_ms() const; // request_poll_after() pending: ms left (>= 0); else -1
    std::chrono::milliseconds last_call_time() const { return last_call_; }

    // Called by the host's log capture for lines about the device being stepped on this thread.
    void host_log(int32_t level, std::string text);

private:
    friend struct ObservedApi;
    bool service_allowed(const char *fn, bool any_thread); // records breaches
    void breach(std::string text);                          // recorded once per text
    void check_var_name(const char *name);
    void check_value(const char *name, const char *value);
    void check_status_tokens(const char *tokens);
    template <class F> auto step(const char *op, F &&f);
    void after_step(const char *op);

    std::shared_ptr<Plugin> plugin_;
    std::string name_;
    std::vector<std::pair<std::string, std::optional<std::string>>> config_;
    std::unique_ptr<Device> device_;
    bool acquired_ = false;
    Phase phase_ = Phase::New;
    std::string error_;
    std::string op_error_;
    std::chrono::milliseconds budget_{0};
    std::chrono::milliseconds last_call_{0};
    struct ObservedCtx {
        nutpp_host_ctx base; // first: the Device's own services take it as theirs
        Harness *harness;
    } ctx_{};
    nutpp_host_api api_{};

    mutable std::mutex mu_; // guards what [any-thread] services touch
    std::vector<LogLine> logs_;
    std::vector<std::string> breaches_;
    std::set<std::string> breach_seen_;
    std::map<std::string, Declared, common::ILess> declared_;
    std::set<int> watched_;
    unsigned ok_reports_ = 0, stale_reports_ = 0;
    std::string stale_reason_;
};

// Routes the host's log lines (spdlog) about a stepped device to its Harness, once per process;
// lines outside a step go to stderr from warnings up.
void capture_host_logs();

} // namespace nutpp::host
