#include "serial_probe.hpp"

#include "apc_engine.hpp"
#include "megatec_engine.hpp"
#include "serial_port.hpp"

#include <algorithm>
#include <exception>

namespace nutpp::serial {

namespace {
// Between the two protocols: lets a unit that took Q1 for something finish answering it.
constexpr std::chrono::milliseconds kGap{50};
} // namespace

namespace {
struct ProtocolName {
    Protocol protocol;
    const char *key;
};
constexpr ProtocolName kProtocolNames[] = {
    {Protocol::Auto, "auto"}, {Protocol::Megatec, "megatec"}, {Protocol::ApcSmart, "apcsmart"}};
} // namespace

const char *protocol_key(Protocol p) {
    for (const auto &n : kProtocolNames)
        if (n.protocol == p) return n.key;
    return "auto";
}

std::optional<Protocol> parse_protocol(std::string_view key) {
    for (const auto &n : kProtocolNames)
        if (key == n.key) return n.protocol;
    return std::nullopt;
}

std::optional<Protocol> detect_protocol(Link &link, std::chrono::milliseconds reply_timeout) {
    // Megatec first: its "Q1\r" is harmless to an APC unit ('Q' = status, the rest ignored), while
    // an APC 'Y' left in a Megatec unit's buffer would spoil the next query.
    if (megatec::Engine::probe(link, reply_timeout)) return Protocol::Megatec;
    link.pause(kGap);
    if (apc::Engine::probe(link, reply_timeout)) return Protocol::ApcSmart;
    return std::nullopt;
}

SerialProbe serial_probe(const std::string &port, int baud, std::chrono::milliseconds timeout) {
    SerialProbe out;
    SerialPort p;
    try {
        // Megatec's cable lines (DTR on, RTS off), as `protocol: auto` opens the port.
        p.open(port, cable_lines(baud, false, "", ""));
        // Two tries of each protocol: four replies in the budget.
        const auto reply = std::max(std::chrono::milliseconds(20), (timeout - kGap) / 4);
        out.protocol = detect_protocol(p, reply);
    } catch (const std::exception &e) {
        out.error = e.what();
        return out;
    }
    if (out.protocol == Protocol::Megatec) out.how = "a Megatec status line in answer to Q1";
    else if (out.protocol == Protocol::ApcSmart) out.how = "SM in answer to 'Y' (APC Smart)";
    return out;
}

} // namespace nutpp::serial
