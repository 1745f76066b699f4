#include "decoder.hpp"

#include <nutpp/support/numbers.hpp>
#include <nutpp/support/text.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>

namespace nutpp::modbus {

namespace {

uint16_t swap_bytes(uint16_t w) { return static_cast<uint16_t>((w << 8) | (w >> 8)); }

uint16_t word_at(const Point &p, std::span<const uint16_t> regs, size_t i) {
    return p.byte_order == Order::Little ? swap_bytes(regs[i]) : regs[i];
}

uint32_t combine32(const Point &p, std::span<const uint16_t> regs) {
    const uint32_t a = word_at(p, regs, 0), b = word_at(p, regs, 1);
    return p.word_order == Order::Big ? (a << 16) | b : (b << 16) | a;
}

uint32_t bitfield_value(const Point &p, std::span<const uint16_t> regs) {
    if (is_bit_table(p.table)) return regs[0] ? 1u : 0u;
    return p.count == 2 ? combine32(p, regs) : word_at(p, regs, 0);
}

// Printable text of a string point: two bytes per register (high first unless byte_order little),
// leading empty registers and trailing NULs/spaces dropped, anything unprintable as a space.
std::string string_value(const Point &p, std::span<const uint16_t> regs) {
    std::string s;
    for (size_t i = 0; i < regs.size(); ++i) {
        const uint16_t w = word_at(p, regs, i);
        if (s.empty() && w == 0) continue;
        for (const unsigned char c : {static_cast<unsigned char>(w >> 8), static_cast<unsigned char>(w & 0xFF)})
            s.push_back(c == 0 ? '\0' : (c >= 0x20 && c < 0x7F ? static_cast<char>(c) : ' '));
    }
    if (const auto nul = s.find('\0'); nul != std::string::npos) s.resize(nul);
    while (!s.empty() && s.back() == ' ') s.pop_back();
    while (!s.empty() && s.front() == ' ') s.erase(s.begin());
    return s;
}

const EnumRule *find_enum(const Point &p, int64_t v) {
    const auto it = std::find_if(p.enums.begin(), p.enums.end(), [&](const EnumRule &e) { return v >= e.value && v <= e.max; });
    return it == p.enums.end() ? nullptr : &*it;
}

void add_status_words(support::StatusSet &set, const std::string &tokens) {
    for (const auto &t : support::split_words(tokens)) set.add_token(t);
}

// A `words` point's text: its format's literals and fields (word, or high / low byte, plus `add`,
// zero padded to `width`).
std::string format_words(const Point &p, std::span<const uint16_t> regs) {
    std::string s;
    for (const auto &f : p.format) {
        s += f.literal;
        if (f.word < 0) continue;
        int64_t v = word_at(p, regs, static_cast<size_t>(f.word));
        if (f.part == 1) v >>= 8;
        else if (f.part == 2) v &= 0xFF;
        v += f.add;
        std::string digits = std::to_string(v < 0 ? -v : v);
        if (digits.size() < static_cast<size_t>(f.width)) digits.insert(0, f.width - digits.size(), '0');
        s += (v < 0 ? "-" : "") + digits;
    }
    return s;
}

bool holds(const std::vector<Condition> &conds, const Reading &r, Table table) {
    return std::all_of(conds.begin(), conds.end(), [&](const Condition &c) {
        const auto it = r.raw.find(raw_key(table, c.address));
        return it != r.raw.end() && it->second == c.equals;
    });
}

} // namespace

int64_t raw_integer(const Point &p, std::span<const uint16_t> regs) {
    switch (p.type) {
    case DataType::S16: return static_cast<int16_t>(word_at(p, regs, 0));
    case DataType::U32: return combine32(p, regs);
    case DataType::S32: return static_cast<int32_t>(combine32(p, regs));
    case DataType::Bitfield: return bitfield_value(p, regs);
    default: return word_at(p, regs, 0);
    }
}

std::string date_text(long days) {
    using namespace std::chrono;
    const year_month_day ymd{sys_days{year{2000} / January / 1} + std::chrono::days{days}};
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", int(ymd.year()), unsigned(ymd.month()), unsigned(ymd.day()));
    return buf;
}

void decode_point(const Point &p, std::span<const uint16_t> regs, Reading &out) {
    if (regs.size() < point_width(p)) return;
    switch (p.type) {
    case DataType::String: {
        if (!p.variable.empty()) out.vars[p.variable] = string_value(p, regs);
        return;
    }
    case DataType::Bitfield: {
        const uint32_t v = bitfield_value(p, regs);
        // ups.status tokens and ups.alarm texts through the shared table walker.
        std::vector<support::StatusBit> table;
        std::string text;
        for (const auto &b : p.bits) {
            support::StatusBit sb{b.mask};
            if (b.when_set) {
                sb.token_if_set = b.status.empty() ? nullptr : b.status.c_str();
                sb.alarm_if_set = b.alarm.empty() ? nullptr : b.alarm.c_str();
            } else {
                sb.token_if_clear = b.status.empty() ? nullptr : b.status.c_str();
                if (!b.alarm.empty() && !(v & sb.mask)) out.status.add_alarm(b.alarm);
                if (!b.status.empty() && (v & sb.mask)) sb.token_if_clear = nullptr; // a group: all clear
            }
            table.push_back(sb);
            const bool fires = b.when_set ? (v & b.mask) == b.mask : (v & b.mask) == 0;
            if (fires && !b.text.empty()) text += (text.empty() ? "" : ", ") + b.text;
        }
        out.status.apply(table, v);
        if (const EnumRule *e = find_enum(p, v)) {
            if (!e->status.empty()) add_status_words(out.status, e->status);
            if (!e->text.empty() && !p.variable.empty()) out.vars[p.variable] = e->text;
        } else if (!p.variable.empty()) {
            const bool has_text = std::any_of(p.bits.begin(), p.bits.end(), [](const BitRule &b) { return !b.text.empty(); });
            if (has_text && !text.empty()) out.vars[p.variable] = text;
            else if (p.bits.empty()) out.vars[p.variable] = std::to_string(v);
        }
        return;
    }
    case DataType::Words: {
        if (!p.variable.empty()) out.vars[p.variable] = format_words(p, regs);
        return;
    }
    case DataType::Date: {
        const int64_t days = word_at(p, regs, 0);
        if (const EnumRule *e = find_enum(p, days)) {
            if (!p.variable.empty() && !e->text.empty()) out.vars[p.variable] = e->text;
        } else if (!p.variable.empty()) {
            out.vars[p.variable] = date_text(static_cast<long>(days));
        }
        return;
    }
    default: break;
    }
    double value = 0;
    if (p.type == DataType::Float32) {
        const uint32_t bits = combine32(p, regs);
        float f;
        std::memcpy(&f, &bits, sizeof f);
        value = f;
    } else {
        const int64_t raw = raw_integer(p, regs);
        if (std::find(p.invalid.begin(), p.invalid.end(), raw) != p.invalid.end()) return;
        if (const EnumRule *e = find_enum(p, raw)) {
            if (!e->status.empty()) add_status_words(out.status, e->status);
            if (!e->text.empty() && !p.variable.empty()) out.vars[p.variable] = e->text;
            return;
        }
        if (p.enum_only) return;
        value = static_cast<double>(raw);
    }
    if (p.variable.empty()) return;
    value = value * p.scale + p.offset;
    if (p.truncate) { // NUT's integer division: toward zero at the printed precision
        const double f = std::pow(10.0, p.decimals);
        value = std::trunc(value * f + (value < 0 ? -1e-9 : 1e-9)) / f;
    }
    out.vars[p.variable] = support::format_fixed(value, p.decimals);
    out.numbers[p.variable] = value;
}

void decode_block(const RegisterMap &map, const Block &block, std::span<const uint16_t> words, Reading &out) {
    if (map.has_conditions) // conditional points are decoded by finish(), from these words
        for (size_t i = 0; i < words.size(); ++i) out.raw[raw_key(block.table, static_cast<uint16_t>(block.start + i))] = words[i];
    for (const size_t i : block.points) {
        const Point &p = map.points[i];
        if (!p.when.empty() || !p.unless.empty()) continue;
        const size_t off = p.address - block.start;
        const size_t width = point_width(p);
        if (off + width > words.size()) continue;
        decode_point(p, words.subspan(off, width), out);
    }
}

void finish(const RegisterMap &map, Reading &out) {
    if (map.has_conditions) {
        for (const auto &p : map.points) {
            if (p.when.empty() && p.unless.empty()) continue;
            if (!p.when.empty() && !holds(p.when, out, p.table)) continue;
            if (!p.unless.empty() && holds(p.unless, out, p.table)) continue;
            std::vector<uint16_t> regs;
            for (unsigned i = 0; i < point_width(p); ++i) {
                const auto it = out.raw.find(raw_key(p.table, static_cast<uint16_t>(p.address + i)));
                if (it == out.raw.end()) break;
                regs.push_back(it->second);
            }
            if (regs.size() == point_width(p)) decode_point(p, regs, out);
        }
    }
    for (const auto &p : map.points) {
        if (!p.derived) continue;
        const auto a = out.numbers.find(p.variable);
        const auto b = out.numbers.find(p.derived->times);
        if (a == out.numbers.end() || b == out.numbers.end()) continue;
        const double v = a->second * b->second * p.derived->scale;
        out.vars[p.derived->variable] = support::format_fixed(v, p.derived->decimals);
        out.numbers[p.derived->variable] = v;
    }
}

std::vector<Block> plan_blocks(const RegisterMap &map, bool once) {
    std::vector<size_t> idx;
    for (size_t i = 0; i < map.points.size(); ++i)
        if (map.points[i].once == once) idx.push_back(i);
    std::stable_sort(idx.begin(), idx.end(), [&](size_t a, size_t b) {
        const auto &pa = map.points[a], &pb = map.points[b];
        return pa.table != pb.table ? pa.table < pb.table : pa.address < pb.address;
    });
    std::vector<Block> blocks;
    for (const size_t i : idx) {
        const Point &p = map.points[i];
        const unsigned end = p.address + point_width(p);
        if (!blocks.empty()) {
            Block &b = blocks.back();
            const unsigned b_end = b.start + b.count;
            const bool near = p.address <= b_end + map.max_gap;
            const unsigned new_end = std::max(b_end, end);
            if (b.table == p.table && near && new_end - b.start <= map.max_block) {
                b.count = static_cast<uint16_t>(new_end - b.start);
                b.points.push_back(i);
                continue;
            }
        }
        blocks.push_back(Block{p.table, p.address, static_cast<uint16_t>(end - p.address), {i}});
    }
    return blocks;
}

std::vector<uint16_t> encode_integer(DataType type, Order word_order, int64_t value) {
    const auto u = static_cast<uint32_t>(value);
    if (type == DataType::U32 || type == DataType::S32) {
        const uint16_t hi = static_cast<uint16_t>(u >> 16), lo = static_cast<uint16_t>(u & 0xFFFF);
        return word_order == Order::Big ? std::vector<uint16_t>{hi, lo} : std::vector<uint16_t>{lo, hi};
    }
    return {static_cast<uint16_t>(u & 0xFFFF)};
}

std::vector<uint16_t> encode_string(const Point &p, const std::string &value) {
    std::vector<uint16_t> regs(p.count, 0);
    for (size_t i = 0; i < value.size() && i / 2 < regs.size(); ++i) {
        const auto c = static_cast<uint8_t>(value[i]);
        regs[i / 2] |= (i % 2 == 0) ? static_cast<uint16_t>(c << 8) : c;
    }
    if (p.byte_order == Order::Little)
        for (auto &w : regs) w = swap_bytes(w);
    return regs;
}

} // namespace nutpp::modbus
