// upsdrvd: the nutpp driver host. Loads each configured device's plugin, runs it, and serves it on
// <state_dir>/<driver>-<device> with NUT's driver socket protocol (so our upsd and NUT's upsd both
// can serve it). Flags follow NUT's drivers/upsdrvctl where they overlap: -a NAME, -F, -D, -c CMD.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <iostream>

#include <fcntl.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/event_loop.hpp"
#include "common/log.hpp"
#include "config/config.hpp"
#include "config/socket_name.hpp"
#include "daemon/account.hpp"
#include "daemon/daemon.hpp"
#include "daemon/fd_limit.hpp"
#include "daemon/pid_file.hpp"
#include "driver_socket/dump_client.hpp"
#include "host/check.hpp"
#include "host/crash_report.hpp"
#include "host/driver_host.hpp"
#include "host/kill_power.hpp"
#include "host/plugin.hpp"
#include "host/worker.hpp"
#include "validate/validate.hpp"

#ifndef NUTPP_VERSION
#define NUTPP_VERSION "0.0.0"
#endif
#ifndef NUTPP_DEFAULT_CONFIG
#define NUTPP_DEFAULT_CONFIG "/etc/nutpp/nutpp.yaml"
#endif

using namespace nutpp;

namespace {

struct Options {
    std::string config_file = NUTPP_DEFAULT_CONFIG;
    bool foreground = false;
    bool kill_power = false;
    int debug = 0;
    std::string command;
    std::string only_device;
    std::string describe;
    bool describe_keys = false;
    bool check_config = false;
    std::string dump;
    std::string plugin_dir;
};

std::string pid_file_for(const config::Config &cfg, const Options &o) {
    const std::string name = o.only_device.empty() ? "upsdrvd.pid" : "upsdrvd-" + o.only_device + ".pid";
    return (std::filesystem::path(cfg.state_dir) / name).string();
}

// dlopen runs a plugin's load-time constructors, so reading a descriptor is running plugin code. As
// root, this process first checks the file is root's alone (as a real load would) and opens it, then
// drops to the unprivileged account `nobody` for good, and only then dlopen()s the file it opened
// (through /proc/self/fd, so nobody need not be able to reach the plugin's directory): the plugin's
// code runs, but never as root. This process does nothing else afterwards, so it is the
// "short-lived unprivileged child" the config check (core/validate) spawns to learn a plugin's keys.
// Parsing the ELF file instead would avoid running code at all, but the descriptor is pointers that
// need the dynamic loader's relocations; a second loader is more code to get wrong than a process
// that can do no harm.
bool drop_root_for_describe() {
    try {
        daemon::drop_to(daemon::resolve_account("nobody", ""));
    } catch (const std::exception &e) {
        std::cerr << "Error: cannot drop root privileges (to nobody) before loading the plugin: " << e.what() << "\n";
        return false;
    }
    // A uid change makes the process non-dumpable, which makes /proc/self/fd root's: undo that so
    // the file opened as root can be dlopen()ed through it.
    ::prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
    return true;
}

int describe_plugin(const Options &o) {
    try {
        const std::string dir = o.plugin_dir.empty() ? host::default_plugin_dir() : o.plugin_dir;
        const std::string path = host::Plugin::resolve(o.describe, dir);
        host::Plugin::check_trusted(o.describe, path);
        std::string dlopen_path = path;
        if (::geteuid() == 0) {
            const int fd = ::open(path.c_str(), O_RDONLY); // kept open until exit, on purpose
            if (fd < 0) throw host::LoadError("cannot open plugin " + path + ": " + std::strerror(errno));
            if (!drop_root_for_describe()) return 1;
            dlopen_path = "/proc/self/fd/" + std::to_string(fd);
        }
        const auto p = host::Plugin::load_from(o.describe, path, dlopen_path);
        std::cout << (o.describe_keys ? config::serialize_key_specs(p->name(), p->key_specs()) : host::describe(*p));
        return 0;
    } catch (const std::exception &e) {
        std::cerr << "Error: " << e.what() << "\n";
        return 1;
    }
}

// Prints a running device's variables the way `upsc` does ("name: value", NUT's order).
int dump_device(const config::Config &cfg, const std::string &name) {
    for (const auto &d : cfg.devices) {
        if (d.name != name) continue;
        const auto path = (std::filesystem::path(cfg.state_dir) / config::driver_socket_name(d.driver, name)).string();
        if (!std::filesystem::exists(path)) {
            std::cerr << "Error: device '" << name << "' is not running (no socket " << path
                      << "); upsdrvd's log says why, e.g. its plugin refused the configuration\n";
            return 1;
        }
        try {
            const auto st = driver_socket::dump(path);
            if (!st.data_ok) std::cerr << "Warning: data for " << name << " is stale\n";
            for (const auto &[k, v] : st.vars) std::cout << k << ": " << v << "\n";
            return 0;
        } catch (const std::exception &e) {
            std::cerr << "Error: " << e.what() << "\n";
            return 1;
        }
    }
    std::cerr << "Error: no device '" << name << "' in " << cfg.file << "\n";
    return 1;
}

// ", 2 failed: a (why), b (why)" for the start-up and reload lines; empty when none failed.
std::string failed_summary(const host::DriverHost &drivers) {
    if (drivers.failed().empty()) return "";
    std::string out = "; " + std::to_string(drivers.failed().size()) + " failed:";
    for (const auto &[name, why] : drivers.failed()) out += " " + name + " (" + why + ")";
    return out;
}

// What the account will not reach, said before the switch (the switch itself must not depend on it:
// a device may come later, e.g. a USB UPS plugged in after start).
void warn_unreachable(const daemon::Account &acct, const config::Config &cfg, const Options &o) {
    const auto &g = cfg.driver_defaults;
    for (const auto &d : cfg.devices) {
        if (!o.only_device.empty() && d.name != o.only_device) continue;
        // Every device runs in this one process: a per-device account cannot be honoured.
        if (d.user != g.user || d.group != g.group)
            spdlog::warn("device '{}': its own user/group ({}/{}) cannot be used: every device runs in upsdrvd's "
                         "one process, as {} (group {}); set the top-level user/group instead",
                         d.name, d.user.empty() ? "-" : d.user, d.group.empty() ? "-" : d.group, acct.user, acct.group);
        std::string why;
        if (d.port.rfind("/dev/", 0) == 0 && !daemon::account_can(acct, d.port, R_OK | W_OK, &why))
            spdlog::warn("device '{}': user {} cannot open {} ({}): add it to the device's group (serial ports: "
                         "dialout) or install the udev rule",
                         d.name, acct.user, d.port, why);
    }
    std::string why;
    if (!daemon::account_can(acct, o.config_file, R_OK, &why))
        spdlog::warn("user {} cannot read {} ({}): reload (SIGHUP) will fail; make it root:{} 0640", acct.user,
                     o.config_file, why, acct.group);
}

} // namespace

