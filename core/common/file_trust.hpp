// Whether a file root is about to act on (the config file, which names commands upsmon runs as root;
// a driver plugin, which upsdrvd runs as root) can be changed by someone other than root.
#pragma once

#include <string>

namespace nutpp::common {

// "" when `path` and every directory above it can only be changed by root, else one sentence naming
// the first offending path and the command that fixes it, e.g.
//   "/etc/nutpp/nutpp.yaml is writable by group/others; run: chmod go-w /etc/nutpp/nutpp.yaml".
// Rules (OpenSSH StrictModes-like): each of them must be owned by root and not writable by group
// or others; a world-writable directory with the sticky bit (/tmp) is accepted, since others cannot
// rename or delete root's entries in it. Checking the ancestors matters: whoever can write a
// directory above can swap the file. Symbolic links are followed (what is opened is what counts).
// Only meaningful when the caller runs as root; callers check geteuid() themselves.
std::string root_trust_problem(const std::string &path);

// True when `path` can be read by others (mode o+r), the test for "a secret is readable".
bool readable_by_others(const std::string &path);

} // namespace nutpp::common
