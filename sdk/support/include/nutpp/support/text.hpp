// Text helpers every plugin needs: NUT's ASCII case rules for names (strcasecmp), trimming,
// splitting and a printable rendering of raw device bytes for logs. No locale, no exceptions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace nutpp::support {

// ASCII only, like NUT's strcasecmp on variable and command names (no locale surprises).
constexpr char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; }
std::string to_lower(std::string_view s);

bool iequals(std::string_view a, std::string_view b);
bool istarts_with(std::string_view s, std::string_view prefix);

// Case-insensitive ordering for maps and sets keyed by NUT names (transparent: finds by string_view).
struct ILess {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const;
};

// Drops spaces and tabs at both ends (what device replies pad with).
std::string_view trim(std::string_view s);

// The non-empty pieces of `s` between any of the `separators` characters.
std::vector<std::string_view> split(std::string_view s, std::string_view separators);
// Split on ASCII whitespace, copied (ups.status token lists, protocol words).
std::vector<std::string> split_words(std::string_view s);

// Raw bytes for a log line or error text: non-printables and '\' become "\xNN"; longer than `max`
// bytes is cut and ends in "...".
std::string printable(std::string_view raw, size_t max = 80);

} // namespace nutpp::support
