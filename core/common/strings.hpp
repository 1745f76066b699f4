// Small string helpers shared by every area (one place for case rules NUT relies on).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace nutpp::common {

// NUT compares variable, command and UPS names case-insensitively (strcasecmp, ASCII only).
int icompare(std::string_view a, std::string_view b);
bool iequals(std::string_view a, std::string_view b);
std::string to_lower(std::string_view s);

// Ordering NUT's state tree uses for LIST VAR / DUMPALL.
struct ILess {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const { return icompare(a, b) < 0; }
};

// Hash and equality for unordered containers keyed case-insensitively (same ASCII folding).
struct IHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const;
};
struct IEqual {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const { return iequals(a, b); }
};

// out += a; out += b; ... without the temporaries of a + b + c.
template <class... Parts>
void append(std::string &out, const Parts &...parts) {
    (out.append(std::string_view(parts)), ...);
}

std::vector<std::string> split_ws(std::string_view s);
std::string join(const std::vector<std::string> &parts, std::string_view sep);
std::string_view trim(std::string_view s);
bool starts_with_i(std::string_view s, std::string_view prefix);

// Parses a whole string as a number (no trailing junk); false otherwise.
bool parse_double(std::string_view s, double &out);
bool parse_int(std::string_view s, long long &out);
// NUT booleans: true/yes/on/1, false/no/off/0 (case-insensitive).
// The one boolean parser: the config loader, the host and upsd use it; plugins get its verdict
// as "true"/"false" (the host canonicalises boolean-typed plugin keys before create()).
bool parse_bool(std::string_view s, bool &out);
// A NUT flag (ups.conf "ignorelb" without a value): empty means set, otherwise parse_bool.
bool parse_flag(std::string_view s, bool &out);

} // namespace nutpp::common
