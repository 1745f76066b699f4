#include "host/device.hpp"

#include "common/strings.hpp"
#include "config/socket_name.hpp"
#include "host/host_api.hpp"
#include "host/status_map.hpp"

#include <spdlog/spdlog.h>

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace nutpp::host {

using namespace std::chrono_literals;

namespace {

int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(Device::Clock::now().time_since_epoch()).count();
}

std::chrono::milliseconds seconds_ms(double s) {
    return std::chrono::milliseconds(static_cast<long long>(std::llround(s * 1000.0)));
}

} // namespace

Device::Device(config::DeviceConfig cfg, std::shared_ptr<Plugin> plugin, store::VarStore::Notify on_change)
    : cfg_(std::move(cfg)), plugin_(std::move(plugin)), store_(std::move(on_change)), nut_(cfg_, *plugin_, store_),
      poll_interval_(seconds_ms(cfg_.pollinterval)) {
    // Without its eventfd the device could never be woken: not to stop, not for a command.
    wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (wake_fd_ < 0)
        throw std::runtime_error("cannot create the device's wake-up eventfd: " + std::string(std::strerror(errno)) +
                                 (errno == EMFILE || errno == ENFILE ? " (raise the descriptor limit, ulimit -n)" : ""));
    rng_.seed(std::random_device{}());
    ctx_ = make_host_ctx(this);
    api_ = make_host_api();
}

Device::~Device() {
    if (thread_.joinable()) thread_.join();
    if (wake_fd_ >= 0) close(wake_fd_);
}

std::unique_ptr<DeviceRunner> make_runner(config::DeviceConfig cfg, std::shared_ptr<Plugin> plugin,
                                          store::VarStore::Notify on_change) {
    return std::make_unique<Device>(std::move(cfg), std::move(plugin), std::move(on_change));
}

std::string Device::socket_name() const { return config::driver_socket_name(cfg_.driver, cfg_.name); }

void Device::start() { thread_ = std::thread([this] { run(); }); }

void Device::request_stop() {
    stop_ = true;
    wake();
}

bool Device::join_until(Clock::time_point deadline) {
    {
        std::unique_lock lk(state_mu_);
        if (!state_cv_.wait_until(lk, deadline, [&] { return finished_.load(); })) return false;
    }
    if (thread_.joinable()) thread_.join();
    return true;
}

void Device::set_start_state(StartState st, std::string why) {
    std::lock_guard lk(state_mu_);
    start_state_ = st;
    failure_ = std::move(why);
    state_cv_.notify_all();
}

Device::StartState Device::wait_started(Clock::time_point deadline) {
    std::unique_lock lk(state_mu_);
    state_cv_.wait_until(lk, deadline, [&] { return start_state_ != StartState::Starting; });
    return start_state_;
}

std::string Device::failure() const {
    std::lock_guard lk(state_mu_);
    return failure_;
}

std::chrono::milliseconds Device::jittered(std::chrono::milliseconds d, double lo, double hi) {
    std::uniform_real_distribution<double> f(lo, hi);
    return std::chrono::milliseconds(static_cast<long long>(std::llround(double(d.count()) * f(rng_))));
}

void Device::wake() {
    const uint64_t one = 1;
    [[maybe_unused]] ssize_t n = write(wake_fd_, &one, sizeof one);
}

// Runs a plugin call with the watchdog armed: the socket thread sees how long it has been inside.
// Also marks this thread as running this device, which the [instance] services check, and scopes
// set_error(): the text belongs to this call only, so a later failure that sets none is not
// reported with an old, unrelated detail.
template <class F> auto Device::timed_call(const char *what, F &&f) {
    const CurrentDevice current(this);
    last_error_.clear();
    call_name_ = what;
    call_started_ns_ = now_ns();
    struct Disarm {
        Device *d;
        ~Disarm() {
            const int64_t started = d->call_started_ns_.exchange(0);
            if (d->overrun_flagged_.exchange(false))
                spdlog::warn("device '{}': plugin {}() returned after {:.1f} s", d->cfg_.name, d->call_name_.load(),
                             double(now_ns() - started) / 1e9);
        }
    } disarm{this};
    return f();
}

void Device::watchdog_check() {
    const int64_t started = call_started_ns_.load();
    if (started == 0 || overrun_flagged_) return;
    const double busy = double(now_ns() - started) / 1e9;
    if (busy <= cfg_.poll_timeout) return;
    overrun_flagged_ = true;
    spdlog::error("device '{}': plugin {}() has not returned after {:.1f} s (poll_timeout {} s); data marked stale",
                  cfg_.name, call_name_.load(), busy, cfg_.poll_timeout);
    store_.set_data_ok(false);
}

