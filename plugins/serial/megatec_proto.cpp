#include "megatec_proto.hpp"

#include <nutpp/support/numbers.hpp>
#include <nutpp/support/text.hpp>

#include <algorithm>
#include <cstdio>

namespace nutpp::serial::megatec {

using support::printable;
using support::trim;
using support::to_number;

namespace {

// A field made only of '-' and '.' is the unit's way of saying "not measured".
bool is_placeholder(std::string_view f) {
    return !f.empty() && std::all_of(f.begin(), f.end(), [](char c) { return c == '-' || c == '.'; });
}

} // namespace

std::optional<Q1Reading> parse_q1(std::string_view reply, std::string &error) {
    if (reply.empty()) {
        error = "empty reply to Q1";
        return std::nullopt;
    }
    if (reply.front() != '(') {
        error = "reply to Q1 does not start with '(': \"" + printable(reply) + "\"";
        return std::nullopt;
    }
    if (reply.find('\0') != std::string_view::npos) {
        error = "NUL byte in reply to Q1: \"" + printable(reply) + "\"";
        return std::nullopt;
    }
    if (reply.size() != kQ1ReplyLength) {
        error = "reply to Q1 has " + std::to_string(reply.size()) + " bytes, expected " +
                std::to_string(kQ1ReplyLength) + ": \"" + printable(reply) + "\"";
        return std::nullopt;
    }
    const auto fields = support::split(reply.substr(1), " ");
    if (fields.size() != kQ1FieldCount + 1) {
        error = "reply to Q1 has " + std::to_string(fields.size()) + " fields, expected " +
                std::to_string(kQ1FieldCount + 1) + ": \"" + printable(reply) + "\"";
        return std::nullopt;
    }
    const std::string_view bits = fields.back();
    if (bits.size() != 8 || bits.find_first_not_of("01") != std::string_view::npos) {
        error = "bad status bits \"" + printable(bits) + "\" in reply to Q1";
        return std::nullopt;
    }

    Q1Reading r;
    double numbers[kQ1FieldCount] = {};
    bool have[kQ1FieldCount] = {};
    for (size_t i = 0; i < kQ1FieldCount; ++i) {
        if (is_placeholder(fields[i])) continue;
        const auto v = to_number(fields[i]);
        if (!v) {
            error = std::string("bad ") + kQ1Fields[i].variable + " \"" + printable(fields[i]) + "\" in reply to Q1";
            return std::nullopt;
        }
        numbers[i] = *v;
        have[i] = true;
        r.values.emplace_back(kQ1Fields[i].variable, support::format(kQ1Fields[i], *v));
    }

    if (have[kQ1LoadField]) r.load = numbers[kQ1LoadField];
    if (have[kQ1BatteryVoltageField]) r.battery_voltage = numbers[kQ1BatteryVoltageField];

    uint32_t byte = 0;
    for (size_t i = 0; i < 8; ++i)
        if (bits[i] == '1') byte |= 0x80u >> i;
    r.standby_type = byte & kQ1StandbyType;
    r.online = !(byte & kQ1UtilityFail);
    r.beeper_on = byte & kQ1BeeperOn;
    for (const auto &bv : kQ1BitVariables) r.values.emplace_back(bv.variable, (byte & bv.mask) ? bv.value_if_set : bv.value_if_clear);

    support::StatusSet status;
    status.apply(kQ1StatusBits, byte);
    // A standby unit raising the output voltage boosts, lowering it trims (bucks).
    if (r.standby_type && status.has("BYPASS")) {
        const bool trims = have[0] && have[2] && numbers[0] > numbers[2];
        std::replace(status.tokens().begin(), status.tokens().end(), std::string("BYPASS"),
                     std::string(trims ? "TRIM" : "BOOST"));
    }
    r.status = status.tokens();
    r.alarm = status.alarm();
    return r;
}

Values parse_rating(std::string_view reply) {
    Values out;
    if (reply.empty() || reply.front() != '#') return out;
    const auto fields = support::split(reply.substr(1), " ");
    const size_t n = std::min(fields.size(), sizeof kRatingFields / sizeof kRatingFields[0]);
    for (size_t i = 0; i < n; ++i)
        if (const auto v = to_number(fields[i]))
            out.emplace_back(kRatingFields[i].variable, support::format(kRatingFields[i], *v));
    return out;
}

Values parse_ident(std::string_view reply) {
    Values out;
    if (reply.size() < kIdentMinLength || reply.front() != '#') return out;
    for (const auto &col : kIdentColumns) {
        const auto text = trim(reply.substr(col.offset, col.width));
        if (text.empty()) continue;
        // Printable ASCII only: anything else means we are not looking at an identification.
        if (std::any_of(text.begin(), text.end(), [](char c) { return c < 0x20 || c > 0x7e; })) return {};
        out.emplace_back(col.variable, std::string(text));
    }
    return out;
}

std::optional<std::string> parse_variant(const Variant &variant, std::string_view reply) {
    const std::string_view prefix = variant.reply_prefix;
    if (reply.size() < prefix.size() + variant.id_digits || reply.substr(0, prefix.size()) != prefix) return std::nullopt;
    const auto digits = reply.substr(prefix.size(), variant.id_digits);
    if (digits.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
    return std::string(prefix.substr(1)) + std::string(digits);
}

bool is_refusal(std::string_view reply, std::string_view sent) {
    const auto r = trim(reply);
    return r == "(NAK" || r == "NAK" || r == "UPS No Ack" || (!sent.empty() && r == sent);
}

std::string offdelay_wire(unsigned seconds) {
    char buf[16];
    if (seconds < 60)
        std::snprintf(buf, sizeof buf, ".%u", seconds / 6);
    else
        std::snprintf(buf, sizeof buf, "%02u", std::min(seconds / 60, 99u));
    return buf;
}

std::string ondelay_wire(unsigned minutes) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04u", std::min(minutes, 9999u));
    return buf;
}

} // namespace nutpp::serial::megatec
