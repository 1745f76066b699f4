// The table of host services a Harness hands its plugin: each call is recorded and checked against
// the contract (driver.h THREADING, NUT names, lengths), then forwarded to the Device's own service,
// so the plugin gets exactly the answers upsdrvd gives. No exception may reach plugin code.
#include "host/harness.hpp"

#include "host/host_api.hpp"
#include "host/nut_names.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace nutpp::host {

struct ObservedApi {
    static Harness *of(nutpp_host_ctx *h) { return h ? reinterpret_cast<Harness::ObservedCtx *>(h)->harness : nullptr; }
    static const nutpp_host_api &real(Harness &x) { return x.device_->host_api_table(); }

    // Runs `f(harness)` unless the call comes after destroy(); `dead` is the answer then.
    template <class R, class F> static R call(nutpp_host_ctx *h, const char *fn, bool any_thread, R dead, F &&f) noexcept {
        Harness *x = of(h);
        if (!x || !x->device_) return dead;
        try {
            if (!x->service_allowed(fn, any_thread)) return dead;
            return f(*x);
        } catch (...) {
            return dead;
        }
    }

    static nutpp_host_api make() {
        nutpp_host_api a{};
        a.struct_size = sizeof a;
        a.abi_major = NUTPP_ABI_MAJOR;
        a.abi_minor = NUTPP_ABI_MINOR;
        a.set_var = [](nutpp_host_ctx *h, const char *n, const char *v) {
            return call(h, "set_var", false, NUTPP_E_STATE, [&](Harness &x) {
                x.check_var_name(n);
                x.check_value(n, v);
                if (n && v && common::iequals(n, "ups.status")) x.check_status_tokens(v);
                return real(x).set_var(h, n, v);
            });
        };
        a.set_var_number = [](nutpp_host_ctx *h, const char *n, double v, int dec) {
            return call(h, "set_var_number", false, NUTPP_E_STATE, [&](Harness &x) {
                x.check_var_name(n);
                return real(x).set_var_number(h, n, v, dec);
            });
        };
        a.delete_var = [](nutpp_host_ctx *h, const char *n) {
            return call(h, "delete_var", false, NUTPP_E_STATE, [&](Harness &x) { return real(x).delete_var(h, n); });
        };
        a.declare_var = [](nutpp_host_ctx *h, const nutpp_var_decl *d) {
            return call(h, "declare_var", false, NUTPP_E_STATE, [&](Harness &x) {
                const nutpp_status st = real(x).declare_var(h, d);
                if (st == NUTPP_OK && d && d->name) {
                    x.check_var_name(d->name);
                    std::lock_guard lk(x.mu_);
                    x.declared_[d->name] = Harness::Declared{d->type, d->flags, d->max_length};
                }
                return st;
            });
        };
        a.declare_cmd = [](nutpp_host_ctx *h, const nutpp_cmd_decl *d) {
            return call(h, "declare_cmd", false, NUTPP_E_STATE, [&](Harness &x) {
                if (d && d->name && !is_nut_command(d->name) && !is_experimental_name(d->name)) {
                    bool listed = false;
                    if (const char *const *list = x.plugin_->descriptor().commands)
                        for (; *list && !listed; ++list) listed = common::iequals(*list, d->name);
                    if (!listed)
                        x.breach(fmt::format("command '{}' is not a NUT instant command (NUT's cmdvartab): use NUT's "
                                             "name, or list it in the descriptor's `commands` as an extension",
                                             d->name));
                }
                return real(x).declare_cmd(h, d);
            });
        };
        a.remove_cmd = [](nutpp_host_ctx *h, const char *n) {
            return call(h, "remove_cmd", false, NUTPP_E_STATE, [&](Harness &x) { return real(x).remove_cmd(h, n); });
        };
        a.status_begin = [](nutpp_host_ctx *h) {
            call(h, "status_begin", false, 0, [&](Harness &x) { real(x).status_begin(h); return 0; });
        };
        a.status_set = [](nutpp_host_ctx *h, const char *t) {
            call(h, "status_set", false, 0, [&](Harness &x) {
                x.check_status_tokens(t);
                real(x).status_set(h, t);
                return 0;
            });
        };
        a.alarm_set = [](nutpp_host_ctx *h, const char *t) {
            call(h, "alarm_set", false, 0, [&](Harness &x) { real(x).alarm_set(h, t); return 0; });
        };
        a.status_commit = [](nutpp_host_ctx *h) {
            call(h, "status_commit", false, 0, [&](Harness &x) { real(x).status_commit(h); return 0; });
        };
        a.report_data_ok = [](nutpp_host_ctx *h) {
            call(h, "report_data_ok", false, 0, [&](Harness &x) {
                {
                    std::lock_guard lk(x.mu_);
                    ++x.ok_reports_;
                }
                real(x).report_data_ok(h);
                return 0;
            });
        };
        a.report_data_stale = [](nutpp_host_ctx *h, const char *why) {
            call(h, "report_data_stale", false, 0, [&](Harness &x) {
                {
                    std::lock_guard lk(x.mu_);
                    ++x.stale_reports_;
                    x.stale_reason_ = why ? why : "";
                }
                real(x).report_data_stale(h, why);
                return 0;
            });
        };
        a.config_get = [](nutpp_host_ctx *h, const char *k) {
            return call(h, "config_get", true, static_cast<const char *>(nullptr),
                        [&](Harness &x) { return real(x).config_get(h, k); });
        };
        a.config_get_number = [](nutpp_host_ctx *h, const char *k, double *out) {
            return call(h, "config_get_number", true, NUTPP_E_STATE,
                        [&](Harness &x) { return real(x).config_get_number(h, k, out); });
        };
        a.set_poll_interval = [](nutpp_host_ctx *h, uint32_t ms) {
            call(h, "set_poll_interval", false, 0, [&](Harness &x) { real(x).set_poll_interval(h, ms); return 0; });
        };
        a.watch_fd = [](nutpp_host_ctx *h, int fd, uint32_t ev) {
            return call(h, "watch_fd", false, NUTPP_E_STATE, [&](Harness &x) {
                const nutpp_status st = real(x).watch_fd(h, fd, ev);
                if (st == NUTPP_OK) {
                    std::lock_guard lk(x.mu_);
                    x.watched_.insert(fd);
                }
                return st;
            });
        };
        a.unwatch_fd = [](nutpp_host_ctx *h, int fd) {
            return call(h, "unwatch_fd", false, NUTPP_E_STATE, [&](Harness &x) {
                const nutpp_status st = real(x).unwatch_fd(h, fd);
                std::lock_guard lk(x.mu_);
                x.watched_.erase(fd);
                return st;
            });
        };
        a.request_poll = [](nutpp_host_ctx *h) {
            call(h, "request_poll", true, 0, [&](Harness &x) { real(x).request_poll(h); return 0; });
        };
        a.log = [](nutpp_host_ctx *h, nutpp_log_level level, const char *m) {
            // Recorded, not forwarded: the host's own log() would come back through the capture.
            call(h, "log", true, 0, [&](Harness &x) {
                if (!m) return 0;
                std::lock_guard lk(x.mu_);
                x.logs_.push_back({static_cast<int32_t>(level), m, true});
                return 0;
            });
        };
        a.set_error = [](nutpp_host_ctx *h, const char *m) {
            call(h, "set_error", false, 0, [&](Harness &x) {
                x.op_error_ = m ? m : "";
                real(x).set_error(h, m);
                return 0;
            });
        };
        a.get_extension = [](nutpp_host_ctx *h, const char *id) {
            return call(h, "get_extension", true, static_cast<const void *>(nullptr),
                        [&](Harness &x) { return real(x).get_extension(h, id); });
        };
        a.get_poll_interval = [](nutpp_host_ctx *h) {
            return call(h, "get_poll_interval", false, uint32_t{0}, [&](Harness &x) { return real(x).get_poll_interval(h); });
        };
        a.request_poll_after = [](nutpp_host_ctx *h, uint32_t ms) {
            call(h, "request_poll_after", false, 0, [&](Harness &x) { real(x).request_poll_after(h, ms); return 0; });
        };
        a.ready_fds = [](nutpp_host_ctx *h, nutpp_fd_ready *out, uint32_t cap) {
            return call(h, "ready_fds", false, uint32_t{0}, [&](Harness &x) { return real(x).ready_fds(h, out, cap); });
        };
        return a;
    }
};

nutpp_host_api make_observed_api() { return ObservedApi::make(); }

} // namespace nutpp::host
