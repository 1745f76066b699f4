#include "host/kill_power.hpp"

#include "host/runner.hpp"
#include "host/plugin.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <chrono>
#include <thread>

namespace nutpp::host {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

// The typed result of one submitted command (the runner's completion). The state is shared with
// the completion: a command that outlives our wait may still complete later, harmlessly.
class CommandResult {
public:
    DeviceRunner::Completion completion() {
        return [st = state_](driver_socket::TrackingResult r) {
            std::lock_guard lk(st->mu);
            st->result = r;
            st->cv.notify_all();
        };
    }
    std::optional<driver_socket::TrackingResult> wait_until(Clock::time_point deadline) {
        std::unique_lock lk(state_->mu);
        state_->cv.wait_until(lk, deadline, [&] { return state_->result.has_value(); });
        return state_->result;
    }

private:
    struct State {
        std::mutex mu;
        std::condition_variable cv;
        std::optional<driver_socket::TrackingResult> result;
    };
    std::shared_ptr<State> state_ = std::make_shared<State>();
};

bool shut_down_one(const config::DeviceConfig &d, const RunnerSetup &setup, Clock::time_point deadline) {
    PreparedRunner prepared;
    try {
        prepared = prepare_runner(d, setup, Plugin::load, [] {});
    } catch (const std::exception &e) {
        spdlog::error("device '{}': {}", d.name, e.what());
        return false;
    }
    auto dev = std::move(prepared.runner);
    auto plugin = prepared.plugin;
    dev->set_shutdown_run();
    dev->start();
    const auto candidates = shutdown_commands(d);
    auto offered = [&]() -> std::vector<std::string> {
        std::vector<std::string> out;
        for (const auto &c : candidates)
            if (dev->store().has_cmd(c)) out.push_back(c);
        return out;
    };
    // Commands are declared when the device opens; waiting for its first good reading as well lets
    // a driver that chooses by status (APC's sdtype 0) know whether it is on battery.
    const auto ready_by = std::min(deadline, Clock::now() + std::chrono::seconds(std::max(1, d.maxstartdelay)));
    while (Clock::now() < ready_by && !(dev->store().data_ok() && !offered().empty()))
        std::this_thread::sleep_for(50ms);
    bool done = false;
    auto usable = offered();
    // A driver with its own method (APC's sdtype/advorder) is trusted with it alone, as NUT's
    // upsdrv_shutdown: falling back to shutdown.return after it failed could undo a "stay off" choice.
    if (d.sdcommands.empty() && !usable.empty() && usable.front() == "shutdown.default") usable.resize(1);
    if (usable.empty()) {
        spdlog::error("device '{}': {} within {} s; none of its shutdown commands ({}) is available",
                      d.name, dev->store().data_ok() ? "up" : "not up", d.maxstartdelay, fmt::join(candidates, ", "));
    }
    for (const auto &cmd : usable) {
        driver_socket::Request r;
        r.kind = driver_socket::Request::Kind::InstCmd;
        r.name = cmd;
        // Results come through the completion; the store would only queue a TRACKING line for a
        // socket client, and there is none.
        CommandResult outcome;
        dev->submit(r, outcome.completion());
        // A command is one exchange with the UPS: the plugin's own timeouts end it well before this.
        const auto wait = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(d.poll_timeout + 10));
        const auto result = outcome.wait_until(std::min(deadline, Clock::now() + wait));
        if (result == driver_socket::TrackingResult::Handled) {
            spdlog::info("device '{}': UPS shutdown sent ({})", d.name, cmd);
            done = true;
            break;
        }
        spdlog::warn("device '{}': {} {}", d.name, cmd, result ? "failed" : "got no answer");
    }
    dev->request_stop();
    if (dev->join(10s)) {
        dev.reset();
        if (plugin) plugin->release();
    } else {
        // A plugin stuck in a call: leave it; the process ends right after.
        spdlog::warn("device '{}': the plugin did not stop", d.name);
        (void)dev.release();
    }
    return done;
}

} // namespace

std::vector<std::string> shutdown_commands(const config::DeviceConfig &d) {
    if (!d.sdcommands.empty()) return d.sdcommands;
    return {"shutdown.default", "shutdown.return", "shutdown.reboot", "load.off.delay"};
}

int kill_power(const config::Config &cfg, const KillPowerOptions &opt) {
    std::vector<const config::DeviceConfig *> order;
    for (const auto &d : cfg.devices) {
        if (!opt.only_device.empty() && d.name != opt.only_device) continue;
        if (d.sdorder < 0 && opt.only_device.empty()) {
            spdlog::info("device '{}': sdorder -1, not shut down", d.name);
            continue;
        }
        order.push_back(&d);
    }
    std::stable_sort(order.begin(), order.end(), [](auto *a, auto *b) { return a->sdorder < b->sdorder; });
    const std::string dir = !opt.plugin_dir.empty() ? opt.plugin_dir
                            : !cfg.plugin_dir.empty() ? cfg.plugin_dir
                                                      : default_plugin_dir();
    int failed = 0;
    const auto deadline = Clock::now() + opt.budget;
    for (const auto *d : order) {
        if (Clock::now() >= deadline) {
            spdlog::error("device '{}': not shut down: the {} s for all UPSes are used up", d->name, opt.budget.count());
            ++failed;
            continue;
        }
        spdlog::info("device '{}': shutting the UPS down", d->name);
        if (!shut_down_one(*d, RunnerSetup{dir, opt.worker_exe, opt.debug}, deadline)) ++failed;
    }
    if (!opt.only_device.empty() && order.empty()) {
        spdlog::error("no device '{}'", opt.only_device);
        return 1;
    }
    return failed;
}

} // namespace nutpp::host
