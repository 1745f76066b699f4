// Small text helpers shared by the protocol parsers (no locale, no exceptions).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace nutpp::serial {

std::string_view trim(std::string_view s);
// Whole-string decimal number ("013.7", "-1.5", " 50.0 "); nullopt for "", "---.-", "12a".
std::optional<double> to_number(std::string_view s);
// Fixed-point formatting the way NUT drivers print ("%.1f").
std::string format_fixed(double v, int decimals);
// Printable rendering of raw bytes for logs and error texts ("(230.0\x00 ..." -> "(230.0\\x00 ...").
std::string printable(std::string_view raw, size_t max = 80);

} // namespace nutpp::serial
