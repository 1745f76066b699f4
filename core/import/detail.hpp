// Shared state of one import run (the per-file readers in ups_conf.cpp and sections.cpp).
#pragma once

#include "import/importer.hpp"
#include "import/nut_files.hpp"
#include "import/yaml_out.hpp"

#include <map>

namespace nutpp::import::detail {

struct Run {
    std::string dir;
    PluginKeys plugin_keys;
    ImportResult result;
    std::map<std::string, std::vector<config::KeySpec>> keys_cache;
    std::map<std::string, std::string> keys_error; // plugin -> why it could not be asked

    // Output, one part per section; assembled in this order.
    YamlOut globals, devices, server, users, monitor;
    bool has_devices = false, has_users = false, has_monitor = false;
    std::string statepath;       // ups.conf / upsd.conf STATEPATH (ups.conf wins, as in NUT's drivers)
    std::string statepath_from;  // "ups.conf:3"
    int nut_devices = 0;         // devices left to NUT drivers
    bool plain_passwords = false;

    void refuse(const NutFile &f, int line, std::string what) {
        result.not_carried.push_back(Problem{f.name, line, std::move(what)});
    }
    // The plugin's keys, or nullptr when it cannot be asked (recorded in keys_error).
    const std::vector<config::KeySpec> *keys_of(const std::string &plugin);
};

inline std::string where(const NutFile &f, int line) { return f.name + ":" + std::to_string(line); }

void import_ups_conf(Run &run, const NutFile &f);
void import_upsd_conf(Run &run, const NutFile &f);
void import_upsd_users(Run &run, const NutFile &f);
void import_upsmon_conf(Run &run, const NutFile &f);

} // namespace nutpp::import::detail
