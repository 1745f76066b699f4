// APC "Smart" (UPS-Link) protocol: wire tables and pure reply parsers (no I/O; unit tests and fuzz
// targets call them directly). The host sends single characters; the UPS answers text + CR LF, and
// may interject single alert characters at any time.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nutpp/support/enum_text.hpp>
#include <nutpp/support/status_bits.hpp>

namespace nutpp::serial::apc {

// How a reply becomes the NUT value.
enum class Format {
    Raw,            // as the UPS says it (NUT apcsmart keeps "004.5", "024")
    Minutes,        // minutes (a trailing ':' allowed) -> seconds
    Hours,          // hours -> seconds; "OFF" -> 0 (self-test interval)
    TransferReason, // letter -> text (kTransferReasons)
    // "SKU.revision.country" (three alphanumeric parts, NUT apcsmart's check on 'b'); anything else
    // is no value, so the 'V' fallback below answers instead
    FirmwareTriple,
};

enum : uint32_t {
    kStatic = 1u << 0,        // read at open and after a SET, not every poll
    kWritableEnum = 1u << 1,  // cycled through the capability values with '-'
    kWritableString = 1u << 2, // replaced with '-' + 8 characters
    // Only asked when an earlier query left the variable unset (NUT apcsmart's APC_MULTI: 'b' then
    // 'V' for ups.firmware; NUT 2.6.5+ has no ups.firmware.old, 2.6.1 published 'V' there).
    kFallback = 1u << 3,
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
    {'b', "ups.firmware", Format::FirmwareTriple, kStatic},
    {'V', "ups.firmware", Format::Raw, kStatic | kFallback},
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

inline constexpr support::StatusBit kStatusBits[] = {
    {0x01, "CAL"}, {0x02, "TRIM"}, {0x04, "BOOST"}, {0x08, "OL"},
    {0x10, "OB"},  {0x20, "OVER"}, {0x40, "LB"},    {0x80, "RB"},
};

// The state registers ('~' register 1, '\'' register 2, '8' register 3: two hex digits each), read
// when the unit lists them in 'a'. NUT's apcsmart never asks; their bits say what 'Q' cannot: the
// unit in bypass, the output cut, a failed fan, relay, charger or battery connection.
inline constexpr support::StatusBit kRegister1Bits[] = {
    {0x02, "BYPASS", nullptr, "Bypass: internal fault"},
    {0x08, "BYPASS"}, // bypass on command
    {0x20, "BYPASS"}, // manual bypass switch
};
inline constexpr support::StatusBit kRegister2Bits[] = {
    {0x01, "BYPASS", nullptr, "Electronics fan failed"},
    {0x02, nullptr, nullptr, "Isolation unit fan failed"},
    {0x04, nullptr, nullptr, "Bypass supply failed"},
    {0x08, "BYPASS", nullptr, "Output voltage selection failed"},
    {0x10, "BYPASS", nullptr, "DC imbalance"},
    {0x20, nullptr, nullptr, "Battery disconnected"},
    {0x40, nullptr, nullptr, "Trim/boost relay fault"},
    {0x80, nullptr, nullptr, "Bad output voltage"},
};
inline constexpr support::StatusBit kRegister3Bits[] = {
    {0x01, "OFF", nullptr, "Output off after a low-battery shutdown"},
    {0x02, nullptr, nullptr, "Overload: cannot transfer to battery"},
    {0x04, "OFF", nullptr, "Main relay failed"},
    {0x20, nullptr, nullptr, "Battery charger failed"},
    {0x40, nullptr, nullptr, "Bypass relay failed"},
    {0x80, nullptr, nullptr, "Temperature too high"},
};
struct StateRegister {
    char query;
    std::span<const support::StatusBit> bits;
};
inline constexpr StateRegister kStateRegisters[] = {
    {'~', kRegister1Bits}, {'\'', kRegister2Bits}, {'8', kRegister3Bits}};

inline constexpr support::EnumText kTransferReasons[] = {
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

// What an instant command does beyond putting `wire` on the line.
enum class Action {
    Send,          // `wire` (twice when `twice`)
    SoftHibernate, // shutdown.return: 'S'; argument "at:N" = hard hibernate with N, "cs" = the CS hack
    HardHibernate, // shutdown.return.grace: '@' + the `awd` digits (NUT apcsmart-old's name)
    Default,       // shutdown.default: the method the `sdtype` key selects (NUT's upsdrv_shutdown)
};

struct Command {
    const char *instcmd;
    const char *wire;   // one or more bytes; wire[0] must be in the unit's 'a' command set
    bool twice;         // sent twice with > 1.5 s between (guards against line noise)
    Confirm confirm;
    Action action;
    // NUT apcsmart's "nasty" commands: they cut the load, so a request only counts when another
    // such request came 3..15 s before it (Options::confirm_window); the first one is a no-op.
    bool needs_second_request = false;
};

inline constexpr char kSoftHibernate = 'S';
inline constexpr char kHardHibernate = '@';
inline constexpr char kSimulatePowerFail = 'U';

inline constexpr Command kCommands[] = {
    {"test.panel.start", "A", false, Confirm::Ok, Action::Send},
    {"test.battery.start", "W", false, Confirm::Ok, Action::Send},
    {"test.battery.stop", "W", false, Confirm::Ok, Action::Send},
    {"test.failure.start", "U", false, Confirm::OkOrAlert, Action::Send},
    {"calibrate.start", "D", false, Confirm::OkOrAlert, Action::Send},
    {"calibrate.stop", "D", false, Confirm::OkOrAlert, Action::Send},
    {"shutdown.return", "S", false, Confirm::Ok, Action::SoftHibernate, true},
    {"shutdown.return.grace", "@", false, Confirm::Ok, Action::HardHibernate, true},
    {"shutdown.stayoff", "K", true, Confirm::Ok, Action::Send, true},
    {"shutdown.stop", "\x7f", false, Confirm::Ok, Action::Send},
    {"load.off", "Z", true, Confirm::None, Action::Send, true},
    {"load.on", "\x0e", true, Confirm::None, Action::Send},
    {"shutdown.default", "S", false, Confirm::Ok, Action::Default, true}, // runs one of the above
};

// NUT apcsmart's shutdown methods, in the order its `sdtype` numbers them.
enum class ShutdownMethod {
    SoftOrHard, // 0: S on battery, @ on line
    SoftThenHard, // 1: S on battery, @ when S fails or on line
    InstantOff, // 2: Z (twice)
    DelayedOff, // 3: K (twice)
    CsHack,     // 4: U (simulate power failure) when on line, cshdelay, then S
    Hard,       // 5: @
};
struct SdType {
    char digit;
    ShutdownMethod method;
    const char *what;
};
inline constexpr SdType kSdTypes[] = {
    {'0', ShutdownMethod::SoftOrHard, "soft hibernate (S) on battery, hard hibernate (@) on line"},
    {'1', ShutdownMethod::SoftThenHard, "soft hibernate (S), hard hibernate (@) if that fails"},
    {'2', ShutdownMethod::InstantOff, "instant power off (Z)"},
    {'3', ShutdownMethod::DelayedOff, "delayed power off (K)"},
    {'4', ShutdownMethod::CsHack, "CS hack: simulate power failure (U), then S"},
    {'5', ShutdownMethod::Hard, "hard hibernate (@)"},
};
// `sdtype` "0".."5" -> method; nullopt for anything else (NUT refuses to start then).
std::optional<ShutdownMethod> parse_sdtype(std::string_view v);
// `advorder` ("no" or 1..5 digits 0..4: S, @, K, Z, CS hack, tried in turn until one succeeds).
// The methods in order; an empty list for "no" (then sdtype applies); nullopt when malformed.
enum class AdvMethod { Soft, Hard, DelayedOff, InstantOff, CsHack };
std::optional<std::vector<AdvMethod>> parse_advorder(std::string_view v);
// `awd` (additional wake-up delay, in 6-minute units): 1..3 digits; the '@' argument, zero-padded
// to 2 digits when exactly 2 were given (older units) and to 3 otherwise. nullopt when malformed.
std::optional<std::string> hard_hibernate_digits(std::string_view awd);
// `cshdelay`: seconds like NUT accepts them ("3", "3.", ".5", "3.5": one digit each side).
std::optional<double> parse_cshdelay(std::string_view v);
// confirm_window: "MIN-MAX" whole seconds with 0 < MIN <= MAX <= 3600, or "off" (0, 0).
std::optional<std::pair<unsigned, unsigned>> parse_confirm_window(std::string_view v);
// shutdown.return's argument: "" / "cs" / "at:N". Returns the action and, for "at:", the digits.
struct ReturnArg {
    enum Kind { Soft, CsHack, Hard } kind;
    std::string digits;
};
std::optional<ReturnArg> parse_return_arg(std::string_view arg);

// Unsolicited single characters (never part of a reply's first byte, except '#' for ^Z).
inline constexpr std::string_view kAlertChars = "!$%+?=*#&|";

// ------------------------------------------------------------------------------------------------
const Query *find_query(std::string_view variable);

// The NUT value for a reply, or nullopt when the UPS does not have it ("NA", empty, unparsable).
std::optional<std::string> convert(const Query &q, std::string_view reply);
// Capability values are in device units too: convert() each of them for the enum NUT shows.

struct Status {
    support::StatusSet set; // tokens of the 'Q' bits (no alarm: 'Q' has none)
    int bits = 0;
};
inline constexpr int kStatusOnLine = 0x08;
inline constexpr int kStatusOnBattery = 0x10;
inline constexpr int kStatusLowBattery = 0x40;
// 'Q' reply: two hex digits. nullopt + error for garbage or impossible combinations (OL and OB).
std::optional<Status> parse_status(std::string_view reply, std::string &error);
// One state register reply ("0A"): the value, or nullopt when it is not two hex digits.
std::optional<uint8_t> parse_register(std::string_view reply);
// Adds the tokens (once each) and alarm texts (joined by ", ") the bits of `reg` call for.
void apply_register(const StateRegister &reg, uint8_t value, support::StatusSet &out);

// 'a' reply "<version>.<alerts>.<commands>": the set of command characters the UPS knows.
std::optional<std::set<char>> parse_protocol_info(std::string_view reply);

// ^Z reply: for each command character the values this unit accepts in `locale` ('4' = all).
// Malformed input yields what parsed before the damage and sets `error`.
std::map<char, std::vector<std::string>> parse_capabilities(std::string_view reply, char locale, std::string &error);

// Strips alert characters an UPS put in front of a reply (not '#' when `hash_is_data`).
std::string_view strip_alerts(std::string_view reply, bool hash_is_data);

} // namespace nutpp::serial::apc
