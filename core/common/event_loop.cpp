#include "common/event_loop.hpp"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace nutpp::common {

EventLoop::EventLoop() {
    epfd_ = epoll_create1(EPOLL_CLOEXEC);
    wakefd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (epfd_ < 0 || wakefd_ < 0) throw std::runtime_error(std::string("event loop: ") + strerror(errno));
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = wakefd_;
    epoll_ctl(epfd_, EPOLL_CTL_ADD, wakefd_, &ev);
}

EventLoop::~EventLoop() {
    if (wakefd_ >= 0) close(wakefd_);
    if (epfd_ >= 0) close(epfd_);
}

void EventLoop::watch(int fd, uint32_t events, FdCallback cb) {
    epoll_event ev{};
    ev.events = events;
    ev.data.fd = fd;
    if (fd < 0) throw std::runtime_error("epoll_ctl: negative descriptor");
    if (size_t(fd) >= fds_.size()) fds_.resize(size_t(fd) + 1);
    const bool known = bool(fds_[size_t(fd)]);
    if (epoll_ctl(epfd_, known ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &ev) != 0)
        throw std::runtime_error(std::string("epoll_ctl: ") + strerror(errno));
    fds_[size_t(fd)] = std::move(cb);
}

void EventLoop::modify(int fd, uint32_t events) {
    epoll_event ev{};
    ev.events = events;
    ev.data.fd = fd;
    epoll_ctl(epfd_, EPOLL_CTL_MOD, fd, &ev);
}

void EventLoop::unwatch(int fd) {
    if (fd < 0 || size_t(fd) >= fds_.size() || !fds_[size_t(fd)]) return;
    fds_[size_t(fd)] = nullptr;
    epoll_ctl(epfd_, EPOLL_CTL_DEL, fd, nullptr);
}

EventLoop::TimerId EventLoop::add_timer(std::chrono::milliseconds delay, std::function<void()> cb,
                                        std::chrono::milliseconds period) {
    const TimerId id = next_timer_++;
    timers_[id] = Timer{Clock::now() + delay, period, std::move(cb)};
    return id;
}

void EventLoop::cancel_timer(TimerId id) { timers_.erase(id); }

void EventLoop::post(std::function<void()> fn) {
    {
        std::lock_guard lk(post_mu_);
        posted_.push_back(std::move(fn));
    }
    const uint64_t one = 1;
    [[maybe_unused]] ssize_t n = write(wakefd_, &one, sizeof one);
}

void EventLoop::stop() {
    post([this] { running_ = false; });
}

int EventLoop::next_timeout_ms() const {
    if (timers_.empty()) return 1000;
    auto soonest = Clock::time_point::max();
    for (const auto &[id, t] : timers_) soonest = std::min(soonest, t.due);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(soonest - now_).count();
    return ms < 0 ? 0 : static_cast<int>(std::min<long long>(ms + 1, 1000));
}

void EventLoop::run_timers() {
    const auto now = now_;
    std::vector<TimerId> due;
    for (const auto &[id, t] : timers_)
        if (t.due <= now) due.push_back(id);
    for (TimerId id : due) {
        auto it = timers_.find(id);
        if (it == timers_.end()) continue; // cancelled by an earlier callback
        auto cb = it->second.cb;
        if (it->second.period.count() > 0)
            it->second.due = now + it->second.period;
        else
            timers_.erase(it);
        cb();
    }
}

void EventLoop::run_posted() {
    uint64_t v;
    while (read(wakefd_, &v, sizeof v) > 0) {
    }
    std::vector<std::function<void()>> batch;
    {
        std::lock_guard lk(post_mu_);
        batch.swap(posted_);
    }
    for (auto &fn : batch) fn();
}

void EventLoop::run() {
    running_ = true;
    now_ = Clock::now(); // not the construction time: timers added since then count from now
    epoll_event events[64];
    while (running_) {
        const int n = epoll_wait(epfd_, events, 64, next_timeout_ms());
        if (n < 0 && errno != EINTR) throw std::runtime_error(std::string("epoll_wait: ") + strerror(errno));
        now_ = Clock::now();
        for (int i = 0; i < n; ++i) {
            const int fd = events[i].data.fd;
            if (fd == wakefd_) {
                run_posted();
                continue;
            }
            if (size_t(fd) >= fds_.size() || !fds_[size_t(fd)]) continue; // unwatched earlier in this batch
            auto cb = fds_[size_t(fd)]; // copy: the callback may unwatch itself
            cb(events[i].events);
        }
        now_ = Clock::now(); // the callbacks may have taken a while: timers go by the real time
        run_timers();
    }
}

} // namespace nutpp::common
