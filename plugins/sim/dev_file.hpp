// Parser for NUT simulation files: `.dev` dumps (`name: value` lines as printed by upsc) and `.seq`
// sequences (the same, split into steps by `TIMER <seconds>` lines), as read by NUT's dummy-ups.
//
// Lines are tokenized with NUT's parseconf rules, because that is what gives dummy-ups files their
// meaning: words split on whitespace (runs collapse, so `ups.firmware:  6.5.I` is "6.5.I"), "..."
// groups a word, a backslash takes the next character literally (and joins lines), an unquoted `#`
// starts a comment (so `battery.runtime: 65535 #BAD: overflow?` is "65535"), and a `#` inside quotes
// makes the line a parse error that is skipped. A value is its words joined by one space.
// Deliberate differences from parseconf, all for robustness with hand-edited dumps:
//   - `=` is an ordinary character (parseconf splits it off as a word for `key=value` config files;
//     in a dump it would turn "a=b" into "a = b");
//   - an unterminated quote ends at the end of its line (parseconf would swallow the following
//     lines until the next quote) and is reported as an issue;
//   - a line whose first word has no `:` is reported and skipped (dummy-ups would invent a variable
//     named after the first word, e.g. from an uncommented "Report Descriptor: ..." line).
//
// Instructions (first word, case-insensitive): `TIMER <seconds>` ends a step (fractional seconds
// are accepted; dummy-ups uses whole seconds), `ALARM [text]` raises an alarm or, alone, clears all
// alarms (NUT >= 2.8.3). Special comments from the NUT DDL are kept as annotations:
// `#RW:<name>:<TYPE>[:<arg>]` and `#CMD:<name>`; dummy-ups ignores them and so does the plugin.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nutpp::sim {

// One actionable line of a file.
struct Item {
    enum class Kind { Variable, Alarm };
    Kind kind = Kind::Variable;
    int line = 0;                   // 1-based line number, for messages
    std::string name;               // Variable: NUT name as written (case kept)
    std::string value;              // words joined by one space ("" = empty value)
    std::vector<std::string> words; // the value's words (ups.status tokens)
};

// Items applied together, then a pause of `timer_seconds` before the next step. The last step of a
// file has no timer (the file ended).
struct Step {
    std::vector<Item> items;
    std::optional<double> timer_seconds;
    int timer_line = 0;
};

// `#RW:` / `#CMD:` comments of the NUT Devices Dumps Library.
struct Annotation {
    enum class Kind { Rw, Cmd };
    Kind kind = Kind::Rw;
    int line = 0;
    std::string name;
    std::string type; // Rw: "STRING", "ENUM", "RANGE", ... (as written)
    std::string arg;  // Rw: "10" for STRING:10, the value for ENUM:"x" (quotes removed); may be ""
};

// Something odd in the file that was skipped or repaired; never fatal.
struct Issue {
    int line = 0;
    std::string message;
};

struct DevFile {
    std::vector<Step> steps; // never empty: steps[0] is the initial block
    std::vector<Annotation> annotations;
    std::vector<Issue> issues;

    // Variable lines in all steps / in the initial step only.
    size_t variable_count() const;
    size_t initial_variable_count() const;
    bool has_timers() const { return steps.size() > 1; }
};

// Limits that keep a hostile file from using unbounded memory.
inline constexpr size_t kMaxFileBytes = 16u * 1024 * 1024;
inline constexpr size_t kMaxWordBytes = 4096;

// Parses file contents. Never throws on bad input (only std::bad_alloc).
DevFile parse_dev(std::string_view text);

// Reads and parses a file. On failure returns nullopt and sets `error` (with the path) and `err_no`
// (errno, or EFBIG for a file over kMaxFileBytes, EISDIR for a directory).
std::optional<DevFile> load_dev_file(const std::string &path, std::string &error, int &err_no);

// Tokenizes one logical line with the rules above (exposed for tests).
struct Tokens {
    std::vector<std::string> words;
    bool error = false;      // '#' inside quotes: the line must be skipped
    bool unterminated = false;
};
// Splits `text` into logical lines (backslash-newline joins) and tokenizes each; `line` is the
// 1-based number of the physical line where the logical line starts.
struct TokenLine {
    int line = 0;
    Tokens tokens;
};
std::vector<TokenLine> tokenize(std::string_view text);

} // namespace nutpp::sim
