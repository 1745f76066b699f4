#include "known_vars.hpp"

#include <nutpp/support/text.hpp>

namespace nutpp::sim {

using support::iequals;
namespace {

struct KnownVar {
    const char *name;
    nutpp_type type;
    uint32_t max_length; // STRING only
};

constexpr nutpp_type S = NUTPP_TYPE_STRING;
constexpr nutpp_type N = NUTPP_TYPE_NUMBER;

// dummy-ups' table, first row wins (it lists ups.serial twice; the first says 32).
constexpr KnownVar kKnown[] = {
    {"ups.mfr", S, 32},
    {"ups.model", S, 32},
    {"ups.status", S, 32},
    {"ups.serial", S, 32},
    {"ups.load", N, 0},
    {"ups.alarm", S, 32},
    {"ups.time", S, 16},
    {"ups.date", S, 16},
    {"ups.mfr.date", S, 16},
    {"ups.firmware", S, 16},
    {"ups.firmware.aux", S, 16},
    {"ups.temperature", N, 0},
    {"ups.id", S, 16},
    {"ups.delay.start", N, 0},
    {"ups.delay.reboot", N, 0},
    {"ups.delay.shutdown", N, 0},
    {"ups.test.interval", N, 0},
    {"ups.test.result", S, 16},
    {"input.voltage", N, 0},
    {"input.voltage.maximum", N, 0},
    {"input.voltage.minimum", N, 0},
    {"input.voltage.nominal", N, 0},
    {"input.transfer.reason", S, 1},
    {"input.transfer.low", N, 0},
    {"input.transfer.high", N, 0},
    {"input.sensitivity", S, 1},
    {"input.quality", S, 6},
    {"input.frequency", N, 0},
    {"input.transfer.boost.low", N, 0},
    {"input.transfer.boost.high", N, 0},
    {"input.transfer.trim.low", N, 0},
    {"input.transfer.trim.high", N, 0},
    {"output.voltage", N, 0},
    {"output.frequency", N, 0},
    {"output.current", N, 0},
    {"battery.charge", N, 0},
    {"battery.charge.low", N, 0},
    {"battery.voltage", N, 0},
    {"battery.current", N, 0},
    {"battery.runtime", N, 0},
    {"battery.runtime.low", N, 0},
    {"battery.charge.restart", N, 0},
    {"battery.temperature", N, 0},
    {"battery.voltage.nominal", N, 0},
    {"ambient.temperature", N, 0},
    {"ambient.temperature.alarm", N, 0},
    {"ambient.temperature.high", N, 0},
    {"ambient.temperature.low", N, 0},
    {"ambient.humidity", N, 0},
    {"ambient.humidity.alarm", N, 0},
    {"ambient.humidity.high", N, 0},
    {"ambient.humidity.low", N, 0},
};

constexpr uint32_t kUnknownMaxLength = 32;


} // namespace

VarShape dummy_shape(std::string_view name) {
    for (const auto &k : kKnown)
        if (iequals(k.name, name)) return {k.type, k.type == S ? k.max_length : 0u};
    return {S, kUnknownMaxLength};
}

} // namespace nutpp::sim
