// The supervisor of upsdrvd: turns a Config into running devices, each with its plugin instance
// (a DeviceRunner, host/runner.hpp) and its driver socket (driver_socket::Server), applies reloads as a diff (only added,
// removed and changed devices are touched), and runs the watchdog.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/event_loop.hpp"
#include "config/config.hpp"
#include "driver_socket/server.hpp"
#include "host/runner.hpp"
#include "host/plugin.hpp"

namespace nutpp::host {

struct HostOptions {
    std::string plugin_dir;   // empty: config's plugin_dir, else default_plugin_dir()
    std::string only_device;  // -a NAME: run just this device
    std::string worker_exe;   // upsdrvd's binary, for isolated devices (required for them)
    int debug = 0;            // -D count, passed to workers
};

class DriverHost {
public:
    DriverHost(common::EventLoop &loop, HostOptions opts);
    ~DriverHost();

    // Starts, stops and restarts devices so the running set matches `cfg`. Returns the number of
    // devices that failed to start (each failure logged with its reason; the others run). A device
    // fails when its plugin cannot be loaded, its keys are invalid, or create() refuses it (waited
    // for here, up to poll_timeout): it gets no socket and is retried at the next apply (reload).
    int apply(const config::Config &cfg);
    // Stops every device in parallel: all are asked to stop, then all are joined against one deadline.
    void stop_all();

    size_t running() const { return slots_.size(); }
    // Devices of the last apply() that are not running, with the reason (for logs and status).
    const std::map<std::string, std::string> &failed() const { return failed_; }
    DeviceRunner *device(const std::string &name);
    std::string socket_path(const std::string &name) const;

private:
    struct Slot {
        std::unique_ptr<DeviceRunner> device;
        std::shared_ptr<Plugin> plugin; // in-process devices: acquired, released after the join
        std::unique_ptr<driver_socket::Server> server;
        std::shared_ptr<bool> alive; // guards posted broadcasts against a stopped slot
    };
    struct Stopping {
        std::string name;
        std::unique_ptr<DeviceRunner> device;
        std::shared_ptr<Plugin> plugin;
        DeviceRunner::Clock::time_point deadline;
    };
    std::shared_ptr<Plugin> plugin_for(const std::string &driver, const std::string &dir);
    bool start_device(const config::DeviceConfig &dc, const config::Config &cfg);
    // Waits for create() of each just-started device; stops those it refused. Returns how many.
    int check_started(const std::vector<std::string> &names);
    Stopping begin_stop(const std::string &name); // unlinks the socket, asks the thread to stop
    void finish_stop(Stopping &s);                // joins (until s.deadline), releases the plugin
    void stop_devices(const std::vector<std::string> &names);
    static bool same_device_config(const config::DeviceConfig &a, const config::DeviceConfig &b);

    common::EventLoop &loop_;
    HostOptions opts_;
    std::string state_dir_;
    std::string plugin_dir_; // config plugin_dir last applied (a change restarts every device)
    std::map<std::string, Slot> slots_;
    std::map<std::string, config::DeviceConfig> configs_;
    std::map<std::string, std::string> failed_;
    std::map<std::string, std::weak_ptr<Plugin>> plugins_; // by path: one dlopen per .so
    std::vector<std::unique_ptr<DeviceRunner>> stuck_;     // runners stuck in a plugin call at stop
    common::EventLoop::TimerId watchdog_timer_ = 0;
};

} // namespace nutpp::host
