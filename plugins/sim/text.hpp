// ASCII case rules NUT uses for variable and command names (strcasecmp). The plugin builds on the
// public SDK only, so it carries these few lines instead of linking the host's common library.
#pragma once

#include <string>
#include <string_view>

namespace nutpp::sim {

inline char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; }

inline bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
    return true;
}

inline bool istarts_with(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

// Case-insensitive ordering for maps keyed by NUT names.
struct ILess {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const {
        const size_t n = a.size() < b.size() ? a.size() : b.size();
        for (size_t i = 0; i < n; ++i) {
            const char x = ascii_lower(a[i]), y = ascii_lower(b[i]);
            if (x != y) return x < y;
        }
        return a.size() < b.size();
    }
};

} // namespace nutpp::sim
