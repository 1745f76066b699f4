// Megatec "Q1" protocol (the family NUT's blazer_ser / nutdrv_qx drive): the wire tables and pure
// reply parsers. No I/O here, so the unit tests and the fuzz targets call these directly.
//
// Every query and reply ends with CR. Q1 answers "(MMM.M NNN.N PPP.P QQQ RR.R S.SS TT.T b7..b0".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nutpp/support/numbers.hpp>
#include <nutpp/support/status_bits.hpp>

namespace nutpp::serial::megatec {

// The numeric fields of the Q1 reply in wire order, printed as NUT's blazer driver prints them.
inline constexpr support::NumberFormat kQ1Fields[] = {
    {"input.voltage", 1},   {"input.voltage.fault", 1}, {"output.voltage", 1}, {"ups.load", 0},
    {"input.frequency", 1}, {"battery.voltage", 2},     {"ups.temperature", 1},
};
inline constexpr size_t kQ1FieldCount = sizeof kQ1Fields / sizeof kQ1Fields[0];
inline constexpr size_t kQ1LoadField = 3;           // index of ups.load in kQ1Fields
inline constexpr size_t kQ1BatteryVoltageField = 5; // index of battery.voltage
static_assert(std::string_view(kQ1Fields[kQ1LoadField].variable) == "ups.load");
static_assert(std::string_view(kQ1Fields[kQ1BatteryVoltageField].variable) == "battery.voltage");
inline constexpr size_t kQ1ReplyLength = 46; // without the CR, with the '('

// The status bits "b7..b0" as a byte: the first character is b7 (mask 0x80).
inline constexpr uint32_t kQ1UtilityFail = 0x80;
inline constexpr uint32_t kQ1BypassBoostBuck = 0x20;
inline constexpr uint32_t kQ1StandbyType = 0x08; // 1 = standby / line-interactive, 0 = on-line
inline constexpr uint32_t kQ1BeeperOn = 0x01;

// The bypass/boost/buck bit means BYPASS on an on-line unit; a standby unit does not say whether
// it boosts or bucks, the voltages decide (see parse_q1).
inline constexpr support::StatusBit kQ1StatusBits[] = {
    {kQ1UtilityFail, "OB", "OL"},
    {0x40, "LB"}, // battery low
    {kQ1BypassBoostBuck, "BYPASS"},
    {0x10, nullptr, nullptr, "UPS failure"},
    {0x04, "CAL"}, // test in progress
    {0x02, "FSD"}, // shutdown active
};

// Status bits that are variables rather than ups.status tokens.
struct Q1BitVariable {
    uint32_t mask;
    const char *variable;
    const char *value_if_set;
    const char *value_if_clear;
};
inline constexpr Q1BitVariable kQ1BitVariables[] = {
    {kQ1StandbyType, "ups.type", "offline / line interactive", "online"},
    {kQ1BeeperOn, "ups.beeper.status", "enabled", "disabled"},
};

// The 'F' rating reply "#MMM.M QQQ SS.SS RR.R", whitespace separated (some units leave blanks or
// "." placeholders, which are skipped).
inline constexpr support::NumberFormat kRatingFields[] = {
    {"input.voltage.nominal", 0},
    {"input.current.nominal", 1},
    {"battery.voltage.nominal", 1},
    {"input.frequency.nominal", 0},
};

// The 'I' identification reply: '#' then fixed-width, space-padded columns.
struct IdentColumn {
    const char *variable;
    size_t offset;
    size_t width;
};
inline constexpr IdentColumn kIdentColumns[] = {
    {"device.mfr", 1, 15}, // nutdrv_qx's megatec subdriver publishes device.*, not ups.*
    {"device.model", 17, 10},
    {"ups.firmware", 28, 10},
};
inline constexpr size_t kIdentMinLength = 38;

// How an instant command is put on the wire.
enum class CommandForm {
    Fixed,           // `wire` as is
    TestMinutes,     // "T<nn>": arg = minutes 1..99 (default 10)
    ShutdownReturn,  // "S<offdelay>R<ondelay>"
    ShutdownStayOff, // "S<offdelay>R0000"
    BeeperOn,        // "Q" only if the beeper is off now
    BeeperOff,       // "Q" only if the beeper is on now
};

struct Command {
    const char *instcmd;
    CommandForm form;
    const char *wire; // Fixed (and the toggle for Beeper*)
};

inline constexpr Command kCommands[] = {
    {"test.battery.start.quick", CommandForm::Fixed, "T"},
    {"test.battery.start.deep", CommandForm::Fixed, "TL"},
    {"test.battery.start", CommandForm::TestMinutes, nullptr},
    {"test.battery.stop", CommandForm::Fixed, "CT"},
    {"beeper.toggle", CommandForm::Fixed, "Q"},
    {"beeper.enable", CommandForm::BeeperOn, "Q"},
    {"beeper.disable", CommandForm::BeeperOff, "Q"},
    {"shutdown.return", CommandForm::ShutdownReturn, nullptr},
    {"shutdown.stayoff", CommandForm::ShutdownStayOff, nullptr},
    {"shutdown.stop", CommandForm::Fixed, "C"},
    {"load.off", CommandForm::Fixed, "S00R0000"},
    {"load.on", CommandForm::Fixed, "C"},
};

// A variant of the family recognised by its answer to one extra query. Voltronic units answer QPI
// with "(PI<nn>" (their protocol id) and otherwise speak Q1 as well.
struct Variant {
    const char *name;
    const char *query;
    const char *reply_prefix; // a reply starting with this identifies the variant
    size_t id_digits;         // digits after the prefix that form the id
    const char *variable;     // where the id is published
};
inline constexpr Variant kVariants[] = {
    {"voltronic", "QPI", "(PI", 2, "ups.firmware.aux"},
};

// ------------------------------------------------------------------------------------------------
using Values = std::vector<std::pair<std::string, std::string>>;

struct Q1Reading {
    Values values;                   // formatted like NUT
    std::vector<std::string> status; // ups.status tokens
    std::string alarm;
    bool beeper_on = false;
    bool standby_type = false;
    bool online = false;                   // utility present (b7 clear): "OL"
    std::optional<double> battery_voltage; // the numbers behind the values, for the battery estimate
    std::optional<double> load;
};

// Returns nullopt and sets `error` for a reply that is not a whole, well-formed Q1 answer.
std::optional<Q1Reading> parse_q1(std::string_view reply, std::string &error);
// 'F': whatever fields parse (empty when the unit gives none).
Values parse_rating(std::string_view reply);
// 'I': the non-blank columns; empty when the reply is not an identification.
Values parse_ident(std::string_view reply);
// Variant id ("PI30") when `reply` identifies `variant`.
std::optional<std::string> parse_variant(const Variant &variant, std::string_view reply);
// True for the ways units say "unsupported": "(NAK", "NAK", "UPS No Ack", or an echo of `sent`.
bool is_refusal(std::string_view reply, std::string_view sent);

// Shutdown delay on the wire: ".2".."..9" tenths of a minute below 60 s, else whole minutes "01".."99".
std::string offdelay_wire(unsigned seconds);
// Restore delay: minutes, 4 digits.
std::string ondelay_wire(unsigned minutes);

} // namespace nutpp::serial::megatec
