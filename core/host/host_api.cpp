// Host services for plugins: C thunks (no exception may escape into plugin code) and their Device
// implementations. Everything a plugin hands us is copied before returning (driver.h ownership rules).
#include "host/host_api.hpp"

#include "common/strings.hpp"
#include "host/device.hpp"

#include <spdlog/spdlog.h>

#include <cmath>
#include <cstring>

namespace nutpp::host {

namespace {

// Runs f, converting any C++ exception into a status (and a log line) so none reaches the plugin.
template <class R, class F> R guarded(nutpp_host_ctx *h, R on_error, F &&f) noexcept {
    if (!h || !h->device) return on_error;
    try {
        return f(*h->device);
    } catch (const std::bad_alloc &) {
        return static_cast<R>(on_error);
    } catch (const std::exception &e) {
        try {
            spdlog::error("host service failed: {}", e.what());
        } catch (...) {
        }
        return on_error;
    }
}

template <class F> void guarded_void(nutpp_host_ctx *h, F &&f) noexcept {
    guarded(h, 0, [&](Device &d) {
        f(d);
        return 0;
    });
}

thread_local Device *t_current_device = nullptr;

bool valid_name(const char *s) { return s && *s && std::strlen(s) < 256 && !std::strpbrk(s, " \t\r\n\"\\"); }

} // namespace

CurrentDevice::CurrentDevice(Device *d) : previous_(t_current_device) { t_current_device = d; }
CurrentDevice::~CurrentDevice() { t_current_device = previous_; }
Device *CurrentDevice::get() { return t_current_device; }

std::unique_ptr<nutpp_host_ctx> make_host_ctx(Device *d) { return std::make_unique<nutpp_host_ctx>(nutpp_host_ctx{d}); }

nutpp_host_api make_host_api() {
    nutpp_host_api a{};
    a.struct_size = sizeof a;
    a.abi_major = NUTPP_ABI_MAJOR;
    a.abi_minor = NUTPP_ABI_MINOR;
    a.set_var = [](nutpp_host_ctx *h, const char *n, const char *v) {
        return guarded(h, NUTPP_E_NO_MEMORY, [&](Device &d) { return d.api_set_var(n, v); });
    };
    a.set_var_number = [](nutpp_host_ctx *h, const char *n, double v, int dec) {
        return guarded(h, NUTPP_E_NO_MEMORY, [&](Device &d) { return d.api_set_var_number(n, v, dec); });
    };
    a.delete_var = [](nutpp_host_ctx *h, const char *n) {
        return guarded(h, NUTPP_E_NO_MEMORY, [&](Device &d) { return d.api_delete_var(n); });
    };
    a.declare_var = [](nutpp_host_ctx *h, const nutpp_var_decl *decl) {
        return guarded(h, NUTPP_E_NO_MEMORY, [&](Device &d) { return d.api_declare_var(decl); });
    };
    a.declare_cmd = [](nutpp_host_ctx *h, const nutpp_cmd_decl *decl) {
        return guarded(h, NUTPP_E_NO_MEMORY, [&](Device &d) { return d.api_declare_cmd(decl); });
    };
    a.remove_cmd = [](nutpp_host_ctx *h, const char *n) {
        return guarded(h, NUTPP_E_NO_MEMORY, [&](Device &d) { return d.api_remove_cmd(n); });
    };
    a.status_begin = [](nutpp_host_ctx *h) { guarded_void(h, [](Device &d) { d.api_status_begin(); }); };
    a.status_set = [](nutpp_host_ctx *h, const char *t) { guarded_void(h, [&](Device &d) { d.api_status_set(t); }); };
    a.alarm_set = [](nutpp_host_ctx *h, const char *t) { guarded_void(h, [&](Device &d) { d.api_alarm_set(t); }); };
    a.status_commit = [](nutpp_host_ctx *h) { guarded_void(h, [](Device &d) { d.api_status_commit(); }); };
    a.report_data_ok = [](nutpp_host_ctx *h) { guarded_void(h, [](Device &d) { d.api_report_data_ok(); }); };
    a.report_data_stale = [](nutpp_host_ctx *h, const char *why) {
        guarded_void(h, [&](Device &d) { d.api_report_data_stale(why); });
    };
    a.config_get = [](nutpp_host_ctx *h, const char *k) {
        return guarded(h, static_cast<const char *>(nullptr), [&](Device &d) { return d.api_config_get(k); });
    };
    a.config_get_number = [](nutpp_host_ctx *h, const char *k, double *out) {
        return guarded(h, NUTPP_E_NO_MEMORY, [&](Device &d) { return d.api_config_get_number(k, out); });
    };
    a.set_poll_interval = [](nutpp_host_ctx *h, uint32_t ms) {
        guarded_void(h, [&](Device &d) { d.api_set_poll_interval(ms); });
    };
    a.watch_fd = [](nutpp_host_ctx *h, int fd, uint32_t ev) {
        return guarded(h, NUTPP_E_NO_MEMORY, [&](Device &d) { return d.api_watch_fd(fd, ev); });
    };
    a.unwatch_fd = [](nutpp_host_ctx *h, int fd) {
        return guarded(h, NUTPP_E_NO_MEMORY, [&](Device &d) { return d.api_unwatch_fd(fd); });
    };
    a.request_poll = [](nutpp_host_ctx *h) { guarded_void(h, [](Device &d) { d.api_request_poll(); }); };
    a.log = [](nutpp_host_ctx *h, nutpp_log_level lvl, const char *m) {
        guarded_void(h, [&](Device &d) { d.api_log(lvl, m); });
    };
    a.set_error = [](nutpp_host_ctx *h, const char *m) { guarded_void(h, [&](Device &d) { d.api_set_error(m); }); };
    a.get_extension = [](nutpp_host_ctx *h, const char *id) -> const void * {
        return guarded(h, static_cast<const void *>(nullptr), [&](Device &d) { return d.api_get_extension(id); });
    };
    // v1.2
    a.get_poll_interval = [](nutpp_host_ctx *h) {
        return guarded(h, uint32_t{0}, [](Device &d) { return d.api_get_poll_interval(); });
    };
    a.request_poll_after = [](nutpp_host_ctx *h, uint32_t ms) {
        guarded_void(h, [&](Device &d) { d.api_request_poll_after(ms); });
    };
    a.ready_fds = [](nutpp_host_ctx *h, nutpp_fd_ready *out, uint32_t capacity) {
        return guarded(h, uint32_t{0}, [&](Device &d) { return d.api_ready_fds(out, capacity); });
    };
    static_assert(sizeof a == NUTPP_HOST_API_V1_2_SIZE, "a new host service needs its v1.x size macro");
    return a;
}

// ---------------------------------------------------------------------------------------------------

const void *Device::api_get_extension(const char *id) const {
    static const char shutdown_run_marker = 1;
    if (id && shutdown_run_ && std::strcmp(id, NUTPP_HOST_EXT_SHUTDOWN_RUN) == 0) return &shutdown_run_marker;
    return nullptr;
}

bool Device::on_instance_thread(const char *fn, bool allowed_in_create) {
    const bool in_call = CurrentDevice::get() == this;
    if (in_call && (allowed_in_create || !in_create_)) return true;
    // Logged once per service: a plugin that misbehaves in poll() would otherwise flood the log.
    std::lock_guard lk(misuse_mu_);
    if (misuse_logged_.insert(fn).second)
        spdlog::error("device '{}': plugin misbehaving: {}() called {} (ignored; logged once)", cfg_.name, fn,
                      !in_call ? "outside a call of this instance (another thread or another instance's handle)"
                               : "during create()");
    return false;
}

nutpp_status Device::api_set_var(const char *name, const char *value) {
    if (!on_instance_thread("set_var")) return NUTPP_E_STATE;
    if (!valid_name(name) || !value) return NUTPP_E_INVALID_ARG;
    if (std::strlen(value) > store::kMaxValueLength) return NUTPP_E_INVALID_ARG;
    if (common::iequals(name, "ups.status") || common::iequals(name, "ups.alarm")) {
        // Both belong to the status batch; a plain set would bypass ordering and ignorelb.
        if (common::iequals(name, "ups.alarm")) {
            if (*value) store_.set("ups.alarm", value); else store_.erase("ups.alarm");
            return NUTPP_OK;
        }
        status_.begin();
        status_.set(value);
        api_status_commit();
        return NUTPP_OK;
    }
    nut_.plugin_set(name, value);
    return NUTPP_OK;
}

nutpp_status Device::api_set_var_number(const char *name, double v, int decimals) {
    const auto s = store::format_number(v, decimals);
    return s ? api_set_var(name, s->c_str()) : NUTPP_E_INVALID_ARG;
}

nutpp_status Device::api_delete_var(const char *name) {
    if (!on_instance_thread("delete_var")) return NUTPP_E_STATE;
    if (!valid_name(name)) return NUTPP_E_INVALID_ARG;
    return store_.erase(name) ? NUTPP_OK : NUTPP_E_INVALID_ARG;
}

nutpp_status Device::api_declare_var(const nutpp_var_decl *d) {
    if (!on_instance_thread("declare_var")) return NUTPP_E_STATE;
    constexpr size_t v10 = offsetof(nutpp_var_decl, enum_values) + sizeof(void *);
    if (!d || d->struct_size < v10 || !valid_name(d->name)) return NUTPP_E_INVALID_ARG;
    store::Declaration decl;
    decl.name = d->name;
    if (d->flags & NUTPP_VAR_WRITABLE) decl.flags |= store::FLAG_RW;
    switch (d->type) { // an int32_t holding a nutpp_type: unknown values are rejected (driver.h)
    case NUTPP_TYPE_STRING:
        decl.flags |= store::FLAG_STRING;
        decl.aux = d->max_length ? d->max_length : store::kMaxValueLength;
        break;
    case NUTPP_TYPE_NUMBER:
    case NUTPP_TYPE_INTEGER: decl.flags |= store::FLAG_NUMBER; break;
    case NUTPP_TYPE_BOOL: decl.ranges.push_back({0, 1}); break;
    case NUTPP_TYPE_ENUM: break; // the enum list alone constrains it, as NUT does
    default:
        last_error_ = fmt::format("declare_var({}): unknown type {}", d->name, d->type);
        return NUTPP_E_INVALID_ARG;
    }
    if (d->ranges)
        for (uint32_t i = 0; i < d->range_count; ++i) decl.ranges.push_back({d->ranges[i].min, d->ranges[i].max});
    if (d->enum_values)
        for (const char *const *e = d->enum_values; *e; ++e) decl.enums.emplace_back(*e);
    store_.declare(decl);
    return NUTPP_OK;
}

nutpp_status Device::api_declare_cmd(const nutpp_cmd_decl *d) {
    if (!on_instance_thread("declare_cmd")) return NUTPP_E_STATE;
    constexpr size_t v10 = offsetof(nutpp_cmd_decl, flags) + sizeof(uint32_t);
    if (!d || d->struct_size < v10 || !valid_name(d->name)) return NUTPP_E_INVALID_ARG;
    store_.add_cmd(d->name);
    return NUTPP_OK;
}

nutpp_status Device::api_remove_cmd(const char *name) {
    if (!on_instance_thread("remove_cmd")) return NUTPP_E_STATE;
    if (!valid_name(name)) return NUTPP_E_INVALID_ARG;
    return store_.del_cmd(name) ? NUTPP_OK : NUTPP_E_INVALID_ARG;
}

void Device::api_status_begin() {
    if (on_instance_thread("status_begin")) status_.begin();
}
void Device::api_status_set(const char *token) {
    if (on_instance_thread("status_set") && token) status_.set(token);
}
void Device::api_alarm_set(const char *text) {
    if (on_instance_thread("alarm_set") && text) status_.alarm(text);
}

void Device::api_status_commit() {
    if (!on_instance_thread("status_commit")) return;
    auto num = [&](const char *var) -> std::optional<double> {
        double d;
        auto v = store_.value(var);
        return v && common::parse_double(*v, d) ? std::optional<double>(d) : std::nullopt;
    };
    store::LowBatteryInputs lb{num("battery.charge"), num("battery.charge.low"), num("battery.runtime"),
                               num("battery.runtime.low")};
    const auto r = status_.commit(cfg_.ignorelb, lb);
    store_.set("ups.status", r.status);
    if (r.alarm)
        store_.set("ups.alarm", *r.alarm);
    else
        store_.erase("ups.alarm");
}

void Device::api_report_data_ok() {
    if (on_instance_thread("report_data_ok")) store_.set_data_ok(true);
}

void Device::api_report_data_stale(const char *why) {
    if (!on_instance_thread("report_data_stale")) return;
    spdlog::warn("device '{}': data stale: {}", cfg_.name, why ? why : "reported by plugin");
    store_.set_data_ok(false);
}

const char *Device::api_config_get(const char *key) const {
    return key ? nut_.config_value(key) : nullptr;
}

nutpp_status Device::api_config_get_number(const char *key, double *out) const {
    const char *v = api_config_get(key);
    if (!v || !out) return NUTPP_E_INVALID_ARG;
    return common::parse_double(v, *out) ? NUTPP_OK : NUTPP_E_CONVERSION;
}

void Device::api_set_poll_interval(uint32_t ms) {
    if (on_instance_thread("set_poll_interval")) poll_interval_ = std::chrono::milliseconds(std::max<uint32_t>(ms, 10));
}

nutpp_status Device::api_watch_fd(int fd, uint32_t events) {
    if (!on_instance_thread("watch_fd")) return NUTPP_E_STATE;
    if (fd < 0 || !(events & (NUTPP_FD_READ | NUTPP_FD_WRITE))) return NUTPP_E_INVALID_ARG;
    watched_fds_[fd] = events;
    hung_fds_.erase(fd); // re-arms an fd the host stopped watching after a hangup (driver.h ready_fds)
    return NUTPP_OK;
}

nutpp_status Device::api_unwatch_fd(int fd) {
    if (!on_instance_thread("unwatch_fd")) return NUTPP_E_STATE;
    hung_fds_.erase(fd);
    return watched_fds_.erase(fd) ? NUTPP_OK : NUTPP_E_INVALID_ARG;
}

void Device::api_request_poll() {
    poll_requested_ = true;
    wake();
}

void Device::api_log(nutpp_log_level level, const char *message) {
    if (!message) return;
    // A plugin logging in a loop must not fill the disk or drown the other devices' lines.
    uint64_t dropped = 0;
    if (!log_limit_.allow(dropped)) return;
    if (dropped)
        spdlog::warn("device '{}': {} log line(s) of the plugin suppressed (more than {} per second)", cfg_.name,
                     dropped, kLogLinesPerSecond);
    switch (static_cast<int32_t>(level)) {
    case NUTPP_LOG_ERROR: spdlog::error("device '{}': {}", cfg_.name, message); break;
    case NUTPP_LOG_WARNING: spdlog::warn("device '{}': {}", cfg_.name, message); break;
    case NUTPP_LOG_INFO: spdlog::info("device '{}': {}", cfg_.name, message); break;
    case NUTPP_LOG_DEBUG: spdlog::debug("device '{}': {}", cfg_.name, message); break;
    default: // a level from a newer plugin: never lose the line (driver.h UNKNOWN VALUES)
        spdlog::error("device '{}': (unknown level {}) {}", cfg_.name, static_cast<int32_t>(level), message);
        break;
    }
}

void Device::api_set_error(const char *message) {
    // Allowed during create() too; only meaningful inside the op that returns the status.
    if (!on_instance_thread("set_error", true)) return;
    last_error_ = message ? message : "";
}

uint32_t Device::api_get_poll_interval() {
    if (!on_instance_thread("get_poll_interval", true)) return 0;
    return static_cast<uint32_t>(poll_interval_.count());
}

void Device::api_request_poll_after(uint32_t ms) {
    if (on_instance_thread("request_poll_after")) oneshot_ = Clock::now() + std::chrono::milliseconds(ms);
}

uint32_t Device::api_ready_fds(nutpp_fd_ready *out, uint32_t capacity) {
    if (!on_instance_thread("ready_fds")) return 0;
    const auto n = static_cast<uint32_t>(poll_fds_.size());
    if (out)
        for (uint32_t i = 0; i < n && i < capacity; ++i) out[i] = poll_fds_[i];
    return n;
}

} // namespace nutpp::host
