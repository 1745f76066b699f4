#include "config/reader.hpp"

#include "common/strings.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>

namespace nutpp::config::detail {

Location Reader::at(const YAML::Node &node, const Location &fallback) const {
    const YAML::Mark m = node.Mark();
    if (m.is_null() || m.line < 0) return fallback;
    return Location{file, m.line + 1, m.column + 1};
}

namespace {

bool looks_like_key(std::string_view k) {
    if (k.empty() || k.size() > 64) return false;
    for (unsigned char c : k)
        if (c <= 0x20 || c >= 0x7f || c == '"' || c == '\'' || c == '\\' || c == '#') return false;
    return true;
}

// How a node that is not what we wanted looks, for "is <kind>" messages.
std::string kind(const YAML::Node &n) {
    if (n.IsMap()) return "a map";
    if (n.IsSequence()) return "a list";
    if (n.IsNull()) return "empty";
    return "a single value";
}

// Values in messages are cut short: a pasted blob should not flood the log.
std::string shown(const std::string &v) {
    std::string s = v.size() > 40 ? v.substr(0, 40) + "..." : v;
    for (auto &c : s)
        if (static_cast<unsigned char>(c) < 0x20) c = '?';
    return "'" + s + "'";
}

std::string range_text(std::string_view what, double min, double max, double unbounded) {
    if (max >= unbounded) return fmt::format("{} >= {:g}", what, min);
    return fmt::format("{} from {:g} to {:g}", what, min, max);
}

} // namespace

std::string join_path(const std::string &parent, std::string_view key) {
    const std::string k = looks_like_key(key) ? std::string(key) : "<key>";
    return parent.empty() ? k : parent + "." + k;
}

[[noreturn]] void fail_at(const Location &where, const std::string &key, std::string problem, std::string expected,
                          std::string suggestion) {
    throw ConfigError(where, key, std::move(problem), std::move(expected), std::move(suggestion));
}

[[noreturn]] void fail(const Entry &e, std::string problem, std::string expected, std::string suggestion) {
    fail_at(e.value_at, e.path, std::move(problem), std::move(expected), std::move(suggestion));
}

[[noreturn]] void unknown_key(const Entry &e, const std::vector<std::string> &known, std::string_view section) {
    std::string expected;
    // Listed up to 20 (the server section has 17 keys); longer lists only name the section.
    if (known.size() <= 20)
        expected = "one of " + common::join(known, ", ");
    else
        expected = "a key of " + std::string(section);
    // The key itself is not repeated in the suggestion check when it does not look like a key.
    fail_at(e.key_at, e.path, "unknown key", expected, looks_like_key(e.key) ? suggest(e.key, known) : "");
}

std::vector<Entry> entries(const Reader &r, const YAML::Node &node, const std::string &path, const Location &where,
                           bool fold_case) {
    std::vector<Entry> out;
    if (!node.IsDefined() || node.IsNull()) return out;
    if (!node.IsMap()) fail_at(r.at(node, where), path, "is " + kind(node), "a map of keys and values");
    std::map<std::string, Location> seen;
    for (auto it = node.begin(); it != node.end(); ++it) {
        const auto kv = *it; // it-> would hand out references into a temporary proxy
        const YAML::Node k = kv.first;
        const Location key_at = r.at(k, where);
        if (!k.IsScalar()) fail_at(key_at, path, "a key is " + kind(k), "a plain name as key");
        // Built in one go: assigning to a YAML::Node that already refers to a node rewrites the
        // referenced node (yaml-cpp semantics), so Entry values are only ever copy-constructed.
        const YAML::Node v = kv.second;
        Entry e{k.Scalar(), join_path(path, k.Scalar()), v, key_at, v.IsNull() ? key_at : r.at(v, key_at)};
        const std::string id = fold_case ? common::to_lower(e.key) : e.key;
        auto [prev, fresh] = seen.emplace(id, key_at);
        if (!fresh)
            fail_at(key_at, e.path, "duplicate key (first written at " + prev->second.str() + ")",
                    fold_case ? "each name once (names compare case-insensitively)" : "each key once");
        out.push_back(std::move(e));
    }
    return out;
}

std::vector<Entry> entries(const Reader &r, const Entry &e, bool fold_case) {
    return entries(r, e.value, e.path, e.value_at, fold_case);
}

std::vector<Entry> elements(const Reader &r, const Entry &e, std::string_view expected, bool allow_scalar) {
    std::vector<Entry> out;
    if (allow_scalar && e.value.IsScalar()) {
        out.push_back(e);
        return out;
    }
    if (!e.value.IsSequence()) fail(e, "is " + kind(e.value), std::string(expected));
    size_t i = 0;
    for (auto it = e.value.begin(); it != e.value.end(); ++it, ++i) {
        const YAML::Node v = *it;
        const std::string key = "[" + std::to_string(i) + "]";
        const Location at = v.IsNull() ? e.value_at : r.at(v, e.value_at);
        out.push_back(Entry{key, e.path + key, v, at, at});
    }
    return out;
}

bool is_null(const Entry &e) { return !e.value.IsDefined() || e.value.IsNull(); }

std::string text(const Entry &e, std::string_view expected, bool allow_empty) {
    if (is_null(e)) {
        if (allow_empty) return {};
        fail(e, "has no value", std::string(expected));
    }
    if (!e.value.IsScalar()) fail(e, "is " + kind(e.value), std::string(expected));
    const std::string &s = e.value.Scalar();
    if (s.empty() && !allow_empty) fail(e, "is empty", std::string(expected));
    return s;
}

bool has_control_chars(std::string_view s) {
    for (unsigned char c : s)
        if (c < 0x20 || c == 0x7f) return true;
    return false;
}

std::string printable_text(const Entry &e, std::string_view expected, bool allow_empty) {
    std::string s = text(e, expected, allow_empty);
    if (has_control_chars(s)) fail(e, "contains a control character (line break, tab, ...)", std::string(expected));
    return s;
}

long long integer(const Entry &e, long long min, long long max) {
    const std::string expected =
        range_text("a whole number", double(min), double(max), double(std::numeric_limits<int>::max()));
    const std::string s = text(e, expected);
    long long v = 0;
    if (!common::parse_int(s, v)) fail(e, shown(s) + " is not a whole number", expected);
    if (v < min || v > max) fail(e, shown(s) + " is out of range", expected);
    return v;
}

double number(const Entry &e, double min, double max) {
    const std::string expected = range_text("a number", min, max, 1e9);
    const std::string s = text(e, expected);
    double v = 0;
    if (!common::parse_double(s, v) || !std::isfinite(v)) fail(e, shown(s) + " is not a number", expected);
    if (v < min || v > max) fail(e, shown(s) + " is out of range", expected);
    return v;
}

bool boolean(const Entry &e, bool bare_is_true) {
    static const std::string expected = "true/yes/on/1 or false/no/off/0";
    if (is_null(e) && bare_is_true) return true;
    const std::string s = text(e, expected);
    bool v = false;
    if (!common::parse_bool(s, v)) fail(e, shown(s) + " is not a boolean", expected);
    return v;
}

std::string choice(const Entry &e, const std::vector<std::string> &choices) {
    const std::string expected = "one of " + common::join(choices, ", ");
    const std::string s = text(e, expected);
    for (const auto &c : choices)
        if (common::iequals(s, c)) return c;
    fail(e, shown(s) + " is not valid", expected, suggest(s, choices));
}

std::vector<Entry> word_entries(const Reader &r, const Entry &e, std::string_view expected,
                                std::string_view separators) {
    if (!e.value.IsScalar()) return elements(r, e, expected, false);
    std::vector<Entry> out;
    const std::string &s = e.value.Scalar();
    size_t start = 0;
    while (start <= s.size()) {
        size_t end = s.find_first_of(separators, start);
        if (end == std::string::npos) end = s.size();
        if (end > start) {
            // Same key and location: the words share one scalar.
            out.push_back(Entry{e.key, e.path, YAML::Node(s.substr(start, end - start)), e.key_at, e.value_at});
        }
        start = end + 1;
    }
    if (out.empty()) fail(e, "is empty", std::string(expected));
    return out;
}

std::vector<std::string> words(const Reader &r, const Entry &e, std::string_view expected,
                               std::string_view separators) {
    std::vector<std::string> out;
    for (const auto &w : word_entries(r, e, expected, separators)) out.push_back(text(w, expected));
    return out;
}

std::string read_secret_file(const Reader &r, const Entry &e) {
    const std::string name = text(e, "the path of a file holding the password");
    std::filesystem::path p(name);
    if (p.is_relative() && !r.base_dir.empty()) p = std::filesystem::path(r.base_dir) / p;
    const std::string path = p.string();
    // O_NONBLOCK: a FIFO must not hang the loader; only regular files are accepted below anyway.
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) fail(e, "cannot open " + path + ": " + std::strerror(errno), "a readable file");
    struct stat st {};
    std::string data;
    constexpr size_t max_size = 64 * 1024;
    bool ok = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    int err = 0;
    if (ok) {
        char buf[4096];
        for (;;) {
            const ssize_t n = ::read(fd, buf, sizeof buf);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) {
                err = errno;
                break;
            }
            if (n == 0) break;
            data.append(buf, size_t(n));
            if (data.size() > max_size) break;
        }
    }
    ::close(fd);
    if (!ok) fail(e, path + " is not a regular file", "a readable file");
    if (err) fail(e, "cannot read " + path + ": " + std::strerror(err), "a readable file");
    if (data.size() > max_size) fail(e, path + " is larger than 64 KiB", "a file holding just the password");
    while (!data.empty() && (data.back() == '\n' || data.back() == '\r')) data.pop_back();
    if (data.empty()) fail(e, path + " is empty", "a file holding the password");
    // Passwords travel as one protocol word; a line break inside could never match or be sent.
    if (has_control_chars(data)) fail(e, path + " contains a control character", "the password on one line");
    return data;
}

