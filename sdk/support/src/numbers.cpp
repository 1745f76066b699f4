#include "nutpp/support/numbers.hpp"

#include "nutpp/support/text.hpp"

#include <charconv>
#include <cstdio>

namespace nutpp::support {

std::optional<double> to_number(std::string_view s) {
    s = trim(s);
    if (s.empty()) return std::nullopt;
    if (s.front() == '+') s.remove_prefix(1);
    double v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, std::chars_format::fixed);
    if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    return v;
}

std::optional<int64_t> to_integer(std::string_view s) {
    s = trim(s);
    if (!s.empty() && s.front() == '+') s.remove_prefix(1);
    if (s.empty()) return std::nullopt;
    int64_t v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 10);
    if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    return v;
}

bool is_digits(std::string_view s) {
    return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

namespace {
int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}
} // namespace

std::optional<uint8_t> hex_byte(std::string_view s) {
    s = trim(s);
    if (s.size() != 2 || hex_value(s[0]) < 0 || hex_value(s[1]) < 0) return std::nullopt;
    return static_cast<uint8_t>(hex_value(s[0]) * 16 + hex_value(s[1]));
}

std::string format_fixed(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

std::string format(const NumberFormat &f, double device_value) {
    return format_fixed(device_value * f.scale, f.decimals);
}

} // namespace nutpp::support
