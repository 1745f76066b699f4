// Device flags -> ups.status tokens and ups.alarm texts, as const tables. A plugin describes its
// bits once (which token when set, which when clear, which alarm text) and collects what a reading
// calls for in a StatusSet, which it publishes in one status batch; the host then composes
// ups.status in NUT's order and adds ALARM, so plugins never order tokens themselves.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace nutpp::support {

// One bit (or group of bits: all of `mask` must be set) of a device's status word.
struct StatusBit {
    uint32_t mask;
    const char *token_if_set = nullptr;   // ups.status token, or null
    const char *token_if_clear = nullptr; // e.g. "OL" for a "utility fail" bit, or null
    const char *alarm_if_set = nullptr;   // ups.alarm text, or null
};

// The tokens and alarm text of one reading.
class StatusSet {
public:
    // Adds a token unless it is there already.
    void add_token(std::string_view token);
    void remove_token(std::string_view token);
    bool has(std::string_view token) const;
    // Several alarms are joined with ", " into the one ups.alarm text.
    void add_alarm(std::string_view text);
    // Adds what `bits` say for `value`, in table order.
    void apply(std::span<const StatusBit> bits, uint32_t value);

    const std::vector<std::string> &tokens() const { return tokens_; }
    std::vector<std::string> &tokens() { return tokens_; }
    const std::string &alarm() const { return alarm_; }

private:
    std::vector<std::string> tokens_;
    std::string alarm_;
};

} // namespace nutpp::support
