#include "host/worker.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include <nutpp/support/nut_client.hpp>

#include "common/event_loop.hpp"
#include "daemon/daemon.hpp"
#include "driver_socket/server.hpp"
#include "host/crash_report.hpp"
#include "host/device.hpp"
#include "host/plugin.hpp"
#include "host/runner.hpp"
#include "host/worker_config.hpp"

namespace nutpp::host {

namespace {

using namespace std::chrono_literals;

// The spec line, read byte by byte: nothing after it may be consumed here (the driver protocol
// that follows belongs to the socket server). It is a few KiB once per start, so this is cheap.
bool read_line(int fd, std::string &out) {
    char c = 0;
    while (out.size() < (1u << 20)) {
        const ssize_t n = ::read(fd, &c, 1);
        if (n == 1) {
            if (c == '\n') return true;
            out += c;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else {
            return false;
        }
    }
    return false;
}

void write_all(int fd, const std::string &s) {
    size_t off = 0;
    while (off < s.size()) {
        const ssize_t n = ::write(fd, s.data() + off, s.size() - off);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        off += static_cast<size_t>(n);
    }
}

// Lines on stderr as "<level> <message>": upsdrvd reads the pipe and logs each at its level.
void init_worker_logging(int debug) {
    spdlog::drop("worker");
    auto logger = spdlog::stderr_logger_st("worker");
    logger->set_pattern("%l %v");
    logger->set_level(debug >= 2 ? spdlog::level::trace : debug == 1 ? spdlog::level::debug : spdlog::level::info);
    logger->flush_on(spdlog::level::trace);
    spdlog::set_default_logger(logger);
}

// RLIMIT_DATA (Linux >= 4.7) counts the heap and private writable mappings, thread stacks included,
// but not the address space malloc only reserves: the closest rlimit to "memory a plugin uses".
void apply_memory_limit(uint64_t bytes) {
    if (!bytes) return;
    const rlimit rl{static_cast<rlim_t>(bytes), static_cast<rlim_t>(bytes)};
    if (setrlimit(RLIMIT_DATA, &rl) != 0) spdlog::warn("cannot set memory_limit: {}", std::strerror(errno));
}

} // namespace

int run_worker() {
    daemon::block_signals();
    init_worker_logging(0);
    install_crash_report(CrashScope::Worker);
    const int ch = kWorkerChannelFd;
    std::string line;
    if (!read_line(ch, line)) {
        spdlog::error("worker: no specification from upsdrvd on fd {}", ch);
        return kExitWorkerSetup;
    }
    WorkerSpec spec;
    try {
        spec = worker_spec_from_json(line);
    } catch (const std::exception &e) {
        spdlog::error("worker: {}", e.what());
        return kExitWorkerSetup;
    }
    init_worker_logging(spec.debug);
    const config::DeviceConfig &dc = spec.device;
    auto fail = [&](const std::string &why) {
        write_all(ch, "NUTPP FAILED " + support::nut_word(why) + "\n");
        return 1;
    };
    apply_memory_limit(dc.memory_limit);

    std::shared_ptr<Plugin> plugin;
    try {
        // upsdrvd resolved and trust-checked the file before it started this process.
        plugin = Plugin::load_from(dc.driver, spec.plugin_path, spec.plugin_path);
        config::check_driver_keys(dc, plugin->name(), plugin->key_specs());
        plugin->acquire();
    } catch (const std::exception &e) {
        return fail(e.what());
    }

    common::EventLoop loop;
    std::unique_ptr<driver_socket::Server> server;
    auto pending = std::make_shared<std::atomic<bool>>(false);
    auto notify = [&loop, &server, pending] {
        if (pending->exchange(true)) return;
        loop.post([&server, pending] {
            pending->store(false);
            if (server) server->broadcast_pending();
        });
    };
    std::unique_ptr<Device> dev;
    try {
        dev = std::make_unique<Device>(dc, plugin, notify);
    } catch (const std::exception &e) {
        return fail(e.what());
    }
    if (spec.shutdown_run) dev->set_shutdown_run();
    dev->start();
    const auto budget = std::chrono::milliseconds(static_cast<long long>(dc.poll_timeout * 1000)) + 1s;
    switch (dev->wait_started(DeviceRunner::Clock::now() + budget)) {
    case DeviceRunner::StartState::Running: break;
    case DeviceRunner::StartState::Failed: {
        const int rc = fail(dev->failure());
        if (dev->join(budget)) plugin->release();
        return rc;
    }
    case DeviceRunner::StartState::Starting:
        spdlog::error("device '{}': plugin create() has not returned after {} s (poll_timeout); worker exits", dc.name,
                      dc.poll_timeout);
        _exit(kExitHung);
    }
    write_all(ch, "NUTPP STARTED\n");

    Device *d = dev.get();
    server = std::make_unique<driver_socket::Server>(
        loop, ch, "device '" + dc.name + "' worker channel", dev->store(),
        [d](const driver_socket::Request &r) { d->submit(r); }, [&loop] { loop.stop(); });
    // A call past its budget: a thread could only be abandoned; a process can end, and upsdrvd
    // starts a fresh one. _exit: the stuck thread is in plugin code, nothing may wait for it.
    loop.add_timer(250ms, [&] {
        d->watchdog_check();
        if (d->call_overran()) {
            spdlog::error("device '{}': plugin {}() overran poll_timeout ({} s); the worker exits to be restarted",
                          dc.name, d->current_call(), dc.poll_timeout);
            _exit(kExitHung);
        }
    }, 250ms);
    daemon::watch_signals(loop, [&loop] { loop.stop(); }, [] {});
    loop.run();

    server.reset();
    dev->request_stop();
    if (!dev->join(budget)) {
        spdlog::warn("device '{}': plugin did not stop within poll_timeout; worker exits anyway", dc.name);
        _exit(0);
    }
    dev.reset();
    plugin->release();
    return 0;
}

} // namespace nutpp::host
