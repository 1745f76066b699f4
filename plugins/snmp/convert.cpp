#include "convert.hpp"

#include <nutpp/support/numbers.hpp>
#include <nutpp/support/text.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace nutpp::snmp {
namespace {

using support::trim;

bool is_numeric_kind(RawValue::Kind k) {
    using K = RawValue::Kind;
    return k == K::Integer || k == K::Unsigned || k == K::TimeTicks || k == K::Counter64;
}

// Octet strings padded by agents with NULs or spaces: NUT trims both.
std::string trimmed_octets(const std::string &s) {
    size_t end = s.size();
    while (end > 0 && (s[end - 1] == '\0' || s[end - 1] == ' ' || s[end - 1] == '\t' || s[end - 1] == '\r' ||
                       s[end - 1] == '\n'))
        --end;
    size_t begin = 0;
    while (begin < end && (s[begin] == ' ' || s[begin] == '\t')) ++begin;
    return s.substr(begin, end - begin);
}

// The value as a number, if it is one (an OCTET STRING holding a number is accepted).
std::optional<double> as_number(const RawValue &raw) {
    if (is_numeric_kind(raw.kind)) return static_cast<double>(raw.integer);
    if (raw.kind == RawValue::Kind::Octets) return support::to_number(trimmed_octets(raw.octets));
    return std::nullopt;
}

// Key text of an enum lookup: the integer in decimal, or the exact string. An OID value counts as
// its last sub-identifier: RFC 1628 names tests by OID (upsTestId = ...7.7.4 = quick battery test),
// and NUT 2.8.0 reads them that way too.
std::optional<std::string> enum_key(const RawValue &raw) {
    if (is_numeric_kind(raw.kind)) return std::to_string(raw.integer);
    if (raw.kind == RawValue::Kind::Oid) {
        const auto dot = raw.octets.rfind('.');
        if (dot == std::string::npos || dot + 1 >= raw.octets.size()) return std::nullopt;
        return raw.octets.substr(dot + 1);
    }
    if (raw.kind == RawValue::Kind::Octets) return trimmed_octets(raw.octets);
    return std::nullopt;
}

// NUT 2.8.0 shows an OCTET STRING with bytes outside printable ASCII (MAC addresses, binary
// serials, UTF-8) as hex bytes "D0 A1 ", each followed by a space.
// `trimmed` is `raw` without padding; binary values are shown whole (a MAC may end in 00).
std::string printable_or_hex(const std::string &trimmed, const std::string &raw) {
    bool printable = true;
    for (unsigned char c : trimmed) printable = printable && c >= 0x20 && c < 0x7f;
    if (printable) return trimmed;
    static const char *digits = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : raw) {
        out.push_back(digits[c >> 4]);
        out.push_back(digits[c & 15]);
        out.push_back(' ');
    }
    return out;
}

bool invalid_by_flags(const VarSpec &spec, const RawValue &raw) {
    auto n = as_number(raw);
    if (!n) return false;
    return (spec.neg_invalid && *n < 0) || (spec.zero_invalid && *n == 0);
}

void add_tokens(support::StatusSet &status, const std::string &text) {
    for (const auto &t : support::split_words(text)) status.add_token(t);
}

// Bit i of a BITS value: '0'/'1' characters, or SNMP BITS octets (bit 0 = MSB of the first byte).
bool bit_set(const std::string &v, BitsEncoding enc, size_t i) {
    if (enc == BitsEncoding::Chars) return i < v.size() && v[i] == '1';
    return i / 8 < v.size() && (static_cast<uint8_t>(v[i / 8]) & (0x80u >> (i % 8))) != 0;
}

std::optional<std::string> apc_date(std::string_view in) {
    // mm/dd/yy or mm/dd/yyyy -> yyyy/mm/dd. Two-digit years: NUT's rule, 19yy for >= 70 (APC's
    // first network cards), else 20yy.
    auto parts = support::split(trim(in), "/");
    if (parts.size() != 3 || parts[0].size() > 2 || parts[1].size() > 2) return std::nullopt;
    for (auto p : parts)
        if (!support::is_digits(p)) return std::nullopt;
    const int mm = std::stoi(std::string(parts[0])), dd = std::stoi(std::string(parts[1]));
    int yy = 0;
    if (parts[2].size() == 2) {
        yy = std::stoi(std::string(parts[2]));
        yy += yy >= 70 ? 1900 : 2000;
    } else if (parts[2].size() == 4) {
        yy = std::stoi(std::string(parts[2]));
    } else {
        return std::nullopt;
    }
    if (mm < 1 || mm > 12 || dd < 1 || dd > 31) return std::nullopt;
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d/%02d/%02d", yy, mm, dd);
    return std::string(buf);
}

std::optional<std::string> hex_to_text(std::string_view in) {
    // "41 50 43" (hex bytes, as some cards answer a DisplayString) -> "APC".
    std::string out;
    for (auto byte : support::split(in, " :\t")) {
        auto b = support::hex_byte(byte);
        if (!b) return std::nullopt;
        if (*b == 0) break;
        out.push_back(static_cast<char>(*b));
    }
    return out;
}

} // namespace

