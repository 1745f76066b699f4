// APC "Smart" (UPS-Link) protocol: wire tables and pure reply parsers (no I/O; unit tests and fuzz
// targets call them directly). The host sends single characters; the UPS answers text + CR LF, and
// may interject single alert characters at any time.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace nutpp::serial::apc {

// How a reply becomes the NUT value.
enum class Format {
    Raw,            // as the UPS says it (NUT apcsmart keeps "004.5", "024")
    Minutes,        // minutes (a trailing ':' allowed) -> seconds
    Hours,          // hours -> seconds; "OFF" -> 0 (self-test interval)
    TransferReason, // letter -> text (kTransferReasons)
};

enum : uint32_t {
    kStatic = 1u << 0,        // read at open and after a SET, not every poll
    kWritableEnum = 1u << 1,  // cycled through the capability values with '-'
    kWritableString = 1u << 2 // replaced with '-' + 8 characters
};

struct Query {
    char cmd;
    const char *variable;
    Format format;
    uint32_t flags;
};

inline constexpr Query kQueries[] = {
    // identity and settings (static)
    {'\x01', "ups.model", Format::Raw, kStatic},
    {'b', "ups.firmware", Format::Raw, kStatic},
    {'V', "ups.firmware.old", Format::Raw, kStatic},
    {'n', "ups.serial", Format::Raw, kStatic},
    {'m', "ups.mfr.date", Format::Raw, kStatic},
    {'g', "battery.voltage.nominal", Format::Raw, kStatic},
    {'o', "output.voltage.nominal", Format::Raw, kStatic | kWritableEnum},
    {'x', "battery.date", Format::Raw, kStatic | kWritableString},
    {'c', "ups.id", Format::Raw, kStatic | kWritableString},
    {'l', "input.transfer.low", Format::Raw, kStatic | kWritableEnum},
    {'u', "input.transfer.high", Format::Raw, kStatic | kWritableEnum},
    {'s', "input.sensitivity", Format::Raw, kStatic | kWritableEnum},
    {'p', "ups.delay.shutdown", Format::Raw, kStatic | kWritableEnum},
    {'r', "ups.delay.start", Format::Raw, kStatic | kWritableEnum},
    {'q', "battery.runtime.low", Format::Minutes, kStatic | kWritableEnum},
    {'e', "battery.charge.restart", Format::Raw, kStatic | kWritableEnum},
    {'k', "battery.alarm.threshold", Format::Raw, kStatic | kWritableEnum},
    {'E', "ups.test.interval", Format::Hours, kStatic | kWritableEnum},
    {'>', "battery.packs", Format::Raw, kStatic},
    // measurements (every poll)
    {'B', "battery.voltage", Format::Raw, 0},
    {'C', "ups.temperature", Format::Raw, 0},
    {'F', "input.frequency", Format::Raw, 0},
    {'L', "input.voltage", Format::Raw, 0},
    {'M', "input.voltage.maximum", Format::Raw, 0},
    {'N', "input.voltage.minimum", Format::Raw, 0},
    {'O', "output.voltage", Format::Raw, 0},
    {'P', "ups.load", Format::Raw, 0},
    {'/', "output.current", Format::Raw, 0},
    {'f', "battery.charge", Format::Raw, 0},
    {'j', "battery.runtime", Format::Minutes, 0},
    {'9', "input.quality", Format::Raw, 0},
    {'G', "input.transfer.reason", Format::TransferReason, 0},
    {'X', "ups.test.result", Format::Raw, 0},
};

inline constexpr char kStatusQuery = 'Q';
inline constexpr char kProtocolInfoQuery = 'a';
inline constexpr char kCapabilitiesQuery = '\x1a';
inline constexpr char kNextValue = '-';
inline constexpr size_t kStringLength = 8; // ups.id, battery.date: padded with CR on the wire

struct StatusBit {
    uint8_t mask;
    const char *token;
};
inline constexpr StatusBit kStatusBits[] = {
    {0x01, "CAL"}, {0x02, "TRIM"}, {0x04, "BOOST"}, {0x08, "OL"},
    {0x10, "OB"},  {0x20, "OVER"}, {0x40, "LB"},    {0x80, "RB"},
};

struct TransferReason {
    char code;
    const char *text;
};
inline constexpr TransferReason kTransferReasons[] = {
    {'R', "unacceptable utility voltage rate of change"},
    {'H', "high utility voltage"},
    {'L', "low utility voltage"},
    {'T', "line voltage notch or spike"},
    {'O', "no transfers yet since turnon"},
    {'S', "simulated power failure or UPS test"},
};

// How the UPS confirms a command.
enum class Confirm {
    Ok,           // "OK" (old units '*')
    OkOrAlert,    // "OK" or an immediate alert ('!' for U and D)
    None,         // no reply at all (Z)
};

struct Command {
    const char *instcmd;
    const char *wire;   // one or more bytes
    bool twice;         // sent twice with > 1.5 s between (guards against line noise)
    Confirm confirm;
};

inline constexpr Command kCommands[] = {
    {"test.panel.start", "A", false, Confirm::Ok},
    {"test.battery.start", "W", false, Confirm::Ok},
    {"test.battery.stop", "W", false, Confirm::Ok},
    {"test.failure.start", "U", false, Confirm::OkOrAlert},
    {"calibrate.start", "D", false, Confirm::OkOrAlert},
    {"calibrate.stop", "D", false, Confirm::OkOrAlert},
    {"shutdown.return", "@000", false, Confirm::Ok},
    {"shutdown.stayoff", "K", true, Confirm::Ok},
    {"shutdown.stop", "\x7f", false, Confirm::Ok},
    {"load.off", "Z", true, Confirm::None},
    {"load.on", "\x0e", true, Confirm::None},
};

// Unsolicited single characters (never part of a reply's first byte, except '#' for ^Z).
inline constexpr std::string_view kAlertChars = "!$%+?=*#&|";

// ------------------------------------------------------------------------------------------------
const Query *find_query(std::string_view variable);

// The NUT value for a reply, or nullopt when the UPS does not have it ("NA", empty, unparsable).
std::optional<std::string> convert(const Query &q, std::string_view reply);
// Capability values are in device units too: convert() each of them for the enum NUT shows.

struct Status {
    std::vector<std::string> tokens;
};
// 'Q' reply: two hex digits. nullopt + error for garbage or impossible combinations (OL and OB).
std::optional<Status> parse_status(std::string_view reply, std::string &error);

// 'a' reply "<version>.<alerts>.<commands>": the set of command characters the UPS knows.
std::optional<std::set<char>> parse_protocol_info(std::string_view reply);

// ^Z reply: for each command character the values this unit accepts in `locale` ('4' = all).
// Malformed input yields what parsed before the damage and sets `error`.
std::map<char, std::vector<std::string>> parse_capabilities(std::string_view reply, char locale, std::string &error);

// Strips alert characters an UPS put in front of a reply (not '#' when `hash_is_data`).
std::string_view strip_alerts(std::string_view reply, bool hash_is_data);

} // namespace nutpp::serial::apc