int main(int argc, char **argv) {
    // An isolated device's worker (host/worker.hpp): started by upsdrvd itself, never by hand.
    if (argc == 2 && std::string_view(argv[1]).starts_with("--worker=")) return host::run_worker();
    // Our own binary, for starting workers later: after the switch to the service account,
    // /proc/self/exe may no longer be readable.
    std::error_code exe_ec;
    const std::string self_exe = std::filesystem::read_symlink("/proc/self/exe", exe_ec).string();
    Options o;
    CLI::App app{"upsdrvd - nutpp driver host: runs UPS driver plugins and serves them to upsd"};
    app.add_option("-f,--config", o.config_file, "configuration file")->capture_default_str();
    app.add_flag("-F,--foreground", o.foreground, "stay in the foreground, log to stderr");
    app.add_flag("-D", o.debug, "raise the debug level (repeat for more)");
    app.add_option("-c", o.command, "send a command to the running upsdrvd: reload or stop")
        ->check(CLI::IsMember({"reload", "stop"}));
    app.add_option("-a", o.only_device, "run only this device, in the foreground (first tests)");
    app.add_flag("-k", o.kill_power,
                 "kill power: send every UPS its shutdown commands (sdorder, sdcommands) and exit "
                 "(NUT's upsdrvctl shutdown; the last step of a system shutdown)");
    auto *describe = app.add_option("--describe", o.describe,
                                    "print a plugin's descriptor and config keys, then exit (as root, the plugin "
                                    "is loaded as user nobody: its code never runs as root)");
    app.add_flag("--keys", o.describe_keys, "with --describe: print the keys in the form the config check reads")
        ->needs(describe);
    app.add_flag("--check-config", o.check_config,
                 "check the whole configuration file (plugin keys and, as root, file permissions), then exit");
    app.add_option("--dump", o.dump, "print a running device's variables like upsc, then exit");
    app.add_option("--plugin-dir", o.plugin_dir, "directory of driver plugins (default: " +
                                                     host::default_plugin_dir() + ")");
    // --check: the plugin author's conformance check (host/check.hpp).
    host::CheckOptions check;
    auto *check_opt = app.add_option("--check", check.plugin,
                                     "run a plugin (name or path) for a few polls against a device config given "
                                     "with -o, report contract breaches; exit 1 on any");
    app.add_option("-o", check.settings, "with --check: one device config key=value (repeat)")->needs(check_opt);
    app.add_option("--polls", check.polls, "with --check: polls to run")->needs(check_opt)->capture_default_str();
    app.add_option("--budget-ms", check.budget_ms, "with --check: longest a call may take (default: poll_timeout)")
        ->needs(check_opt);
    app.add_flag("--allow-open-failure", check.allow_open_failure,
                 "with --check: no device at hand, a failing open() is not a failure")
        ->needs(check_opt);
    app.add_flag("-v,--verbose", check.verbose, "with --check: print the log lines too")->needs(check_opt);
    app.add_flag("!--no-leak-check", check.leaks, "with --check: skip the AddressSanitizer leak check")->needs(check_opt);
    app.set_version_flag("-V,--version", "upsdrvd (nutpp) " NUTPP_VERSION);
    CLI11_PARSE(app, argc, argv);

    if (!o.describe.empty()) return describe_plugin(o);
    if (!check.plugin.empty()) {
        check.plugin_dir = o.plugin_dir.empty() ? host::default_plugin_dir() : o.plugin_dir;
        check.argv.assign(argv, argv + argc);
        return host::run_check_sanitized(check, std::cout);
    }

    // Commands for a running upsdrvd only need state_dir; everything that acts on the file checks
    // all of it first (a device with a bad key stops the whole start, not just that device).
    const bool acts = o.command.empty() && o.dump.empty();
    config::Config cfg;
    try {
        cfg = acts ? validate::load_checked(o.config_file, {o.plugin_dir, !o.kill_power, {}})
                   : config::load_file(o.config_file);
    } catch (const config::ConfigError &e) {
        std::cerr << "Error: " << e.what() << "\n";
        return config::kExitConfigError;
    } catch (const std::exception &e) {
        std::cerr << "Error: " << e.what() << "\n";
        return 1;
    }
    if (o.check_config) {
        std::cout << o.config_file << ": OK\n";
        return 0;
    }
    if (!o.command.empty()) return daemon::send_control("upsdrvd", o.command, pid_file_for(cfg, o));
    if (!o.dump.empty()) return dump_device(cfg, o.dump);
    // Nothing to drive (or to shut down with -k) is a configuration mistake, as for NUT's upsdrvctl
    // ("no UPS definitions found"); `nutpp run` does not start upsdrvd for such a file.
    if (cfg.devices.empty()) {
        std::cerr << "Error: no devices defined in " << cfg.file << ": nothing to run\n";
        return 1;
    }
    if (!o.only_device.empty()) {
        o.foreground = true;
        bool found = false;
        for (const auto &d : cfg.devices) found |= d.name == o.only_device;
        if (!found) {
            std::cerr << "Error: no device '" << o.only_device << "' in " << cfg.file << "\n";
            return 1;
        }
    }
    if (o.kill_power) {
        common::init_logging("upsdrvd", o.debug, false);
        std::error_code ec;
        const auto dir = std::filesystem::absolute(o.config_file, ec).parent_path();
        if (!ec) ::setenv("NUTPP_CONFDIR", dir.c_str(), 0);
        host::KillPowerOptions kp;
        kp.plugin_dir = o.plugin_dir;
        kp.only_device = o.only_device;
        kp.worker_exe = self_exe;
        kp.debug = o.debug;
        const int failed = host::kill_power(cfg, kp);
        if (failed) spdlog::error("{} UPS(es) could not be shut down", failed);
        return failed ? 1 : 0;
    }


    daemon::block_signals();
    common::init_logging("upsdrvd", o.debug, !o.foreground);
    host::install_crash_report();

    // Everything that needs root or may refuse to start comes before any socket exists: the
    // account, the state directory (0770 root:<group>), the pid file lock (a second instance
    // stops here and leaves the first one's sockets alone).
    std::optional<daemon::Account> account;
    daemon::PidFile pid_file;
    try {
        account = daemon::account_to_become("upsdrvd", cfg.driver_defaults.user, cfg.driver_defaults.group,
                                            cfg.state_dir);
        daemon::make_state_dir(cfg.state_dir, account ? std::optional<gid_t>(account->gid) : std::nullopt);
        pid_file = daemon::PidFile::acquire("upsdrvd", pid_file_for(cfg, o));
    } catch (const std::exception &e) {
        std::cerr << "Error: " << e.what() << "\n";
        return 1;
    }
    if (account) warn_unreachable(*account, cfg, o);
    if (!o.foreground) daemon::detach_writing_pid(pid_file);
    // Drop before any plugin opens its device, not after: a reconnect reopens the device as the
    // account anyway, so a node it cannot open must fail now, visibly, not hours later at the
    // first USB reset. set*id applies to every thread (glibc), and none has started yet.
    if (account) {
        try {
            daemon::drop_to(*account);
            spdlog::info("running as user {} (group {})", account->user, account->group);
        } catch (const std::exception &e) {
            spdlog::error("{}", e.what());
            return 1;
        }
    }

    // Relative file names in device settings (a sim .dev file, say) mean "next to the config file",
    // as NUT resolves them against its CONFPATH. Set once, before any plugin thread exists.
    {
        std::error_code ec;
        const auto dir = std::filesystem::absolute(o.config_file, ec).parent_path();
        if (!ec) ::setenv("NUTPP_CONFDIR", dir.c_str(), 0);
    }

    // Each device holds descriptors (its driver socket and clients, its wake-up eventfd, the
    // plugin's port): a thousand devices do not fit the usual soft limit of 1024. Same rule as upsd.
    const uint64_t fd_limit = daemon::raise_fd_limit();
    spdlog::debug("descriptor limit {}", fd_limit);

    common::EventLoop loop;
    host::DriverHost drivers(loop, host::HostOptions{o.plugin_dir, o.only_device, self_exe, o.debug});
    const int failed = drivers.apply(cfg);
    // Every device failed (its plugin missing, or refusing its configuration): nothing to serve, and
    // a service manager should see it, so exit 1. With some running, stay up; a reload retries the rest.
    if (drivers.running() == 0 && (!cfg.devices.empty() || !o.only_device.empty())) {
        spdlog::error("no device could be started ({} failed); exiting", failed);
        return 1;
    }
    spdlog::info("upsdrvd {} running {} device(s) from {}{}", NUTPP_VERSION, drivers.running(), cfg.file,
                 failed_summary(drivers));

    daemon::watch_signals(
        loop,
        [&] {
            spdlog::info("stopping");
            loop.stop();
        },
        [&] {
            spdlog::info("reloading {}", o.config_file);
            try {
                const auto fresh = validate::load_checked(
                    o.config_file, {o.plugin_dir, true, [](const std::string &m) { spdlog::warn("{}", m); }});
                const int n = drivers.apply(fresh);
                spdlog::info("reload done: {} device(s) running, {} failed{}", drivers.running(), n,
                             failed_summary(drivers));
            } catch (const std::exception &e) {
                spdlog::error("reload failed, keeping the running configuration: {}", e.what());
            }
        });
    loop.run();
    drivers.stop_all();
    pid_file.release();
    return 0;
}
