// `upsdrvd --check PLUGIN [-o key=value ...]`: the plugin conformance check for authors. Loads the
// plugin (descriptor checks), runs one device through create, open, N polls, close and destroy on
// a Harness, and prints every contract breach in plain words. Exit status: 0 clean, 1 a breach or a
// step that failed, 2 the plugin could not be loaded or configured.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace nutpp::host {

struct CheckOptions {
    std::string plugin;                 // name in plugin_dir, or a path
    std::string plugin_dir;
    std::vector<std::string> settings;  // "key=value" or "key" (a flag)
    int polls = 3;
    int budget_ms = 0;                  // 0: the device's poll_timeout
    bool allow_open_failure = false;    // no device at hand: check the failure path only
    bool verbose = false;               // print the plugin's and the host's log lines too
    bool leaks = true;                  // rerun under AddressSanitizer's leak check when available
    std::vector<std::string> argv;      // this command line, for that rerun
};

int run_check(const CheckOptions &o, std::ostream &out);

// run_check, but first re-executes argv with AddressSanitizer preloaded (libasan of the compiler
// that built upsdrvd), so leaks and memory errors of the plugin are reported too: the plugin needs
// no special build. Falls back to run_check (saying so) when libasan is not installed.
int run_check_sanitized(const CheckOptions &o, std::ostream &out);

} // namespace nutpp::host