void Device::run() {
    nut_.publish_start();

    in_create_ = true;
    const nutpp_status created = timed_call("create", [&] { return plugin_->ops().create(&api_, ctx_.get(), &instance_); });
    in_create_ = false;
    if (created != NUTPP_OK || !instance_) {
        // A configuration the plugin refuses: retrying cannot help, a reload can. The thread ends
        // and the host reports the device as failed (log, status, exit code when none runs).
        const nutpp_status st = created == NUTPP_OK ? NUTPP_E_STATE : created;
        const std::string detail = take_error();
        std::string why = "create failed: " + std::string(status_info(st).name) + (detail.empty() ? "" : ": " + detail);
        store_.set_data_ok(false);
        instance_ = nullptr;
        spdlog::error("device '{}': {}", cfg_.name, why);
        handle_pending(); // answers anything already queued with a failure
        set_start_state(StartState::Failed, std::move(why));
        finish(); // last: a joiner may destroy this Device as soon as it sees finished_
        return;
    }
    set_start_state(StartState::Running);

    const auto first_backoff = seconds_ms(std::max(cfg_.retrydelay, 0.1));
    const auto max_backoff = std::max(first_backoff, kMaxBackoff);
    auto backoff = first_backoff;
    auto next_poll = Clock::now();
    while (!stop_) {
        if (phase_ != Phase::Open) {
            if (try_open()) {
                backoff = first_backoff;
                do_poll(NUTPP_WAKE_FIRST);
                // The first poll runs at once (data as soon as possible); the next one at a random
                // point within one interval, so devices started together do not poll in step.
                next_poll = Clock::now() + jittered(poll_interval_, 0.0, 1.0);
                continue;
            }
            // Doubling backoff, capped, reset on success (collectd's rule); each wait jittered.
            const auto until = Clock::now() + jittered(backoff, 0.8, 1.2);
            while (!stop_ && Clock::now() < until) {
                wait_until(until);
                handle_pending();
            }
            backoff = std::min(backoff * 2, max_backoff);
            continue;
        }
        uint32_t reasons = wait_until(oneshot_ ? std::min(next_poll, *oneshot_) : next_poll);
        handle_pending();
        if (stop_ || phase_ != Phase::Open) continue;
        if (Clock::now() >= next_poll) reasons |= NUTPP_WAKE_TIMER;
        if (oneshot_ && Clock::now() >= *oneshot_) {
            reasons |= NUTPP_WAKE_DEFERRED;
            oneshot_.reset(); // before poll(): the plugin may set the next one there
        }
        if (poll_requested_.exchange(false)) reasons |= NUTPP_WAKE_REQUEST;
        if (!reasons) continue;
        const auto started = Clock::now();
        do_poll(reasons);
        if (reasons & NUTPP_WAKE_TIMER) next_poll = started + poll_interval_;
    }
    if (phase_ == Phase::Open) timed_call("close", [&] { plugin_->ops().close(instance_); return 0; });
    timed_call("destroy", [&] { plugin_->ops().destroy(instance_); return 0; });
    instance_ = nullptr;
    handle_pending(); // answers anything still queued with a failure
    finish();
}

void Device::finish() {
    std::lock_guard lk(state_mu_);
    finished_ = true;
    state_cv_.notify_all();
}

bool Device::try_open() {
    ++open_attempts_;
    const nutpp_status st = timed_call("open", [&] { return plugin_->ops().open(instance_); });
    last_status_ = st;
    if (st == NUTPP_OK) {
        phase_ = Phase::Open;
        failures_ = 0;
        if (open_attempts_ > 1) spdlog::info("device '{}': device opened after {} attempts", cfg_.name, open_attempts_);
        open_attempts_ = 0;
        last_logged_failure_.clear();
        nut_.apply_defaults();
        return true;
    }
    // An error each time the reason changes (a new reason is news: the agent now refuses another
    // device's credentials, the port appeared but answers wrong); the same reason again at debug.
    log_status(NUTPP_LOG_ERROR, "open failed", st);
    store_.set_data_ok(false);
    // The plugin may have opened half-way; close() lets it release what it took.
    timed_call("close", [&] { plugin_->ops().close(instance_); return 0; });
    forget_close_state();
    return false;
}

