#include "server/auth.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace nutpp::server {

Authenticator::Authenticator(common::EventLoop &loop, unsigned threads)
    : loop_(loop), thread_count_(std::max(1u, threads)) {}

Authenticator::~Authenticator() {
    *alive_ = false;
    for (auto id : timers_) loop_.cancel_timer(id);
    {
        std::lock_guard lk(mu_);
        stopping_ = true;
    }
    cv_.notify_all();
    for (auto &t : threads_) t.join();
}

unsigned Authenticator::failures(const std::string &addr) const {
    const auto it = records_.find(addr);
    return it == records_.end() ? 0 : it->second.failures;
}

std::chrono::milliseconds Authenticator::delay_for(const std::string &addr) {
    const auto it = records_.find(addr);
    if (it == records_.end()) return std::chrono::milliseconds(0);
    Record &r = it->second;
    if (loop_.now() - r.last > kForgetAfter) {
        records_.erase(it);
        return std::chrono::milliseconds(0);
    }
    if (r.failures < kFreeFailures) return std::chrono::milliseconds(0);
    const unsigned doublings = std::min(r.failures - kFreeFailures, 16u);
    return std::min(kMaxDelay, kFirstDelay * (1u << doublings));
}

std::optional<bool> Authenticator::verify(const std::string &addr, const std::string &user, PasswordCheck check,
                                          std::string password, Done done) {
    const auto delay = delay_for(addr);
    if (delay.count() == 0 && !check.costly()) {
        const bool ok = check.verify(password);
        note(addr, user, ok);
        return ok;
    }
    Job job{addr, user, std::move(password), std::move(check), std::move(done)};
    if (delay.count() == 0) {
        enqueue(std::move(job));
        return std::nullopt;
    }
    // Throttled: the check waits here, on the loop's timer, without holding a worker.
    auto id = std::make_shared<common::EventLoop::TimerId>(0);
    auto held = std::make_shared<Job>(std::move(job));
    *id = loop_.add_timer(delay, [this, id, held] {
        timers_.erase(*id);
        enqueue(std::move(*held));
    });
    timers_.insert(*id);
    return std::nullopt;
}

void Authenticator::enqueue(Job job) {
    // Workers start with the first job, on the loop thread: upsd forks into the background after
    // building its server, and a fork keeps only the forking thread.
    if (threads_.empty())
        for (unsigned i = 0; i < thread_count_; ++i) threads_.emplace_back([this] { worker(); });
    {
        std::lock_guard lk(mu_);
        auto &q = queues_[job.addr];
        if (q.empty()) turn_.push_back(job.addr);
        q.push_back(std::move(job));
    }
    cv_.notify_one();
}

void Authenticator::worker() {
    for (;;) {
        Job job;
        {
            std::unique_lock lk(mu_);
            cv_.wait(lk, [this] { return stopping_ || !turn_.empty(); });
            if (stopping_) return;
            const std::string addr = std::move(turn_.front());
            turn_.pop_front();
            auto it = queues_.find(addr);
            job = std::move(it->second.front());
            it->second.pop_front();
            if (it->second.empty()) queues_.erase(it);
            else turn_.push_back(addr); // its next job waits for every other address's turn
        }
        const bool ok = job.check.verify(job.password);
        auto shared = std::make_shared<Job>(std::move(job));
        loop_.post([this, alive = std::weak_ptr<bool>(alive_), shared, ok] {
            const auto a = alive.lock();
            if (!a || !*a) return;
            finish(*shared, ok);
        });
    }
}

void Authenticator::finish(const Job &job, bool ok) {
    note(job.addr, job.user, ok);
    job.done(ok);
}

void Authenticator::note(const std::string &addr, const std::string &user, bool ok) {
    if (ok) {
        records_.erase(addr);
        return;
    }
    if (records_.size() >= kMaxTrackedAddresses && !records_.count(addr)) {
        // Bounded memory: forget the address whose last failure is oldest.
        auto oldest = std::min_element(records_.begin(), records_.end(),
                                       [](const auto &a, const auto &b) { return a.second.last < b.second.last; });
        records_.erase(oldest);
    }
    Record &r = records_[addr];
    if (loop_.now() - r.last > kForgetAfter) r = Record{};
    ++r.failures;
    r.last = loop_.now();
    // The first few failures one by one, then only at powers of two: an attack is visible in the
    // log without filling it.
    if (r.logged < kFreeFailures || (r.failures & (r.failures - 1)) == 0) {
        ++r.logged;
        if (r.failures > kFreeFailures)
            spdlog::warn("Authentication failed for user {} from {} ({} failures; further attempts from this address "
                         "are delayed by {} ms)",
                         user, addr, r.failures, delay_for(addr).count());
        else spdlog::warn("Authentication failed for user {} from {}", user, addr);
    }
}

} // namespace nutpp::server
