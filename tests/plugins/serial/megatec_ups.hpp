// A Megatec/Q1 UPS: answers Q1 from its state (OL -> OB -> LB), F and I like the chosen unit,
// QPI when it is a Voltronic, records commands, toggles its beeper on Q, and echoes unknown
// commands (the spec's way of refusing).
#pragma once

#include "pty_ups.hpp"

#include <string>
#include <vector>

namespace nutpp::serial::testing {

struct MegatecModel {
    std::string q1_online;  // the Q1 reply (without CR) on utility power
    std::string rating;     // F reply, or "" to echo (unsupported)
    std::string ident;      // I reply, or "" to echo
    std::string qpi;        // QPI reply, or "" to echo
    std::vector<std::string> refused = {}; // commands answered "UPS No Ack" (like the Fideltronik)
};

// The Santak Castle C1K of the blazer_ser dump (no F, no I).
MegatecModel santak_castle_c1k();
// The nJoy Keen 600 (line-interactive, beeper on).
MegatecModel njoy_keen_600();
// A Voltronic unit (QPI answered) with rating and identification.
MegatecModel voltronic_unit();

class MegatecUps final : public PtyUps {
public:
    enum class Power { Online, OnBattery, LowBattery };
    MegatecUps(std::filesystem::path port, MegatecModel model);
    void set_power(Power p);
    std::vector<std::string> commands() const; // non-query lines received, in order
    bool beeper_on() const;

private:
    void on_bytes(std::string_view bytes) override;
    void answer(const std::string &line);
    std::string q1() const;

    MegatecModel model_;
    Power power_ = Power::Online;
    bool beeper_on_ = false;
    std::string line_;
    std::vector<std::string> commands_;
};

} // namespace nutpp::serial::testing
