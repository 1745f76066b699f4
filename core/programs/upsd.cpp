// upsd: the NUT network server (TCP 3493). Serves every configured device's driver socket to NUT
// clients (upsc, upsmon, PyNUT, NAS boxes, ...), byte-compatible with NUT 2.8.0's upsd.
//
//   upsd -f nutpp.yaml [-F] [-D...] [-c reload|stop]   nutpp configuration (`server`, `users`, `devices`)
//   upsd [-F|-B] [-D...] [-u user] [-c reload|stop]    NUT drop-in: upsd.conf, upsd.users, ups.conf
//                                                      from NUT_CONFPATH (default /etc/nut)
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <unistd.h>

#include <filesystem>
#include <functional>
#include <iostream>

#include "common/event_loop.hpp"
#include "common/log.hpp"
#include "config/config.hpp"
#include "daemon/account.hpp"
#include "daemon/daemon.hpp"
#include "daemon/pid_file.hpp"
#include "server/nut_conf.hpp"
#include "server/protocol.hpp"
#include "server/upsd.hpp"
#include "validate/validate.hpp"

#ifndef NUTPP_VERSION
#define NUTPP_VERSION "0.0.0"
#endif

using namespace nutpp;

namespace {

struct Options {
    std::string config_file; // empty: NUT drop-in mode
    bool foreground = false;
    bool background = false;
    int debug = 0;
    std::string command;
    std::string user;
};

// VER / server.info. Starts like NUT's line (some tools match "Network UPS Tools upsd"), then says
// what we are.
std::string version_line() {
    return std::string("Network UPS Tools upsd ") + std::string(server::kNutCompatVersion) + " (nutpp " NUTPP_VERSION
           ") - http://www.networkupstools.org/";
}

// Loads the configuration of either mode; throws on errors. The nutpp file gets the whole-file
// check upsdrvd and upsmon run too (device keys against their plugins): upsd must not serve a file
// upsdrvd refuses. `warn` receives the check's warnings (readable secrets, unreadable plugins).
config::Config load(const Options &o, const server::NutPaths &nut,
                    std::function<void(const std::string &)> warn = {}) {
    if (!o.config_file.empty()) return validate::load_checked(o.config_file, {{}, true, std::move(warn)});
    return server::load_nut_config(nut);
}

std::string pid_file(const Options &o, const config::Config &cfg, const server::NutPaths &nut) {
    if (!o.config_file.empty()) return (std::filesystem::path(cfg.state_dir) / "upsd.pid").string();
    const std::string dir = !nut.pidpath.empty() ? nut.pidpath : cfg.state_dir;
    return (std::filesystem::path(dir) / "upsd.pid").string();
}

} // namespace

int main(int argc, char **argv) {
    Options o;
    CLI::App app{"upsd - nutpp network UPS server (NUT protocol, TCP 3493)"};
    app.add_option("-f,--config", o.config_file, "nutpp configuration file; without it upsd reads NUT's "
                                                 "upsd.conf, upsd.users and ups.conf from NUT_CONFPATH");
    app.add_flag("-F,--foreground", o.foreground, "stay in the foreground, log to stderr");
    app.add_flag("-B,--background", o.background, "run in the background (the default)");
    app.add_flag("-D", o.debug, "raise the debug level (repeat for more)");
    app.add_option("-c", o.command, "send a command to the running upsd: reload or stop")
        ->check(CLI::IsMember({"reload", "stop"}));
    app.add_option("-u", o.user, "run as this user once the sockets are open (NUT's -u; default: the "
                                 "top-level `user` key, else nut)");
    app.set_version_flag("-V,--version", "Network UPS Tools upsd " + std::string(server::kNutCompatVersion) +
                                             " (nutpp " NUTPP_VERSION ")");
    CLI11_PARSE(app, argc, argv);

    const server::NutPaths nut = server::nut_paths_from_env();
    const bool drop_in = o.config_file.empty();
    if (o.foreground) o.background = false;

    config::Config cfg;
    try {
        // -c only needs the pid file's place; anything else is about to act on the file.
        cfg = o.command.empty() || drop_in ? load(o, nut) : config::load_file(o.config_file);
    } catch (const config::ConfigError &e) {
        std::cerr << e.what() << "\n";
        return config::kExitConfigError;
    } catch (const std::exception &e) {
        std::cerr << e.what() << "\n";
        return 1;
    }
    const std::string pidf = pid_file(o, cfg, nut);
    if (!o.command.empty()) return daemon::send_control("upsd", o.command, pidf);

    daemon::block_signals();
    common::init_logging("upsd", std::max(o.debug, cfg.server.debug_min), !o.foreground);
    spdlog::info("{}", version_line());

    // The account (-u, else the top-level `user`/`group`, default nut), the pid file's directory
    // and the single-instance lock come first: a second upsd stops before binding anything.
    // NUT writes no pid file in the foreground in drop-in mode; the nutpp mode always does (for -c).
    const bool want_pid = !drop_in || !o.foreground;
    std::optional<daemon::Account> account;
    daemon::PidFile pid_lock;
    try {
        account = daemon::account_to_become("upsd", o.user.empty() ? cfg.driver_defaults.user : o.user,
                                            o.user.empty() ? cfg.driver_defaults.group : "", cfg.state_dir);
        const std::optional<gid_t> gid = account ? std::optional<gid_t>(account->gid) : std::nullopt;
        daemon::make_state_dir(cfg.state_dir, gid);
        if (want_pid) {
            daemon::make_state_dir(std::filesystem::path(pidf).parent_path().string(), gid);
            pid_lock = daemon::PidFile::acquire("upsd", pidf);
        }
    } catch (const std::exception &e) {
        std::cerr << "Error: " << e.what() << "\n";
        return 1;
    }

    common::EventLoop loop;
    std::unique_ptr<server::Upsd> upsd;
    try {
        upsd = std::make_unique<server::Upsd>(loop, cfg, version_line());
        upsd->start();
        // After the listeners and certificates are open. The driver sockets are group-accessible
        // (root:<group> 0660), so reconnecting to a restarted upsdrvd works as the account too.
        if (account) {
            daemon::drop_to(*account);
            spdlog::info("running as user {} (group {})", account->user, account->group);
        }
    } catch (const std::exception &e) {
        spdlog::error("{}", e.what());
        return 1;
    }
    if (!o.foreground) daemon::detach();
    if (want_pid) {
        try {
            pid_lock.write_pid(getpid());
        } catch (const std::exception &e) {
            spdlog::warn("{}", e.what());
        }
    }

    daemon::watch_signals(
        loop,
        [&] {
            spdlog::info("Signal received: exiting");
            loop.stop();
        },
        [&] {
            spdlog::info("reloading the configuration");
            try {
                upsd->reload(load(o, nut, [](const std::string &m) { spdlog::warn("{}", m); }));
            } catch (const std::exception &e) {
                spdlog::error("reload failed, keeping the running configuration: {}", e.what());
            }
        });
    loop.run();
    upsd.reset();
    pid_lock.release();
    return 0;
}
