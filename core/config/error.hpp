// Where a configuration value came from, and the one exception type every config problem raises.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace nutpp::config {

// Exit status of every nutpp program that stops on a configuration error (sysexits' EX_CONFIG). It
// differs from a crash's status so `nutpp run` (and systemd's RestartPreventExitStatus=78) can tell
// "fix the file" from "restart me": retrying a bad file only repeats the error.
inline constexpr int kExitConfigError = 78;

// A position in a config file, 1-based (yaml-cpp marks are 0-based; the loader converts).
// line == 0 means "the file as a whole" (e.g. it cannot be opened).
struct Location {
    std::string file;
    int line = 0;
    int column = 0;

    std::string str() const; // "file:line:column", or just "file" when line == 0
    bool operator==(const Location &) const = default;
};

// what() is "<file>:<line>:<col>: <key>: <problem>; expected <expected> (did you mean '<x>'?)";
// the key, "; expected ..." and "(did you mean ...)" parts are left out when empty.
// Messages never contain secret values (passwords): only key names, types and positions.
class ConfigError : public std::runtime_error {
public:
    ConfigError(Location where, std::string key, std::string problem, std::string expected = {},
                std::string suggestion = {});

    Location where;
    std::string key;        // dotted path of the offending key, e.g. "devices.demo.pollinterval"
    std::string problem;    // what is wrong, e.g. "unknown key"
    std::string expected;   // what would have been accepted
    std::string suggestion; // closest known name, or empty
};

// The candidate closest to `word` (case-insensitive Damerau-Levenshtein, optimal string alignment),
// or "" when none is close enough to be a plausible typo. Ties go to the earliest candidate.
std::string suggest(std::string_view word, const std::vector<std::string> &candidates);

// Edit distance used by suggest(), exposed for tests.
size_t edit_distance(std::string_view a, std::string_view b);

} // namespace nutpp::config
