// Which plugin crashed upsdrvd. In-process plugins share the daemon's process: a fatal signal in one
// ends every device. When it happens inside a plugin call, the handler writes one line to stderr
// (the journal under systemd, whose units run upsdrvd -F) naming the plugin, the device and the
// call, then lets the signal take its default course (core dump, exit status), so supervision and
// debugging see the real crash.
//
// Limits: a crash outside a plugin call is not attributed; a stack overflow in a plugin is not
// reported (the handler would need an alternate stack on every device thread).
#pragma once

namespace nutpp::host {

// Host: upsdrvd itself (every in-process device ends with it). Worker: one isolated device's worker
// process (host/worker.hpp), which upsdrvd restarts.
enum class CrashScope { Host, Worker };

// Installs the handler for SIGSEGV, SIGBUS, SIGILL, SIGFPE and SIGABRT. Call once, in main().
void install_crash_report(CrashScope scope = CrashScope::Host);

} // namespace nutpp::host
