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

namespace {

std::string pair_key(const std::string &addr, const std::string &user) { return user + '\n' + addr; }

// Forgets the entry of `map` whose time (`when(entry)`) is oldest: the bound on memory when an
// attacker brings ever new addresses or user names.
template <class Map, class When> void evict_oldest(Map &map, When when) {
    if (map.empty()) return;
    map.erase(std::min_element(map.begin(), map.end(),
                               [&](const auto &a, const auto &b) { return when(a.second) < when(b.second); }));
}

} // namespace

unsigned Authenticator::failures(const std::string &addr) const {
    const auto it = records_.find(addr);
    return it == records_.end() ? 0 : it->second.failures;
}

unsigned Authenticator::user_failures(const std::string &user) const {
    const auto it = user_records_.find(user);
    return it == user_records_.end() ? 0 : it->second.failures;
}

std::chrono::milliseconds Authenticator::delay_of(Records &records, const std::string &key) {
    const auto it = records.find(key);
    if (it == records.end()) return std::chrono::milliseconds(0);
    Record &r = it->second;
    if (loop_.now() - r.last > kForgetAfter) {
        records.erase(it);
        return std::chrono::milliseconds(0);
    }
    if (r.failures < kFreeFailures) return std::chrono::milliseconds(0);
    const unsigned doublings = std::min(r.failures - kFreeFailures, 16u);
    return std::min(kMaxDelay, kFirstDelay * (1u << doublings));
}

bool Authenticator::trusted(const std::string &addr, const std::string &user) const {
    return trusted_.count(pair_key(addr, user)) != 0;
}

std::chrono::milliseconds Authenticator::delay_for(const std::string &addr, const std::string &user) {
    const auto by_addr = delay_of(records_, addr);
    const auto by_user = delay_of(user_records_, user);
    return trusted(addr, user) ? by_addr : std::max(by_addr, by_user);
}

std::optional<bool> Authenticator::verify(const std::string &addr, const std::string &user, PasswordCheck check,
                                          std::string password, Done done) {
    const auto delay = delay_for(addr, user);
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

Authenticator::Record &Authenticator::count_failure(Records &records, const std::string &key) {
    if (records.size() >= kMaxTrackedAddresses && !records.count(key))
        evict_oldest(records, [](const Record &r) { return r.last; });
    Record &r = records[key];
    if (loop_.now() - r.last > kForgetAfter) r = Record{};
    ++r.failures;
    r.last = loop_.now();
    return r;
}

void Authenticator::note(const std::string &addr, const std::string &user, bool ok) {
    if (ok) {
        records_.erase(addr);
        user_records_.erase(user);
        const std::string key = pair_key(addr, user);
        if (trusted_.size() >= kMaxTrustedPairs && !trusted_.count(key))
            evict_oldest(trusted_, [](Clock::time_point t) { return t; });
        trusted_[key] = loop_.now();
        return;
    }
    Record &r = count_failure(records_, addr);
    const unsigned user_count = count_failure(user_records_, user).failures;
    // The first few failures of an address one by one, then only at powers of two; and never more
    // than kLogBurst lines a minute in all. An attack is visible in the log without filling it.
    const bool this_one = r.logged < kFreeFailures || (r.failures & (r.failures - 1)) == 0;
    if (!this_one) return;
    uint64_t left_out = 0;
    if (!log_limit_.allow(loop_.now(), left_out)) return;
    ++r.logged;
    const auto delay = delay_for(addr, user).count();
    const std::string dropped =
        left_out ? fmt::format(" [{} more failure(s) were not logged]", left_out) : std::string();
    if (delay > 0)
        spdlog::warn("Authentication failed for user {} from {} ({} failures from this address, {} for this user; "
                     "further attempts are delayed by {} ms){}",
                     user, addr, r.failures, user_count, delay, dropped);
    else spdlog::warn("Authentication failed for user {} from {}{}", user, addr, dropped);
}

} // namespace nutpp::server
