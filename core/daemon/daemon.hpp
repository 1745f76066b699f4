// What every nutpp daemon does the same way: pid files and `-c reload|stop` (NUT's meaning),
// detaching from the terminal, and turning TERM/INT/HUP into event-loop callbacks via signalfd.
#pragma once

#include <functional>
#include <string>

#include "common/event_loop.hpp"

namespace nutpp::daemon {

// Blocks TERM/INT/HUP/PIPE in the calling thread; call first in main(), before any thread starts,
// so every thread inherits the mask and only the signalfd sees them.
void block_signals();

// Routes TERM/INT to on_stop and HUP to on_reload on the loop thread.
void watch_signals(common::EventLoop &loop, std::function<void()> on_stop, std::function<void()> on_reload);

// Writes our pid; removed by remove_pid_file(). Throws std::runtime_error on failure.
void write_pid_file(const std::string &path);
void remove_pid_file(const std::string &path);

// `-c reload|stop`: signals the pid in `pid_file`. Returns a process exit code, printing NUT-like
// errors ("upsdrvd not running (no pid file ...)") to stderr.
int send_control(const std::string &program, const std::string &command, const std::string &pid_file);

// Fork into the background (setsid, stdio to /dev/null). The parent exits 0.
void detach();

} // namespace nutpp::daemon
