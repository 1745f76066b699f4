// Text for GET DESC / GET CMDDESC. Our own wording (NUT's cmdvartab is not copied); names that are
// not in the tables get NUT's fallback "Description unavailable", which is not an error.
#pragma once

#include <string_view>

namespace nutpp::server {

struct Description {
    std::string_view name; // variable or command name (compared case-insensitively)
    std::string_view text;
};

inline constexpr std::string_view kNoDescription = "Description unavailable";

// "upstream.<name>" (what a repeater driver republishes) is looked up as <name>, as NUT does.
std::string_view var_description(std::string_view var);
std::string_view cmd_description(std::string_view cmd);

} // namespace nutpp::server
