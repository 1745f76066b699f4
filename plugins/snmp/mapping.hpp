// A MIB -> NUT mapping as loaded from one YAML file (format: docs in plugins/snmp/README.md and
// /work/snmp-mapping-format.md). Plain data: the loader fills it, the converter and the driver read it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace nutpp::snmp {

// What a variable's raw SNMP value turns into.
enum class VarType { String, Number, Timeticks, Enum, Status, Alarm, Bits };
enum class BitsEncoding { Chars, Octets };
enum class BitsTarget { Alarm, Status };
enum class SetType { Integer, String };
// Named engine conversions (`convert:`); None = none.
enum class Conversion { None, ApcDate, HexToText, StripToFirstWord };

// Integer (or exact string) key -> text. Integer keys are stored as their decimal text, so one
// lookup by text serves both.
struct EnumTable {
    std::map<std::string, std::string> by_key;
    const std::string *text_for(const std::string &key) const {
        auto it = by_key.find(key);
        return it == by_key.end() ? nullptr : &it->second;
    }
    // The key whose text is `text` (for SET of an enum variable); nullopt when none.
    std::optional<std::string> key_for(const std::string &text) const {
        for (const auto &[k, v] : by_key)
            if (v == text) return k;
        return std::nullopt;
    }
};

struct Writable {
    SetType set_type = SetType::Integer;
    std::optional<int64_t> min, max;
    uint32_t maxlen = 0;
};

// Where an entry came from, for log lines.
struct Mark {
    int line = 0, column = 0;
};

// NUT's SU_INPUT_1/SU_INPUT_3/SU_OUTPUT_1/... flags: the entry is published only when the device's
// `<of>.phases` is `count` (a device that publishes no phase count is single-phase, as in NUT).
struct PhaseCondition {
    std::string of; // input, output or bypass
    int count = 1;  // 1 or 3
};

struct VarSpec {
    std::string name;
    std::string oid;                   // "" = constant (default only)
    std::optional<std::string> dflt;   // `default:`
    VarType type = VarType::String;
    double scale = 1.0;
    int decimals = -1;                 // -1: as needed, at most 2
    bool is_static = false, optional = false, neg_invalid = false, zero_invalid = false;
    const EnumTable *table = nullptr;  // enum / status / alarm: `enum`; bits: `bits`
    BitsEncoding encoding = BitsEncoding::Chars;
    BitsTarget target = BitsTarget::Alarm;
    Conversion convert = Conversion::None;
    std::optional<Writable> writable;
    std::optional<PhaseCondition> phases;
    Mark mark;
};

struct Command {
    std::string name;
    std::string oid;
    SetType set_type = SetType::Integer;
    std::string value;
};

struct Mapping {
    std::string name, version, description, file;
    int detect_order = 100;
    std::vector<std::string> sysoid;
    std::string probe;
    std::map<std::string, EnumTable> enums; // node-stable: VarSpec::table points in here
    std::vector<VarSpec> vars;
    std::vector<Command> commands;
};

} // namespace nutpp::snmp
