#include "import/importer.hpp"

#include "import/detail.hpp"

#include "common/strings.hpp"

#include <stdexcept>

namespace nutpp::import {

using namespace detail;

namespace {

// nut.conf: which parts NUT ran. Returns the MODE ("" when not set).
std::string import_nut_conf(Run &run, const NutFile &f) {
    std::string mode;
    for (const auto &l : f.lines) {
        const KeyValues kv = key_values(l);
        if (kv.key == "MODE" && kv.values.size() == 1) {
            mode = kv.values[0];
            run.globals.comment(0, where(f, l.line) + ": NUT ran in MODE=" + mode +
                                       (mode == "none" ? " (NUT was not started by the system)" : ""));
        } else {
            run.refuse(f, l.line, "'" + kv.key + "': a start-up setting of NUT's init scripts; nutpp's systemd units "
                                  "(nutpp-upsdrvd, nutpp-upsd, nutpp-upsmon) take options of their own");
        }
    }
    return mode;
}

} // namespace

ImportResult import_nut(const std::string &dir, const PluginKeys &plugin_keys) {
    Run run;
    run.dir = dir;
    run.plugin_keys = plugin_keys;
    const NutFile nut = read_nut_file(dir, "nut.conf");
    const NutFile ups = read_nut_file(dir, "ups.conf");
    const NutFile upsd = read_nut_file(dir, "upsd.conf");
    const NutFile users = read_nut_file(dir, "upsd.users");
    const NutFile upsmon = read_nut_file(dir, "upsmon.conf");
    if (!nut.present && !ups.present && !upsd.present && !users.present && !upsmon.present)
        throw std::runtime_error("no NUT configuration in " + dir +
                                 " (none of nut.conf, ups.conf, upsd.conf, upsd.users, upsmon.conf)");
    for (const NutFile *f : {&nut, &ups, &upsd, &users, &upsmon}) {
        if (!f->present) continue;
        run.result.files.push_back(f->path);
        for (const auto &[line, why] : f->errors) run.refuse(*f, line, "parse error, line skipped: " + why);
    }

    const std::string mode = nut.present ? import_nut_conf(run, nut) : "";
    // A netclient runs only upsmon: NUT does not use the other files there, nor does the import.
    const bool client_only = mode == "netclient";
    if (client_only) {
        for (const NutFile *f : {&ups, &upsd, &users})
            if (f->present && !f->lines.empty())
                run.refuse(*f, f->lines.front().line, "not imported: MODE=netclient runs only upsmon");
    } else {
        if (ups.present) import_ups_conf(run, ups);
        if (upsd.present) import_upsd_conf(run, upsd);
        if (users.present) import_upsd_users(run, users);
    }
    if (upsmon.present) import_upsmon_conf(run, upsmon);

    YamlOut head;
    head.comment(0, "nutpp configuration imported from NUT's files in " + dir + " by `nutpp import`.");
    head.comment(0, "Each entry names the NUT file and line it came from; what could not be carried over was");
    head.comment(0, "listed by the import (and is not in this file).");
    if (!run.statepath.empty()) {
        head.entry(0, "state_dir", yaml_scalar(run.statepath), run.statepath_from + ": NUT's STATEPATH");
    } else if (run.nut_devices > 0) {
        // Our upsd must find the NUT drivers' sockets where NUT puts them.
        head.entry(0, "state_dir", "/run/nut", "NUT's state path: devices below stay NUT drivers");
    }
    std::string out = head.text() + run.globals.text();
    if (run.has_devices) out += "\ndevices:\n" + run.devices.text();
    if (!run.server.empty()) out += "\nserver:\n" + run.server.text();
    if (run.has_users) out += "\nusers:\n" + run.users.text();
    if (!run.monitor.empty()) out += "\nmonitor:\n" + run.monitor.text();
    run.result.yaml = std::move(out);

    if (run.plain_passwords)
        run.result.hints.push_back("upsd.users passwords were kept in plain text as in NUT; to store a hash instead, "
                                   "replace 'password: X' by 'password_hash: ' and the output of "
                                   "`mkpasswd -m yescrypt` (package whois)");
    if (run.nut_devices > 0)
        run.result.hints.push_back(std::to_string(run.nut_devices) +
                                   " device(s) stay NUT drivers: keep /etc/nut/ups.conf for them and start them with "
                                   "NUT's upsdrvctl; nutpp's upsd serves their sockets");
    return std::move(run.result);
}

} // namespace nutpp::import
