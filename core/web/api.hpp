// The JSON shapes of the HTTP API (docs/openapi.yaml describes them) and the HTTP status of each
// NUT error name. Pure functions: the HTTP wiring is in http.cpp.
#pragma once

#include "web/store.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace nutpp::web {

// {"name","description","status","error","age_seconds"} (error null when the last read worked).
nlohmann::json ups_summary_json(const UpsData &u);
// The summary plus "variables": {name: value} in upsd's order.
nlohmann::json ups_json(const UpsData &u);
// {"seq","ups","kind", ...}: variable/status: name, value, old; comm: error (null = ok), old.
nlohmann::json event_json(const Event &e);
nlohmann::json history_json(const std::deque<Sample> &h);

// {"error": NAME, "message": text}. NAME is NUT's error name (ACCESS-DENIED, UNKNOWN-UPS...) or,
// for HTTP-only conditions, one in the same style (NOT-FOUND, REQUEST-TOO-LARGE, ...).
nlohmann::json error_json(std::string_view name, std::string_view message);
// 401/403/404/400/503/502... for a NUT error name.
int http_status_for(std::string_view nut_error);

} // namespace nutpp::web
