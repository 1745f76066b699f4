// The upsmon loop: poll every supply at pollfreq (pollfreqalert while one is on battery), raise
// notify events on changes, apply the shutdown decision, and run the shutdown sequence:
//   primary: FSD on its UPSes -> wait for secondaries to log out (NUMLOGINS) or hostsync ->
//            SHUTDOWN -> finaldelay -> powerdown flag -> shutdowncmd
//   secondary: SHUTDOWN -> finaldelay -> shutdowncmd (it learns of FSD from the status)
// Signals (blocked by the caller, consumed here with sigtimedwait): TERM/INT stop, HUP reload,
// USR1 = `upsmon -c fsd`.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "monitor/decision.hpp"
#include "monitor/notify.hpp"
#include "monitor/supply.hpp"

namespace nutpp::monitor {

inline constexpr const char *kPowerdownMagic = "upsmon-shutdown-file";

// What runs the final step (write flag + shutdowncmd): in-process, or the privileged parent.
// Returns false when the shutdown could not be run (e.g. the parent is gone).
using ShutdownAction = std::function<bool(bool write_flag)>;

// Single-process action: writes the flag (if `write_flag` and configured), runs shutdowncmd.
bool run_shutdown_locally(const config::MonitorConfig &cfg, bool write_flag);

// `upsmon -K`: flag configured, present, and starting with the magic.
bool powerdown_flag_set(const config::MonitorConfig &cfg);
// Start-up: removes a valid flag; a file with other content disables the flag (returns false).
bool clear_powerdown_flag(const config::MonitorConfig &cfg);

class Upsmon {
public:
    using Reloader = std::function<config::MonitorConfig()>; // throws on a bad file
    Upsmon(config::MonitorConfig cfg, ShutdownAction action, Reloader reloader);
    // Returns the exit code. `parent_alive` (privilege separation) is checked every cycle.
    int run(std::function<bool()> parent_alive = {});

private:
    void poll_all();
    void poll_pushed(); // only the supplies whose push asked for it
    void handle(Supply &s, const std::optional<std::string> &status, Clock::time_point now);
    void handle_wait(Supply &s, Clock::time_point now);
    void comm_lost(Supply &s, const std::string &why, Clock::time_point now); // COMMBAD, then NOCOMM
    // true = shutdown was decided and carried out (the loop ends)
    bool recalc();
    void forceshutdown();
    void doshutdown();
    void reload();
    bool any_primary() const;
    std::chrono::milliseconds interval() const;
    // Waits up to `d` for a signal or (unless shutting down) a status push; true = keep running.
    bool wait(std::chrono::milliseconds d);

    config::MonitorConfig cfg_;
    Notifier notifier_;
    ShutdownAction action_;
    Reloader reloader_;
    std::vector<std::unique_ptr<Supply>> supplies_;
    bool stop_ = false, fsd_requested_ = false, shutting_down_ = false, noparent_sent_ = false;
    int exit_code_ = 0;
    int sigfd_ = -1; // signalfd of the blocked signals: wakes poll() in wait() at once
};

} // namespace nutpp::monitor
