#include "web/api.hpp"

#include <cmath>

namespace nutpp::web {

using nlohmann::json;

namespace {

json opt_number(double v) { return std::isnan(v) ? json(nullptr) : json(v); }

// HTTP status of each NUT error (const data, one place).
struct ErrorStatus {
    std::string_view name;
    int status;
};
constexpr ErrorStatus kErrorStatus[] = {
    {"UNKNOWN-UPS", 404},          {"VAR-NOT-SUPPORTED", 404},  {"CMD-NOT-SUPPORTED", 404},
    {"NOT-FOUND", 404},            {"ACCESS-DENIED", 403},      {"USERNAME-REQUIRED", 401},
    {"PASSWORD-REQUIRED", 401},    {"INVALID-USERNAME", 401},   {"INVALID-PASSWORD", 401},
    {"INVALID-ARGUMENT", 400},     {"INVALID-VALUE", 400},      {"READONLY", 400},
    {"TOO-LONG", 400},             {"SET-FAILED", 502},         {"INSTCMD-FAILED", 502},
    {"DATA-STALE", 503},           {"DRIVER-NOT-CONNECTED", 503}, {"UNREACHABLE", 503},
    {"TOO-MANY-CLIENTS", 503},     {"REQUEST-TOO-LARGE", 413},  {"METHOD-NOT-ALLOWED", 405},
    {"UNKNOWN-COMMAND", 400},      {"FEATURE-NOT-SUPPORTED", 501}, {"FEATURE-NOT-CONFIGURED", 501},
};

} // namespace

json ups_summary_json(const UpsData &u) {
    json j;
    j["name"] = u.name;
    j["description"] = u.desc;
    j["status"] = u.status();
    j["error"] = u.error.empty() ? json(nullptr) : json(u.error);
    j["age_seconds"] =
        u.ever_read ? json(std::chrono::duration<double>(SteadyClock::now() - u.updated).count()) : json(nullptr);
    return j;
}

json ups_json(const UpsData &u) {
    json j = ups_summary_json(u);
    // An object keeps upsd's order only as an array of pairs; clients want lookups: use an object
    // (nlohmann::json sorts keys, as upsc output is sorted anyway).
    json vars = json::object();
    for (const auto &[k, v] : u.vars) vars[k] = v;
    j["variables"] = std::move(vars);
    return j;
}

json event_json(const Event &e) {
    json j;
    j["seq"] = e.seq;
    j["ups"] = e.ups;
    j["kind"] = to_string(e.kind);
    j["time"] = e.time;
    switch (e.kind) {
    case Event::Kind::Variable:
    case Event::Kind::Status:
        j["name"] = e.name;
        j["value"] = e.value.empty() ? json(nullptr) : json(e.value);
        j["old"] = e.old.empty() ? json(nullptr) : json(e.old);
        break;
    case Event::Kind::Comm:
        j["error"] = e.value.empty() ? json(nullptr) : json(e.value);
        j["old"] = e.old.empty() ? json(nullptr) : json(e.old);
        break;
    case Event::Kind::Removed: break;
    }
    return j;
}

json history_json(const std::deque<Sample> &h) {
    json a = json::array();
    for (const auto &s : h)
        a.push_back({{"t", s.t},
                     {"battery.charge", opt_number(s.charge)},
                     {"ups.load", opt_number(s.load)},
                     {"battery.runtime", opt_number(s.runtime)},
                     {"input.voltage", opt_number(s.input_voltage)}});
    return a;
}

json error_json(std::string_view name, std::string_view message) {
    return json{{"error", name}, {"message", message}};
}

int http_status_for(std::string_view nut_error) {
    for (const auto &e : kErrorStatus)
        if (e.name == nut_error) return e.status;
    return 502; // another upsd error: the gateway's peer refused
}

} // namespace nutpp::web
