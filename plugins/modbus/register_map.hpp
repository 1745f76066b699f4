// A Modbus register map as data: which registers to read, how to decode them and which NUT variable,
// ups.status token or ups.alarm text each one feeds; which registers a command or a writable
// variable writes. Built-in maps and user maps share this one format (README "Modbus register
// maps"), loaded from YAML by load_map() with file:line:column errors that name the entry.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace nutpp::modbus {

// Modbus object tables, by the read function that reaches them.
enum class Table { Coil, Discrete, Holding, Input };
enum class DataType { U16, S16, U32, S32, Float32, String, Bitfield, Date, Words };
enum class Order { Big, Little };

// One bit of a bitfield (or of a coil / discrete input: bit 0), or a group of bits.
struct BitRule {
    uint32_t mask = 0;       // `bit: 3` or a group `bit: [4, 5]`: every bit of the mask must match
    bool when_set = true;    // `clear: true` in the map: the rule fires when the bits are 0
    std::string status;      // ups.status token
    std::string alarm;       // ups.alarm text
    std::string text;        // text joined (", ") into the point's variable
};

// `value: 3`, or a range `min: 16, max: 65534` (both ends included) for thresholds.
struct EnumRule {
    int64_t value = 0;
    int64_t max = 0;    // == value for a single value
    std::string text;
    std::string status; // a ups.status token (space-separated list allowed: "OL ECO")
};

// A second variable computed from this one: value * scale * <times variable> (e.g. ups.realpower =
// ups.load % / 100 * ups.realpower.nominal).
struct Derived {
    std::string variable;
    std::string times;
    double scale = 1.0;
    int decimals = 0;
};

// `when` / `unless` conditions: the raw word of a register of the point's table read this poll.
struct Condition {
    uint16_t address = 0;
    int64_t equals = 0;
};

// `format` of a `words` point: literal text and fields {i}, {i.hi}, {i.lo} (word i of the point,
// or its high / low byte), with an optional +N / -N and :0W (zero-padded width), e.g. "{3+2000:04}".
struct FormatField {
    std::string literal; // text before the field
    int word = -1;       // -1: no field (trailing literal)
    int part = 0;        // 0 whole word, 1 high byte, 2 low byte
    int64_t add = 0;
    int width = 0;
};

struct Point {
    std::string variable;     // NUT variable fed (may be empty for a status-only point)
    Table table = Table::Holding;
    uint16_t address = 0;
    uint16_t count = 1;       // registers (bits for coils / discrete inputs)
    DataType type = DataType::U16;
    Order word_order = Order::Big;
    Order byte_order = Order::Big;
    double scale = 1.0;
    double offset = 0.0;
    int decimals = 0;
    bool once = false;        // static data: read at open() only
    bool truncate = false;    // round toward zero (NUT's integer division), not to nearest
    std::vector<Condition> when;   // published only if all hold
    std::vector<Condition> unless; // published only if not all hold
    std::vector<FormatField> format; // type words
    std::vector<BitRule> bits;
    std::vector<EnumRule> enums;
    bool enum_only = false;   // a value missing from `enum` publishes nothing (else the number)
    std::vector<int64_t> invalid; // raw values meaning "not available": nothing is published
    std::optional<Derived> derived;
    // Writable through SET VAR: a numeric range, the enum texts, or a string of count*2 bytes.
    bool writable = false;
    std::optional<int64_t> min, max;
    std::string where;        // "file:line:column (entry N)" for messages
};

// One register write of a command (several run in order).
struct Write {
    Table table = Table::Holding; // Holding (fn 0x06 / 0x10) or Coil (fn 0x05)
    uint16_t address = 0;
    DataType type = DataType::U16; // U16/S16: one register; U32/S32: two (fn 0x10)
    Order word_order = Order::Big;
    int64_t value = 0;
    unsigned pause_ms = 0;         // wait this long before the write (a pulse's release)
};

struct Command {
    std::string name;
    std::vector<Write> writes;
};

// `identification`: function 0x2B read device identification, asked once at open. Each value
// takes an object's text whole, or (with `field`) the `field=...;` part of it (Huawei's 0x88).
struct IdValue {
    uint8_t object = 0;
    std::string field;
    std::vector<std::string> variables;
};
struct Identification {
    uint8_t read_code = 1;   // 1 basic, 2 regular, 3 extended, 4 one object
    uint8_t object = 0;      // the first object asked for
    std::vector<IdValue> values;
};

// `probe`: how `nutpp scan --modbus_scan` tells that this map fits a device: one value read from
// it and one check of that value. The value is a register (or a few: u32, u64, string) of the
// holding or input table, or an object of the map's `identification` answer (function 0x2B).
enum class ProbeType { U16, S16, U32, S32, U64, String };
struct Probe {
    bool device_id = false;            // function: device_id (the map's identification request)
    Table table = Table::Holding;
    uint16_t address = 0;
    uint16_t count = 1;                // registers read (string: as given; u32 2; u64 4)
    ProbeType type = ProbeType::U16;
    Order word_order = Order::Big;
    Order byte_order = Order::Big;
    uint8_t object = 0;                // device_id: the object, and optionally its `field=` part
    std::string field;
    // The check, exactly one of: `value` (one entry here) / `one_of`, `min`+`max`, `matches`.
    std::vector<int64_t> numbers;      // value / one_of of a number
    std::vector<std::string> texts;    // value / one_of of a string or device_id object
    std::optional<int64_t> min, max;
    std::string matches;               // regular expression (ECMAScript), searched in the text
    std::string where;                 // "file:line:column" for messages
};

struct RegisterMap {
    std::string name;
    std::string description;
    std::string mfr, model;              // device.mfr / device.model when no register gives them
    std::vector<Point> points;
    std::vector<Command> commands;
    std::vector<std::string> shutdown;   // commands shutdown.default runs, in order
    std::vector<std::pair<std::string, std::string>> constants; // fixed variables (ups.type: online)
    unsigned max_block = 120;            // registers per merged read (Modbus allows 125)
    unsigned max_gap = 8;                // unused registers a merged read may span
    int slaveid = 1;                     // the device's factory slave id (config `slaveid` wins)
    bool has_conditions = false;         // some point has when/unless (decoded after all blocks)
    std::optional<Identification> identification;
    std::optional<Probe> probe;
};

// Register width of a point's value (bits for coil/discrete tables).
unsigned point_width(const Point &p);
bool is_bit_table(Table t);

// Parses a map. `source` names the text in errors (a file path or "builtin:<name>"). Throws
// MapError with "source:line:column: entry 'x': what" on any mistake.
RegisterMap load_map_text(const std::string &text, const std::string &source);
RegisterMap load_map_file(const std::string &path);

struct MapError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Names and YAML of the maps compiled into the plugin (generated from plugins/modbus/maps/*.yaml).
struct BuiltinMap {
    const char *name;
    const char *yaml;
};
const std::vector<BuiltinMap> &builtin_maps();
// A built-in map by name, or a file path (anything with a '/' or ending in .yaml/.yml).
RegisterMap resolve_map(const std::string &name_or_path);

} // namespace nutpp::modbus
