// upsweb: Prometheus metrics, a JSON/HTTP API with live events, a status page and MQTT with Home
// Assistant discovery for the UPSes of a upsd (ours: fed by push; NUT's: by polling). Configuration
// = the `web` section of the nutpp YAML file. A plain upsd client: it needs no privileges and runs
// outside upsd's process.
//
//   upsweb -f nutpp.yaml [-F] [-D...]     run (in the background unless -F)
//   upsweb -f nutpp.yaml -c stop          stop the running upsweb
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "common/log.hpp"
#include "config/config.hpp"
#include "daemon/daemon.hpp"
#include "daemon/pid_file.hpp"
#include "validate/validate.hpp"
#include "web/upsweb.hpp"

#ifndef NUTPP_VERSION
#define NUTPP_VERSION "0.0.0"
#endif
#ifndef NUTPP_DEFAULT_CONFIG
#define NUTPP_DEFAULT_CONFIG "/etc/nutpp/nutpp.yaml"
#endif

using namespace nutpp;

int main(int argc, char **argv) {
    std::string config_file = NUTPP_DEFAULT_CONFIG, command;
    bool foreground = false;
    int debug = 0;
    CLI::App app{"upsweb - nutpp metrics, HTTP API, status page and MQTT for the UPSes of a upsd"};
    app.add_option("-f,--config", config_file, "nutpp configuration file (section `web`)");
    app.add_flag("-F,--foreground", foreground, "stay in the foreground, log to stderr");
    app.add_flag("-D", debug, "raise the debug level (repeat for more)");
    app.add_option("-c", command, "send a command to the running upsweb: stop")->check(CLI::IsMember({"stop"}));
    app.set_version_flag("-V,--version", "nutpp upsweb " NUTPP_VERSION);
    CLI11_PARSE(app, argc, argv);

    config::Config cfg;
    try {
        cfg = command.empty() ? validate::load_checked(config_file, {{}, false, {}}) : config::load_file(config_file);
    } catch (const config::ConfigError &e) {
        std::cerr << e.what() << "\n";
        return config::kExitConfigError;
    } catch (const std::exception &e) {
        std::cerr << e.what() << "\n";
        return 1;
    }
    const std::string pidf = (std::filesystem::path(cfg.state_dir) / "upsweb.pid").string();
    if (!command.empty()) return daemon::send_control("upsweb", command, pidf);
    if (!cfg.web.configured) {
        std::cerr << config_file << ": no section 'web': nothing for upsweb to do\n";
        return config::kExitConfigError;
    }

    daemon::block_signals();
    common::init_logging("upsweb", debug, !foreground);
    spdlog::info("nutpp upsweb " NUTPP_VERSION " reading upsd at {}:{}", cfg.web.upsd_host, cfg.web.upsd_port);
    daemon::PidFile pid_lock;
    try {
        daemon::make_state_dir(cfg.state_dir, std::nullopt);
        pid_lock = daemon::PidFile::acquire("upsweb", pidf);
    } catch (const std::exception &e) {
        std::cerr << "Error: " << e.what() << "\n";
        return 1;
    }
    if (!foreground) daemon::detach_writing_pid(pid_lock);
    try {
        web::Upsweb service(cfg);
        service.start();
        sigset_t set;
        sigemptyset(&set);
        for (int s : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&set, s);
        for (;;) {
            int sig = 0;
            sigwait(&set, &sig);
            if (sig == SIGHUP) {
                spdlog::info("SIGHUP: upsweb reads its configuration at start only; restart it to apply changes");
                continue;
            }
            break;
        }
        spdlog::info("stopping");
        service.stop();
    } catch (const config::ConfigError &e) {
        spdlog::error("{}", e.what());
        return config::kExitConfigError;
    } catch (const std::exception &e) {
        spdlog::error("{}", e.what());
        return 1;
    }
    pid_lock.release();
    return 0;
}
