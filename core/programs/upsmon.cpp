// upsmon: watches UPSes through upsd and shuts this host down safely when power runs out
// (NUT 2.8.0 semantics; configuration = the `monitor` section of the nutpp YAML file).
//
//   upsmon -f nutpp.yaml [-F] [-D...]        run (in the background unless -F)
//   upsmon -f nutpp.yaml -c fsd|stop|reload  signal the running upsmon
//   upsmon -f nutpp.yaml -K                  exit 0 iff the powerdown flag is set (late shutdown script)
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "common/log.hpp"
#include "config/config.hpp"
#include "daemon/account.hpp"
#include "daemon/daemon.hpp"
#include "daemon/pid_file.hpp"
#include "monitor/privsep.hpp"
#include "monitor/upsmon.hpp"
#include "validate/validate.hpp"

#ifndef NUTPP_VERSION
#define NUTPP_VERSION "0.0.0"
#endif
#ifndef NUTPP_DEFAULT_CONFIG
#define NUTPP_DEFAULT_CONFIG "/etc/nutpp/nutpp.yaml"
#endif

using namespace nutpp;

namespace {

// The group the state directory is created for when upsmon is the first daemon to need it: the
// same service account as upsdrvd and upsd (best effort: upsmon itself switches to run_as_user).
std::optional<gid_t> service_group(const config::Config &cfg) {
    if (geteuid() != 0) return std::nullopt;
    try {
        return daemon::resolve_account(cfg.driver_defaults.user, cfg.driver_defaults.group).gid;
    } catch (const std::exception &) {
        return std::nullopt;
    }
}

} // namespace

int main(int argc, char **argv) {
    std::string config_file = NUTPP_DEFAULT_CONFIG, command;
    bool foreground = false, background = false, check_flag = false;
    int debug = 0;
    CLI::App app{"upsmon - nutpp UPS monitor and shutdown controller"};
    app.add_option("-f,--config", config_file, "nutpp configuration file (section `monitor`)");
    app.add_flag("-F,--foreground", foreground, "stay in the foreground, log to stderr");
    app.add_flag("-B,--background", background, "run in the background (the default)");
    app.add_flag("-D", debug, "raise the debug level (repeat for more)");
    app.add_option("-c", command, "send a command to the running upsmon: fsd, stop or reload")
        ->check(CLI::IsMember({"fsd", "stop", "reload"}));
    app.add_flag("-K", check_flag, "exit 0 if the powerdown flag is set, 1 otherwise");
    app.set_version_flag("-V,--version", "Network UPS Tools upsmon 2.8.0 (nutpp " NUTPP_VERSION ")");
    CLI11_PARSE(app, argc, argv);

    // -K (late in a shutdown) and -c only read the flag file's and pid file's names; running acts on
    // the file (shutdowncmd, notifycmd as root), so it gets the whole-file check every program runs.
    const bool acts = !check_flag && command.empty();
    config::Config cfg;
    try {
        cfg = acts ? validate::load_checked(config_file) : config::load_file(config_file);
    } catch (const config::ConfigError &e) {
        std::cerr << e.what() << "\n";
        return config::kExitConfigError;
    } catch (const std::exception &e) {
        std::cerr << e.what() << "\n";
        return 1;
    }
    if (check_flag) return monitor::powerdown_flag_set(cfg.monitor) ? 0 : 1;
    const std::string pidf = (std::filesystem::path(cfg.state_dir) / "upsmon.pid").string();
    if (command == "fsd") return daemon::send_signal("upsmon", SIGUSR1, pidf);
    if (!command.empty()) return daemon::send_control("upsmon", command, pidf);
    if (cfg.monitor.monitors.empty()) {
        std::cerr << config_file << ": no monitors configured in section 'monitor'\n";
        return config::kExitConfigError;
    }
    if (cfg.monitor.shutdowncmd.empty()) std::cerr << "Warning: no shutdowncmd set: upsmon cannot shut down\n";

    daemon::block_signals();
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &usr1, nullptr);
    common::init_logging("upsmon", std::max(debug, cfg.monitor.debug_min), !foreground);
    spdlog::info("Network UPS Tools upsmon (nutpp " NUTPP_VERSION ")");
    if (!monitor::clear_powerdown_flag(cfg.monitor)) cfg.monitor.powerdownflag.clear();
    daemon::PidFile pid_lock;
    try {
        daemon::make_state_dir(cfg.state_dir, service_group(cfg));
        pid_lock = daemon::PidFile::acquire("upsmon", pidf);
    } catch (const std::exception &e) {
        std::cerr << "Error: " << e.what() << "\n";
        return 1;
    }
    if (!foreground) daemon::detach_writing_pid(pid_lock);

    auto split = monitor::split_privileges(cfg.monitor, pid_lock);
    const config::MonitorConfig base = cfg.monitor;
    monitor::ShutdownAction action = split ? split->action : monitor::ShutdownAction([base](bool flag) {
        return monitor::run_shutdown_locally(base, flag);
    });
    monitor::Upsmon mon(cfg.monitor, action, [config_file] {
        return validate::load_checked(config_file, {{}, true, [](const std::string &m) { spdlog::warn("{}", m); }})
            .monitor;
    });
    const int rc = mon.run(split ? split->parent_alive : std::function<bool()>{});
    if (!split) pid_lock.release();
    return rc;
}
