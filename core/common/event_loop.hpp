// A small single-threaded epoll event loop: fd readiness callbacks, one-shot and periodic timers,
// and post() to run a function on the loop thread from any other thread (eventfd wake-up).
// Used by upsdrvd's socket side and by upsd.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <vector>

namespace nutpp::common {

class EventLoop {
public:
    using Clock = std::chrono::steady_clock;
    using FdCallback = std::function<void(uint32_t epoll_events)>;
    using TimerId = uint64_t;

    EventLoop();
    ~EventLoop();
    EventLoop(const EventLoop &) = delete;
    EventLoop &operator=(const EventLoop &) = delete;

    // Registers fd (not owned) for EPOLLIN/EPOLLOUT/...; replaces an existing registration.
    void watch(int fd, uint32_t events, FdCallback cb);
    void modify(int fd, uint32_t events);
    void unwatch(int fd);

    TimerId add_timer(std::chrono::milliseconds delay, std::function<void()> cb,
                      std::chrono::milliseconds period = std::chrono::milliseconds(0));
    void cancel_timer(TimerId id);

    // Thread-safe: queue `fn` to run on the loop thread soon.
    void post(std::function<void()> fn);

    // The time the loop last woke up: what callbacks should use instead of reading the clock
    // themselves (one clock read per wake-up, not one per request).
    Clock::time_point now() const { return now_; }

    // Runs until stop(). stop() is thread-safe.
    void run();
    void stop();

private:
    struct Timer {
        Clock::time_point due;
        std::chrono::milliseconds period;
        std::function<void()> cb;
    };
    int next_timeout_ms() const;
    void run_timers();
    void run_posted();

    int epfd_ = -1;
    int wakefd_ = -1;
    bool running_ = false;
    Clock::time_point now_ = Clock::now();
    std::vector<FdCallback> fds_; // indexed by descriptor; empty: not watched
    std::map<TimerId, Timer> timers_;
    TimerId next_timer_ = 1;
    std::mutex post_mu_;
    std::vector<std::function<void()>> posted_;
};

} // namespace nutpp::common
