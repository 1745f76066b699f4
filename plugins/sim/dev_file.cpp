#include "dev_file.hpp"

#include <nutpp/support/text.hpp>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace nutpp::sim {

using support::iequals;
namespace {

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f' || c == '\n';
}


// NUT variable names: letters, digits and . _ - (e.g. "input.L1-N.voltage").
bool valid_name(std::string_view n) {
    if (n.empty()) return false;
    for (char c : n) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                        c == '.' || c == '_' || c == '-';
        if (!ok) return false;
    }
    return true;
}

std::string join(const std::vector<std::string> &words, size_t from) {
    std::string out;
    for (size_t i = from; i < words.size(); ++i) {
        if (i > from) out += ' ';
        out += words[i];
    }
    return out;
}

// The state machine of parseconf (see the header for where it deliberately differs).
class Tokenizer {
public:
    std::vector<TokenLine> run(std::string_view text) {
        int physical = 1;
        for (char c : text) {
            feed(c, physical);
            if (c == '\n') ++physical;
        }
        feed('\n', physical); // a last line without newline still counts
        return std::move(lines_);
    }

private:
    enum class State { Start, Word, WordEscape, Quoted, QuotedEscape, Comment };

    void begin_line_if_needed(int physical) {
        if (!line_open_) {
            line_open_ = true;
            current_ = TokenLine{};
            current_.line = physical;
        }
    }
    void add(char c) {
        if (word_.size() >= kMaxWordBytes) {
            too_long_ = true;
            return;
        }
        word_ += c;
    }
    void end_word() {
        current_.tokens.words.push_back(std::move(word_));
        word_.clear();
    }
    void end_line() {
        if (line_open_) {
            if (too_long_) current_.tokens.error = true;
            if (!current_.tokens.words.empty() || current_.tokens.error) lines_.push_back(std::move(current_));
        }
        line_open_ = false;
        too_long_ = false;
        state_ = State::Start;
    }

    void feed(char c, int physical) {
        switch (state_) {
        case State::Start:
            if (c == '\n') return end_line();
            if (is_space(c)) return;
            begin_line_if_needed(physical);
            if (c == '#') state_ = State::Comment;
            else if (c == '\\') state_ = State::WordEscape;
            else if (c == '"') state_ = State::Quoted;
            else {
                add(c);
                state_ = State::Word;
            }
            return;
        case State::Word:
            if (c == '#') {
                end_word();
                state_ = State::Comment;
            } else if (c == '\n') {
                end_word();
                end_line();
            } else if (is_space(c)) {
                end_word();
                state_ = State::Start;
            } else if (c == '\\') {
                state_ = State::WordEscape;
            } else {
                add(c);
            }
            return;
        case State::WordEscape: // backslash-newline continues the logical line
            if (c != '\n') add(c);
            state_ = State::Word;
            return;
        case State::Quoted:
            if (c == '#') { // parseconf: "Unbalanced word due to unescaped # in quotes"
                current_.tokens.error = true;
                word_.clear();
                state_ = State::Comment;
            } else if (c == '"') {
                end_word();
                state_ = State::Start;
            } else if (c == '\\') {
                state_ = State::QuotedEscape;
            } else if (c == '\n') {
                current_.tokens.unterminated = true;
                end_word();
                end_line();
            } else {
                add(c);
            }
            return;
        case State::QuotedEscape:
            if (c != '\n') add(c);
            state_ = State::Quoted;
            return;
        case State::Comment:
            if (c == '\n') end_line();
            return;
        }
    }

    State state_ = State::Start;
    bool line_open_ = false;
    bool too_long_ = false;
    std::string word_;
    TokenLine current_;
    std::vector<TokenLine> lines_;
};

// `#RW:name:TYPE[:arg]` or `#CMD:name`, possibly followed by whitespace and a remark.
std::optional<Annotation> parse_annotation(std::string_view raw, int line) {
    size_t i = 0;
    while (i < raw.size() && is_space(raw[i])) ++i;
    raw.remove_prefix(i);
    Annotation a;
    a.line = line;
    if (raw.substr(0, 4) == "#RW:") {
        a.kind = Annotation::Kind::Rw;
        raw.remove_prefix(4);
    } else if (raw.substr(0, 5) == "#CMD:") {
        a.kind = Annotation::Kind::Cmd;
        raw.remove_prefix(5);
    } else {
        return std::nullopt;
    }
    auto field = [&raw](bool stop_at_colon) {
        size_t n = 0;
        while (n < raw.size() && !is_space(raw[n]) && raw[n] != '#' && !(stop_at_colon && raw[n] == ':')) ++n;
        std::string f(raw.substr(0, n));
        raw.remove_prefix(n);
        return f;
    };
    a.name = field(true);
    if (a.kind == Annotation::Kind::Rw) {
        if (!raw.empty() && raw[0] == ':') raw.remove_prefix(1);
        a.type = field(true);
        if (!raw.empty() && raw[0] == ':') {
            raw.remove_prefix(1);
            if (!raw.empty() && raw[0] == '"') {
                const size_t end = raw.find('"', 1);
                a.arg = std::string(raw.substr(1, end == std::string_view::npos ? raw.npos : end - 1));
            } else {
                a.arg = field(false);
            }
        }
    }
    if (!valid_name(a.name)) return std::nullopt;
    return a;
}

