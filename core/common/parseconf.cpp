// NUT parseconf tokenizer: one byte drives one state transition, so feeding a whole buffer or one
// byte at a time gives identical lines. The state names follow NUT's parseconf.c (findwordstart =
// Idle, collect = Word, collectliteral = Escape, quotecollect = Quoted, qc_literal = QuotedEscape,
// findeol = Comment) so behaviour can be compared case by case.
#include "parseconf.hpp"

#include <fmt/format.h>

#include <utility>

namespace nutpp::common {

namespace {

// C-locale isspace(): NUT relies on it, and `\r` being whitespace is what makes CRLF work.
bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

} // namespace

LineTokenizer::LineTokenizer(size_t max_words, size_t max_word_len, bool printable_only)
    : max_words_(max_words), max_word_len_(max_word_len), printable_only_(printable_only) {}

void LineTokenizer::put(char c) {
    const auto uc = static_cast<unsigned char>(c);
    // NUT's CVE-2012-2944 guard: only 0x20..0x7f may enter a word (0x7f included, as in NUT).
    if (uc < 0x20) return;
    if (uc > 0x7f && printable_only_) return;
    if (word_.size() >= max_word_len_) {
        // Stop growing, remember the line is bad; the error is reported when the line ends.
        if (overflow_.empty()) overflow_ = fmt::format("word longer than {} bytes", max_word_len_);
        return;
    }
    word_.push_back(c);
}

void LineTokenizer::end_word() {
    if (line_.words.size() >= max_words_) {
        if (overflow_.empty()) overflow_ = fmt::format("more than {} words on one line", max_words_);
    } else if (overflow_.empty()) {
        pending_ += word_.size();
        line_.words.push_back(std::move(word_));
    }
    word_.clear();
}

void LineTokenizer::end_line(std::vector<Line> &out) {
    Line l;
    if (!overflow_.empty()) {
        l.error = true;
        l.error_text = std::move(overflow_);
    } else {
        l.words = std::move(line_.words);
    }
    out.push_back(std::move(l));
    line_ = Line{};
    word_.clear();
    overflow_.clear();
    pending_ = 0;
    state_ = State::Idle;
}

void LineTokenizer::fail_now(std::string why, std::vector<Line> &out) {
    Line l;
    l.error = true;
    l.error_text = std::move(why);
    out.push_back(std::move(l));
    line_ = Line{};
    word_.clear();
    overflow_.clear();
    pending_ = 0;
    state_ = State::SkipLine;
}

void LineTokenizer::feed(std::string_view bytes, std::vector<Line> &out) {
    for (const char c : bytes) {
        switch (state_) {
        case State::SkipLine:
            if (c == '\n') state_ = State::Idle;
            break;

        case State::Comment:
            if (c == '\n') end_line(out);
            break;

        case State::Idle:
            if (c == '\n') {
                end_line(out);
            } else if (c == '#') {
                state_ = State::Comment;
            } else if (is_space(c)) {
                // still between words
            } else if (c == '\\') {
                state_ = State::Escape;
            } else if (c == '"') {
                state_ = State::Quoted;
            } else {
                put(c);
                if (c == '=') {
                    end_word(); // a leading '=' is a word by itself
                } else {
                    state_ = State::Word;
                }
            }
            break;

        case State::Word:
            if (c == '#') {
                end_word();
                state_ = State::Comment;
            } else if (c == '\n') {
                end_word();
                end_line(out);
            } else if (is_space(c)) {
                end_word();
                state_ = State::Idle;
            } else if (c == '=') {
                end_word();
                put(c);
                end_word();
                state_ = State::Idle;
            } else if (c == '\\') {
                state_ = State::Escape;
            } else {
                put(c);
            }
            break;

        case State::Escape:
            if (c != '\n') put(c); // backslash-newline: the word continues on the next line
            state_ = State::Word;
            break;

        case State::Quoted:
            if (c == '#') {
                fail_now("Unbalanced word due to unescaped # in quotes", out);
            } else if (c == '"') {
                end_word();
                state_ = State::Idle;
            } else if (c == '\\') {
                state_ = State::QuotedEscape;
            } else {
                put(c); // a raw newline is dropped here: the line goes on
            }
            break;

        case State::QuotedEscape:
            if (c != '\n') put(c);
            state_ = State::Quoted;
            break;
        }
    }
}

void LineTokenizer::finish(std::vector<Line> &out) {
    switch (state_) {
    case State::Quoted:
    case State::QuotedEscape:
        fail_now("unterminated quote at end of input", out);
        break;
    case State::Word:
    case State::Escape:
        end_word();
        end_line(out);
        break;
    case State::Idle:
    case State::Comment:
        if (!line_.words.empty() || !overflow_.empty()) end_line(out);
        break;
    case State::SkipLine:
        break;
    }
    reset();
}

bool LineTokenizer::split_plain(std::string_view line, std::vector<std::string_view> &words) const {
    words.clear();
    if (state_ != State::Idle || !line_.words.empty() || !overflow_.empty()) return false;
    size_t i = 0;
    const size_t n = line.size();
    while (i < n) {
        while (i < n && is_space(line[i])) ++i;
        const size_t start = i;
        for (; i < n; ++i) {
            const auto uc = static_cast<unsigned char>(line[i]);
            if (is_space(line[i])) break;
            if (uc < 0x21 || (uc > 0x7f && printable_only_) || uc == '"' || uc == '\\' || uc == '#' || uc == '=')
                return false; // needs the full rules (or is dropped/split by them)
        }
        if (i == start) break;
        if (i - start > max_word_len_ || words.size() >= max_words_) return false; // error path
        words.push_back(line.substr(start, i - start));
    }
    return true;
}

size_t LineTokenizer::pending() const { return pending_ + word_.size(); }

void LineTokenizer::reset() {
    state_ = State::Idle;
    word_.clear();
    line_ = Line{};
    overflow_.clear();
    pending_ = 0;
}

LineTokenizer::Line tokenize_line(std::string_view line) {
    LineTokenizer t;
    std::vector<LineTokenizer::Line> out;
    t.feed(line, out);
    t.finish(out);
    if (out.empty()) return {};
    if (out.size() > 1) {
        LineTokenizer::Line bad;
        bad.error = true;
        bad.error_text = "more than one line";
        return bad;
    }
    return std::move(out.front());
}

std::string encode(std::string_view value) {
    std::string r;
    r.reserve(value.size() + 2);
    for (const char c : value) {
        if (c == '\\' || c == '"' || c == '#') r.push_back('\\');
        r.push_back(c);
    }
    return r;
}

std::string quote(std::string_view value) { return '"' + encode(value) + '"'; }

} // namespace nutpp::common
