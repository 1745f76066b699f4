#include "host/check.hpp"

#include "host/harness.hpp"
#include "host/nut_names.hpp"
#include "host/status_map.hpp"

#include <fmt/format.h>

#include <dlfcn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <ostream>

#ifndef NUTPP_LIBASAN
#define NUTPP_LIBASAN ""
#endif

namespace nutpp::host {

namespace {

const char *level_name(int32_t l) {
    switch (l) {
    case NUTPP_LOG_DEBUG: return "debug";
    case NUTPP_LOG_INFO: return "info";
    case NUTPP_LOG_WARNING: return "warning";
    default: return "error";
    }
}

// What the descriptor promises, beyond what loading it checks (Plugin::check): notes, not breaches,
// except names that can never be right.
void lint_descriptor(const Plugin &p, std::ostream &out, std::vector<std::string> &breaches) {
    const auto &d = p.descriptor();
    out << fmt::format("plugin {} {} ({}), ABI {}.{}, {}\n", d.name, d.version, d.id, d.abi_major, d.abi_minor,
                       p.path());
    if (std::string_view(d.id).find('.') == std::string_view::npos)
        breaches.push_back(fmt::format("descriptor id '{}' is not reverse-DNS (\"org.example.name\")", d.id));
    if (d.abi_minor > NUTPP_ABI_MINOR)
        out << fmt::format("note: built for ABI 1.{}, this host is 1.{}: services after 1.{} are absent\n",
                           d.abi_minor, NUTPP_ABI_MINOR, NUTPP_ABI_MINOR);
    for (const char *const *v = d.variables; v && *v; ++v)
        if (!is_nut_variable(*v) && !is_experimental_name(*v))
            out << fmt::format("note: variable '{}' is declared as an extension (not a NUT name)\n", *v);
    for (const char *const *c = d.commands; c && *c; ++c)
        if (!is_nut_command(*c) && !is_experimental_name(*c))
            out << fmt::format("note: command '{}' is declared as an extension (not a NUT command)\n", *c);
}

std::string status_text(nutpp_status st, const Harness &h) {
    std::string s = status_info(st).name;
    if (!h.op_error().empty()) s += ": " + h.op_error();
    if (!h.error().empty()) s += " (" + h.error() + ")";
    return s;
}

} // namespace

int run_check(const CheckOptions &o, std::ostream &out) {
    std::shared_ptr<Plugin> plugin;
    try {
        plugin = o.plugin.find('/') != std::string::npos ? Plugin::load_from(o.plugin, o.plugin, o.plugin)
                                                         : Plugin::load(o.plugin, o.plugin_dir);
    } catch (const std::exception &e) {
        out << "FAIL: the plugin does not load: " << e.what() << "\n";
        return 2;
    }
    std::vector<std::string> breaches;
    lint_descriptor(*plugin, out, breaches);
    // Under the leak check: keep the plugin mapped after the Harness lets go of it, so the leak
    // report can name the plugin's functions (a dlclose()d module shows as "<unknown module>").
    if (std::getenv("NUTPP_CHECK_SANITIZED")) (void)dlopen(plugin->path().c_str(), RTLD_NOW | RTLD_NOLOAD);

    std::vector<std::string> failures; // steps that did not do what they must
    {
        Harness h(plugin, "check");
        for (const auto &s : o.settings) {
            const auto eq = s.find('=');
            if (eq == std::string::npos) h.config(s, std::nullopt);
            else h.config(s.substr(0, eq), s.substr(eq + 1));
        }
        if (o.budget_ms > 0) h.set_budget(std::chrono::milliseconds(o.budget_ms));

        nutpp_status st = h.create();
        out << "create: " << status_text(st, h) << "\n";
        if (st == NUTPP_E_CONFIG) {
            out << "FAIL: " << h.error() << "\n";
            return 2;
        }
        if (st != NUTPP_OK) failures.push_back("create() failed: " + status_text(st, h));
        if (st == NUTPP_OK) {
            st = h.open();
            out << "open: " << status_text(st, h) << "\n";
            if (st != NUTPP_OK && !o.allow_open_failure)
                failures.push_back("open() failed: " + status_text(st, h) +
                                   " (no device? give its config with -o, or pass --allow-open-failure)");
            for (int i = 0; st == NUTPP_OK && i < o.polls && h.phase() == Harness::Phase::Open; ++i) {
                const nutpp_status ps = h.poll(i == 0 ? NUTPP_WAKE_FIRST : NUTPP_WAKE_TIMER);
                out << fmt::format("poll {}: {} ({} ms)\n", i + 1, status_text(ps, h), h.last_call_time().count());
                if (ps != NUTPP_OK) failures.push_back(fmt::format("poll {} failed: {}", i + 1, status_text(ps, h)));
                // Anything the plugin asked for in between (fd readiness, request_poll, a deferred
                // poll), as upsdrvd would deliver it, without waiting long.
                uint32_t reasons = 0;
                const nutpp_status rs = h.run(std::chrono::milliseconds(50), &reasons);
                if (reasons && rs != NUTPP_OK)
                    failures.push_back(fmt::format("poll (woken 0x{:x}) failed: {}", reasons, status_text(rs, h)));
            }
            if (h.phase() == Harness::Phase::Open) {
                const bool ok = h.device()->store().data_ok();
                out << "data: " << (ok ? "fresh" : "stale") << ", " << h.device()->store().variables().size()
                    << " variables, status '" << h.device()->store().value("ups.status").value_or("") << "'\n";
            }
        }
        h.close();
        h.destroy();
        h.release_plugin();
        out << "closed and destroyed\n";
        if (o.verbose)
            for (const auto &l : h.logs())
                out << fmt::format("  [{} {}] {}\n", l.from_plugin ? "plugin" : "host", level_name(l.level), l.text);
        for (auto &b : h.breaches()) breaches.push_back(std::move(b));
    }
    for (const auto &f : failures) out << "FAIL: " << f << "\n";
    for (const auto &b : breaches) out << "BREACH: " << b << "\n";
    if (breaches.empty() && failures.empty()) {
        out << "PASS: no contract breach\n";
        return 0;
    }
    out << fmt::format("{} breach(es), {} failed step(s)\n", breaches.size(), failures.size());
    return 1;
}

int run_check_sanitized(const CheckOptions &o, std::ostream &out) {
    constexpr int kSanitizerExit = 23;
    const std::string asan = NUTPP_LIBASAN;
    if (!o.leaks || std::getenv("NUTPP_CHECK_SANITIZED") || o.argv.empty()) return run_check(o, out);
    std::error_code ec;
    if (asan.empty() || !std::filesystem::exists(asan, ec)) {
        out << "note: no leak check (libasan not installed: Debian package libasan8)\n";
        return run_check(o, out);
    }
    out.flush();
    const pid_t pid = fork();
    if (pid < 0) return run_check(o, out);
    if (pid == 0) {
        setenv("NUTPP_CHECK_SANITIZED", "1", 1);
        // First in the list (the runtime must be), keeping what is there (umockdev's preload, ...).
        const char *pre = std::getenv("LD_PRELOAD");
        const std::string preload = pre && *pre ? asan + ":" + pre : asan;
        setenv("LD_PRELOAD", preload.c_str(), 1);
        // exitcode: tells a sanitizer report from a breach; the rest keeps a plugin's own
        // allocator tricks and deep stacks from drowning the report.
        setenv("ASAN_OPTIONS", "detect_leaks=1:exitcode=23:abort_on_error=0:print_summary=1", 1);
        std::vector<char *> args;
        for (const auto &a : o.argv) args.push_back(const_cast<char *>(a.c_str()));
        args.push_back(nullptr);
        execv("/proc/self/exe", args.data());
        _exit(127);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == kSanitizerExit) {
        out << "BREACH: memory leaked or misused by the plugin (AddressSanitizer's report above; run with "
               "the plugin built with -g for file and line)\n";
        return 1;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) != 127) return WEXITSTATUS(status);
    out << "note: the leak-checked run did not complete; running without it\n";
    return run_check(o, out);
}

} // namespace nutpp::host