void Device::do_poll(uint32_t reasons) {
    if (reasons & NUTPP_WAKE_FD) poll_fds_.swap(fired_);
    fired_.clear();
    const nutpp_status st = timed_call("poll", [&] { return plugin_->ops().poll(instance_, reasons); });
    last_status_ = st;
    poll_fds_.clear();
    if (st == NUTPP_OK) {
        if (failures_ > 0) spdlog::info("device '{}': poll succeeded again after {} failure(s)", cfg_.name, failures_);
        failures_ = 0;
        last_logged_failure_.clear();
        store_.set_data_ok(true);
        return;
    }
    ++failures_;
    log_status(NUTPP_LOG_WARNING, "poll failed (" + std::to_string(failures_) + "/" +
                                      std::to_string(std::max(cfg_.maxretry, 1)) + ")", st);
    if (failures_ >= std::max(cfg_.maxretry, 1)) fail_and_close("too many failed polls");
}

void Device::fail_and_close(const std::string &what) {
    spdlog::error("device '{}': {}; data is stale, reconnecting", cfg_.name, what);
    store_.set_data_ok(false);
    timed_call("close", [&] { plugin_->ops().close(instance_); return 0; });
    forget_close_state();
    phase_ = Phase::Closed;
}

// After close(): the plugin's fds and timers belong to the connection it just dropped (driver.h close).
void Device::forget_close_state() {
    watched_fds_.clear();
    hung_fds_.clear();
    fired_.clear();
    oneshot_.reset();
}

