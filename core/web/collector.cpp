#include "web/collector.hpp"

#include "client/connection.hpp"
#include "monitor/push.hpp"

#include <spdlog/spdlog.h>

#include <poll.h>

#include <algorithm>
#include <thread>
#include <vector>

namespace nutpp::web {

namespace {
constexpr std::chrono::milliseconds kIoTimeout{5000};
constexpr std::chrono::milliseconds kWatchTimeout{2000};
constexpr std::chrono::milliseconds kStopCheck{200};
} // namespace

Collector::Collector(const config::WebConfig &cfg, Store &store) : cfg_(cfg), store_(store) {}
Collector::~Collector() = default;

bool Collector::connect() {
    if (conn_ && conn_->is_open()) return true;
    try {
        conn_ = std::make_unique<client::Connection>(client::Connection::tcp(cfg_.upsd_host, cfg_.upsd_port, kIoTimeout));
        spdlog::info("connected to upsd at {}:{}", cfg_.upsd_host, cfg_.upsd_port);
        return true;
    } catch (const std::exception &e) {
        conn_.reset();
        spdlog::warn("cannot reach upsd at {}:{}: {}", cfg_.upsd_host, cfg_.upsd_port, e.what());
        return false;
    }
}

void Collector::poll_one(const std::string &ups) {
    try {
        auto vars = conn_->list_var(ups);
        ++polls_;
        store_.update(ups, desc_[ups], std::move(vars));
    } catch (const client::Error &e) {
        if (!e.from_server()) throw; // the connection broke: the caller reconnects
        store_.count_scrape_error();
        store_.set_error(ups, e.code);
    }
}

bool Collector::poll_all() {
    if (!connect()) {
        store_.count_scrape_error();
        for (const auto &name : store_.names()) store_.set_error(name, kUnreachable);
        return false;
    }
    try {
        std::vector<std::string> names;
        desc_.clear();
        for (const auto &[name, desc] : conn_->list_ups()) {
            if (!cfg_.ups.empty() && std::find(cfg_.ups.begin(), cfg_.ups.end(), name) == cfg_.ups.end()) continue;
            desc_[name] = desc;
            names.push_back(name);
        }
        // A configured UPS upsd does not list stays visible, with NUT's error for it.
        for (const auto &want : cfg_.ups)
            if (!desc_.count(want)) {
                names.push_back(want);
                store_.set_error(want, "UNKNOWN-UPS");
            }
        store_.retain(names);
        for (const auto &name : names)
            if (desc_.count(name)) poll_one(name);
        for (auto it = watches_.begin(); it != watches_.end();)
            it = desc_.count(it->first) ? std::next(it) : watches_.erase(it);
        return true;
    } catch (const std::exception &e) {
        spdlog::warn("upsd at {}:{}: {}", cfg_.upsd_host, cfg_.upsd_port, e.what());
        conn_.reset();
        store_.count_scrape_error();
        for (const auto &name : store_.names()) store_.set_error(name, kUnreachable);
        return false;
    }
}

void Collector::watch_all() {
    for (const auto &[name, _] : desc_) {
        auto &w = watches_[name];
        if (!w) w = std::make_unique<monitor::PushWatch>(cfg_.upsd_host, cfg_.upsd_port, name);
        w->ensure(kWatchTimeout);
    }
}

void Collector::wait_until(SteadyClock::time_point t, const std::atomic<bool> &stop) {
    while (!stop && SteadyClock::now() < t) {
        std::vector<pollfd> fds;
        std::vector<std::string> who;
        for (const auto &[name, w] : watches_)
            if (w->active()) {
                fds.push_back(pollfd{w->fd(), POLLIN, 0});
                who.push_back(name);
            }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(t - SteadyClock::now());
        const int ms = int(std::clamp(left, std::chrono::milliseconds(0), kStopCheck).count());
        if (fds.empty()) {
            std::this_thread::sleep_for(std::chrono::milliseconds(ms));
            continue;
        }
        if (::poll(fds.data(), fds.size(), ms) <= 0) continue;
        for (size_t i = 0; i < fds.size(); ++i) {
            if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            const auto cur = store_.get(who[i]);
            if (!watches_[who[i]]->on_readable(cur ? cur->status() : std::string())) continue;
            ++pushes_;
            if (!conn_ || !connect()) continue;
            try {
                poll_one(who[i]);
            } catch (const std::exception &e) {
                spdlog::warn("upsd at {}:{}: {}", cfg_.upsd_host, cfg_.upsd_port, e.what());
                conn_.reset();
            }
        }
    }
}

void Collector::run(const std::atomic<bool> &stop) {
    const auto interval = std::chrono::duration_cast<SteadyClock::duration>(std::chrono::duration<double>(cfg_.pollinterval));
    auto backoff = std::chrono::seconds(1);
    while (!stop) {
        const auto start = SteadyClock::now();
        if (poll_all()) {
            backoff = std::chrono::seconds(1);
            watch_all();
            wait_until(start + interval, stop);
        } else {
            // upsd down or restarting: retry sooner than a long poll interval, without hammering it.
            wait_until(start + std::min<SteadyClock::duration>(interval, backoff), stop);
            backoff = std::min(backoff * 2, std::chrono::seconds(30));
        }
    }
}

} // namespace nutpp::web