std::string split_host_port(std::string_view s, std::string &host, uint16_t &port) {
    std::string_view port_text;
    if (!s.empty() && s.front() == '[') {
        const size_t close = s.find(']');
        if (close == std::string_view::npos) return "'[' without ']'";
        host = std::string(s.substr(1, close - 1));
        const std::string_view rest = s.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') return "junk after ']'";
            port_text = rest.substr(1);
            if (port_text.empty()) return "empty port";
        }
    } else {
        const size_t first = s.find(':');
        if (first != std::string_view::npos && s.find(':', first + 1) == std::string_view::npos) {
            host = std::string(s.substr(0, first));
            port_text = s.substr(first + 1);
            if (port_text.empty()) return "empty port";
        } else {
            host = std::string(s); // no colon, or a bare IPv6 address (more than one colon)
        }
    }
    if (host.empty()) return "empty host";
    for (unsigned char c : host)
        if (c <= 0x20 || c >= 0x7f || c == '/' || c == '[' || c == ']' || c == '@') return "invalid host";
    if (!port_text.empty()) {
        long long v = 0;
        if (!common::parse_int(port_text, v) || port_text.front() == '+' || port_text.front() == ' ')
            return "port is not a number";
        if (v < 1 || v > 65535) return "port out of range";
        port = static_cast<uint16_t>(v);
    }
    return {};
}

bool is_simple_name(std::string_view s, std::string_view extra_chars) {
    if (s.empty()) return false;
    for (char c : s) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
                        c == '.' || c == '-' || extra_chars.find(c) != std::string_view::npos;
        if (!ok) return false;
    }
    return true;
}

std::vector<std::string> field_names(const std::vector<Field> &fields) {
    std::vector<std::string> out;
    for (const auto &f : fields) out.emplace_back(f.name);
    return out;
}

void apply_fields(const std::vector<Entry> &es, const std::vector<Field> &fields, std::string_view section) {
    for (const auto &e : es) {
        const Field *f = nullptr;
        for (const auto &c : fields)
            if (c.name == e.key) f = &c;
        if (!f) unknown_key(e, field_names(fields), section);
        f->apply(e);
    }
}

} // namespace nutpp::config::detail
