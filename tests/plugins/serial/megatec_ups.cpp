#include "megatec_ups.hpp"

#include <algorithm>

namespace nutpp::serial::testing {

MegatecModel santak_castle_c1k() {
    return {"(231.3 000.0 220.0 000 50.0 2.28 40.0 00000000", "", "", ""};
}

MegatecModel njoy_keen_600() {
    return {"(232.0 000.0 229.0 012 50.2 13.7 25.0 00001001", "", "", ""};
}

MegatecModel voltronic_unit() {
    return {"(230.0 000.0 230.0 015 50.0 27.0 30.0 00001001", "#230.0 004 024.0 50.0",
            "#VOLTRONIC       UPS-1000   V1.2      ", "(PI30"};
}

MegatecUps::MegatecUps(std::filesystem::path port, MegatecModel model) : PtyUps(std::move(port)), model_(std::move(model)) {
    beeper_on_ = model_.q1_online.back() == '1';
    start();
}

void MegatecUps::set_power(Power p) {
    std::lock_guard lk(state_mu_);
    power_ = p;
}

std::vector<std::string> MegatecUps::commands() const {
    std::lock_guard lk(state_mu_);
    return commands_;
}

bool MegatecUps::beeper_on() const {
    std::lock_guard lk(state_mu_);
    return beeper_on_;
}

// The online reply with the input gone (on battery) and, for LB, a low battery; b0 follows the beeper.
std::string MegatecUps::q1() const {
    std::string r = model_.q1_online;
    const size_t bits = r.size() - 8;
    if (power_ != Power::Online) {
        r.replace(1, 5, "000.0");  // no input voltage
        r[bits + 0] = '1';         // b7 utility fail
    }
    if (power_ == Power::LowBattery) r[bits + 1] = '1'; // b6 battery low
    r[bits + 7] = beeper_on_ ? '1' : '0';
    return r;
}

void MegatecUps::on_bytes(std::string_view bytes) {
    for (char c : bytes) {
        if (c != '\r') {
            line_.push_back(c);
            continue;
        }
        const std::string line = line_;
        line_.clear();
        answer(line);
    }
}

void MegatecUps::answer(const std::string &line) {
    std::string out;
    {
        std::lock_guard lk(state_mu_);
        const auto echo_or = [&](const std::string &r) { return r.empty() ? line : r; };
        if (line == "Q1") out = q1();
        else if (line == "F") out = echo_or(model_.rating);
        else if (line == "I") out = echo_or(model_.ident);
        else if (line == "QPI") out = echo_or(model_.qpi);
        else {
            commands_.push_back(line);
            const bool known = line == "T" || line == "TL" || line == "CT" || line == "C" || line == "Q" ||
                               (line.size() == 3 && line[0] == 'T') || (!line.empty() && line[0] == 'S');
            const bool refused = std::find(model_.refused.begin(), model_.refused.end(), line) != model_.refused.end();
            if (refused) out = "UPS No Ack";
            else if (!known) out = line; // unsupported: echoed back
            else {
                if (line == "Q") beeper_on_ = !beeper_on_;
                return; // accepted commands have no reply
            }
        }
    }
    switch (misbehaviour()) {
    case Misbehaviour::Garbage: reply("\x07\xff(#garbage %%%\r"); return;
    case Misbehaviour::Truncated: reply(out.substr(0, 43) + "\r"); return; // cut like the armac log
    default: reply(out + "\r");
    }
}

} // namespace nutpp::serial::testing
