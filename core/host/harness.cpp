#include "host/harness.hpp"

#include "config/config.hpp"
#include "host/host_api.hpp"
#include "host/nut_names.hpp"
#include "store/var_store.hpp"

#include <fmt/format.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstring>

namespace nutpp::host {

nutpp_host_api make_observed_api(); // harness_api.cpp

namespace {

thread_local Harness *t_stepping = nullptr; // the Harness whose step runs on this thread

// The host's lines go to the Harness stepping on this thread (they are about its device); others
// (another thread, between steps) to stderr from warnings up, so nothing important is lost.
class CaptureSink final : public spdlog::sinks::base_sink<std::mutex> {
protected:
    void sink_it_(const spdlog::details::log_msg &msg) override {
        const std::string text(msg.payload.data(), msg.payload.size());
        const int32_t level = msg.level >= spdlog::level::err    ? NUTPP_LOG_ERROR
                              : msg.level >= spdlog::level::warn ? NUTPP_LOG_WARNING
                              : msg.level >= spdlog::level::info ? NUTPP_LOG_INFO
                                                                 : NUTPP_LOG_DEBUG;
        if (Harness *h = t_stepping) {
            h->host_log(level, text);
        } else if (level >= NUTPP_LOG_WARNING) {
            std::fprintf(stderr, "nutpp host: %s\n", text.c_str());
        }
    }
    void flush_() override {}
};

// A config value as a YAML double-quoted scalar: the test host builds a real config file's text,
// so the config loader (and its error messages) are the ones upsdrvd uses.
std::string yaml_quote(const std::string &v) {
    std::string out = "\"";
    for (const char c : v) {
        if (c == '"' || c == '\\') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out + '"';
}

const char *op_name(const char *op) { return op; }

} // namespace

void capture_host_logs() {
    static std::once_flag once;
    std::call_once(once, [] {
        auto logger = std::make_shared<spdlog::logger>("nutpp-harness", std::make_shared<CaptureSink>());
        logger->set_level(spdlog::level::debug);
        spdlog::set_default_logger(logger);
    });
}

Harness::Harness(std::shared_ptr<Plugin> plugin, std::string device_name)
    : plugin_(std::move(plugin)), name_(std::move(device_name)) {
    capture_host_logs();
    ctx_.harness = this;
    api_ = make_observed_api();
}

Harness::~Harness() {
    destroy();
    release_plugin();
}

void Harness::release_plugin() {
    if (!acquired_) return;
    destroy();
    Harness *const previous = t_stepping;
    t_stepping = this;
    acquired_ = false;
    plugin_->release();
    t_stepping = previous;
}

void Harness::config(const std::string &key, std::optional<std::string> value) {
    for (auto &kv : config_)
        if (kv.first == key) {
            kv.second = std::move(value);
            return;
        }
    config_.emplace_back(key, std::move(value));
}

template <class F> auto Harness::step(const char *op, F &&f) {
    Harness *const previous = t_stepping;
    t_stepping = this;
    op_error_.clear();
    error_.clear();
    const auto started = Device::Clock::now();
    auto result = f();
    last_call_ = std::chrono::duration_cast<std::chrono::milliseconds>(Device::Clock::now() - started);
    t_stepping = previous;
    const auto budget = budget_.count() > 0
                            ? budget_
                            : std::chrono::milliseconds(static_cast<long long>(device_->config().poll_timeout * 1000));
    if (last_call_ > budget)
        breach(fmt::format("{}() took {:.2f} s, more than the budget of {:.2f} s: a call must return quickly (use "
                           "timeouts, or watch_fd() instead of waiting)",
                           op_name(op), double(last_call_.count()) / 1000, double(budget.count()) / 1000));
    after_step(op);
    return result;
}

void Harness::after_step(const char *op) {
    if (!device_) return;
    if (!device_->step_is_open()) {
        // The Device has called close() (asked for, after a failed open(), or after failed polls):
        // every fd the plugin watched had to be unwatched by then.
        std::set<int> left;
        {
            std::lock_guard lk(mu_);
            left.swap(watched_);
        }
        for (int fd : left)
            breach(fmt::format("fd {} is still watched after close() (during {}): unwatch every fd in close() at "
                               "the latest, before closing it",
                               fd, op));
    }
    if (phase_ == Phase::Destroyed) return;
    if (!device_->step_has_instance())
        phase_ = Phase::Destroyed;
    else if (device_->step_is_open())
        phase_ = Phase::Open;
    else if (phase_ == Phase::Open)
        phase_ = Phase::Closed;
}

nutpp_status Harness::create() {
    error_.clear();
    if (phase_ != Phase::New) {
        error_ = "create() was already called";
        return NUTPP_E_STATE;
    }
    bool has_port = false;
    std::string yaml = "devices:\n  " + name_ + ":\n    driver: " + yaml_quote(plugin_->name()) + "\n";
    for (const auto &[key, value] : config_) {
        has_port |= key == "port";
        yaml += "    " + key + ":" + (value ? " " + yaml_quote(*value) : "") + "\n";
    }
    if (!has_port) yaml += "    port: none\n"; // every device needs one (NUT); most tests do not care
    try {
        const auto cfg = config::load_string(yaml, "test-host-config");
        const config::DeviceConfig &dc = cfg.devices.at(0);
        config::check_driver_keys(dc, plugin_->name(), plugin_->key_specs());
        plugin_->acquire();
        acquired_ = true;
        device_ = std::make_unique<Device>(dc, plugin_, store::VarStore::Notify{});
    } catch (const config::ConfigError &e) {
        error_ = std::string("device config refused: ") + e.what();
        phase_ = Phase::Destroyed;
        return NUTPP_E_CONFIG;
    } catch (const std::exception &e) {
        error_ = e.what();
        phase_ = Phase::Destroyed;
        return NUTPP_E_STATE;
    }
    ctx_.base.device = device_.get();
    const nutpp_status st = step("create", [&] { return device_->step_create(&api_, &ctx_.base); });
    phase_ = st == NUTPP_OK ? Phase::Created : Phase::Destroyed;
    return st;
}

nutpp_status Harness::open() {
    if (phase_ != Phase::Created && phase_ != Phase::Closed) {
        error_ = "open() needs a created, not open instance";
        return NUTPP_E_STATE;
    }
    return step("open", [&] { return device_->step_open(); });
}

nutpp_status Harness::poll(uint32_t reasons, std::vector<nutpp_fd_ready> fds) {
    if (phase_ != Phase::Open) {
        error_ = "poll() needs an open device";
        return NUTPP_E_STATE;
    }
    device_->step_take_poll_request(); // this poll answers any request made before it
    return step("poll", [&] { return device_->step_poll(reasons, std::move(fds)); });
}

nutpp_status Harness::run(std::chrono::milliseconds timeout, uint32_t *reasons) {
    if (reasons) *reasons = 0;
    if (phase_ != Phase::Open) {
        error_ = "run() needs an open device";
        return NUTPP_E_STATE;
    }
    std::vector<nutpp_fd_ready> fds;
    const uint32_t seen = device_->step_wait(Device::Clock::now() + timeout, fds);
    if (reasons) *reasons = seen;
    if (!seen) return NUTPP_OK;
    return poll(seen, std::move(fds));
}

nutpp_status Harness::instcmd(const std::string &cmd, const char *arg) {
    if (phase_ != Phase::Open) {
        error_ = "instcmd() needs an open device";
        return NUTPP_E_STATE;
    }
    driver_socket::Request r;
    r.kind = driver_socket::Request::Kind::InstCmd;
    r.name = cmd;
    if (arg) r.value = arg;
    driver_socket::TrackingResult result{};
    return step("instcmd", [&] { return device_->step_command(r, result); });
}

nutpp_status Harness::setvar(const std::string &name, const std::string &value) {
    if (phase_ != Phase::Open) {
        error_ = "setvar() needs an open device";
        return NUTPP_E_STATE;
    }
    driver_socket::Request r;
    r.kind = driver_socket::Request::Kind::Set;
    r.name = name;
    r.value = value;
    driver_socket::TrackingResult result{};
    return step("setvar", [&] { return device_->step_command(r, result); });
}

void Harness::close() {
    if (phase_ == Phase::Open) step("close", [&] { device_->step_close(); return 0; });
}

void Harness::destroy() {
    if (!device_ || !device_->step_has_instance()) return;
    step("destroy", [&] { device_->step_destroy(); return 0; });
    phase_ = Phase::Destroyed;
}

std::optional<Harness::Declared> Harness::declared(const std::string &name) const {
    std::lock_guard lk(mu_);
    auto it = declared_.find(name);
    if (it == declared_.end()) return std::nullopt;
    return it->second;
}

std::vector<Harness::LogLine> Harness::logs() const {
    std::lock_guard lk(mu_);
    return logs_;
}

void Harness::clear_logs() {
    std::lock_guard lk(mu_);
    logs_.clear();
}

std::vector<std::string> Harness::breaches() const {
    std::lock_guard lk(mu_);
    return breaches_;
}

int64_t Harness::deferred_ms() const {
    if (!device_) return -1;
    const auto d = device_->step_deferred();
    if (!d) return -1;
    return std::max<int64_t>(0, std::chrono::duration_cast<std::chrono::milliseconds>(*d - Device::Clock::now()).count());
}

void Harness::host_log(int32_t level, std::string text) {
    std::lock_guard lk(mu_);
    logs_.push_back({level, std::move(text), false});
}

void Harness::breach(std::string text) {
    std::lock_guard lk(mu_);
    if (breach_seen_.insert(text).second) breaches_.push_back(std::move(text));
}

bool Harness::service_allowed(const char *fn, bool any_thread) {
    if (phase_ == Phase::Destroyed && device_ && !device_->step_has_instance()) {
        breach(fmt::format("{}() was called after destroy() (or a failed create()) returned: the host and its handle are "
                           "gone by then",
                           fn));
        return false;
    }
    if (!any_thread && CurrentDevice::get() != device_.get())
        breach(fmt::format("{}() was called outside a call of this instance (from another thread, or after the op "
                           "returned): only log, request_poll, config_get(_number) and get_extension may be",
                           fn));
    return true;
}

void Harness::check_var_name(const char *name) {
    if (!name) return;
    const std::string n = name;
    if (is_nut_variable(n) || is_experimental_name(n)) return;
    if (const char *const *list = plugin_->descriptor().variables)
        for (; *list; ++list)
            if (common::iequals(*list, n)) return; // a declared extension
    breach(fmt::format("variable '{}' is not a NUT variable name (NUT's cmdvartab): use NUT's name, or list it in "
                       "the descriptor's `variables` as an extension, or name it experimental.*",
                       n));
}

void Harness::check_value(const char *name, const char *value) {
    if (!name || !value) return;
    const size_t len = std::strlen(value);
    if (len > store::kMaxValueLength) {
        breach(fmt::format("value of '{}' is {} bytes long, over NUT's limit of {}: the host refuses it", name, len,
                           store::kMaxValueLength));
        return;
    }
    std::lock_guard lk(mu_);
    auto it = declared_.find(name);
    if (it != declared_.end() && it->second.type == NUTPP_TYPE_STRING && it->second.max_length &&
        len > it->second.max_length)
        breach(fmt::format("value of '{}' is {} bytes long, over the max_length {} its declaration gives", name, len,
                           it->second.max_length));
}

void Harness::check_status_tokens(const char *tokens) {
    if (!tokens) return;
    for (const auto &t : common::split_ws(tokens))
        if (!is_nut_status_token(t))
            breach(fmt::format("status token '{}' is not one NUT defines (OL OB LB HB RB CHRG DISCHRG BYPASS CAL OFF "
                               "OVER TRIM BOOST FSD TEST; ALARM comes from alarm_set()): clients will not understand it",
                               t));
}

} // namespace nutpp::host
