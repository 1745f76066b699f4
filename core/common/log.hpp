// Process logging for every nutpp program: spdlog to stderr (foreground) or syslog (daemon).
#pragma once

#include <spdlog/spdlog.h>

#include <string>

namespace nutpp::common {

// NUT's -D counting: 0 = info, 1 = debug, 2+ = trace.
void init_logging(const std::string &program, int debug_level, bool to_syslog);

} // namespace nutpp::common

// Call sites use spdlog directly: spdlog::info("..."), spdlog::warn(...).
