// One configured device at run time: its plugin instance, its variable store and the thread that
// runs it. The thread owns the instance: create, open, poll, instcmd/setvar, close and destroy all run
// there, so calls for one instance are serialized ([instance] in driver.h; the services check it
// through CurrentDevice, not a thread id), and a plugin that hangs blocks only its own device. The
// host API thunks (host_api.cpp) land in the api_* methods.
#pragma once

#include <nutpp/driver.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/rate_limit.hpp"
#include "config/config.hpp"
#include "driver_socket/request.hpp"
#include "host/nut_normalizer.hpp"
#include "host/plugin.hpp"
#include "host/runner.hpp"
#include "store/status.hpp"
#include "store/var_store.hpp"

struct nutpp_host_ctx; // defined in host_api.cpp: points back at the Device

namespace nutpp::host {

class Device final : public DeviceRunner {
public:
    // Reconnect backoff: from retrydelay, doubled after each failed open, capped here (unless
    // retrydelay itself is longer), each wait jittered by +-20% so devices that lost their link
    // together (a switch, a USB hub) do not retry in step. The cap bounds how late a device
    // notices that an outage has ended: at most ~36 s after its end.
    static constexpr std::chrono::milliseconds kMaxBackoff{30'000};
    // Plugin log lines: a burst of kLogBurst, then kLogLinesPerSecond; the rest are counted.
    static constexpr int kLogLinesPerSecond = 20;
    static constexpr int kLogBurst = 200;

    // Throws std::runtime_error when the device cannot be set up (no descriptor for its eventfd).
    Device(config::DeviceConfig cfg, std::shared_ptr<Plugin> plugin, store::VarStore::Notify on_change);
    ~Device(); // requires the thread to have finished (join() returned true)
    Device(const Device &) = delete;
    Device &operator=(const Device &) = delete;

    // Before start(): this instance only exists to send shutdown commands (upsdrvd -k); plugins
    // see it as the NUTPP_HOST_EXT_SHUTDOWN_RUN extension.
    void set_shutdown_run() override { shutdown_run_ = true; }
    void start() override;
    // Waits until create() has returned (or `deadline`): Running, or Failed when create() refused
    // (then failure() says why and the thread has ended); Starting if create() is still busy.
    StartState wait_started(Clock::time_point deadline) override;
    std::string failure() const override;
    void request_stop() override;
    // Waits until the thread has finished; false if it is still stuck in a plugin call at the
    // deadline. Wakes as soon as the thread ends (no polling), so many devices stop in parallel:
    // request_stop() all of them, then join each against one deadline.
    bool join_until(Clock::time_point deadline) override;

    const config::DeviceConfig &config() const override { return cfg_; }
    const Plugin &plugin() const { return *plugin_; }
    store::VarStore &store() override { return store_; }
    // "<driver>-<device>": NUT's driver socket name, from the configured driver (config/socket_name.hpp).
    std::string socket_name() const override;

    // From the socket thread: an INSTCMD or SET request for this device (validated here first).
    void submit(const driver_socket::Request &r, Completion done = {}) override;

    // The plugin op running now ("poll", "open", ...), "" between calls; async-signal-safe to read.
    const char *current_call() const { return call_name_.load(std::memory_order_relaxed); }

    // From the socket thread, periodically: flags a plugin call that overran the poll budget.
    void watchdog_check() override;
    // The current plugin call has overrun poll_timeout (watchdog_check flagged it, not yet returned).
    bool call_overran() const { return overrun_flagged_.load() && call_started_ns_.load() != 0; }

    // --- host API implementation ([instance-thread] unless noted) ---
    nutpp_status api_set_var(const char *name, const char *value);
    nutpp_status api_set_var_number(const char *name, double v, int decimals);
    nutpp_status api_delete_var(const char *name);
    nutpp_status api_declare_var(const nutpp_var_decl *d);
    nutpp_status api_declare_cmd(const nutpp_cmd_decl *d);
    nutpp_status api_remove_cmd(const char *name);
    void api_status_begin();
    void api_status_set(const char *token);
    void api_alarm_set(const char *text);
    void api_status_commit();
    void api_report_data_ok();
    void api_report_data_stale(const char *why);
    const char *api_config_get(const char *key) const;           // also during create
    nutpp_status api_config_get_number(const char *key, double *out) const;
    void api_set_poll_interval(uint32_t ms);
    nutpp_status api_watch_fd(int fd, uint32_t events);
    nutpp_status api_unwatch_fd(int fd);
    void api_request_poll();                                      // [any-thread]
    void api_log(nutpp_log_level level, const char *message);    // [any-thread]
    void api_set_error(const char *message);
    const void *api_get_extension(const char *id) const;        // [any-thread]
    uint32_t api_get_poll_interval();                             // v1.2, also during create
    void api_request_poll_after(uint32_t ms);                     // v1.2
    uint32_t api_ready_fds(nutpp_fd_ready *out, uint32_t capacity); // v1.2
    // False when not called from inside an op of this device (or during create() unless
    // `allowed_in_create`); logs "plugin misbehaving" the first time per service.
    bool on_instance_thread(const char *fn, bool allowed_in_create = false);

    // --- Driving one step at a time (host/harness: the SDK's test host and `upsdrvd --check`) ---
    // The caller's thread is the instance thread and start() is never called. Each step runs the
    // code run() runs (same services, checks, publishing), so a plugin cannot tell the difference.
    // `api`/`h`: what create() hands the plugin (a wrapping table may forward to this Device's).
    nutpp_status step_create(const nutpp_host_api *api, nutpp_host_ctx *h);
    nutpp_status step_open();   // on failure close() follows at once, as in run()
    // poll() with `reasons`; `fds` is what ready_fds() reports (NUTPP_WAKE_FD). After maxretry
    // failures the device is closed, as in run().
    nutpp_status step_poll(uint32_t reasons, std::vector<nutpp_fd_ready> fds = {});
    // An INSTCMD/SET through the host's checks; the plugin's status, or the refusal as a status.
    nutpp_status step_command(const driver_socket::Request &r, driver_socket::TrackingResult &result);
    void step_close();   // only when open
    void step_destroy(); // close() first when open
    // Waits like run() until `deadline` for a watched fd, request_poll() or the deferred timer;
    // returns the NUTPP_WAKE_* seen (0 on timeout) and, with NUTPP_WAKE_FD, the fds that fired.
    uint32_t step_wait(Clock::time_point deadline, std::vector<nutpp_fd_ready> &fds);
    bool step_is_open() const { return phase_ == Phase::Open; }
    bool step_has_instance() const { return instance_ != nullptr; }
    std::optional<Clock::time_point> step_deferred() const { return oneshot_; }
    void step_clear_deferred() { oneshot_.reset(); }
    bool step_take_poll_request() { return poll_requested_.exchange(false); }
    bool step_poll_requested() const { return poll_requested_.load(); }
    std::chrono::milliseconds step_poll_interval() const { return poll_interval_; }
    const std::map<int, uint32_t> &step_watched() const { return watched_fds_; }
    nutpp_host_ctx *host_ctx() const { return ctx_.get(); }
    const nutpp_host_api &host_api_table() const { return api_; }

private:
    enum class Phase { Created, Open, Closed };
    struct Pending {
        driver_socket::Request request;
        Completion done;
    };

    void run();
    void set_start_state(StartState st, std::string why = {});
    void finish(); // marks the thread finished and wakes join_until()
    // A random duration in [lo, hi] of `d` (jitter); instance thread only.
    std::chrono::milliseconds jittered(std::chrono::milliseconds d, double lo, double hi);
    bool try_open();
    void do_poll(uint32_t reasons);
    nutpp_status last_status_ = NUTPP_OK; // of the last open/poll/instcmd/setvar (step_* report it)
    void fail_and_close(const std::string &what);
    void handle_pending();
    void run_command(const driver_socket::Request &r, const Completion &done);
    // Blocks until `deadline`, a watched fd, a wake-up or stop; returns NUTPP_WAKE_* bits seen.
    uint32_t wait_until(Clock::time_point deadline);
    void wake();
    void forget_close_state(); // watched fds, hangups, fired fds, one-shot timer
    std::string take_error();
    void log_status(nutpp_log_level level, const std::string &what, nutpp_status st);
    template <class F> auto timed_call(const char *what, F &&f);

    config::DeviceConfig cfg_;
    std::shared_ptr<Plugin> plugin_;
    store::VarStore store_;
    NutNormalizer nut_; // NUT's publishing rules over store_ (after it: built from it)

    std::unique_ptr<nutpp_host_ctx> ctx_;
    nutpp_host_api api_{};
    nutpp_instance *instance_ = nullptr;
    std::thread thread_;
    bool shutdown_run_ = false;
    std::atomic<bool> stop_{false};
    std::atomic<bool> finished_{false};
    int wake_fd_ = -1;
    mutable std::mutex state_mu_; // guards start_state_, failure_; state_cv_ signals them and finished_
    std::condition_variable state_cv_;
    StartState start_state_ = StartState::Starting;
    std::string failure_;

    // instance-thread state
    bool in_create_ = false;
    Phase phase_ = Phase::Created;
    std::chrono::milliseconds poll_interval_;
    std::map<int, uint32_t> watched_fds_;
    std::set<int> hung_fds_;               // reported HANGUP/ERROR once; not polled until re-watched
    std::vector<nutpp_fd_ready> fired_;    // fds seen ready since the last poll()
    std::vector<nutpp_fd_ready> poll_fds_; // what ready_fds() reports during the current poll()
    std::optional<Clock::time_point> oneshot_; // request_poll_after() deadline
    store::StatusBatch status_;
    int failures_ = 0;
    int open_attempts_ = 0;
    std::string last_error_; // set_error() text of the current plugin call only (timed_call clears it)
    std::minstd_rand rng_;
    std::string last_logged_failure_;

    // cross-thread
    std::atomic<bool> poll_requested_{false};
    std::mutex pending_mu_;
    std::deque<Pending> pending_;
    std::atomic<int64_t> call_started_ns_{0}; // steady clock; 0 = not inside a plugin call
    std::atomic<const char *> call_name_{""};
    std::atomic<bool> overrun_flagged_{false};
    std::mutex misuse_mu_;
    std::set<std::string> misuse_logged_; // services already logged as misused
    common::RateLimiter log_limit_{kLogLinesPerSecond, kLogBurst};
};

} // namespace nutpp::host
