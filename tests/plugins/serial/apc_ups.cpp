#include "apc_ups.hpp"

#include <cstdio>

#include <algorithm>

namespace nutpp::serial::testing {

namespace {
const std::string kCapabilities =
    "#uD43132135138129"  // decoy: another locale's transfer.high values
    "kI410TLN"
    "eI4200155090"
    "qI4202050710"
    "sI31HML"
    "uI43253257261265"
    "lI43208204200196"
    "oI13230"
    "p443060180300600"
    "r443000060180300"
    "E433336168OFF";
// What the SC450 knows ('a'): no 'C' temperature, no '/', no '>' packs, no DEL abort.
const std::string kProtocolInfo =
    std::string("3.!$%+?=#|.") + "\x01\x0e\x1a" + "@ABDEFGKLMNOPQSUVWXYZabcefgjklmnopqrsuxy9";
} // namespace

ApcUps::ApcUps(std::filesystem::path port, std::chrono::milliseconds min_repeat_gap)
    : PtyUps(std::move(port)), min_repeat_gap_(min_repeat_gap) {
    values_ = {
        {'\x01', "Smart-UPS SC450 RM"}, {'b', "736.1.I"}, {'V', "DWI"}, {'n', "5S1107T50479"},
        {'m', "02/13/11"}, {'x', "02/13/11"}, {'c', "UPS_IDEN"}, {'g', "012"}, {'o', "230"},
        {'l', "208"}, {'u', "253"}, {'s', "H"}, {'p', "060"}, {'r', "000"}, {'q', "02"}, {'e', "00"},
        {'k', "0"}, {'E', "336"}, {'B', "13.77"}, {'F', "50.00"}, {'L', "221.7"}, {'M', "224.6"},
        {'N', "221.7"}, {'O', "221.7"}, {'P', "061.1"}, {'f', "100.0"}, {'j', "0016:"}, {'9', "FF"},
        {'G', "R"}, {'X', "NO"}, {'Q', "08"}, {'a', kProtocolInfo}, {'\x1a', kCapabilities},
    };
    choices_ = {
        {'k', {"0", "T", "L", "N"}}, {'e', {"00", "15", "50", "90"}}, {'q', {"02", "05", "07", "10"}},
        {'s', {"H", "M", "L"}}, {'u', {"253", "257", "261", "265"}}, {'l', {"208", "204", "200", "196"}},
        {'o', {"230"}}, {'p', {"060", "180", "300", "600"}}, {'r', {"000", "060", "180", "300"}},
        {'E', {"336", "168", "OFF"}},
    };
    start();
}

void ApcUps::set_power(Power p) {
    std::string alert;
    {
        std::lock_guard lk(state_mu_);
        const Power before = power_;
        power_ = p;
        values_['Q'] = p == Power::Online ? "08" : p == Power::OnBattery ? "10" : "50";
        values_['L'] = p == Power::Online ? "221.7" : "000.0";
        if (before == Power::Online && p != Power::Online) alert += "!";
        if (before != Power::Online && p == Power::Online) alert += "$";
        if (p == Power::LowBattery && before != Power::LowBattery) alert += "%";
    }
    reply(alert); // unsolicited, no CR LF
}

void ApcUps::set_registers(uint8_t r1, uint8_t r2, uint8_t r3) {
    auto hex2 = [](uint8_t v) {
        char b[3];
        std::snprintf(b, sizeof b, "%02X", v);
        return std::string(b);
    };
    std::lock_guard lk(state_mu_);
    values_['~'] = hex2(r1);
    values_['\''] = hex2(r2);
    values_['8'] = hex2(r3);
    if (values_['a'].find('~') == std::string::npos) values_['a'] += "~'8";
}

std::string ApcUps::setting(char cmd) const {
    std::lock_guard lk(state_mu_);
    const auto it = values_.find(cmd);
    return it == values_.end() ? "" : it->second;
}

std::vector<std::string> ApcUps::commands() const {
    std::lock_guard lk(state_mu_);
    return commands_;
}

void ApcUps::send(const std::string &out) {
    switch (misbehaviour()) {
    case Misbehaviour::Garbage: reply("\xfe\x13zz#?\r\n"); return;
    case Misbehaviour::Truncated: reply(out.substr(0, out.size() / 2)); return; // no CR LF
    default: reply(out);
    }
}

void ApcUps::on_bytes(std::string_view bytes) {
    for (char c : bytes) {
        std::string out;
        {
            std::lock_guard lk(state_mu_);
            handle(c, out);
        }
        if (!out.empty()) send(out);
    }
}

void ApcUps::handle(char c, std::string &out) {
    // Multi-byte sequences first: "@nnn" and "-" + 8 characters for string settings.
    if (collecting_for_) {
        collecting_.push_back(c);
        const size_t want = collecting_for_ == '@' ? 3 : 8;
        if (collecting_.size() < want) return;
        if (collecting_for_ == '@') {
            commands_.push_back("@" + collecting_);
        } else {
            std::string v = collecting_;
            v.erase(std::find(v.begin(), v.end(), '\r'), v.end());
            values_[collecting_for_] = v;
        }
        collecting_.clear();
        collecting_for_ = 0;
        out = "OK\r\n";
        return;
    }
    if (c == 'Y') {
        smart_ = true;
        out = "SM\r\n";
        return;
    }
    if (!smart_) return; // dumb mode: ignores everything but 'Y'
    if (c == '-') {
        if (last_query_ == 'c' || last_query_ == 'x') {
            collecting_for_ = last_query_;
            return;
        }
        auto it = choices_.find(last_query_);
        if (it == choices_.end()) {
            out = "NO\r\n";
            return;
        }
        auto &ring = it->second;
        auto pos = std::find(ring.begin(), ring.end(), values_[last_query_]);
        values_[last_query_] = (pos == ring.end() || pos + 1 == ring.end()) ? ring.front() : *(pos + 1);
        out = "OK\r\n";
        return;
    }
    if (c == '@') {
        collecting_for_ = '@';
        return;
    }
    if (c == 'K' || c == 'Z' || c == '\x0e') {
        const auto now = Clock::now();
        if (pending_twice_ == c && now - pending_at_ >= min_repeat_gap_) {
            pending_twice_ = 0;
            commands_.push_back(c == '\x0e' ? "^N" : std::string(1, c));
            if (c == 'K') out = "OK\r\n";
            return;
        }
        pending_twice_ = c;
        pending_at_ = now;
        return;
    }
    if (c == 'A' || c == 'W') {
        commands_.push_back(std::string(1, c));
        out = "OK\r\n";
        return;
    }
    if (c == 'U' || c == 'D') {
        commands_.push_back(std::string(1, c));
        if (c == 'U') simulated_failure_ = true; // on battery for the test: 'S' works now
        out = "!";
        return;
    }
    if (c == 'S') {
        // Soft hibernate only works on battery; on line the unit does not act on it.
        if (power_ == Power::Online && !simulated_failure_) {
            out = "NA\r\n";
            return;
        }
        commands_.push_back("S");
        simulated_failure_ = false; // it hibernates; the simulated failure is over
        out = "OK\r\n";
        return;
    }
    const auto it = values_.find(c);
    if (it != values_.end()) {
        last_query_ = c;
        out = it->second + "\r\n";
        return;
    }
    out = "NA\r\n";
}

} // namespace nutpp::serial::testing