uint32_t Device::wait_until(Clock::time_point deadline) {
    std::vector<pollfd> pfds;
    pfds.push_back({wake_fd_, POLLIN, 0});
    for (const auto &[fd, ev] : watched_fds_) {
        if (hung_fds_.count(fd)) continue; // reported once already; re-armed by watch_fd()
        short e = 0;
        if (ev & NUTPP_FD_READ) e |= POLLIN;
        if (ev & NUTPP_FD_WRITE) e |= POLLOUT;
        pfds.push_back({fd, e, 0});
    }
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    const int timeout = ms <= 0 ? 0 : static_cast<int>(std::min<long long>(ms, 60'000));
    const int n = ::poll(pfds.data(), pfds.size(), timeout);
    uint32_t reasons = 0;
    if (n <= 0) return reasons;
    if (pfds[0].revents) {
        uint64_t v;
        while (read(wake_fd_, &v, sizeof v) > 0) {
        }
    }
    for (size_t i = 1; i < pfds.size(); ++i) {
        const short r = pfds[i].revents;
        if (!r) continue;
        reasons |= NUTPP_WAKE_FD;
        uint32_t ev = 0;
        if (r & POLLIN) ev |= NUTPP_FD_READ;
        if (r & POLLOUT) ev |= NUTPP_FD_WRITE;
        if (r & POLLHUP) ev |= NUTPP_FD_HANGUP;
        if (r & (POLLERR | POLLNVAL)) ev |= NUTPP_FD_ERROR;
        // A hung-up or broken fd stays "ready" forever: report it once, then stop polling it.
        if ((ev & (NUTPP_FD_HANGUP | NUTPP_FD_ERROR)) && hung_fds_.insert(pfds[i].fd).second)
            spdlog::info("device '{}': fd {} reports {}; told the plugin once, not polled again until it watches "
                         "the fd anew", cfg_.name, pfds[i].fd, (ev & NUTPP_FD_HANGUP) ? "hang-up" : "an error");
        auto same = std::find_if(fired_.begin(), fired_.end(), [&](const nutpp_fd_ready &f) { return f.fd == pfds[i].fd; });
        if (same == fired_.end())
            fired_.push_back({pfds[i].fd, ev});
        else
            same->events |= ev;
    }
    return reasons;
}

void Device::submit(const driver_socket::Request &r, Completion done) {
    {
        std::lock_guard lk(pending_mu_);
        pending_.push_back({r, std::move(done)});
    }
    wake();
}

void Device::handle_pending() {
    std::deque<Pending> batch;
    {
        std::lock_guard lk(pending_mu_);
        batch.swap(pending_);
    }
    for (const auto &p : batch) run_command(p.request, p.done);
}

void Device::run_command(const driver_socket::Request &r, const Completion &done) {
    using driver_socket::TrackingResult;
    auto answer = [&](TrackingResult res) {
        if (r.tracking) store_.emit(driver_socket::tracking_line(*r.tracking, res));
        if (done) done(res);
    };
    const bool is_set = r.kind == driver_socket::Request::Kind::Set;
    if (phase_ != Phase::Open || !instance_) {
        spdlog::warn("device '{}': {} {} refused: device not open", cfg_.name, is_set ? "SET" : "INSTCMD", r.name);
        return answer(TrackingResult::Failed);
    }
    if (const auto refused = nut_.check_request(r)) {
        last_status_ = *refused == TrackingResult::Unknown ? NUTPP_E_UNSUPPORTED : NUTPP_E_INVALID_ARG;
        return answer(*refused);
    }
    const nutpp_status st =
        is_set ? timed_call("setvar", [&] { return plugin_->ops().setvar(instance_, r.name.c_str(), r.value->c_str()); })
               : timed_call("instcmd", [&] {
                     return plugin_->ops().instcmd(instance_, r.name.c_str(), r.value ? r.value->c_str() : nullptr);
                 });
    last_status_ = st;
    if (st == NUTPP_OK)
        spdlog::info("device '{}': {} {} done", cfg_.name, is_set ? "SET" : "INSTCMD", r.name);
    else
        log_status(NUTPP_LOG_WARNING, std::string(is_set ? "SET " : "INSTCMD ") + r.name + " failed", st);
    answer(status_info(st).tracking);
}

std::string Device::take_error() {
    std::string e;
    e.swap(last_error_);
    return e;
}

void Device::log_status(nutpp_log_level level, const std::string &what, nutpp_status st) {
    const std::string detail = take_error();
    const std::string line = fmt::format("device '{}': {}: {}{}{}", cfg_.name, what, status_info(st).name,
                                         detail.empty() ? "" : ": ", detail);
    // Repeated identical failures (a device that stays unplugged) are logged once, then at debug.
    if (line == last_logged_failure_ && level > NUTPP_LOG_DEBUG) level = NUTPP_LOG_DEBUG;
    last_logged_failure_ = line;
    switch (level) {
    case NUTPP_LOG_ERROR: spdlog::error("{}", line); break;
    case NUTPP_LOG_WARNING: spdlog::warn("{}", line); break;
    case NUTPP_LOG_INFO: spdlog::info("{}", line); break;
    default: spdlog::debug("{}", line); break;
    }
}

// --- Step-by-step driving (device.hpp): the pieces of run(), one call at a time. ----------------------

nutpp_status Device::step_create(const nutpp_host_api *api, nutpp_host_ctx *h) {
    nut_.publish_start();
    in_create_ = true;
    const nutpp_status created =
        timed_call("create", [&] { return plugin_->ops().create(api ? api : &api_, h ? h : ctx_.get(), &instance_); });
    in_create_ = false;
    if (created == NUTPP_OK && instance_) return NUTPP_OK;
    const std::string detail = take_error();
    spdlog::error("device '{}': create failed: {}{}{}", cfg_.name, status_info(created).name, detail.empty() ? "" : ": ",
                  detail);
    store_.set_data_ok(false);
    instance_ = nullptr;
    return created == NUTPP_OK ? NUTPP_E_STATE : created;
}

nutpp_status Device::step_open() {
    if (!instance_ || phase_ == Phase::Open) return NUTPP_E_STATE;
    if (try_open()) return NUTPP_OK;
    phase_ = Phase::Closed;
    return last_status_ == NUTPP_OK ? NUTPP_E_STATE : last_status_;
}

nutpp_status Device::step_poll(uint32_t reasons, std::vector<nutpp_fd_ready> fds) {
    if (!instance_ || phase_ != Phase::Open) return NUTPP_E_STATE;
    fired_ = std::move(fds);
    if (!fired_.empty()) reasons |= NUTPP_WAKE_FD;
    if (reasons & NUTPP_WAKE_DEFERRED) oneshot_.reset(); // as run(): before poll(), which may set the next
    do_poll(reasons);
    return last_status_;
}

nutpp_status Device::step_command(const driver_socket::Request &r, driver_socket::TrackingResult &result) {
    last_status_ = NUTPP_E_STATE;
    run_command(r, [&](driver_socket::TrackingResult res) { result = res; });
    return last_status_;
}

void Device::step_close() {
    if (!instance_ || phase_ != Phase::Open) return;
    timed_call("close", [&] { plugin_->ops().close(instance_); return 0; });
    forget_close_state();
    phase_ = Phase::Closed;
}

void Device::step_destroy() {
    if (!instance_) return;
    step_close();
    timed_call("destroy", [&] { plugin_->ops().destroy(instance_); return 0; });
    instance_ = nullptr;
}

uint32_t Device::step_wait(Clock::time_point deadline, std::vector<nutpp_fd_ready> &fds) {
    fired_.clear();
    uint32_t reasons = 0;
    for (;;) {
        const auto until = oneshot_ ? std::min(deadline, *oneshot_) : deadline;
        if (!poll_requested_) reasons |= wait_until(until);
        if (poll_requested_.exchange(false)) reasons |= NUTPP_WAKE_REQUEST;
        if (oneshot_ && Clock::now() >= *oneshot_) reasons |= NUTPP_WAKE_DEFERRED;
        if (reasons || Clock::now() >= deadline) break;
    }
    fds = fired_;
    return reasons;
}

} // namespace nutpp::host
