#include "host/worker_config.hpp"

#include <nlohmann/json.hpp>

#include <stdexcept>

namespace nutpp::config {

using nlohmann::json;

void to_json(json &j, const Location &l) { j = json{{"file", l.file}, {"line", l.line}, {"column", l.column}}; }
void from_json(const json &j, Location &l) {
    j.at("file").get_to(l.file);
    j.at("line").get_to(l.line);
    j.at("column").get_to(l.column);
}
void to_json(json &j, const Setting &s) { j = json{{"value", s.value}, {"where", s.where}, {"key_at", s.key_at}}; }
void from_json(const json &j, Setting &s) {
    j.at("value").get_to(s.value);
    j.at("where").get_to(s.where);
    j.at("key_at").get_to(s.key_at);
}

NLOHMANN_JSON_SERIALIZE_ENUM(Isolation, {{Isolation::Auto, "auto"},
                                         {Isolation::InProcess, "in-process"},
                                         {Isolation::Process, "process"}})

// Every field of DeviceConfig: a field added there and not here would silently take its default
// in workers, so tests/core/host compares a round trip field by field.
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(DeviceConfig, name, where, driver, port, desc, pollinterval, maxretry, retrydelay,
                                   poll_timeout, maxstartdelay, ignorelb, sdorder, sdcommands, allow_killpower, nolock,
                                   synchronous, user, group, debug_min, isolation, memory_limit, overrides, defaults,
                                   driver_keys, all_keys)

} // namespace nutpp::config

namespace nutpp::host {

using nlohmann::json;

std::string to_json_line(const WorkerSpec &spec) {
    const json j{{"device", spec.device},
                 {"plugin_path", spec.plugin_path},
                 {"shutdown_run", spec.shutdown_run},
                 {"debug", spec.debug}};
    return j.dump(); // escapes control characters: never a raw newline
}

WorkerSpec worker_spec_from_json(const std::string &line) {
    try {
        const json j = json::parse(line);
        WorkerSpec s;
        j.at("device").get_to(s.device);
        j.at("plugin_path").get_to(s.plugin_path);
        j.at("shutdown_run").get_to(s.shutdown_run);
        j.at("debug").get_to(s.debug);
        return s;
    } catch (const json::exception &e) {
        throw std::runtime_error(std::string("malformed worker specification: ") + e.what());
    }
}

} // namespace nutpp::host
