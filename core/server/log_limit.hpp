// A bound on how many lines of one kind upsd logs: an attacker who can make upsd log (a wrong
// password, a refused connection) must not be able to fill the disk or drown other messages.
// Up to `burst` lines per `window` are logged; the rest are counted, and the count is reported with
// the next line that is logged.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace nutpp::server {

class LogLimiter {
public:
    using Clock = std::chrono::steady_clock;

    LogLimiter(size_t burst, std::chrono::seconds window) : burst_(burst), window_(window) {}

    // True when a line may be logged at `now`. Then `suppressed` is the number of lines held back
    // since the last one logged (to be mentioned in it), and the count starts again.
    bool allow(Clock::time_point now, uint64_t &suppressed) {
        if (now - window_start_ >= window_) {
            window_start_ = now;
            used_ = 0;
        }
        if (used_ >= burst_) {
            ++suppressed_;
            return false;
        }
        ++used_;
        suppressed = suppressed_;
        suppressed_ = 0;
        return true;
    }

private:
    size_t burst_;
    std::chrono::seconds window_;
    Clock::time_point window_start_{};
    size_t used_ = 0;
    uint64_t suppressed_ = 0;
};

} // namespace nutpp::server
