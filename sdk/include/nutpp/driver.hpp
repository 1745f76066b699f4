// nutpp/driver.hpp: header-only C++ helper for writing nutpp driver plugins (C++17 or later).
//
// Derive from nutpp::Driver, override what your device needs, and point the descriptor's `ops` at
// nutpp::driver_ops<YourDriver>. The generated thunks catch every exception, so none crosses the C
// ABI: std::bad_alloc becomes NUTPP_E_NO_MEMORY, nutpp::Error its own status, anything else
// NUTPP_E_IO with the exception text passed to set_error().
//
//   class Mine : public nutpp::Driver {
//   public:
//       using Driver::Driver;                       // ctor(const nutpp_host_api*, nutpp_host_ctx*)
//       nutpp_status open() override { ... }
//       nutpp_status poll(uint32_t why) override { host().set("ups.load", 12.5, 1); ... }
//   };
//   extern "C" NUTPP_EXPORT const nutpp_driver_descriptor nutpp_driver_v1 = {
//       ..., /* ops = */ &nutpp::driver_ops<Mine> };
#ifndef NUTPP_DRIVER_HPP
#define NUTPP_DRIVER_HPP

#include <nutpp/driver.h>

#include <cstdint>
#include <exception>
#include <initializer_list>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace nutpp {

// Throw from a driver method to return a specific status with a message.
class Error : public std::runtime_error {
public:
    Error(nutpp_status status, const std::string &what) : std::runtime_error(what), status_(status) {}
    nutpp_status status() const noexcept { return status_; }

private:
    nutpp_status status_;
};

// Thin typed view of the host services for one instance. Copies are cheap (two pointers).
class Host {
public:
    Host(const nutpp_host_api *api, nutpp_host_ctx *ctx) : api_(api), ctx_(ctx) {}

    nutpp_status set(const char *name, const std::string &value) const {
        return api_->set_var(ctx_, name, value.c_str());
    }
    nutpp_status set(const char *name, double value, int decimals) const {
        return api_->set_var_number(ctx_, name, value, decimals);
    }
    nutpp_status remove(const char *name) const { return api_->delete_var(ctx_, name); }

    // Declare a variable; ranges and enum values are copied by the host.
    nutpp_status declare(const char *name, nutpp_type type, bool writable, uint32_t max_length = 0,
                         const std::vector<nutpp_range> &ranges = {},
                         const std::vector<std::string> &enums = {}) const {
        std::vector<const char *> e;
        for (const auto &s : enums) e.push_back(s.c_str());
        e.push_back(nullptr);
        nutpp_var_decl d{};
        d.struct_size = sizeof d;
        d.name = name;
        d.type = type;
        d.flags = writable ? static_cast<uint32_t>(NUTPP_VAR_WRITABLE) : 0u;
        d.max_length = max_length;
        d.ranges = ranges.empty() ? nullptr : ranges.data();
        d.range_count = static_cast<uint32_t>(ranges.size());
        d.enum_values = enums.empty() ? nullptr : e.data();
        return api_->declare_var(ctx_, &d);
    }
    nutpp_status command(const char *name, bool takes_arg = false) const {
        nutpp_cmd_decl d{};
        d.struct_size = sizeof d;
        d.name = name;
        d.flags = takes_arg ? static_cast<uint32_t>(NUTPP_CMD_TAKES_ARG) : 0u;
        return api_->declare_cmd(ctx_, &d);
    }
    // Replace ups.status (and ups.alarm, empty = none) in one batch.
    void status(std::initializer_list<const char *> tokens, const std::string &alarm = {}) const {
        std::vector<std::string> v;
        for (const char *t : tokens) v.emplace_back(t);
        status(v, alarm);
    }
    void status(const std::vector<std::string> &tokens, const std::string &alarm = {}) const {
        api_->status_begin(ctx_);
        for (const auto &t : tokens) api_->status_set(ctx_, t.c_str());
        if (!alarm.empty()) api_->alarm_set(ctx_, alarm.c_str());
        api_->status_commit(ctx_);
    }
    void data_ok() const { api_->report_data_ok(ctx_); }
    void data_stale(const std::string &why) const { api_->report_data_stale(ctx_, why.c_str()); }

