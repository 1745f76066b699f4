#include "host/nut_names.hpp"

#include "common/strings.hpp"
#include "store/status.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <string>
#include <vector>

namespace nutpp::host {

namespace {

// Generated at configure time from NUT's cmdvartab (core/host/CMakeLists.txt): kNutVariables and
// kNutCommands, names only.
#include "nut_names_data.inc"

bool in(const char *const *table, std::string_view name) {
    for (const char *const *p = table; *p; ++p)
        if (common::iequals(*p, name)) return true;
    return false;
}

// "1", "12": an outlet/contact/bank index; "L1", "L2-N", "L1-L2", "N": a phase.
bool is_index(std::string_view part) {
    if (part.empty()) return false;
    if (std::all_of(part.begin(), part.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
        return true;
    static const std::set<std::string, std::less<>> phases = {"L1", "L2", "L3", "N", "L1-N", "L2-N", "L3-N",
                                                              "L1-L2", "L2-L3", "L3-L1"};
    return phases.count(part) > 0;
}

} // namespace

bool is_nut_variable(std::string_view name) {
    if (in(kNutVariables, name)) return true;
    // NUT's driver core publishes every driver option as driver.parameter.<option> and every flag
    // as driver.flag.<flag>: open families, never listed one by one.
    if (common::starts_with_i(name, "driver.parameter.") || common::starts_with_i(name, "driver.flag."))
        return name.find('.', name.find('.') + 1) != std::string_view::npos && name.back() != '.';
    std::string generic;
    bool dropped = false;
    size_t start = 0;
    while (start <= name.size()) {
        const size_t dot = std::min(name.find('.', start), name.size());
        const std::string_view part = name.substr(start, dot - start);
        start = dot + 1;
        if (is_index(part)) {
            dropped = true;
            continue;
        }
        if (!generic.empty()) generic += '.';
        generic += part;
    }
    return dropped && in(kNutVariables, generic);
}

bool is_nut_command(std::string_view name) { return in(kNutCommands, name); }

bool is_nut_status_token(std::string_view token) {
    const auto &known = store::status_token_order();
    // TEST: NUT 2.8's "test in progress" token, set by drivers that see a running battery test.
    return token == "TEST" || std::find(known.begin(), known.end(), token) != known.end();
}

bool is_experimental_name(std::string_view name) { return name.rfind("experimental.", 0) == 0; }

} // namespace nutpp::host
