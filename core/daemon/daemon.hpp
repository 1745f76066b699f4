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

// `-c reload|stop`: signals the pid in `pid_file` (see pid_file.hpp: only a locked one counts, a
// stale file left after a crash or a failed removal is "not running"). Returns a process exit
// code, printing NUT-like errors ("upsdrvd is not running? ...") to stderr.
int send_control(const std::string &program, const std::string &command, const std::string &pid_file);
// The same with any signal (upsmon -c fsd: SIGUSR1).
int send_signal(const std::string &program, int sig, const std::string &pid_file);

// Fork into the background (setsid, stdio to /dev/null). The parent exits 0. A PidFile taken
// before keeps its lock in the child (flock locks belong to the open file description, which the
// child shares); write the child's pid into it afterwards.
void detach();
class PidFile;
// detach(), then the child's pid into `pid` (a failure to write it is logged as a warning: the lock
// still holds, only `-c stop` by pid file will not work).
void detach_writing_pid(PidFile &pid);

} // namespace nutpp::daemon