    std::optional<std::string> config(const char *key) const {
        const char *v = api_->config_get(ctx_, key);
        return v ? std::optional<std::string>(v) : std::nullopt;
    }
    std::string config_or(const char *key, const std::string &fallback) const {
        return config(key).value_or(fallback);
    }
    std::optional<double> config_number(const char *key) const {
        double d = 0;
        return api_->config_get_number(ctx_, key, &d) == NUTPP_OK ? std::optional<double>(d)
                                                                  : std::nullopt;
    }

    void poll_interval_ms(uint32_t ms) const { api_->set_poll_interval(ctx_, ms); }
    // The poll interval in effect (v1.2 get_poll_interval). On an older host, which cannot say, the
    // device's own `pollinterval` key if set, else NUT's default of 2 s (a global pollinterval is
    // invisible there).
    uint32_t poll_interval() const {
        if (NUTPP_HOST_HAS(api_, get_poll_interval)) {
            if (const uint32_t ms = api_->get_poll_interval(ctx_)) return ms;
        }
        if (auto s = config_number("pollinterval"); s && *s >= 0.01 && *s <= 86400.0)
            return static_cast<uint32_t>(*s * 1000.0 + 0.5);
        return 2000;
    }
    // One poll() with NUTPP_WAKE_DEFERRED in `ms` (v1.2 request_poll_after). False on an older host:
    // the caller falls back to shortening the interval with poll_interval_ms().
    bool poll_after(uint32_t ms) const {
        if (!NUTPP_HOST_HAS(api_, request_poll_after)) return false;
        api_->request_poll_after(ctx_, ms);
        return true;
    }
    // The fds that woke this poll() (v1.2 ready_fds). Empty on an older host: check every watched fd.
    std::vector<nutpp_fd_ready> ready_fds() const {
        std::vector<nutpp_fd_ready> out;
        if (!NUTPP_HOST_HAS(api_, ready_fds)) return out;
        // The list is fixed for the duration of one poll(), so a count then a copy is enough.
        const uint32_t n = api_->ready_fds(ctx_, nullptr, 0);
        out.resize(n);
        if (n) {
            const uint32_t got = api_->ready_fds(ctx_, out.data(), n);
            if (got < n) out.resize(got);
        }
        return out;
    }
    nutpp_status watch(int fd, uint32_t events = NUTPP_FD_READ) const {
        return api_->watch_fd(ctx_, fd, events);
    }
    nutpp_status unwatch(int fd) const { return api_->unwatch_fd(ctx_, fd); }
    void request_poll() const { api_->request_poll(ctx_); }

    void log(nutpp_log_level level, const std::string &msg) const { api_->log(ctx_, level, msg.c_str()); }
    void debug(const std::string &m) const { log(NUTPP_LOG_DEBUG, m); }
    void info(const std::string &m) const { log(NUTPP_LOG_INFO, m); }
    void warn(const std::string &m) const { log(NUTPP_LOG_WARNING, m); }
    void error(const std::string &m) const { log(NUTPP_LOG_ERROR, m); }

    // Attach `msg` to the status being returned and return it: `return host().fail(NUTPP_E_IO, "...")`.
    nutpp_status fail(nutpp_status s, const std::string &msg) const {
        api_->set_error(ctx_, msg.c_str());
        return s;
    }

    // A host extension by id (NULL when the host does not offer it, or is older than get_extension).
    const void *extension(const char *id) const {
        return NUTPP_HOST_HAS(api_, get_extension) ? api_->get_extension(ctx_, id) : nullptr;
    }
    // Running for `upsdrvd -k` (NUTPP_HOST_EXT_SHUTDOWN_RUN): shutdown commands only.
    bool shutdown_run() const { return extension(NUTPP_HOST_EXT_SHUTDOWN_RUN) != nullptr; }

    const nutpp_host_api *api() const { return api_; }
    nutpp_host_ctx *ctx() const { return ctx_; }

private:
    const nutpp_host_api *api_;
    nutpp_host_ctx *ctx_;
};

