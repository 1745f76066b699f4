// upsdrvd -k: NUT's `upsdrvctl shutdown` (every driver run with -k). The very last step of a system
// shutdown on power failure: each UPS is told to cut its load after its delay and to restore it when
// the mains come back, so the machine boots again by itself instead of staying off (or never losing
// power at all when the mains returned during the shutdown: NUT's "power race").
#pragma once

#include "config/config.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace nutpp::host {

struct KillPowerOptions {
    std::string plugin_dir;  // overrides the config's plugin_dir
    std::string only_device; // one device only (NUT: upsdrvctl shutdown <ups>)
    std::string worker_exe;  // upsdrvd's binary, for isolated devices (required for them)
    int debug = 0;
    // All devices together: systemd gives a system-shutdown hook 90 s, and a UPS that is slow to
    // open must not use up the time of the ones after it in sdorder.
    std::chrono::seconds budget{80};
};

// The instant commands tried for a device, first that works wins: its `sdcommands`, else NUT's
// defaults: the driver's own method (shutdown.default) alone when it has one, otherwise
// shutdown.return, shutdown.reboot and load.off.delay (what usbhid-ups tries).
std::vector<std::string> shutdown_commands(const config::DeviceConfig &d);

// Devices go in `sdorder`, lowest first (-1: never). Each is opened on its own (the daemon has
// stopped by then), given up to `maxstartdelay` seconds to come up, and sent its commands.
// Returns the number of devices that could not be shut down (0: all done).
int kill_power(const config::Config &cfg, const KillPowerOptions &opt);

} // namespace nutpp::host
