// An isolated device's worker process (isolation: process): `upsdrvd --worker`, started by its
// upsdrvd with a channel on fd 3 (a Unix stream socketpair) and its stderr on a pipe.
//
// The channel protocol, in order:
//   upsdrvd -> worker  one line: the WorkerSpec as JSON (host/worker_config.hpp)
//   worker -> upsdrvd  "NUTPP STARTED" once the plugin's create() has returned OK, or
//                      "NUTPP FAILED <why>" (the worker then exits 1)
//   then NUT's driver socket protocol both ways, exactly as on a driver socket: upsdrvd sends
//   DUMPALL, PING, INSTCMD/SET with TRACKING; the worker sends the dump, every change and TRACKING.
// The worker runs the device with the in-process runner (host/device.hpp), so a plugin sees the
// same host API, threads and rules in both modes. It exits when the channel closes (upsdrvd gone),
// on SIGTERM, or by itself with kExitHung when a plugin call overruns poll_timeout: unlike a thread,
// a process can be killed, so the hang is ended and the supervisor starts a fresh worker.
#pragma once

namespace nutpp::host {

inline constexpr int kWorkerChannelFd = 3;
inline constexpr int kExitHung = 124;          // a plugin call overran poll_timeout
inline constexpr int kExitWorkerSetup = 70;     // the worker could not set itself up (EX_SOFTWARE)

// The whole worker process; returns its exit code.
int run_worker();

} // namespace nutpp::host
