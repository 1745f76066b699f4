// NOTIFY events: NUT's default messages and flags as a table, message formatting, and delivery
// (syslog/log, wall, NOTIFYCMD with NOTIFYTYPE/UPSNAME in its environment).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"

namespace nutpp::monitor {

struct NotifyType {
    const char *type;
    const char *message;      // NUT's default; %s = UPS system string, a second %s = extra detail
    bool syslog_only = false; // default flags SYSLOG instead of SYSLOG+WALL (NUT: CAL)
};
const std::vector<NotifyType> &notify_table();

// %s in order: ups, then extra; %% is a literal %; any other % is kept as is. Safe for any format.
std::string format_message(std::string_view fmt, std::string_view ups, std::string_view extra = "");

class Notifier {
public:
    explicit Notifier(const config::MonitorConfig &cfg) : cfg_(&cfg) {}
    void set_config(const config::MonitorConfig &cfg) { cfg_ = &cfg; }
    // Sends one event. `ups` is the system string ("" for SHUTDOWN). Never throws.
    void notify(const std::string &type, const std::string &ups, const std::string &extra = "");
    std::string message_for(const std::string &type, const std::string &ups, const std::string &extra) const;
    config::NotifyFlags flags_for(const std::string &type) const;
    // Reaps finished NOTIFYCMD/wall children (call now and then).
    static void reap_children();

private:
    const config::MonitorConfig *cfg_;
};

// Runs `/bin/sh -c cmd` and waits; returns its exit status (-1 when it could not run).
int run_shell_wait(const std::string &cmd);

} // namespace nutpp::monitor
