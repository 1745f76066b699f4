// An APC Smart-UPS answering like the Smart-UPS SC450 RM of the apcsmart dump: 'Y' handshake,
// single-letter queries, 'a' command set, ^Z capabilities (locale I, plus a decoy group for D),
// EEPROM settings cycled with '-' (or replaced with '-' + 8 characters), commands confirmed the way
// the protocol does (K/Z/^N only when sent twice with a pause; 'S' only on battery or after 'U'),
// and the '!'/'$' alerts.
#pragma once

#include "pty_ups.hpp"

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace nutpp::serial::testing {

class ApcUps final : public PtyUps {
public:
    enum class Power { Online, OnBattery, LowBattery };
    explicit ApcUps(std::filesystem::path port, std::chrono::milliseconds min_repeat_gap = std::chrono::milliseconds(100));
    // Changes the status byte and sends the alert the real unit sends ('!' line fail, '$' back).
    void set_power(Power p);
    // A unit that also has the state registers ('~', '\'', '8'): lists them in 'a' and answers
    // each with its two hex digits.
    void set_registers(uint8_t r1, uint8_t r2, uint8_t r3);
    std::string setting(char cmd) const;
    std::vector<std::string> commands() const; // commands acted on ("K", "Z", "@000", "W", "S", ...)

private:
    void on_bytes(std::string_view bytes) override;
    void handle(char c, std::string &out);
    void send(const std::string &out);

    using Clock = std::chrono::steady_clock;
    std::chrono::milliseconds min_repeat_gap_;
    bool smart_ = false;
    Power power_ = Power::Online;
    std::map<char, std::string> values_;                 // query char -> reply
    std::map<char, std::vector<std::string>> choices_;   // enum settings (ring order)
    char last_query_ = 0;
    std::string collecting_;   // '@nnn' digits or the 8 characters after '-' on a string setting
    char collecting_for_ = 0;  // '@', or the string setting's query char
    char pending_twice_ = 0;   // first half of K/Z/^N seen
    bool simulated_failure_ = false; // 'U' received: runs on battery as far as 'S' is concerned
    Clock::time_point pending_at_;
    std::vector<std::string> commands_;
};

} // namespace nutpp::serial::testing
