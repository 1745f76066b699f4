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
//
// Quirks kept from NUT's parseconf.c (every one is observable on the wire or in config files):
//  * only bytes 0x20..0x7f are stored in words; others (tab/CR/LF inside quotes, UTF-8) are dropped
//    (NUT's CVE-2012-2944 filter) -- that is why a newline inside quotes does not end the line;
//  * an unquoted '=' always becomes a word of its own ("a=b" -> a = b), "\=" keeps it literal;
//  * '"' in the middle of an unquoted word is an ordinary character (ab"cd stays one word), but
//    a quoted word ends at its closing quote ("ab"cd -> ab cd);
//  * backslash-newline continues the current word even at a word start, so a backslash-newline
//    between spaces yields an empty word;
//  * "" is an empty word.
// Deliberate differences (NUT drops words silently / discards the rest of the read() chunk):
//  * more than max_words words or a word longer than max_word_len -> one error line, emitted when
//    the line ends; memory stays bounded meanwhile;
//  * after an unescaped '#' inside quotes the error line is emitted at once and the rest of that
//    physical line (up to the next '\n') is skipped, so results do not depend on read() boundaries.
class LineTokenizer {
public:
    struct Line {
        std::vector<std::string> words;
        bool error = false;       // parse error (e.g. '#' inside quotes); words are then empty
        std::string error_text;   // why, for the log
    };

    // NUT's defaults: at most 32 words, 512 bytes per word. Longer lines/words are an error line.
    // printable_only=false keeps bytes >= 0x80 (UTF-8 config values) instead of dropping them;
    // control characters are dropped either way.
    explicit LineTokenizer(size_t max_words = 32, size_t max_word_len = 512, bool printable_only = true);

    // Consumes bytes; every line completed by them is appended to `out`.
    // Inside quotes a newline does NOT end the line (NUT swallows it), matching real upsd.
    void feed(std::string_view bytes, std::vector<Line> &out);

    // End of input (config file without a final newline): flushes an unfinished line, if it has any
    // content. An unterminated quote gives an error line.
    void finish(std::vector<Line> &out);

    // Bytes held for an unfinished line (to bound per-client memory). Never exceeds
    // (max_words + 1) * max_word_len.
    size_t pending() const;

    // Fast path for the common request line (GET VAR ups battery.charge): when no line is half
    // fed and `line` (without its '\n') holds only plain words -- printable bytes other than
    // '"', '\\', '#' and '=' -- separated by whitespace, within the limits, its words are put in
    // `words` as views into `line` and true is returned. Such a line tokenizes to exactly these
    // words through feed() too; anything else returns false and must go through feed().
    bool split_plain(std::string_view line, std::vector<std::string_view> &words) const;
    void reset();

private:
    enum class State { Idle, Word, Quoted, Escape, QuotedEscape, Comment, SkipLine };
    void put(char c);          // NUT's addchar: filter, enforce the length limit
    void end_word();
    void end_line(std::vector<Line> &out);
    void fail_now(std::string why, std::vector<Line> &out);

    size_t max_words_, max_word_len_;
    bool printable_only_;
    State state_ = State::Idle;
    std::string word_;
    Line line_;
    std::string overflow_;     // non-empty: the current line already broke a limit
    size_t pending_ = 0;       // bytes in line_.words
};

// Tokenizes one complete line (without needing a trailing newline). A line that holds a line
// break outside quotes, or ends inside quotes, is an error line.
LineTokenizer::Line tokenize_line(std::string_view line);

// pconf_encode: prefixes \, " and # with a backslash (for values sent inside "...").
std::string encode(std::string_view value);

// Quotes a value for the wire: '"' + encode(value) + '"'.
std::string quote(std::string_view value);

} // namespace nutpp::common
