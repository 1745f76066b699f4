// The C face of the SDK's test host (<nutpp/testhost.h>) over host::Harness, which runs the plugin
// in upsdrvd's own Device one step at a time. Only nutpp_th_* is exported (testhost.map); no C++
// exception leaves this file.
// The C API is what this library exports (default visibility); all else is hidden.
#pragma GCC visibility push(default)
#include <nutpp/testhost.h>
#pragma GCC visibility pop

#include "host/harness.hpp"
#include "store/var_store.hpp"

#include <deque>
#include <functional>
#include <memory>
#include <string>

struct nutpp_th {
    std::unique_ptr<nutpp::host::Harness> h; // null when the plugin failed to load
    std::string load_error;
    std::deque<std::string> strings; // returned strings, valid until the next step
    std::vector<std::string> names;  // nutpp_th_var_name / command_name snapshot

    const char *keep(std::string s) {
        strings.push_back(std::move(s));
        return strings.back().c_str();
    }
    void new_step() {
        strings.clear();
        names.clear();
    }
    nutpp::store::VarStore *store() { return h && h->device() ? &h->device()->store() : nullptr; }
};

namespace {

template <class R, class F> R guard(R fallback, F &&f) noexcept {
    try {
        return f();
    } catch (...) {
        return fallback;
    }
}

nutpp_th *make(const char *device_name, const std::function<std::shared_ptr<nutpp::host::Plugin>()> &load) {
    return guard<nutpp_th *>(nullptr, [&] {
        auto th = std::make_unique<nutpp_th>();
        try {
            th->h = std::make_unique<nutpp::host::Harness>(load(), device_name && *device_name ? device_name : "dev");
        } catch (const std::exception &e) {
            th->load_error = e.what();
        }
        return th.release();
    });
}

template <class F> nutpp_status step(nutpp_th *th, F &&f) noexcept {
    if (!th || !th->h) return NUTPP_E_STATE;
    th->new_step();
    return guard(NUTPP_E_NO_MEMORY, [&] { return f(*th->h); });
}

} // namespace

