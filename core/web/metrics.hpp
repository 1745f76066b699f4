// Prometheus text exposition (format 0.0.4) of the Store, with DRuggeri/nut_exporter's metric and
// label names so its Grafana dashboard works unchanged:
//   network_ups_tools_<variable, '.' -> '_'>{ups="..."}      every numeric (or on/off) variable
//   network_ups_tools_ups_status{flag="OL",ups="..."} 1|0    each ups.status flag (the usual flags
//                                                            always present, 0 when not set)
//   network_ups_tools_device_info{mfr=...,model=...,ups=...} 1   device.* strings as labels
// plus upsweb's own health (nut_exporter has no equivalent):
//   nutpp_upsweb_ups_up{ups="..."} 1|0                       last read of the UPS worked
//   nutpp_upsweb_data_age_seconds{ups="..."}                 time since the last good read
//   nutpp_upsweb_scrape_errors_total                         failed reads of upsd since start
//   nutpp_upsweb_event_clients                               open /api/v1/events streams
#pragma once

#include "web/store.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nutpp::web {

struct MetricsOptions {
    std::vector<std::string> variables; // empty: every numeric variable
    std::string only_ups;               // ?ups=NAME (nut_exporter's parameter); empty = all
    long event_clients = -1;            // open event streams (nutpp_upsweb_event_clients); < 0: left out
};

std::string render_metrics(const std::vector<UpsData> &ups, uint64_t scrape_errors, const MetricsOptions &opt);

// "battery.charge" -> "network_ups_tools_battery_charge" (anything outside [A-Za-z0-9_] -> '_').
std::string metric_name(std::string_view var);
// The sample value of a NUT value: a number, or 1/0 for on/off words (nut_exporter's on/off
// regexes: enabled/on/true/active..., disabled/off/false/inactive...); nullopt otherwise.
std::optional<double> metric_value(std::string_view value);
// A label value with \, " and line breaks escaped.
std::string label_escape(std::string_view s);
// The flags nut_exporter exports even when not set (its --nut.statuses default).
const std::vector<std::string> &always_exported_flags();

} // namespace nutpp::web
