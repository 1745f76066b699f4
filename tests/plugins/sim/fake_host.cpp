#include "fake_host.hpp"

#include "store/var_store.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace nutpp::test {
namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; }

constexpr size_t kMaxValue = 255; // the real host's limit (NUT ST_MAX_VALUE_LEN - 1)

bool iequal(const std::string &a, const std::string &b) {
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

bool valid_name(const char *n) { return n && *n && std::strlen(n) < 128; }

} // namespace

bool CaseLess::operator()(const std::string &a, const std::string &b) const {
    return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                        [](char x, char y) { return lower(x) < lower(y); });
}

FakeHost::FakeHost() {
    api_.struct_size = sizeof(nutpp_host_api);
    api_.abi_major = NUTPP_ABI_MAJOR;
    api_.abi_minor = NUTPP_ABI_MINOR;
    api_.set_var = [](nutpp_host_ctx *h, const char *n, const char *v) { return from(h).do_set(n, v); };
    api_.set_var_number = [](nutpp_host_ctx *h, const char *n, double v, int decimals) {
        const auto s = nutpp::store::format_number(v, decimals); // the real host's rule
        return s ? from(h).do_set(n, s->c_str()) : NUTPP_E_INVALID_ARG;
    };
    api_.delete_var = [](nutpp_host_ctx *h, const char *n) {
        auto &self = from(h);
        if (!valid_name(n)) return NUTPP_E_INVALID_ARG;
        self.calls.push_back(std::string("delete_var ") + n);
        return self.vars.erase(n) ? NUTPP_OK : NUTPP_E_INVALID_ARG;
    };
    api_.declare_var = [](nutpp_host_ctx *h, const nutpp_var_decl *d) {
        auto &self = from(h);
        if (!d || d->struct_size < offsetof(nutpp_var_decl, enum_values) + sizeof(void *) || !valid_name(d->name))
            return NUTPP_E_INVALID_ARG;
        Decl decl;
        decl.type = static_cast<nutpp_type>(d->type); // an int32_t field since ABI 1.2
        decl.flags = d->flags;
        decl.max_length = d->max_length;
        if (d->ranges) decl.ranges.assign(d->ranges, d->ranges + d->range_count);
        for (auto e = d->enum_values; e && *e; ++e) decl.enums.emplace_back(*e);
        self.decls[d->name] = decl;
        self.calls.push_back(std::string("declare_var ") + d->name);
        return NUTPP_OK;
    };
    api_.declare_cmd = [](nutpp_host_ctx *h, const nutpp_cmd_decl *d) {
        auto &self = from(h);
        if (!d || !valid_name(d->name)) return NUTPP_E_INVALID_ARG;
        self.cmds.insert(d->name);
        self.calls.push_back(std::string("declare_cmd ") + d->name);
        return NUTPP_OK;
    };
    api_.remove_cmd = [](nutpp_host_ctx *h, const char *n) {
        auto &self = from(h);
        self.calls.push_back(std::string("remove_cmd ") + (n ? n : ""));
        return n && self.cmds.erase(n) ? NUTPP_OK : NUTPP_E_INVALID_ARG;
    };
    api_.status_begin = [](nutpp_host_ctx *h) { from(h).batch_.begin(); };
    api_.status_set = [](nutpp_host_ctx *h, const char *t) {
        if (t) from(h).batch_.set(t);
    };
    api_.alarm_set = [](nutpp_host_ctx *h, const char *t) {
        if (t) from(h).batch_.alarm(t);
    };
    api_.status_commit = [](nutpp_host_ctx *h) { from(h).do_commit(); };
    api_.report_data_ok = [](nutpp_host_ctx *h) { ++from(h).data_ok_reports; };
    api_.report_data_stale = [](nutpp_host_ctx *h, const char *) { ++from(h).data_stale_reports; };
    api_.config_get = [](nutpp_host_ctx *h, const char *k) -> const char * {
        auto &self = from(h);
        auto it = self.config_.find(k ? k : "");
        return it == self.config_.end() ? nullptr : it->second.c_str();
    };
    api_.config_get_number = [](nutpp_host_ctx *h, const char *k, double *out) {
        auto &self = from(h);
        auto it = self.config_.find(k ? k : "");
        if (it == self.config_.end() || !out) return NUTPP_E_INVALID_ARG;
        char *end = nullptr;
        const double v = std::strtod(it->second.c_str(), &end);
        if (end == it->second.c_str() || *end) return NUTPP_E_CONVERSION;
        *out = v;
        return NUTPP_OK;
    };
    api_.set_poll_interval = [](nutpp_host_ctx *h, uint32_t ms) {
        auto &self = from(h);
        self.poll_interval_ms = std::max<uint32_t>(ms, 10);
        self.calls.push_back("set_poll_interval " + std::to_string(ms));
    };
    api_.watch_fd = [](nutpp_host_ctx *h, int fd, uint32_t) {
        from(h).calls.push_back("watch_fd " + std::to_string(fd));
        return fd < 0 ? NUTPP_E_INVALID_ARG : NUTPP_OK;
    };
    api_.unwatch_fd = [](nutpp_host_ctx *h, int fd) {
        from(h).calls.push_back("unwatch_fd " + std::to_string(fd));
        return NUTPP_OK;
    };
    api_.request_poll = [](nutpp_host_ctx *h) { ++from(h).request_polls; };
    api_.log = [](nutpp_host_ctx *h, nutpp_log_level level, const char *m) {
        from(h).logs.push_back({level, m ? m : ""});
    };
    api_.set_error = [](nutpp_host_ctx *h, const char *m) { from(h).last_error = m ? m : ""; };
    api_.get_extension = [](nutpp_host_ctx *, const char *) -> const void * { return nullptr; };
}

nutpp_status FakeHost::do_set(const char *name, const char *value) {
    if (!valid_name(name) || !value) return NUTPP_E_INVALID_ARG;
    if (std::strlen(value) > kMaxValue) return NUTPP_E_INVALID_ARG;
    calls.push_back(std::string("set_var ") + name + "=" + value);
    const std::string n(name);
    // core/host's api_set_var: both names belong to the status batch.
    if (iequal(n, "ups.alarm")) {
        if (*value) vars[n] = value; else vars.erase(n);
        return NUTPP_OK;
    }
    if (iequal(n, "ups.status")) {
        batch_.begin();
        batch_.set(value);
        do_commit();
        return NUTPP_OK;
    }
    vars[n] = value;
    return NUTPP_OK;
}

// core/host's api_status_commit, on the same StatusBatch (no ignorelb: the fake has no device config).
void FakeHost::do_commit() {
    const auto r = batch_.commit(false, {});
    vars["ups.status"] = r.status;
    if (r.alarm) vars["ups.alarm"] = *r.alarm;
    else vars.erase("ups.alarm");
    status_history.push_back(r.status);
    calls.push_back("status_commit " + r.status + (r.alarm ? " [" + *r.alarm + "]" : ""));
}

std::optional<std::string> FakeHost::value(const std::string &name) const {
    auto it = vars.find(name);
    return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
}

size_t FakeHost::logs_containing(std::string_view needle) const {
    return size_t(std::count_if(logs.begin(), logs.end(),
                                [&](const LogLine &l) { return l.text.find(needle) != std::string::npos; }));
}

size_t FakeHost::calls_starting(std::string_view prefix) const {
    return size_t(std::count_if(calls.begin(), calls.end(),
                                [&](const std::string &c) { return c.rfind(prefix, 0) == 0; }));
}

std::string FakeHost::take_error() {
    std::string e = std::move(last_error);
    last_error.clear();
    return e;
}

} // namespace nutpp::test
