// NUT's privilege separation for upsmon: when started as root with run_as_user set, a root
// parent stays behind whose only job is the final step (powerdown flag + shutdowncmd); the
// monitoring child drops to run_as_user and asks the parent through a pipe. Signals sent to the
// parent (the pid in the pid file) are forwarded to the child.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "config/config.hpp"
#include "daemon/pid_file.hpp"
#include "monitor/upsmon.hpp"

namespace nutpp::monitor {

struct ChildSide {
    ShutdownAction action;             // asks the parent
    std::function<bool()> parent_alive;
};

// Forks. In the parent this never returns: it serves shutdown requests, forwards signals, and
// exits with the child's status (keeping the lock of `pid_file`, which holds its pid, and removing
// it at the end). In the child it returns once privileges are dropped (the child closes its copy
// of the pid file: only the parent holds the lock); nullopt (no fork) when dropping cannot work.
std::optional<ChildSide> split_privileges(const config::MonitorConfig &cfg, daemon::PidFile &pid_file);

} // namespace nutpp::monitor
