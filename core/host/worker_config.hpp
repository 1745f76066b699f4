// What upsdrvd tells a device's worker process (isolation: process) about the device it is to run:
// the parsed DeviceConfig (with the file locations, so the worker's messages point at the same
// lines), the plugin file, and how to run. Sent as one JSON line on the worker's channel rather
// than re-read from the config file, so a worker restarted after a crash runs exactly the
// configuration upsdrvd last applied, not a file edited since and not yet reloaded.
#pragma once

#include <string>

#include "config/config.hpp"

namespace nutpp::host {

struct WorkerSpec {
    config::DeviceConfig device;
    std::string plugin_path; // resolved by upsdrvd (and trust-checked there)
    bool shutdown_run = false; // upsdrvd -k: only send the shutdown commands
    int debug = 0;             // upsdrvd's -D count
};

std::string to_json_line(const WorkerSpec &spec); // one line, no '\n'
// Throws std::runtime_error on malformed input.
WorkerSpec worker_spec_from_json(const std::string &line);

} // namespace nutpp::host
