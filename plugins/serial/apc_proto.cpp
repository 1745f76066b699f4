#include "apc_proto.hpp"

#include <cctype>

#include <nutpp/support/numbers.hpp>
#include <nutpp/support/text.hpp>

#include <algorithm>
#include <cstdlib>

namespace nutpp::serial::apc {

using support::is_digits;
using support::printable;
using support::trim;

namespace {

bool printable_ascii(std::string_view s) {
    for (unsigned char c : s)
        if (c < 0x20 || c > 0x7e) return false;
    return true;
}

} // namespace

const Query *find_query(std::string_view variable) {
    for (const auto &q : kQueries)
        if (variable == q.variable) return &q;
    return nullptr;
}

std::optional<std::string> convert(const Query &q, std::string_view reply) {
    const std::string_view v = trim(reply);
    if (v.empty() || v == "NA" || !printable_ascii(v)) return std::nullopt;
    switch (q.format) {
    case Format::Raw:
        return std::string(v);
    case Format::Minutes: {
        std::string_view m = v;
        if (m.back() == ':') m.remove_suffix(1); // 'j' ends with ':'
        if (!is_digits(m) || m.size() > 6) return std::nullopt;
        return std::to_string(std::atol(std::string(m).c_str()) * 60);
    }
    case Format::Hours:
        if (v == "OFF") return std::string("0");
        if (!is_digits(v) || v.size() > 6) return std::string(v); // "ON": at power-on only, kept as the UPS says
        return std::to_string(std::atol(std::string(v).c_str()) * 3600);
    case Format::FirmwareTriple: {
        int dots = 0;
        bool part_empty = true;
        for (char c : v) {
            if (c == '.') {
                if (part_empty) return std::nullopt;
                ++dots, part_empty = true;
            } else if (std::isalnum(static_cast<unsigned char>(c))) {
                part_empty = false;
            } else {
                return std::nullopt;
            }
        }
        if (dots != 2 || part_empty) return std::nullopt;
        return std::string(v);
    }
    case Format::TransferReason:
        if (v.size() == 1)
            if (const char *text = support::text_for(kTransferReasons, v[0])) return std::string(text);
        return std::string(v);
    }
    return std::nullopt;
}

std::optional<Status> parse_status(std::string_view reply, std::string &error) {
    const auto byte = support::hex_byte(reply);
    if (!byte) {
        error = "bad status reply \"" + printable(reply) + "\"";
        return std::nullopt;
    }
    const int bits = *byte;
    if ((bits & 0x18) == 0x18) {
        error = "impossible status 0x" + std::string(trim(reply)) + " (on line and on battery)";
        return std::nullopt;
    }
    Status s;
    s.bits = bits;
    s.set.apply(kStatusBits, uint32_t(bits));
    if (!(bits & 0x18)) s.set.add_token("OFF"); // neither on line nor on battery: output off
    return s;
}

std::optional<uint8_t> parse_register(std::string_view reply) { return support::hex_byte(reply); }

void apply_register(const StateRegister &reg, uint8_t value, support::StatusSet &out) { out.apply(reg.bits, value); }

std::optional<std::set<char>> parse_protocol_info(std::string_view reply) {
    const size_t first = reply.find('.');
    if (first == std::string_view::npos) return std::nullopt;
    const size_t second = reply.find('.', first + 1);
    if (second == std::string_view::npos) return std::nullopt;
    std::set<char> cmds(reply.begin() + static_cast<long>(second) + 1, reply.end());
    if (cmds.empty()) return std::nullopt;
    return cmds;
}

std::map<char, std::vector<std::string>> parse_capabilities(std::string_view reply, char locale, std::string &error) {
    std::map<char, std::vector<std::string>> out;
    if (reply.empty() || reply.front() != '#') {
        error = "capabilities do not start with '#'";
        return out;
    }
    size_t i = 1;
    while (i < reply.size()) {
        if (reply[i] == '#') { // Matrix-UPS separates groups with '#'
            ++i;
            continue;
        }
        if (i + 4 > reply.size()) {
            error = "capabilities truncated at byte " + std::to_string(i);
            return out;
        }
        const char cmd = reply[i];
        const char loc = reply[i + 1];
        const int count = reply[i + 2] - '0';
        const int len = reply[i + 3] - '0';
        if (count < 1 || count > 9 || len < 1 || len > 9) {
            error = "capability entry count (" + std::to_string(count) + ") or length (" + std::to_string(len) +
                    ") out of range at byte " + std::to_string(i);
            return out;
        }
        i += 4;
        const size_t need = static_cast<size_t>(count) * static_cast<size_t>(len);
        if (i + need > reply.size()) {
            error = "capability values truncated at byte " + std::to_string(i);
            return out;
        }
        // Unknown locale (no firmware string): the first group for each command.
        if (loc == locale || loc == '4' || (locale == 0 && !out.count(cmd))) {
            auto &values = out[cmd];
            values.clear();
            for (int k = 0; k < count; ++k) values.emplace_back(reply.substr(i + static_cast<size_t>(k * len), static_cast<size_t>(len)));
        }
        i += need;
    }
    return out;
}

std::optional<ShutdownMethod> parse_sdtype(std::string_view v) {
    for (const auto &t : kSdTypes)
        if (v.size() == 1 && v[0] == t.digit) return t.method;
    return std::nullopt;
}

std::optional<std::vector<AdvMethod>> parse_advorder(std::string_view v) {
    if (support::iequals(v, "no")) return std::vector<AdvMethod>{};
    if (v.empty() || v.size() > 5) return std::nullopt;
    static constexpr AdvMethod kByDigit[] = {AdvMethod::Soft, AdvMethod::Hard, AdvMethod::DelayedOff,
                                             AdvMethod::InstantOff, AdvMethod::CsHack};
    std::vector<AdvMethod> out;
    for (char c : v) {
        if (c < '0' || c > '4') return std::nullopt;
        out.push_back(kByDigit[c - '0']);
    }
    return out;
}

std::optional<std::string> hard_hibernate_digits(std::string_view awd) {
    if (awd.empty() || awd.size() > 3 || !is_digits(awd)) return std::nullopt;
    const size_t width = awd.size() == 2 ? 2 : 3;
    return std::string(width - awd.size(), '0') + std::string(awd);
}

std::optional<double> parse_cshdelay(std::string_view v) {
    // One digit before and/or after a single point: "3", "3.", ".5", "3.5".
    const size_t dot = v.find('.');
    const std::string_view whole = v.substr(0, dot);
    const std::string_view frac = dot == std::string_view::npos ? std::string_view{} : v.substr(dot + 1);
    if (whole.size() > 1 || frac.size() > 1 || (whole.empty() && frac.empty())) return std::nullopt;
    if ((!whole.empty() && !is_digits(whole)) || (!frac.empty() && !is_digits(frac))) return std::nullopt;
    return std::atof(std::string(v).c_str());
}

std::optional<std::pair<unsigned, unsigned>> parse_confirm_window(std::string_view v) {
    if (v == "off" || v == "no" || v == "0") return std::pair<unsigned, unsigned>{0, 0};
    const size_t dash = v.find('-');
    if (dash == std::string_view::npos) return std::nullopt;
    const std::string_view lo = v.substr(0, dash), hi = v.substr(dash + 1);
    if (lo.empty() || hi.empty() || lo.size() > 4 || hi.size() > 4 || !is_digits(lo) || !is_digits(hi))
        return std::nullopt;
    const unsigned a = unsigned(std::atoi(std::string(lo).c_str())), b = unsigned(std::atoi(std::string(hi).c_str()));
    if (a == 0 || a > b || b > 3600) return std::nullopt;
    return std::pair<unsigned, unsigned>{a, b};
}

std::optional<ReturnArg> parse_return_arg(std::string_view arg) {
    if (arg.empty()) return ReturnArg{ReturnArg::Soft, ""};
    if (support::iequals(arg, "cs")) return ReturnArg{ReturnArg::CsHack, ""};
    if (arg.size() >= 4 && support::istarts_with(arg, "at:"))
        if (const auto d = hard_hibernate_digits(arg.substr(3))) return ReturnArg{ReturnArg::Hard, *d};
    return std::nullopt;
}

std::string_view strip_alerts(std::string_view reply, bool hash_is_data) {
    while (!reply.empty() && kAlertChars.find(reply.front()) != std::string_view::npos &&
           !(hash_is_data && reply.front() == '#'))
        reply.remove_prefix(1);
    return reply;
}

} // namespace nutpp::serial::apc
