#include "nutpp/support/status_bits.hpp"

#include <algorithm>

namespace nutpp::support {

void StatusSet::add_token(std::string_view token) {
    if (!token.empty() && !has(token)) tokens_.emplace_back(token);
}

void StatusSet::remove_token(std::string_view token) {
    std::erase_if(tokens_, [&](const std::string &t) { return t == token; });
}

bool StatusSet::has(std::string_view token) const {
    return std::find(tokens_.begin(), tokens_.end(), token) != tokens_.end();
}

void StatusSet::add_alarm(std::string_view text) {
    if (text.empty()) return;
    if (!alarm_.empty()) alarm_ += ", ";
    alarm_ += text;
}

void StatusSet::apply(std::span<const StatusBit> bits, uint32_t value) {
    for (const auto &b : bits) {
        const bool set = (value & b.mask) == b.mask;
        if (const char *token = set ? b.token_if_set : b.token_if_clear) add_token(token);
        if (set && b.alarm_if_set) add_alarm(b.alarm_if_set);
    }
}

} // namespace nutpp::support
