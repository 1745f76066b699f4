// NUT's "parseconf" tokenizing rules, used by the network protocol (3493), the driver socket protocol
// and NUT's own config files: words split on whitespace, "..." groups, backslash escapes the next
// character, an unquoted # starts a comment, a word starting with '=' is split off as its own word,
// and an unescaped # inside quotes is a parse error. Lines end at '\n'.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace nutpp::common {

// Incremental tokenizer: feed bytes as they arrive from a socket; complete lines come out.
class LineTokenizer {
public:
    struct Line {
        std::vector<std::string> words;
        bool error = false;       // parse error (e.g. '#' inside quotes); words are then unusable
        std::string error_text;   // why, for the log
    };

    // NUT's defaults: at most 32 words, 512 bytes per word. Longer lines/words are an error line.
    explicit LineTokenizer(size_t max_words = 32, size_t max_word_len = 512);

    // Consumes bytes; every line completed by them is appended to `out`.
    // Inside quotes a newline does NOT end the line (NUT swallows it), matching real upsd.
    void feed(std::string_view bytes, std::vector<Line> &out);

    // Bytes held for an unfinished line (to bound per-client memory).
    size_t pending() const;
    void reset();

private:
    enum class State { Idle, Word, Quoted, Escape, QuotedEscape, Comment };
    void end_word();
    void end_line(std::vector<Line> &out);

    size_t max_words_, max_word_len_;
    State state_ = State::Idle;
    std::string word_;
    bool in_word_ = false;
    Line line_;
    size_t pending_ = 0;
};

// Tokenizes one complete line (without needing a trailing newline).
LineTokenizer::Line tokenize_line(std::string_view line);

// pconf_encode: prefixes \, " and # with a backslash (for values sent inside "...").
std::string encode(std::string_view value);

// Quotes a value for the wire: '"' + encode(value) + '"'.
std::string quote(std::string_view value);

} // namespace nutpp::common
