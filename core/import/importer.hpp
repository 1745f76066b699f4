// `nutpp import`: NUT's ups.conf, upsd.conf, upsd.users, upsmon.conf (and nut.conf's MODE) turned
// into one nutpp YAML file, commented with the NUT file and line each entry came from. Everything
// that cannot be carried over is listed with its file:line and why.
#pragma once

#include "config/config.hpp"

#include <functional>
#include <string>
#include <vector>

namespace nutpp::import {

struct Problem {
    std::string file; // "ups.conf"
    int line = 0;
    std::string what; // "[myups] 'subdriver': the usbhid plugin picks ..."
    std::string str() const { return file + ":" + std::to_string(line) + ": " + what; }
};

struct ImportResult {
    std::string yaml;
    std::vector<Problem> not_carried;  // every option (or section) not carried over, in file order
    std::vector<std::string> hints;    // advice that is not a loss (hash the passwords, ...)
    std::vector<std::string> files;    // the NUT files that were read
    bool complete() const { return not_carried.empty(); }
};

// A plugin's declared keys (validate::probe_plugin in the program). Throws std::runtime_error when
// the plugin cannot be asked; its devices' plugin options are then listed as not carried.
using PluginKeys = std::function<std::vector<config::KeySpec>(const std::string &plugin)>;

// Reads the NUT files in `dir`. Throws std::runtime_error when none of them is there or one cannot
// be read.
ImportResult import_nut(const std::string &dir, const PluginKeys &plugin_keys);

} // namespace nutpp::import
