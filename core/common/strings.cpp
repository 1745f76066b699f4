#include "strings.hpp"

#include <cctype>
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <string>

namespace nutpp::common {

namespace {
// ASCII only, like strcasecmp in the C locale NUT runs in; and no libc call per character, which
// made case-insensitive lookups the largest cost of a GET VAR in upsd's profile.
constexpr int ascii_lower(unsigned char c) { return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c; }
} // namespace

int icompare(std::string_view a, std::string_view b) {
    const size_t n = a.size() < b.size() ? a.size() : b.size();
    for (size_t i = 0; i < n; ++i) {
        const int ca = ascii_lower(static_cast<unsigned char>(a[i]));
        const int cb = ascii_lower(static_cast<unsigned char>(b[i]));
        if (ca != cb) return ca - cb;
    }
    return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
}

bool iequals(std::string_view a, std::string_view b) { return a.size() == b.size() && icompare(a, b) == 0; }

size_t IHash::operator()(std::string_view s) const {
    // FNV-1a over the folded bytes: names are short, so this beats a tree of icompare calls.
    uint64_t h = 1469598103934665603ull;
    for (const char c : s) {
        h ^= static_cast<uint64_t>(ascii_lower(static_cast<unsigned char>(c)));
        h *= 1099511628211ull;
    }
    return static_cast<size_t>(h);
}

std::string to_lower(std::string_view s) {
    std::string r(s);
    for (auto &c : r) c = static_cast<char>(ascii_lower(static_cast<unsigned char>(c)));
    return r;
}

std::vector<std::string> split_ws(std::string_view s) {
    std::vector<std::string> out;
    size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
        size_t j = i;
        while (j < s.size() && !std::isspace(static_cast<unsigned char>(s[j]))) ++j;
        if (j > i) out.emplace_back(s.substr(i, j - i));
        i = j;
    }
    return out;
}

std::string join(const std::vector<std::string> &parts, std::string_view sep) {
    std::string r;
    for (size_t i = 0; i < parts.size(); ++i) {
        if (i) r += sep;
        r += parts[i];
    }
    return r;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

bool starts_with_i(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

bool parse_double(std::string_view s, double &out) {
    s = trim(s);
    if (s.empty()) return false;
    std::string tmp(s); // strtod needs a terminator; from_chars for double is fine in g++12 too
    char *end = nullptr;
    const double v = std::strtod(tmp.c_str(), &end);
    if (end != tmp.c_str() + tmp.size()) return false;
    out = v;
    return true;
}

bool parse_int(std::string_view s, long long &out) {
    s = trim(s);
    if (!s.empty() && s.front() == '+') s.remove_prefix(1);
    long long v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return false;
    out = v;
    return true;
}

bool parse_bool(std::string_view s, bool &out) {
    static constexpr std::string_view yes[] = {"true", "yes", "on", "1"};
    static constexpr std::string_view no[] = {"false", "no", "off", "0"};
    for (auto y : yes)
        if (iequals(s, y)) return out = true, true;
    for (auto n : no)
        if (iequals(s, n)) return out = false, true;
    return false;
}

bool parse_flag(std::string_view s, bool &out) {
    if (s.empty()) return out = true, true;
    return parse_bool(s, out);
}

} // namespace nutpp::common
