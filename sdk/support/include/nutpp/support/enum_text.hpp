// A device's enumerated codes <-> the texts NUT publishes (beeper states, self-test results,
// transfer reasons...), as const tables both ways.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace nutpp::support {

struct EnumText {
    long value;
    const char *text;
};

// The text of `value`, or null when the table has no such code.
const char *text_for(std::span<const EnumText> table, long value);
// The code of `text` (exact match, NUT's texts are case-sensitive), or nullopt.
std::optional<long> value_for(std::span<const EnumText> table, std::string_view text);

} // namespace nutpp::support
