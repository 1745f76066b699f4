#include "web/metrics.hpp"

#include "common/strings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>

namespace nutpp::web {

namespace {

constexpr std::string_view kNamespace = "network_ups_tools_";

// Words nut_exporter coaxes to 1 and 0 (its default --nut.on_regex / --nut.off_regex).
constexpr std::string_view kOnWords[] = {"enable", "enabled", "on", "true", "active", "activated"};
constexpr std::string_view kOffWords[] = {"disable", "disabled", "off", "false", "inactive", "deactivated"};

std::string number_text(double v) {
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

struct Sample {
    std::string labels; // without braces
    std::string value;
};
struct Family {
    std::string help, type;
    std::vector<Sample> samples;
};

} // namespace

const std::vector<std::string> &always_exported_flags() {
    static const std::vector<std::string> flags = {"OL",  "OB",  "LB",   "HB",   "RB",    "CHRG", "DISCHRG", "BYPASS",
                                                   "CAL", "OFF", "OVER", "TRIM", "BOOST", "FSD",  "SD"};
    return flags;
}

std::string metric_name(std::string_view var) {
    std::string out(kNamespace);
    for (char c : var) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '_') ? c : '_';
    return out;
}

std::optional<double> metric_value(std::string_view value) {
    double d = 0;
    if (common::parse_double(value, d) && std::isfinite(d)) return d;
    for (auto w : kOnWords)
        if (common::iequals(value, w)) return 1.0;
    for (auto w : kOffWords)
        if (common::iequals(value, w)) return 0.0;
    return std::nullopt;
}

std::string label_escape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        if (c == '\\') out += "\\\\";
        else if (c == '"') out += "\\\"";
        else if (c == '\n') out += "\\n";
        else out += c;
    }
    return out;
}

std::string render_metrics(const std::vector<UpsData> &ups, uint64_t scrape_errors, const MetricsOptions &opt) {
    std::map<std::string, Family> fams; // sorted: stable output, one block per family
    const auto add = [&](const std::string &name, const char *type, std::string help, std::string labels,
                         std::string value) {
        auto &f = fams[name];
        if (f.type.empty()) {
            f.type = type;
            f.help = std::move(help);
        }
        f.samples.push_back({std::move(labels), std::move(value)});
    };
    const auto wanted = [&](const std::string &var) {
        return opt.variables.empty() || std::find(opt.variables.begin(), opt.variables.end(), var) != opt.variables.end();
    };
    const auto now = SteadyClock::now();
    for (const auto &u : ups) {
        if (!opt.only_ups.empty() && u.name != opt.only_ups) continue;
        const std::string ups_label = "ups=\"" + label_escape(u.name) + "\"";
        const bool ok = u.error.empty() && u.ever_read;
        add("nutpp_upsweb_ups_up", "gauge", "1 when the last read of the UPS from upsd worked", ups_label, ok ? "1" : "0");
        if (u.ever_read)
            add("nutpp_upsweb_data_age_seconds", "gauge", "Seconds since the UPS was last read from upsd", ups_label,
                number_text(std::chrono::duration<double>(now - u.updated).count()));
        // Stale values are left out, as a scrape of upsd would have failed: Prometheus marks them stale.
        if (!ok) continue;
        std::string info;
        for (const auto &[var, value] : u.vars) {
            if (var == "ups.status") {
                if (!wanted(var)) continue;
                const auto flags = common::split_ws(value);
                std::vector<std::string> all = always_exported_flags();
                for (const auto &f : flags)
                    if (std::find(all.begin(), all.end(), f) == all.end()) all.push_back(f);
                for (const auto &f : all) {
                    const bool set = std::find(flags.begin(), flags.end(), f) != flags.end();
                    add(metric_name("ups.status"), "gauge", "UPS status flag (1 = set), from ups.status",
                        "flag=\"" + label_escape(f) + "\"," + ups_label, set ? "1" : "0");
                }
                continue;
            }
            // device.* strings describe the device: labels of one info metric (uptime is a value).
            if (var.rfind("device.", 0) == 0 && var != "device.uptime") {
                std::string label;
                for (char c : var.substr(7)) label += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                info += label + "=\"" + label_escape(value) + "\",";
                continue;
            }
            if (!wanted(var)) continue;
            const auto v = metric_value(value);
            if (!v) continue;
            add(metric_name(var), "gauge", "Value of NUT variable " + var, ups_label, number_text(*v));
        }
        add(std::string(kNamespace) + "device_info", "gauge", "UPS device information (device.* variables)",
            info + ups_label, "1");
    }
    std::string out;
    out.reserve(256 + ups.size() * 4096);
    for (const auto &[name, f] : fams) {
        fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n", name, f.help, name, f.type);
        for (const auto &s : f.samples) fmt::format_to(std::back_inserter(out), "{}{{{}}} {}\n", name, s.labels, s.value);
    }
    fmt::format_to(std::back_inserter(out),
                   "# HELP nutpp_upsweb_scrape_errors_total Failed reads of upsd (connection or UPS errors) since start\n"
                   "# TYPE nutpp_upsweb_scrape_errors_total counter\nnutpp_upsweb_scrape_errors_total {}\n",
                   scrape_errors);
    if (opt.event_clients >= 0)
        fmt::format_to(std::back_inserter(out),
                       "# HELP nutpp_upsweb_event_clients Open /api/v1/events streams\n"
                       "# TYPE nutpp_upsweb_event_clients gauge\nnutpp_upsweb_event_clients {}\n",
                       opt.event_clients);
    return out;
}

} // namespace nutpp::web
