#include "nutpp/support/enum_text.hpp"

namespace nutpp::support {

const char *text_for(std::span<const EnumText> table, long value) {
    for (const auto &e : table)
        if (e.value == value) return e.text;
    return nullptr;
}

std::optional<long> value_for(std::span<const EnumText> table, std::string_view text) {
    for (const auto &e : table)
        if (text == e.text) return e.value;
    return std::nullopt;
}

} // namespace nutpp::support
