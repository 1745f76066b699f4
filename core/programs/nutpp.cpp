// nutpp: a small launcher for trying things out and for containers.
//   nutpp run -f FILE [-D...]
//   nutpp import [DIR] [-o FILE] [--check]   (nutpp_import.cpp)
//   nutpp scan -m CIDR | -s START [-e END] [-t SECS] [-T N]   (nutpp_scan.cpp)
// starts the components the config needs (upsdrvd when it has devices, upsd, upsmon when it has
// monitors, upsweb when it has a `web` section) in the foreground, restarts one that dies (with doubling backoff), and stops them all in
// reverse order on Ctrl-C / SIGTERM. The file is checked whole (validate::load_checked) before
// anything starts, and a component exiting with the config-error status (78) stops the stack
// instead of being restarted: a bad file does not fix itself. Each component is the
// ordinary program found next to this one, so what runs here is what runs under systemd.
#include <CLI/CLI.hpp>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "nutpp_import.hpp"
#include "nutpp_scan.hpp"
#include "validate/validate.hpp"

#ifndef NUTPP_VERSION
#define NUTPP_VERSION "0.0.0"
#endif

extern char **environ;

namespace {

using Clock = std::chrono::steady_clock;

struct Component {
    std::string program; // upsdrvd, upsd, upsmon, upsweb
    std::vector<std::string> argv;
    pid_t pid = -1;
    std::chrono::seconds backoff{1};
    Clock::time_point restart_at{};
    Clock::time_point started{};
};

constexpr std::chrono::seconds kMaxBackoff{30};
constexpr std::chrono::seconds kStableAfter{60}; // running this long resets the backoff
constexpr std::chrono::seconds kStopGrace{5};

std::filesystem::path own_dir() {
    std::error_code ec;
    auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    return ec ? std::filesystem::path(".") : self.parent_path();
}

pid_t spawn(const Component &c) {
    std::vector<char *> args;
    for (const auto &a : c.argv) args.push_back(const_cast<char *>(a.c_str()));
    args.push_back(nullptr);
    // The child must not inherit our blocked signal mask, or TERM would never reach it.
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
    pid_t pid = -1;
    const int rc = posix_spawn(&pid, args[0], nullptr, &attr, args.data(), environ);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) {
        std::cerr << "nutpp: cannot start " << c.argv[0] << ": " << std::strerror(rc) << "\n";
        return -1;
    }
    return pid;
}

void start(Component &c) {
    c.pid = spawn(c);
    c.started = Clock::now();
    if (c.pid > 0) std::cerr << "nutpp: started " << c.program << " (pid " << c.pid << ")\n";
}

void stop_all(std::vector<Component> &comps) {
    // Reverse start order: the monitor first, the drivers last (upsd keeps serving until then).
    for (auto it = comps.rbegin(); it != comps.rend(); ++it)
        if (it->pid > 0) ::kill(it->pid, SIGTERM);
    const auto deadline = Clock::now() + kStopGrace;
    for (auto &c : comps) {
        while (c.pid > 0) {
            int status = 0;
            const pid_t r = ::waitpid(c.pid, &status, WNOHANG);
            if (r == c.pid || r < 0) {
                c.pid = -1;
                break;
            }
            if (Clock::now() >= deadline) {
                std::cerr << "nutpp: " << c.program << " did not stop in time; killing it\n";
                ::kill(c.pid, SIGKILL);
                ::waitpid(c.pid, &status, 0);
                c.pid = -1;
                break;
            }
            ::usleep(20000);
        }
    }
}

