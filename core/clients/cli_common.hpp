// What the three clients share about talking to the user: NUT's exit codes, its "Error: ..." and
// "Unexpected response from upsd: ..." lines, the version line and the usage-then-exit rule.
//
// Option parsing: the programs use POSIX getopt(3) with a leading '+' in the option string, not
// CLI11. NUT's clients are getopt programs and scripts depend on its exact behaviour: combined short
// flags (-lL, -wt 5), attached or separate arguments (-t5, -s var=val), "--", options after the first
// operand NOT being options (`upsc ups -c` asks for a variable called "-c"; NUT stops at the first
// operand), glibc's own diagnostics ("upsc: invalid option -- 'x'"), and usage + exit 0 on a bad
// option. CLI11 permutes options, prints its own messages and exit codes, so it cannot reproduce that.
#pragma once

#include "client/error.hpp"

#include <cstdio>
#include <string>
#include <string_view>

namespace nutpp::clients {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;

// "Network UPS Tools <prog> 2.8.0 (nutpp X.Y.Z)": the NUT release whose behaviour we reproduce, then ours.
std::string version_line(std::string_view prog);
void print_version(std::string_view prog, std::FILE *to);

// "Error: <message>" on stderr (how every client reports library failures).
void print_error(std::string_view message);
// upscmd/upsrw report a refused action with the server's line verbatim; errors that are not a server
// reply (connection lost...) fall back to "Error: <what>".
void print_unexpected(const client::Error &e);

// Writes the prompt to stdout, flushes it, reads one line from stdin (without '\n').
// Returns false at end of input.
bool read_line_from_stdin(std::string_view prompt, std::string &out);

} // namespace nutpp::clients
