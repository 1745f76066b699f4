// Both harnesses read our side the same way: upsdrvd runs the device, our upsd serves it on a free
// loopback port, and NUT's own upsc reads it (the same client that reads NUT's side).
#pragma once

#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>

#include "compare.hpp"
#include "process.hpp"
#include "upsd_fixture.hpp"
#include "upsdrvd_fixture.hpp"

namespace fidelity {

inline constexpr const char *kNutUpsc = "/usr/bin/upsc";

// `device_yaml`: the device's entry under `devices:` (named "ups", indented two spaces). `settle`:
// extra time after ups.status appears, for values a driver fills in over a few polls. `ready`: how long
// ups.status may take (throws after it).
inline Vars read_with_ours(const std::string &device_yaml,
                           std::chrono::milliseconds settle = std::chrono::milliseconds(0),
                           std::chrono::milliseconds ready = std::chrono::seconds(20)) {
    using namespace nutpp::testing;
    UpsdrvdProcess drivers;
    drivers.write_config(device_yaml);
    drivers.start();
    const std::string dir = drivers.dir().string() + "/upsd";
    std::filesystem::create_directories(dir);
    YamlUpsd upsd(dir, "state_dir: " + drivers.state_dir() + "\nplugin_dir: " + NUTPP_PLUGIN_DIR_FOR_TESTS +
                           "\nserver:\n  listen: [\"127.0.0.1:{PORT}\"]\ndevices:\n" + device_yaml);
    if (!upsd.wait_value("ups", "ups.status", ready))
        throw std::runtime_error("ours not ready: " + drivers.log());
    std::this_thread::sleep_for(settle);
    const auto r = run_command({kNutUpsc, "ups@127.0.0.1:" + std::to_string(upsd.port())});
    if (r.exit_code != 0) throw std::runtime_error("upsc on ours failed: " + r.err);
    return parse_upsc(r.out);
}

} // namespace fidelity