int run(const std::string &config_file, int debug) {
    // The same whole-file check each component runs at its start, done once before any starts: a
    // file one of them would refuse must not leave the others running half a stack.
    nutpp::config::Config cfg;
    try {
        cfg = nutpp::validate::load_checked(config_file);
    } catch (const nutpp::config::ConfigError &e) {
        std::cerr << "Error: " << e.what() << "\nnutpp: nothing started\n";
        return nutpp::config::kExitConfigError;
    } catch (const std::exception &e) {
        std::cerr << "Error: " << e.what() << "\n";
        return 1;
    }
    const auto dir = own_dir();
    std::vector<Component> comps;
    auto add = [&](const std::string &program) {
        const auto path = dir / program;
        if (!std::filesystem::exists(path)) {
            std::cerr << "nutpp: " << path.string() << " is not installed; running without it\n";
            return;
        }
        Component c;
        c.program = program;
        c.argv = {path.string(), "-F", "-f", config_file};
        for (int i = 0; i < debug; ++i) c.argv.push_back("-D");
        comps.push_back(std::move(c));
    };
    if (!cfg.devices.empty()) add("upsdrvd");
    if (!cfg.devices.empty() || cfg.server.allow_no_device) add("upsd");
    if (!cfg.monitor.monitors.empty()) add("upsmon");
    if (cfg.web.configured) add("upsweb");
    if (comps.empty()) {
        std::cerr << "nutpp: nothing to run in " << config_file << " (no devices, no monitors, no web)\n";
        return 1;
    }

    sigset_t set;
    sigemptyset(&set);
    for (int s : {SIGINT, SIGTERM, SIGCHLD}) sigaddset(&set, s);
    sigprocmask(SIG_BLOCK, &set, nullptr);

    for (auto &c : comps) start(c);
    int rc = 0;
    while (rc == 0) {
        // Wake for signals, or every 200 ms to start components whose backoff has passed.
        const timespec tick{0, 200 * 1000 * 1000};
        const int sig = sigtimedwait(&set, nullptr, &tick);
        if (sig == SIGINT || sig == SIGTERM) break;
        int status = 0;
        pid_t pid;
        while ((pid = ::waitpid(-1, &status, WNOHANG)) > 0) {
            for (auto &c : comps) {
                if (c.pid != pid) continue;
                c.pid = -1;
                // A configuration error is permanent (the file changed since our check): restarting
                // only repeats it, so the whole stack stops and says why.
                if (WIFEXITED(status) && WEXITSTATUS(status) == nutpp::config::kExitConfigError) {
                    std::cerr << "nutpp: " << c.program << " refused the configuration in " << config_file
                              << " (exit status " << nutpp::config::kExitConfigError
                              << "); stopping everything: fix the file, then start again\n";
                    rc = nutpp::config::kExitConfigError;
                    break;
                }
                if (Clock::now() - c.started >= kStableAfter) c.backoff = std::chrono::seconds(1);
                c.restart_at = Clock::now() + c.backoff;
                std::cerr << "nutpp: " << c.program << " exited ("
                          << (WIFEXITED(status) ? "status " + std::to_string(WEXITSTATUS(status))
                                                : "signal " + std::to_string(WTERMSIG(status)))
                          << "); restarting in " << c.backoff.count() << " s\n";
                c.backoff = std::min(c.backoff * 2, kMaxBackoff);
            }
        }
        if (rc != 0) break;
        for (auto &c : comps)
            if (c.pid < 0 && Clock::now() >= c.restart_at) start(c);
    }
    std::cerr << "nutpp: stopping\n";
    stop_all(comps);
    return rc;
}

} // namespace

int main(int argc, char **argv) {
    CLI::App app{"nutpp - runs the nutpp components a configuration needs, in the foreground"};
    app.require_subcommand(1);
    std::string config_file = "/etc/nutpp/nutpp.yaml";
    int debug = 0;
    auto *run_cmd = app.add_subcommand("run", "start upsdrvd, upsd, upsmon and upsweb as the config needs; Ctrl-C stops");
    run_cmd->add_option("-f,--config", config_file, "configuration file")->capture_default_str();
    run_cmd->add_flag("-D", debug, "raise the components' debug level (repeat for more)");
    nutpp::programs::ImportCommand imp;
    auto *import_cmd = app.add_subcommand("import", "convert NUT's configuration (ups.conf, upsd.conf, upsd.users, "
                                                    "upsmon.conf, nut.conf) into one nutpp YAML file");
    import_cmd->add_option("dir", imp.dir, "the NUT configuration directory")->capture_default_str();
    import_cmd->add_option("-o,--output", imp.output, "write the YAML here (mode 0600) instead of stdout");
    import_cmd->add_flag("--check", imp.check, "load the result with nutpp's configuration check");
    nutpp::programs::ScanCommand scan;
    auto *scan_cmd = nutpp::programs::add_scan_command(app, scan);
    app.set_version_flag("-V,--version", "nutpp " NUTPP_VERSION);
    CLI11_PARSE(app, argc, argv);
    if (import_cmd->parsed()) return nutpp::programs::run_import(imp);
    if (scan_cmd->parsed()) return nutpp::programs::run_scan(scan);
    return run(config_file, debug);
}
