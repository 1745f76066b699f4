#include "host/runner.hpp"

#include <filesystem>
#include <unistd.h>

#include "host/process_runner.hpp"

namespace nutpp::host {

namespace fs = std::filesystem;

bool runs_isolated(const config::DeviceConfig &d, const std::string &plugin_dir) {
    switch (d.isolation) {
    case config::Isolation::InProcess: return false;
    case config::Isolation::Process: return true;
    case config::Isolation::Auto: break;
    }
    if (d.driver.find('/') == std::string::npos) return false; // found by name in plugin_dir
    // Compared as directories: "/x/drivers/" and "/x/drivers" are the same place.
    std::error_code ec1, ec2;
    const auto dir = (fs::weakly_canonical(plugin_dir, ec1) / "f").parent_path();
    const auto file_dir = fs::weakly_canonical(d.driver, ec2).parent_path();
    return ec1 || ec2 || dir != file_dir;
}

PreparedRunner prepare_runner(const config::DeviceConfig &d, const RunnerSetup &setup, const PluginLoader &load,
                              store::VarStore::Notify on_change) {
    PreparedRunner out;
    if (runs_isolated(d, setup.plugin_dir)) {
        // No dlopen here: the plugin's code (constructors included) runs only in the worker.
        out.plugin_path = Plugin::resolve(d.driver, setup.plugin_dir);
        Plugin::check_trusted(d.driver, out.plugin_path);
        // Never "whatever this process is": a test binary re-executed as a worker would run its tests.
        if (setup.worker_exe.empty())
            throw std::runtime_error("isolation: process needs upsdrvd's binary to start the worker, and none was given");
        out.runner = std::make_unique<ProcessRunner>(d, WorkerLaunch{setup.worker_exe, out.plugin_path, setup.debug},
                                                     std::move(on_change));
        return out;
    }
    out.plugin = load(d.driver, setup.plugin_dir);
    out.plugin_path = out.plugin->path();
    config::check_driver_keys(d, out.plugin->name(), out.plugin->key_specs());
    out.plugin->acquire();
    try {
        out.runner = make_runner(d, out.plugin, std::move(on_change));
    } catch (...) {
        out.plugin->release();
        throw;
    }
    return out;
}

} // namespace nutpp::host