extern "C" {

nutpp_th *nutpp_th_load(const char *plugin_path, const char *device_name) {
    const std::string path = plugin_path ? plugin_path : "";
    // A bare name would be looked up in upsdrvd's plugin_dir; a test names its file: make it a path.
    const std::string driver = path.find('/') == std::string::npos ? "./" + path : path;
    return make(device_name, [&] { return nutpp::host::Plugin::load_from(driver, path, driver); });
}

nutpp_th *nutpp_th_link(const nutpp_driver_descriptor *descriptor, const char *device_name) {
    return make(device_name, [&] { return nutpp::host::Plugin::from_descriptor(descriptor, "(linked descriptor)"); });
}

void nutpp_th_free(nutpp_th *th) {
    guard(0, [&] {
        delete th;
        return 0;
    });
}

void nutpp_th_config(nutpp_th *th, const char *key, const char *value) {
    if (!th || !th->h || !key) return;
    guard(0, [&] {
        th->h->config(key, value ? std::optional<std::string>(value) : std::nullopt);
        return 0;
    });
}

void nutpp_th_set_budget_ms(nutpp_th *th, uint32_t ms) {
    if (th && th->h) th->h->set_budget(std::chrono::milliseconds(ms));
}

nutpp_status nutpp_th_create(nutpp_th *th) {
    return step(th, [](nutpp::host::Harness &h) { return h.create(); });
}
nutpp_status nutpp_th_open(nutpp_th *th) {
    return step(th, [](nutpp::host::Harness &h) { return h.open(); });
}
nutpp_status nutpp_th_poll(nutpp_th *th, uint32_t wake_reasons) {
    return step(th, [&](nutpp::host::Harness &h) { return h.poll(wake_reasons); });
}
nutpp_status nutpp_th_poll_fd(nutpp_th *th, int fd, uint32_t events) {
    return step(th, [&](nutpp::host::Harness &h) { return h.poll(NUTPP_WAKE_FD, {nutpp_fd_ready{fd, events}}); });
}
nutpp_status nutpp_th_fire_deferred(nutpp_th *th) {
    return step(th, [&](nutpp::host::Harness &h) { return h.poll(NUTPP_WAKE_DEFERRED); });
}
nutpp_status nutpp_th_run(nutpp_th *th, uint32_t timeout_ms, uint32_t *reasons) {
    return step(th, [&](nutpp::host::Harness &h) { return h.run(std::chrono::milliseconds(timeout_ms), reasons); });
}
nutpp_status nutpp_th_instcmd(nutpp_th *th, const char *cmd, const char *arg) {
    if (!cmd) return NUTPP_E_INVALID_ARG;
    return step(th, [&](nutpp::host::Harness &h) { return h.instcmd(cmd, arg); });
}
nutpp_status nutpp_th_setvar(nutpp_th *th, const char *name, const char *value) {
    if (!name || !value) return NUTPP_E_INVALID_ARG;
    return step(th, [&](nutpp::host::Harness &h) { return h.setvar(name, value); });
}
void nutpp_th_close(nutpp_th *th) {
    step(th, [](nutpp::host::Harness &h) {
        h.close();
        return NUTPP_OK;
    });
}
void nutpp_th_destroy(nutpp_th *th) {
    step(th, [](nutpp::host::Harness &h) {
        h.destroy();
        return NUTPP_OK;
    });
}

const char *nutpp_th_error(const nutpp_th *th) {
    if (!th) return "no test host";
    return th->h ? th->h->error().c_str() : th->load_error.c_str();
}
const char *nutpp_th_op_error(const nutpp_th *th) { return th && th->h ? th->h->op_error().c_str() : ""; }
int nutpp_th_is_open(const nutpp_th *th) {
    return th && th->h && th->h->phase() == nutpp::host::Harness::Phase::Open;
}

const char *nutpp_th_get(nutpp_th *th, const char *name) {
    auto *s = th && name ? th->store() : nullptr;
    if (!s) return nullptr;
    return guard<const char *>(nullptr, [&]() -> const char * {
        auto v = s->value(name);
        return v ? th->keep(std::move(*v)) : nullptr;
    });
}

size_t nutpp_th_var_count(nutpp_th *th) {
    auto *s = th ? th->store() : nullptr;
    return s ? guard<size_t>(0, [&] { return s->variables().size(); }) : 0;
}

const char *nutpp_th_var_name(nutpp_th *th, size_t index) {
    auto *s = th ? th->store() : nullptr;
    if (!s) return nullptr;
    return guard<const char *>(nullptr, [&]() -> const char * {
        const auto vars = s->variables();
        return index < vars.size() ? th->keep(vars[index].name) : nullptr;
    });
}

int nutpp_th_declared_type(nutpp_th *th, const char *name) {
    if (!th || !th->h || !name) return -1;
    return guard(-1, [&] {
        const auto d = th->h->declared(name);
        return d ? static_cast<int>(d->type) : -1;
    });
}

int nutpp_th_is_writable(nutpp_th *th, const char *name) {
    auto *s = th && name ? th->store() : nullptr;
    if (!s) return 0;
    return guard(0, [&] {
        const auto v = s->get(name);
        return v && (v->flags & nutpp::store::FLAG_RW) ? 1 : 0;
    });
}

const char *nutpp_th_dump(nutpp_th *th) {
    auto *s = th ? th->store() : nullptr;
    if (!s) return "";
    return guard<const char *>("", [&] {
        std::string out;
        for (const auto &v : s->variables()) out += v.name + ": " + v.value + "\n";
        return th->keep(std::move(out));
    });
}

const char *nutpp_th_status(nutpp_th *th) { return nutpp_th_get(th, "ups.status"); }
const char *nutpp_th_alarm(nutpp_th *th) { return nutpp_th_get(th, "ups.alarm"); }

int nutpp_th_has_status(nutpp_th *th, const char *token) {
    const char *st = nutpp_th_status(th);
    if (!st || !token) return 0;
    return guard(0, [&] {
        for (const auto &t : nutpp::common::split_ws(st))
            if (t == token) return 1;
        return 0;
    });
}

int nutpp_th_has_command(nutpp_th *th, const char *cmd) {
    auto *s = th && cmd ? th->store() : nullptr;
    return s ? guard(0, [&] { return s->has_cmd(cmd) ? 1 : 0; }) : 0;
}
size_t nutpp_th_command_count(nutpp_th *th) {
    auto *s = th ? th->store() : nullptr;
    return s ? guard<size_t>(0, [&] { return s->commands().size(); }) : 0;
}
const char *nutpp_th_command_name(nutpp_th *th, size_t index) {
    auto *s = th ? th->store() : nullptr;
    if (!s) return nullptr;
    return guard<const char *>(nullptr, [&]() -> const char * {
        const auto cmds = s->commands();
        return index < cmds.size() ? th->keep(cmds[index]) : nullptr;
    });
}

int nutpp_th_data_ok(nutpp_th *th) {
    auto *s = th ? th->store() : nullptr;
    return s && s->data_ok() ? 1 : 0;
}
unsigned nutpp_th_data_ok_reports(const nutpp_th *th) { return th && th->h ? th->h->data_ok_reports() : 0; }
unsigned nutpp_th_data_stale_reports(const nutpp_th *th) { return th && th->h ? th->h->data_stale_reports() : 0; }
const char *nutpp_th_stale_reason(const nutpp_th *th) { return th && th->h ? th->h->stale_reason().c_str() : ""; }

size_t nutpp_th_log_count(const nutpp_th *th) {
    return th && th->h ? guard<size_t>(0, [&] { return th->h->logs().size(); }) : 0;
}
const char *nutpp_th_log_line(nutpp_th *th, size_t index, int *level, int *from_plugin) {
    if (!th || !th->h) return nullptr;
    return guard<const char *>(nullptr, [&]() -> const char * {
        const auto logs = th->h->logs();
        if (index >= logs.size()) return nullptr;
        if (level) *level = logs[index].level;
        if (from_plugin) *from_plugin = logs[index].from_plugin ? 1 : 0;
        return th->keep(logs[index].text);
    });
}
int nutpp_th_log_contains(nutpp_th *th, const char *substring) {
    if (!th || !th->h || !substring) return 0;
    return guard(0, [&] {
        for (const auto &l : th->h->logs())
            if (l.text.find(substring) != std::string::npos) return 1;
        return 0;
    });
}
void nutpp_th_log_clear(nutpp_th *th) {
    if (th && th->h) guard(0, [&] {
            th->h->clear_logs();
            return 0;
        });
}

uint32_t nutpp_th_watched_events(nutpp_th *th, int fd) {
    if (!th || !th->h || !th->h->device()) return 0;
    const auto &w = th->h->device()->step_watched();
    auto it = w.find(fd);
    return it == w.end() ? 0 : it->second;
}
size_t nutpp_th_watched_count(nutpp_th *th) {
    return th && th->h && th->h->device() ? th->h->device()->step_watched().size() : 0;
}
int nutpp_th_poll_requested(nutpp_th *th) {
    return th && th->h && th->h->device() && th->h->device()->step_poll_requested() ? 1 : 0;
}
int64_t nutpp_th_deferred_ms(nutpp_th *th) { return th && th->h ? th->h->deferred_ms() : -1; }
uint32_t nutpp_th_poll_interval_ms(nutpp_th *th) {
    return th && th->h && th->h->device() ? static_cast<uint32_t>(th->h->device()->step_poll_interval().count()) : 0;
}
uint32_t nutpp_th_last_call_ms(const nutpp_th *th) {
    return th && th->h ? static_cast<uint32_t>(th->h->last_call_time().count()) : 0;
}

size_t nutpp_th_breach_count(const nutpp_th *th) {
    return th && th->h ? guard<size_t>(0, [&] { return th->h->breaches().size(); }) : 0;
}
const char *nutpp_th_breach(nutpp_th *th, size_t index) {
    if (!th || !th->h) return nullptr;
    return guard<const char *>(nullptr, [&]() -> const char * {
        const auto b = th->h->breaches();
        return index < b.size() ? th->keep(b[index]) : nullptr;
    });
}

} // extern "C"
