// A token bucket for log lines that someone else controls (a plugin's log calls, a worker's stderr):
// `burst` lines at once, then `per_second`; lines beyond that are dropped and counted, and the count
// is reported with the next line that passes, so a flood costs bounded log space and is still visible.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>

namespace nutpp::common {

class RateLimiter {
public:
    using Clock = std::chrono::steady_clock;

    RateLimiter(double per_second, double burst) : rate_(per_second), burst_(burst), tokens_(burst) {}

    // True when a line may be written now. `dropped_before` gets the number of lines refused since
    // the last one that passed (to report with this one), 0 otherwise. Thread-safe.
    bool allow(uint64_t &dropped_before, Clock::time_point now = Clock::now()) {
        std::lock_guard lock(mu_);
        if (started_) {
            const double dt = std::chrono::duration<double>(now - last_).count();
            tokens_ = std::min(burst_, tokens_ + dt * rate_);
        }
        started_ = true;
        last_ = now;
        dropped_before = 0;
        if (tokens_ < 1) {
            ++dropped_;
            ++dropped_total_;
            return false;
        }
        tokens_ -= 1;
        dropped_before = dropped_;
        dropped_ = 0;
        return true;
    }
    uint64_t dropped_total() const {
        std::lock_guard lock(mu_);
        return dropped_total_;
    }

private:
    mutable std::mutex mu_;
    const double rate_, burst_;
    double tokens_;
    bool started_ = false;
    Clock::time_point last_{};
    uint64_t dropped_ = 0, dropped_total_ = 0;
};

} // namespace nutpp::common
