// Schema helpers shared by the section parsers (internal to nutpp_config): walking yaml-cpp nodes with
// locations, duplicate detection, typed value conversion with ranges, and field tables.
#pragma once

#include "config/error.hpp"

#include <yaml-cpp/yaml.h>

#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace nutpp::config::detail {

// Per-load context: the file name for locations and the directory relative paths start from.
struct Reader {
    std::string file;
    std::string base_dir; // "" = current directory

    // The node's position, or `fallback` when yaml-cpp has none.
    Location at(const YAML::Node &node, const Location &fallback) const;
};

// One key/value pair of a mapping (or one element of a list, then key is "[i]").
struct Entry {
    std::string key;    // as written
    std::string path;   // dotted path used in messages, e.g. "devices.demo.port"
    YAML::Node value;
    Location key_at;    // where the key is written
    Location value_at;  // where the value is written (the key for an empty value: yaml-cpp puts
                        // an empty value's mark on the next token, which confuses users)
};

// Appends `key` to `parent` for messages. Keys that do not look like keys (whitespace, quotes,
// control bytes, very long) are shown as "<key>" so a misplaced secret never reaches a message.
std::string join_path(const std::string &parent, std::string_view key);

// The pairs of a mapping in file order. `node` must be a map (null = empty map). Keys must be
// scalars; a key written twice is an error at the second one (compared case-insensitively when
// fold_case, for names NUT compares that way).
std::vector<Entry> entries(const Reader &r, const YAML::Node &node, const std::string &path, const Location &where,
                           bool fold_case = false);
std::vector<Entry> entries(const Reader &r, const Entry &e, bool fold_case = false);

// The elements of a list; a single scalar counts as a one-element list when allow_scalar.
std::vector<Entry> elements(const Reader &r, const Entry &e, std::string_view expected, bool allow_scalar);

[[noreturn]] void fail(const Entry &e, std::string problem, std::string expected = {}, std::string suggestion = {});
[[noreturn]] void fail_at(const Location &where, const std::string &key, std::string problem,
                          std::string expected = {}, std::string suggestion = {});
// Unknown key: lists `known` (when short) and suggests the closest one.
[[noreturn]] void unknown_key(const Entry &e, const std::vector<std::string> &known, std::string_view section);

bool is_null(const Entry &e);
// Scalar text (quotes removed). Errors never show the value, so this is safe for secrets.
std::string text(const Entry &e, std::string_view expected, bool allow_empty = false);
// text() that also refuses control characters (values that end up on the network protocol,
// where a line break would end the line).
std::string printable_text(const Entry &e, std::string_view expected, bool allow_empty = false);
bool has_control_chars(std::string_view s);
long long integer(const Entry &e, long long min, long long max = std::numeric_limits<int>::max());
double number(const Entry &e, double min, double max = 1e9);
// NUT booleans (true/yes/on/1, false/no/off/0, any case); an empty value means true when bare_is_true.
bool boolean(const Entry &e, bool bare_is_true = false);
// One of `choices` (case-insensitive), returned as written in `choices`.
std::string choice(const Entry &e, const std::vector<std::string> &choices);
// A list of scalar words: a YAML list, or one scalar split on `separators`.
// The same as entries of their own (for per-word checks that point at the right list element).
std::vector<Entry> word_entries(const Reader &r, const Entry &e, std::string_view expected, std::string_view separators);
std::vector<std::string> words(const Reader &r, const Entry &e, std::string_view expected, std::string_view separators);

// Reads a secret from a file named by the entry (relative to r.base_dir): at most 64 KiB,
// regular files only, trailing CR/LF removed, must not end up empty.
std::string read_secret_file(const Reader &r, const Entry &e);

// "host", "host:port", "[v6]", "[v6]:port" or a bare IPv6 address. Returns "" on success,
// else what is wrong.
std::string split_host_port(std::string_view s, std::string &host, uint16_t &port);

// True for names made of [A-Za-z0-9_.-] only (NUT's UPS and variable name alphabet), non-empty.
bool is_simple_name(std::string_view s, std::string_view extra_chars = {});

// Field tables: each known key of a section and what to do with its value.
struct Field {
    std::string_view name;
    std::function<void(const Entry &)> apply;
};
// Applies each entry to its field; an entry without a field is an unknown-key error.
void apply_fields(const std::vector<Entry> &es, const std::vector<Field> &fields, std::string_view section);
std::vector<std::string> field_names(const std::vector<Field> &fields);

} // namespace nutpp::config::detail
