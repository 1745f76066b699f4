#include "host/driver_host.hpp"

#include "daemon/pid_file.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>

namespace nutpp::host {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

DriverHost::DriverHost(common::EventLoop &loop, HostOptions opts) : loop_(loop), opts_(std::move(opts)) {
    watchdog_timer_ = loop_.add_timer(250ms, [this] {
        for (auto &[name, slot] : slots_) slot.device->watchdog_check();
    }, 250ms);
}

DriverHost::~DriverHost() {
    loop_.cancel_timer(watchdog_timer_);
    stop_all();
    // Threads still stuck in a plugin call reference their Device: deliberately leak those at exit
    // rather than destroy memory a running thread uses.
    for (auto &d : stuck_) (void)d.release();
}

DeviceRunner *DriverHost::device(const std::string &name) {
    auto it = slots_.find(name);
    return it == slots_.end() ? nullptr : it->second.device.get();
}

std::string DriverHost::socket_path(const std::string &name) const {
    auto it = slots_.find(name);
    return it == slots_.end() ? std::string() : it->second.server->path();
}

std::shared_ptr<Plugin> DriverHost::plugin_for(const std::string &driver, const std::string &dir) {
    const std::string key = dir + "\n" + driver;
    if (auto p = plugins_[key].lock()) return p;
    auto p = Plugin::load(driver, dir);
    plugins_[key] = p;
    return p;
}

bool DriverHost::same_device_config(const config::DeviceConfig &a, const config::DeviceConfig &b) {
    if (a.all_keys.size() != b.all_keys.size()) return false;
    for (size_t i = 0; i < a.all_keys.size(); ++i)
        if (a.all_keys[i].first != b.all_keys[i].first || a.all_keys[i].second.value != b.all_keys[i].second.value)
            return false;
    return a.pollinterval == b.pollinterval && a.maxretry == b.maxretry && a.retrydelay == b.retrydelay &&
           a.poll_timeout == b.poll_timeout && a.isolation == b.isolation && a.memory_limit == b.memory_limit;
}

int DriverHost::apply(const config::Config &cfg) {
    // Sockets live in state_dir and plugins come from plugin_dir: a change of either moves every device.
    const bool paths_changed = !configs_.empty() && (cfg.state_dir != state_dir_ || cfg.plugin_dir != plugin_dir_);
    state_dir_ = cfg.state_dir;
    plugin_dir_ = cfg.plugin_dir;
    try {
        daemon::make_state_dir(state_dir_, std::nullopt); // upsdrvd made it with its group at start
    } catch (const std::exception &e) {
        spdlog::error("{}", e.what());
    }

    std::map<std::string, const config::DeviceConfig *> wanted;
    for (const auto &d : cfg.devices)
        if (opts_.only_device.empty() || d.name == opts_.only_device) wanted[d.name] = &d;

    std::vector<std::string> to_stop;
    for (const auto &[name, old] : configs_) {
        auto it = wanted.find(name);
        if (it == wanted.end()) {
            spdlog::info("device '{}': removed from config, stopping", name);
            to_stop.push_back(name);
        } else if (paths_changed) {
            spdlog::info("device '{}': state_dir or plugin_dir changed, restarting", name);
            to_stop.push_back(name);
        } else if (!same_device_config(old, *it->second)) {
            spdlog::info("device '{}': config changed, restarting", name);
            to_stop.push_back(name);
        }
    }
    stop_devices(to_stop);

    failed_.clear();
    int failed = 0;
    std::vector<std::string> started;
    for (const auto &d : cfg.devices) {
        if (!wanted.count(d.name) || slots_.count(d.name)) continue;
        if (start_device(d, cfg)) started.push_back(d.name);
        else ++failed;
    }
    return failed + check_started(started);
}

int DriverHost::check_started(const std::vector<std::string> &names) {
    // create() does no I/O (driver.h), so it returns at once; the bound is for a plugin that hangs.
    double budget_s = 0;
    for (const auto &n : names) budget_s = std::max(budget_s, slots_.at(n).device->config().poll_timeout);
    const auto deadline = DeviceRunner::Clock::now() + std::chrono::milliseconds(static_cast<long long>(budget_s * 1000)) + 1s;
    std::vector<std::string> refused;
    for (const auto &n : names) {
        DeviceRunner &dev = *slots_.at(n).device;
        switch (dev.wait_started(deadline)) {
        case DeviceRunner::StartState::Running: break;
        case DeviceRunner::StartState::Starting:
            spdlog::warn("device '{}': plugin create() has not returned yet; counted as running", n);
            break;
        case DeviceRunner::StartState::Failed:
            spdlog::error("device '{}': not started: {} (fix the configuration and reload)", n, dev.failure());
            failed_[n] = dev.failure();
            refused.push_back(n);
            break;
        }
    }
    stop_devices(refused);
    return int(refused.size());
}

bool DriverHost::start_device(const config::DeviceConfig &dc, const config::Config &cfg) {
    const std::string dir = !opts_.plugin_dir.empty() ? opts_.plugin_dir
                            : !cfg.plugin_dir.empty() ? cfg.plugin_dir
                                                      : default_plugin_dir();
    try {
        Slot slot;
        slot.alive = std::make_shared<bool>(true);
        auto pending = std::make_shared<std::atomic<bool>>(false);
        std::weak_ptr<bool> alive = slot.alive;
        const std::string name = dc.name;
        // Store changes (device thread) wake the loop, which broadcasts them; coalesced per device.
        auto notify = [this, alive, pending, name] {
            if (pending->exchange(true)) return;
            loop_.post([this, alive, pending, name] {
                pending->store(false);
                if (alive.expired()) return;
                auto it = slots_.find(name);
                if (it != slots_.end() && it->second.server) it->second.server->broadcast_pending();
            });
        };
        auto prepared = prepare_runner(dc, RunnerSetup{dir, opts_.worker_exe, opts_.debug},
                                       [this](const std::string &d, const std::string &p) { return plugin_for(d, p); },
                                       notify);
        slot.device = std::move(prepared.runner);
        slot.plugin = prepared.plugin;
        const std::string path = (fs::path(state_dir_) / slot.device->socket_name()).string();
        DeviceRunner *dev = slot.device.get();
        try {
            slot.server = std::make_unique<driver_socket::Server>(loop_, path, dev->store(),
                                                                  [dev](const driver_socket::Request &r) { dev->submit(r); });
        } catch (...) {
            if (slot.plugin) slot.plugin->release();
            throw;
        }
        slot.device->start();
        spdlog::info("device '{}': driver {} ({}{}), socket {}", dc.name, slot.plugin ? slot.plugin->name() : dc.driver,
                     prepared.plugin_path, slot.plugin ? "" : ", in a worker process", path);
        slots_[dc.name] = std::move(slot);
        configs_[dc.name] = dc;
        return true;
    } catch (const std::exception &e) { // ConfigError, LoadError, no eventfd, a socket that cannot be bound
        spdlog::error("device '{}': {}", dc.name, e.what());
        failed_[dc.name] = e.what();
    }
    return false;
}

DriverHost::Stopping DriverHost::begin_stop(const std::string &name) {
    configs_.erase(name);
    Stopping out{name, nullptr, nullptr, {}};
    auto it = slots_.find(name);
    if (it == slots_.end()) return out;
    Slot slot = std::move(it->second);
    slots_.erase(it);
    slot.server.reset(); // unlinks the socket: clients see the driver go away
    slot.device->request_stop();
    const auto budget = std::chrono::milliseconds(static_cast<long long>(slot.device->config().poll_timeout * 1000)) + 1s;
    out.deadline = DeviceRunner::Clock::now() + budget;
    out.device = std::move(slot.device);
    out.plugin = std::move(slot.plugin);
    return out;
}

void DriverHost::finish_stop(Stopping &s) {
    if (!s.device) return;
    if (s.device->join_until(s.deadline)) {
        s.device.reset();
        if (s.plugin) s.plugin->release();
        return;
    }
    // The thread is inside a plugin call that ignores its budget. It cannot be killed in-process;
    // keep its Device alive so the thread stays valid, and let it finish whenever it returns.
    spdlog::error("device '{}': plugin {} did not return within its poll_timeout + 1 s; leaving its thread behind",
                  s.name, s.plugin ? s.plugin->name() : s.device->config().driver);
    stuck_.push_back(std::move(s.device));
}

// All threads are asked first and joined after: stopping N devices takes as long as the slowest
// one, not the sum (1,000 devices used to take over 10 s, joined one by one).
void DriverHost::stop_devices(const std::vector<std::string> &names) {
    std::vector<Stopping> stopping;
    stopping.reserve(names.size());
    for (const auto &n : names) stopping.push_back(begin_stop(n));
    for (auto &s : stopping) finish_stop(s);
}

void DriverHost::stop_all() {
    std::vector<std::string> names;
    for (const auto &[n, s] : slots_) names.push_back(n);
    stop_devices(names);
}

} // namespace nutpp::host
