// upsrw's listing of settable variables (upsrw <ups>, upsrw -l <ups>), in NUT 2.8.0's layout:
//
//   [ups.beeper.status]          [input.transfer.high]      [ups.id]             [ups.load]
//   UPS beeper status            High voltage ...           UPS system id...     Load on UPS ...
//   Type: ENUM STRING            Type: RANGE NUMBER         Type: STRING         Type: NUMBER
//   Maximum length: 10           Option: "130-150" SELECTED Maximum length: 16   Value: 5
//   Option: "enabled" SELECTED   Option: "160-170"          Value: my ups
//   Option: "disabled"
//
// each block followed by an empty line. The formatting is a pure function so it is testable on its own.
#pragma once

#include "client/connection.hpp"

#include <string>
#include <utility>
#include <vector>

namespace nutpp::clients {

struct RwVar {
    std::string name;
    std::string desc;
    std::vector<std::string> type;  // GET TYPE words after the name: {"RW", "ENUM", "STRING:10"}
    std::string value;
    std::vector<std::string> enums;                          // LIST ENUM (when type has ENUM)
    std::vector<std::pair<std::string, std::string>> ranges; // LIST RANGE (when type has RANGE)
};

// The block for one variable, including the trailing empty line.
std::string format_rw_var(const RwVar &v);

// Asks upsd about one RW variable, in the order NUT's upsrw does (GET DESC, GET TYPE, GET VAR, then
// LIST ENUM or LIST RANGE). Throws client::Error.
RwVar fetch_rw_var(client::Connection &conn, const std::string &ups, const std::string &name);

} // namespace nutpp::clients