std::string format_number(double v, int decimals) {
    if (!std::isfinite(v)) return {};
    if (decimals >= 0) return support::format_fixed(v, decimals > 6 ? 6 : decimals);
    // NUT 2.8.0 snmp-ups: a whole number without decimals ("50"), anything else with two ("54.80").
    // "Whole" within float noise, so 490 x 0.1 prints "49".
    const double r = std::round(v);
    std::string s = std::fabs(v - r) < 1e-9 * std::max(1.0, std::fabs(v)) ? support::format_fixed(r, 0)
                                                                             : support::format_fixed(v, 2);
    if (s == "-0") s = "0";
    return s;
}

std::optional<std::string> apply_conversion(Conversion c, std::string_view in) {
    switch (c) {
    case Conversion::None: return std::string(in);
    case Conversion::ApcDate: return apc_date(in);
    case Conversion::HexToText: return hex_to_text(in);
    case Conversion::StripToFirstWord: {
        auto words = support::split(trim(in), " \t");
        if (words.empty()) return std::nullopt;
        return std::string(words.front());
    }
    }
    return std::nullopt;
}

Converted convert_value(const VarSpec &spec, const RawValue &raw, support::StatusSet &status) {
    Converted out;
    if (raw.kind == RawValue::Kind::Missing || invalid_by_flags(spec, raw)) return out;
    switch (spec.type) {
    case VarType::String: {
        std::string s;
        if (raw.kind == RawValue::Kind::Octets) s = printable_or_hex(trimmed_octets(raw.octets), raw.octets);
        else if (raw.kind == RawValue::Kind::Oid) s = raw.octets;
        else if (raw.kind == RawValue::Kind::IpAddress && raw.octets.size() == 4)
            s = std::to_string(uint8_t(raw.octets[0])) + "." + std::to_string(uint8_t(raw.octets[1])) + "." +
                std::to_string(uint8_t(raw.octets[2])) + "." + std::to_string(uint8_t(raw.octets[3]));
        else if (raw.kind == RawValue::Kind::TimeTicks) s = format_number(double(raw.integer) / 100.0, -1); // NUT: seconds
        else if (is_numeric_kind(raw.kind)) s = std::to_string(raw.integer);
        else return out;
        // An empty string is an answer: NUT 2.8.0 publishes it as "" (and it wins over later
        // entries). A conversion that cannot read its input is not.
        if (s.empty() && spec.convert == Conversion::None) {
            out.usable = true;
            return out;
        }
        auto conv = apply_conversion(spec.convert, s);
        if (!conv || conv->empty()) return out;
        out.text = std::move(*conv);
        out.usable = true;
        return out;
    }
    case VarType::Number:
    case VarType::Timeticks: {
        auto n = as_number(raw);
        if (!n) return out;
        double v = *n;
        if (spec.type == VarType::Timeticks) v /= 100.0;
        v *= spec.scale;
        out.text = format_number(v, spec.decimals);
        out.usable = !out.text.empty();
        return out;
    }
    case VarType::Enum: {
        auto key = enum_key(raw);
        const std::string *t = key && spec.table ? spec.table->text_for(*key) : nullptr;
        if (!t) return out;
        out.text = *t; // "" too: NUT 2.8.0 publishes a table's empty text (input.transfer.reason "")
        out.usable = true;
        return out;
    }
    case VarType::Status:
    case VarType::Alarm: {
        auto key = enum_key(raw);
        const std::string *t = key && spec.table ? spec.table->text_for(*key) : nullptr;
        if (!t) return out; // unknown code: contributes nothing, and is not "an answer"
        if (spec.type == VarType::Status) add_tokens(status, *t);
        else if (!t->empty()) status.add_alarm(*t);
        out.usable = true;
        return out;
    }
    case VarType::Bits: {
        if (raw.kind != RawValue::Kind::Octets || !spec.table) return out;
        const size_t nbits = spec.encoding == BitsEncoding::Chars ? raw.octets.size() : raw.octets.size() * 8;
        for (size_t i = 0; i < nbits && i < 4096; ++i) {
            if (!bit_set(raw.octets, spec.encoding, i)) continue;
            const std::string *t = spec.table->text_for(std::to_string(i));
            if (!t || t->empty()) continue;
            if (spec.target == BitsTarget::Alarm) status.add_alarm(*t);
            else add_tokens(status, *t);
        }
        out.usable = true;
        return out;
    }
    }
    return out;
}

std::optional<std::string> set_payload(const VarSpec &spec, const std::string &value, std::string &why) {
    if (spec.type == VarType::Enum) {
        if (!spec.table) {
            why = "no enum table";
            return std::nullopt;
        }
        auto key = spec.table->key_for(value);
        if (!key) why = "'" + value + "' is not one of the mapping's values";
        return key;
    }
    if ((spec.type == VarType::Number || spec.type == VarType::Timeticks) && spec.writable &&
        spec.writable->set_type == SetType::Integer) {
        auto n = support::to_number(value);
        if (!n) {
            why = "'" + value + "' is not a number";
            return std::nullopt;
        }
        double raw = *n / (spec.scale == 0 ? 1.0 : spec.scale);
        if (spec.type == VarType::Timeticks) raw *= 100.0;
        return std::to_string(static_cast<long long>(std::llround(raw)));
    }
    return value;
}

} // namespace nutpp::snmp
