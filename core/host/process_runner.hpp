// The runner for `isolation: process`: the device's plugin runs in a worker process of its own
// (`upsdrvd --worker`, host/worker.hpp), supervised from a thread of upsdrvd. upsdrvd keeps the
// device's store and driver socket (StoreMirror fills the store from the worker's driver protocol
// stream), so upsd, NUT's upsd and `upsdrvd --dump` see one socket that never goes away.
//
// What the supervisor does about a worker that
//   crashes (any signal, abort, exit)   -> data stale at once, worker restarted;
//   hangs in a plugin call past poll_timeout -> the worker marks the data stale and ends itself
//                                           (kExitHung); restarted;
//   stops answering PING (whole process wedged) -> killed (SIGKILL), restarted;
//   runs into memory_limit (RLIMIT_DATA) -> its allocation fails; whatever the plugin then does
//                                           (usually abort or a crash) is a crash as above, and the
//                                           log says the worker was near its limit;
//   floods stderr or the log             -> lines beyond 50/s (burst 500) are dropped and counted.
// Restarts wait kFirstBackoff, doubled after each failure in a row up to kMaxBackoff; a worker that
// has run kStableAfter resets that. The log has one line per change of state (a new cause of
// failure, recovery) and, while the same failure repeats, one at each power-of-two repetition.
// Every other device and every client is served throughout: they share nothing with the worker.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include <sys/types.h>

#include "common/rate_limit.hpp"
#include "host/runner.hpp"
#include "host/store_mirror.hpp"

namespace nutpp::host {

struct WorkerLaunch {
    std::string exe;         // upsdrvd's own binary (resolved at start: /proc/self/exe may be unreadable later)
    std::string plugin_path; // resolved and trust-checked
    int debug = 0;           // upsdrvd's -D count, passed on
};

class ProcessRunner final : public DeviceRunner {
public:
    static constexpr std::chrono::milliseconds kFirstBackoff{1000};
    static constexpr std::chrono::milliseconds kMaxBackoff{60'000};
    static constexpr std::chrono::seconds kStableAfter{60};
    static constexpr std::chrono::seconds kPingEvery{2};

    // Throws std::runtime_error when it cannot be set up (no eventfd).
    ProcessRunner(config::DeviceConfig cfg, WorkerLaunch launch, store::VarStore::Notify on_change);
    ~ProcessRunner() override; // requires join() to have returned true

    void set_shutdown_run() override { shutdown_run_ = true; }
    void start() override;
    StartState wait_started(Clock::time_point deadline) override;
    std::string failure() const override;
    void request_stop() override;
    bool join_until(Clock::time_point deadline) override;

    const config::DeviceConfig &config() const override { return cfg_; }
    store::VarStore &store() override { return store_; }
    std::string socket_name() const override;
    void submit(const driver_socket::Request &r, Completion done = {}) override;
    void watchdog_check() override {} // the supervisor thread watches its worker itself

    // The running worker's pid (0 between workers) and how many times one was restarted.
    pid_t worker_pid() const { return pid_.load(); }
    int restarts() const { return restarts_.load(); }

private:
    struct Worker;
    struct InFlight {
        std::optional<std::string> client_tracking; // the socket client's TRACKING id, if any
        Completion done;
    };
    struct Outcome {
        bool started = false;   // "NUTPP STARTED" was seen
        std::string cause;      // why it ended
        std::string failed_why; // "NUTPP FAILED" text (create refused the configuration)
        Clock::duration ran_for{};
        pid_t pid = 0;
    };

    void run();
    bool spawn(Worker &w, std::string &why);
    Outcome supervise(Worker &w, bool first);
    void handle_line(Worker &w, const std::vector<std::string> &words, Outcome &out, bool first);
    void send_requests(Worker &w);
    void send(Worker &w, const std::string &line);
    void log_worker_output(const std::string &line);
    void end_in_flight(driver_socket::TrackingResult r);
    void fail_pending(); // queued requests no worker will run: each completes as Failed
    void complete(InFlight &f, driver_socket::TrackingResult r);
    void set_start_state(StartState st, std::string why = {});
    bool wait_backoff(std::chrono::milliseconds d); // false when stopped meanwhile
    void note_failure(const Outcome &o, std::chrono::milliseconds next_wait);

    config::DeviceConfig cfg_;
    WorkerLaunch launch_;
    store::VarStore store_;
    StoreMirror mirror_;
    bool shutdown_run_ = false;
    std::thread thread_;
    int wake_fd_ = -1;
    std::atomic<bool> stop_{false};
    std::atomic<pid_t> pid_{0};
    std::atomic<int> restarts_{0};

    mutable std::mutex state_mu_;
    std::condition_variable state_cv_;
    StartState start_state_ = StartState::Starting;
    std::string failure_;
    bool finished_ = false;

    std::mutex pending_mu_;
    std::deque<std::pair<driver_socket::Request, Completion>> pending_;

    // supervisor thread only
    std::map<std::string, InFlight> in_flight_; // by the id sent to the worker
    uint64_t next_id_ = 1;
    int failures_in_row_ = 0;
    std::string last_cause_;
    common::RateLimiter output_limit_{50, 500};
};

} // namespace nutpp::host