// TIMER's argument: dummy-ups uses atoi(); we also take fractions. Returns nullopt if unusable.
std::optional<double> parse_seconds(const std::string &word) {
    if (word.empty()) return std::nullopt;
    char *end = nullptr;
    errno = 0;
    const double v = std::strtod(word.c_str(), &end);
    if (end == word.c_str() || *end != '\0' || errno == ERANGE || !std::isfinite(v)) return std::nullopt;
    return v;
}

} // namespace

std::vector<TokenLine> tokenize(std::string_view text) { return Tokenizer{}.run(text); }

size_t DevFile::variable_count() const {
    size_t n = 0;
    for (const auto &s : steps)
        for (const auto &it : s.items) n += it.kind == Item::Kind::Variable;
    return n;
}

size_t DevFile::initial_variable_count() const {
    size_t n = 0;
    for (const auto &it : steps.front().items) n += it.kind == Item::Kind::Variable;
    return n;
}

DevFile parse_dev(std::string_view text) {
    DevFile f;
    f.steps.emplace_back();

    // Annotations live in comments, which the tokenizer drops: scan the physical lines for them.
    int physical = 1;
    for (size_t pos = 0; pos <= text.size(); ++physical) {
        const size_t nl = text.find('\n', pos);
        const auto raw = text.substr(pos, nl == text.npos ? text.npos : nl - pos);
        if (raw.find("#RW:") != raw.npos || raw.find("#CMD:") != raw.npos)
            if (auto a = parse_annotation(raw, physical)) f.annotations.push_back(std::move(*a));
        if (nl == text.npos) break;
        pos = nl + 1;
    }

    constexpr double kMaxTimer = 365.0 * 24 * 3600; // a year: larger is surely a typo
    for (auto &tl : tokenize(text)) {
        const int line = tl.line;
        auto &words = tl.tokens.words;
        if (tl.tokens.error) {
            f.issues.push_back({line, "skipped: unescaped '#' inside quotes, or a word over " +
                                          std::to_string(kMaxWordBytes) + " bytes"});
            continue;
        }
        if (tl.tokens.unterminated) f.issues.push_back({line, "unterminated quote closed at end of line"});
        if (words.empty()) continue;

        if (iequals(words[0], "TIMER")) {
            double seconds = 0;
            auto parsed = words.size() > 1 ? parse_seconds(words[1]) : std::nullopt;
            if (!parsed) {
                f.issues.push_back({line, "TIMER without a valid number of seconds; using 0"});
            } else if (*parsed < 0 || *parsed > kMaxTimer) {
                f.issues.push_back({line, "TIMER " + words[1] + " out of range; clamped"});
                seconds = *parsed < 0 ? 0 : kMaxTimer;
            } else {
                seconds = *parsed;
            }
            f.steps.back().timer_seconds = seconds;
            f.steps.back().timer_line = line;
            f.steps.emplace_back();
            continue;
        }
        if (iequals(words[0], "ALARM")) {
            Item it;
            it.kind = Item::Kind::Alarm;
            it.line = line;
            it.words.assign(words.begin() + 1, words.end());
            it.value = join(words, 1);
            f.steps.back().items.push_back(std::move(it));
            continue;
        }

        const size_t colon = words[0].find(':');
        if (colon == std::string::npos) {
            f.issues.push_back({line, "skipped: expected 'name: value', got '" + words[0].substr(0, 64) + "'"});
            continue;
        }
        Item it;
        it.line = line;
        it.name = words[0].substr(0, colon);
        if (!valid_name(it.name)) {
            f.issues.push_back({line, "skipped: invalid variable name '" + it.name.substr(0, 64) + "'"});
            continue;
        }
        // "name:value" without a space still carries its first word after the colon.
        std::string glued = words[0].substr(colon + 1);
        if (!glued.empty()) it.words.push_back(std::move(glued));
        it.words.insert(it.words.end(), std::make_move_iterator(words.begin() + 1),
                        std::make_move_iterator(words.end()));
        it.value = join(it.words, 0);
        f.steps.back().items.push_back(std::move(it));
    }
    return f;
}

std::optional<DevFile> load_dev_file(const std::string &path, std::string &error, int &err_no) {
    auto fail = [&](int e, const std::string &what) -> std::optional<DevFile> {
        err_no = e;
        error = "cannot read simulation file '" + path + "': " + what;
        return std::nullopt;
    };
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return fail(errno, std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        const int e = errno;
        ::close(fd);
        return fail(e, std::strerror(e));
    }
    if (S_ISDIR(st.st_mode)) {
        ::close(fd);
        return fail(EISDIR, "is a directory");
    }
    std::string text;
    char buf[65536];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            const int e = errno;
            ::close(fd);
            return fail(e, std::strerror(e));
        }
        if (n == 0) break;
        if (text.size() + size_t(n) > kMaxFileBytes) {
            ::close(fd);
            return fail(EFBIG, "larger than " + std::to_string(kMaxFileBytes) + " bytes");
        }
        text.append(buf, size_t(n));
    }
    ::close(fd);
    err_no = 0;
    return parse_dev(text);
}

} // namespace nutpp::sim
