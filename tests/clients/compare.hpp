// Runs one client invocation twice -- Debian's NUT 2.8.0 binary and ours -- with the same arguments
// against the same server, and checks stdout, stderr and exit code are identical.
#pragma once

#include "nut_sandbox.hpp"

#include <string>
#include <vector>

namespace nutpp::testing {

// True when /usr/bin/upsc, upscmd and upsrw exist (and NutSandbox can run); else skip_reason says why.
bool nut_clients_available();
std::string clients_skip_reason();

// Path of our build of `prog` ("upsc", "upscmd", "upsrw").
std::string our_client(const std::string &prog);

struct SideBySide {
    CommandResult nut, ours;
};

// Runs "/usr/bin/<prog> args..." and "<ours> args..." through nut.run() (stdin /dev/null) and adds a
// gtest failure for every difference. A leading program path in stderr (glibc's getopt messages
// name argv[0]) is reduced to the bare program name on both sides. Returns both results so the test
// can also check the actual outcome.
SideBySide compare_clients(const NutSandbox &nut, const std::string &prog, const std::vector<std::string> &args);

// For invocations that end in the usage text, which is ours (not NUT's): same exit code and stderr,
// and both print a usage text on stdout.
SideBySide compare_usage(const NutSandbox &nut, const std::string &prog, const std::vector<std::string> &args);

} // namespace nutpp::testing
