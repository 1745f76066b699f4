// Password verification off upsd's event loop, fair between addresses, throttled on failures.
//
// Why: a crypt(3) hash (yescrypt, ~50 ms) on the one loop thread stalls every client; a burst of
// such lines once froze upsd for 20 s, long enough for upsmon to see COMMBAD while on battery and
// shut the machine down. Here:
// - hashes run on a small pool of worker threads; the asking client waits (its connection stops
//   being read), nobody else does;
// - the pool takes jobs round-robin by client address, so one address with many connections
//   cannot starve another;
// - after kFreeFailures wrong passwords from one address, each further check from it is delayed
//   (doubling, up to kMaxDelay), and failures are logged at a bounded rate. The counter is
//   forgotten after kForgetAfter without failures, or at a success.
// A check that needs no hash (no user has a password_hash) is answered at once, unless throttled.
#pragma once

#include "common/event_loop.hpp"
#include "server/users.hpp"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace nutpp::server {

class Authenticator {
public:
    using Clock = std::chrono::steady_clock;
    using Done = std::function<void(bool ok)>;
    static constexpr unsigned kFreeFailures = 5;
    static constexpr std::chrono::milliseconds kFirstDelay{250};
    static constexpr std::chrono::milliseconds kMaxDelay{30000};
    static constexpr std::chrono::minutes kForgetAfter{10};
    static constexpr size_t kMaxTrackedAddresses = 4096;

    explicit Authenticator(common::EventLoop &loop, unsigned threads = 2);
    ~Authenticator(); // stops the workers; verdicts not yet delivered are dropped
    Authenticator(const Authenticator &) = delete;
    Authenticator &operator=(const Authenticator &) = delete;

    // Verifies `password` for `user` connecting from `addr`. Returns the verdict when it is known
    // at once (no hash needed, not throttled); otherwise returns nullopt and calls `done` later on
    // the loop thread (never from inside this call).
    std::optional<bool> verify(const std::string &addr, const std::string &user, PasswordCheck check,
                               std::string password, Done done);

    // Failures counted for `addr` (tests, logs).
    unsigned failures(const std::string &addr) const;

private:
    struct Job {
        std::string addr, user, password;
        PasswordCheck check;
        Done done;
    };
    struct Record {
        unsigned failures = 0;
        Clock::time_point last{};
        unsigned logged = 0; // failures logged one by one; beyond that only powers of two
    };
    std::chrono::milliseconds delay_for(const std::string &addr);
    void enqueue(Job job);
    void worker();
    void finish(const Job &job, bool ok); // loop thread
    void note(const std::string &addr, const std::string &user, bool ok);

    common::EventLoop &loop_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true); // posted verdicts check it
    std::unordered_map<std::string, Record> records_;            // loop thread only
    std::set<common::EventLoop::TimerId> timers_;                // delayed checks not yet queued

    std::mutex mu_;
    std::condition_variable cv_;
    std::map<std::string, std::deque<Job>> queues_; // by address
    std::deque<std::string> turn_;                  // addresses with queued jobs, round-robin
    bool stopping_ = false;
    unsigned thread_count_;
    std::vector<std::thread> threads_; // started by the first enqueue()
};

} // namespace nutpp::server
