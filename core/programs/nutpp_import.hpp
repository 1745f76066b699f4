// `nutpp import [DIR] [-o FILE] [--check]` (see core/import/importer.hpp).
#pragma once

#include <string>

namespace nutpp::programs {

struct ImportCommand {
    std::string dir = "/etc/nut";
    std::string output;  // empty: stdout
    bool check = false;  // load the result with our config loader (validate::load_checked)
};

// Exit status: 0 everything carried, 1 written but something was not carried (listed on stderr),
// 2 nothing written (no NUT files, unreadable, cannot write), 78 (config error) --check refused it.
int run_import(const ImportCommand &cmd);

} // namespace nutpp::programs