// Base class for a driver instance. The constructor runs inside create(): no I/O there.
class Driver {
public:
    Driver(const nutpp_host_api *api, nutpp_host_ctx *ctx) : host_(api, ctx) {}
    virtual ~Driver() = default;
    Driver(const Driver &) = delete;
    Driver &operator=(const Driver &) = delete;

    virtual nutpp_status open() = 0;
    virtual nutpp_status poll(uint32_t wake_reasons) = 0;
    virtual nutpp_status instcmd(const char *cmd, const char *arg) {
        (void)arg;
        return host_.fail(NUTPP_E_UNSUPPORTED, std::string("unsupported command ") + cmd);
    }
    virtual nutpp_status setvar(const char *name, const char *value) {
        (void)value;
        return host_.fail(NUTPP_E_UNSUPPORTED, std::string("variable not writable: ") + name);
    }
    virtual void close() {}
    virtual const void *extension(const char *id) {
        (void)id;
        return nullptr;
    }

    const Host &host() const { return host_; }

private:
    Host host_;
};

namespace detail {

template <class D> D *self(nutpp_instance *p) { return reinterpret_cast<D *>(p); }

// Runs f() and turns any exception into a status (the no-exceptions-across-the-ABI rule).
template <class F> nutpp_status guard(const Host *host, F &&f) noexcept {
    try {
        return f();
    } catch (const Error &e) {
        if (host) host->fail(e.status(), e.what());
        return e.status();
    } catch (const std::bad_alloc &) {
        return NUTPP_E_NO_MEMORY;
    } catch (const std::exception &e) {
        if (host) host->fail(NUTPP_E_IO, e.what());
        return NUTPP_E_IO;
    } catch (...) {
        if (host) host->fail(NUTPP_E_IO, "unknown C++ exception");
        return NUTPP_E_IO;
    }
}

template <class D> struct Thunks {
    static nutpp_status create(const nutpp_host_api *api, nutpp_host_ctx *h, nutpp_instance **out) {
        Host host(api, h);
        return guard(&host, [&] {
            *out = reinterpret_cast<nutpp_instance *>(static_cast<Driver *>(new D(api, h)));
            return NUTPP_OK;
        });
    }
    static Driver *base(nutpp_instance *p) { return reinterpret_cast<Driver *>(p); }
    static nutpp_status open(nutpp_instance *p) {
        return guard(&base(p)->host(), [&] { return base(p)->open(); });
    }
    static nutpp_status poll(nutpp_instance *p, uint32_t why) {
        return guard(&base(p)->host(), [&] { return base(p)->poll(why); });
    }
    static nutpp_status instcmd(nutpp_instance *p, const char *cmd, const char *arg) {
        return guard(&base(p)->host(), [&] { return base(p)->instcmd(cmd, arg); });
    }
    static nutpp_status setvar(nutpp_instance *p, const char *name, const char *value) {
        return guard(&base(p)->host(), [&] { return base(p)->setvar(name, value); });
    }
    static void close(nutpp_instance *p) {
        guard(&base(p)->host(), [&] {
            base(p)->close();
            return NUTPP_OK;
        });
    }
    static void destroy(nutpp_instance *p) { delete base(p); } // destructors must not throw
    static const void *extension(nutpp_instance *p, const char *id) {
        try {
            return base(p)->extension(id);
        } catch (...) {
            return nullptr;
        }
    }
};

} // namespace detail

// The ops table for driver class D, to put in the descriptor's `ops` field.
template <class D>
inline constexpr nutpp_driver_ops driver_ops = {
    sizeof(nutpp_driver_ops),     detail::Thunks<D>::create,  detail::Thunks<D>::open,
    detail::Thunks<D>::poll,      detail::Thunks<D>::instcmd, detail::Thunks<D>::setvar,
    detail::Thunks<D>::close,     detail::Thunks<D>::destroy, detail::Thunks<D>::extension,
};

} // namespace nutpp

#endif // NUTPP_DRIVER_HPP
