// Table-driven decoding: a map's points are grouped into merged block reads (neighbouring registers
// of one table in one request), and the registers a block returned are turned into NUT variables,
// ups.status tokens and ups.alarm texts. No I/O here: the plugin reads, this decodes (and is fuzzed).
#pragma once

#include "register_map.hpp"

#include <nutpp/support/status_bits.hpp>

#include <map>
#include <span>
#include <string>
#include <vector>

namespace nutpp::modbus {

// One read request: `count` registers (or bits) of `table` from `start`, covering `points`.
struct Block {
    Table table = Table::Holding;
    uint16_t start = 0;
    uint16_t count = 0;
    std::vector<size_t> points; // indexes into RegisterMap::points
};

// The blocks for the points with once == `once` (static data at open, the rest every poll).
std::vector<Block> plan_blocks(const RegisterMap &map, bool once);

// What one poll found.
struct Reading {
    std::map<std::string, std::string> vars;
    std::map<std::string, double> numbers; // numeric values by variable (for `derived`)
    support::StatusSet status;
    std::vector<std::string> texts_order;   // not used by callers; keeps decode deterministic
    std::map<uint32_t, uint16_t> raw;       // words read this poll, when the map has when/unless
};

inline uint32_t raw_key(Table t, uint16_t address) { return (static_cast<uint32_t>(t) << 16) | address; }

// Decodes one point from its registers (`regs` holds exactly point_width(p) words; for coils and
// discrete inputs one word 0/1) into `out`.
void decode_point(const Point &p, std::span<const uint16_t> regs, Reading &out);
// Decodes every point of `block` from the words the device returned for it (`words.size()` must be
// block.count; a short answer is the caller's error).
void decode_block(const RegisterMap &map, const Block &block, std::span<const uint16_t> words, Reading &out);
// Computes the `derived` variables once every block is in.
void finish(const RegisterMap &map, Reading &out);

// Raw integer value of a numeric point, by type and word/byte order (exposed for writes and tests).
int64_t raw_integer(const Point &p, std::span<const uint16_t> regs);
// The registers a write of `value` puts on the wire for a point / command write of `type`.
std::vector<uint16_t> encode_integer(DataType type, Order word_order, int64_t value);
// The registers of a string value (count registers, NUL padded).
std::vector<uint16_t> encode_string(const Point &p, const std::string &value);
// "YYYY-MM-DD" of `days` since 2000-01-01.
std::string date_text(long days);

} // namespace nutpp::modbus
