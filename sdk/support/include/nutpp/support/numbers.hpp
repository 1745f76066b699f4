// Numbers as devices send them and as NUT prints them. Parsing is whole-string and locale-free;
// printing is C's "%.*f", the way NUT's drivers print (so "-0.0" stays "-0.0", as in NUT's dumps).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nutpp::support {

// Whole-string decimal number, spaces/tabs around allowed ("013.7", "-1.5", " +50.0 ");
// nullopt for "", "---.-", "12a", "1e3" (devices never send exponents: such text is garbage).
std::optional<double> to_number(std::string_view s);
// Whole-string decimal integer, spaces/tabs around and a '+' allowed; nullopt on overflow.
std::optional<int64_t> to_integer(std::string_view s);
// True for one or more '0'..'9' and nothing else.
bool is_digits(std::string_view s);
// Exactly two hex digits ("0A", "c1") -> the byte; spaces/tabs around allowed.
std::optional<uint8_t> hex_byte(std::string_view s);

// Fixed-point text with `decimals` digits after the point ("%.*f").
std::string format_fixed(double v, int decimals);

// How one NUT variable is printed: the device's unit times `scale`, with NUT's number of decimals
// (e.g. {"battery.voltage", 2} prints 13.7 as "13.70"; {"ups.load", 0} prints 31.0 as "31").
struct NumberFormat {
    const char *variable;
    int decimals;
    double scale = 1.0;
};
std::string format(const NumberFormat &f, double device_value);

} // namespace nutpp::support
