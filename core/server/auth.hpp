// Password verification off upsd's event loop, fair between addresses, throttled on failures.
//
// Why: a crypt(3) hash (yescrypt, ~50 ms) on the one loop thread stalls every client; a burst of
// such lines once froze upsd for 20 s, long enough for upsmon to see COMMBAD while on battery and
// shut the machine down. Here:
// - hashes run on a small pool of worker threads; the asking client waits (its connection stops
//   being read), nobody else does;
// - the pool takes jobs round-robin by client address, so one address with many connections
//   cannot starve another;
// - failures are counted per client address and per user name. After kFreeFailures wrong
//   passwords from one address, or for one user, each further check from that address or for that
//   user is delayed (doubling, up to kMaxDelay) on a timer: the asking client waits, nobody else.
//   The per-user count does not delay an address that has logged in as that user before (kept for
//   the last kMaxTrustedPairs such pairs): someone guessing upsmon's password from elsewhere must
//   not slow down upsmon itself. A count is forgotten after kForgetAfter without failures, or at a
//   success (which clears both the address's and the user's);
// - every failure is logged with user and address, but at a bounded rate: per address the first
//   few and then only at powers of two, and in all at most kLogBurst lines per kLogWindow (a flood
//   from many addresses cannot fill the log either; what was left out is counted in the next line).
// A check that needs no hash (no user has a password_hash) is answered at once, unless throttled.
#pragma once

#include "common/event_loop.hpp"
#include "server/log_limit.hpp"
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
    static constexpr size_t kMaxTrackedAddresses = 4096; // and as many user names
    static constexpr size_t kMaxTrustedPairs = 1024;
    static constexpr size_t kLogBurst = 20;
    static constexpr std::chrono::seconds kLogWindow{60};

    explicit Authenticator(common::EventLoop &loop, unsigned threads = 2);
    ~Authenticator(); // stops the workers; verdicts not yet delivered are dropped
    Authenticator(const Authenticator &) = delete;
    Authenticator &operator=(const Authenticator &) = delete;

    // Verifies `password` for `user` connecting from `addr`. Returns the verdict when it is known
    // at once (no hash needed, not throttled); otherwise returns nullopt and calls `done` later on
    // the loop thread (never from inside this call).
    std::optional<bool> verify(const std::string &addr, const std::string &user, PasswordCheck check,
                               std::string password, Done done);

    // Failures counted for `addr` / for `user` (tests, logs).
    unsigned failures(const std::string &addr) const;
    unsigned user_failures(const std::string &user) const;

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
    using Records = std::unordered_map<std::string, Record>;
    std::chrono::milliseconds delay_of(Records &records, const std::string &key);
    std::chrono::milliseconds delay_for(const std::string &addr, const std::string &user);
    Record &count_failure(Records &records, const std::string &key);
    bool trusted(const std::string &addr, const std::string &user) const;
    void enqueue(Job job);
    void worker();
    void finish(const Job &job, bool ok); // loop thread
    void note(const std::string &addr, const std::string &user, bool ok);

    common::EventLoop &loop_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true); // posted verdicts check it
    Records records_;                                            // by address; loop thread only
    Records user_records_;                                       // by user name; loop thread only
    std::unordered_map<std::string, Clock::time_point> trusted_; // "user\naddr" -> last success
    LogLimiter log_limit_{kLogBurst, kLogWindow};
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
