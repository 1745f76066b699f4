#include "log.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/sinks/syslog_sink.h>

#include <syslog.h>

namespace nutpp::common {

void init_logging(const std::string &program, int debug_level, bool to_syslog) {
    std::shared_ptr<spdlog::logger> logger;
    if (to_syslog)
        logger = spdlog::syslog_logger_mt(program, program, LOG_PID, LOG_DAEMON);
    else
        logger = spdlog::stderr_color_mt(program);
    // Shape: "upsdrvd[info] message" — short, like NUT's driver output, timestamp only in debug.
    logger->set_pattern(debug_level > 0 ? "%H:%M:%S.%e %n[%l] %v" : "%n[%l] %v");
    logger->set_level(debug_level >= 2 ? spdlog::level::trace
                      : debug_level == 1 ? spdlog::level::debug
                                         : spdlog::level::info);
    logger->flush_on(spdlog::level::trace);
    spdlog::set_default_logger(logger);
}

} // namespace nutpp::common
