// How one device runs: the seam between upsdrvd's supervisor (DriverHost, upsdrvd -k) and the
// thing that calls a plugin instance. Today's runner is Device (a thread per device in upsdrvd's
// process, make_runner()); a child-process runner (plugin isolation) or a shared-loop runner (many
// network devices) implements the same interface, with the same NutNormalizer publishing rules, so
// neither the driver socket nor upsd can tell them apart.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "config/config.hpp"
#include "driver_socket/request.hpp"
#include "host/plugin.hpp"
#include "store/var_store.hpp"

namespace nutpp::host {

class DeviceRunner {
public:
    using Clock = std::chrono::steady_clock;
    enum class StartState { Starting, Running, Failed };
    // The outcome of one INSTCMD/SET, typed (NUT's TRACKING numbers are its wire form). Called once,
    // from the runner's thread; must not block.
    using Completion = std::function<void(driver_socket::TrackingResult)>;

    virtual ~DeviceRunner() = default;

    // Before start(): this instance only exists to send shutdown commands (upsdrvd -k).
    virtual void set_shutdown_run() = 0;
    virtual void start() = 0;
    // Waits until create() has returned (or `deadline`): Running, or Failed (failure() says why).
    virtual StartState wait_started(Clock::time_point deadline) = 0;
    virtual std::string failure() const = 0;
    virtual void request_stop() = 0;
    // False when still busy in a plugin call at the deadline (the runner must then be kept alive).
    virtual bool join_until(Clock::time_point deadline) = 0;
    bool join(std::chrono::milliseconds timeout) { return join_until(Clock::now() + timeout); }

    virtual const config::DeviceConfig &config() const = 0;
    // What the device publishes; the driver socket serves it.
    virtual store::VarStore &store() = 0;
    // "<driver>-<device>" (config/socket_name.hpp).
    virtual std::string socket_name() const = 0;
    const std::string &name() const { return config().name; }

    // From any thread: an INSTCMD or SET for the device. With tracking, the store also queues NUT's
    // "TRACKING <id> <n>" line for socket clients; `done` (optional) gets the typed result.
    virtual void submit(const driver_socket::Request &r, Completion done = {}) = 0;
    // Periodically from the supervisor: flags a plugin call that overran poll_timeout.
    virtual void watchdog_check() = 0;
};

// The in-process runner: the device's own thread in this process (host/device.hpp). Throws
// std::runtime_error when the device cannot be set up.
std::unique_ptr<DeviceRunner> make_runner(config::DeviceConfig cfg, std::shared_ptr<Plugin> plugin,
                                          store::VarStore::Notify on_change);

// Whether a device runs in a worker process (host/process_runner.hpp): its `isolation`, and for
// `auto`, a plugin named by a path outside `plugin_dir` (someone else's code) runs isolated while
// the plugins installed in plugin_dir run in-process.
bool runs_isolated(const config::DeviceConfig &d, const std::string &plugin_dir);

// What starting a device needs besides its config, for upsdrvd and upsdrvd -k alike.
struct RunnerSetup {
    std::string plugin_dir;
    std::string worker_exe; // upsdrvd's binary, for isolated devices
    int debug = 0;
};
struct PreparedRunner {
    std::unique_ptr<DeviceRunner> runner;
    std::shared_ptr<Plugin> plugin; // in-process only (acquired: release() after the runner is joined)
    std::string plugin_path;
};
// Loads (in-process) or locates (isolated) the device's plugin and builds its runner, not started.
// `load` loads a plugin by name and dir (a cache, or Plugin::load). Throws LoadError, ConfigError
// (bad plugin keys of an in-process device; an isolated one's worker checks them itself) or
// std::runtime_error.
using PluginLoader = std::function<std::shared_ptr<Plugin>(const std::string &driver, const std::string &dir)>;
PreparedRunner prepare_runner(const config::DeviceConfig &d, const RunnerSetup &setup, const PluginLoader &load,
                              store::VarStore::Notify on_change);

} // namespace nutpp::host
