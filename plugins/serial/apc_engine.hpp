// Talks APC Smart to one UPS over a Link: the 'Y' handshake, discovery of what the unit supports
// ('a' command set, ^Z capability values), measurements and status each poll, commands with their
// confirmation rules, and the EEPROM settings as writable variables.
#pragma once

#include "apc_proto.hpp"
#include "link.hpp"
#include "sink.hpp"

#include <algorithm>
#include <chrono>
#include <optional>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace nutpp::serial::apc {

struct Options {
    std::chrono::milliseconds reply_timeout{1000};
    std::chrono::milliseconds repeat_pause{1600}; // K, Z, ^N must come twice, > 1.5 s apart
    std::string awd = "000";                        // '@' digits (NUT `awd`, 6-minute units)
    ShutdownMethod sdtype = ShutdownMethod::SoftOrHard; // NUT `sdtype`, for shutdown.default
    std::chrono::milliseconds cshdelay{3500};       // NUT `cshdelay`: U .. S in the CS hack
    // NUT apcsmart's window for the second request of a load-cutting command (3..15 s);
    // `confirm_window: off` (both zero) makes the first request act.
    std::chrono::milliseconds confirm_min{3000}, confirm_max{15000};
    std::vector<AdvMethod> advorder;                // NUT `advorder`: when set, replaces sdtype
};

class Engine {
public:
    Engine(Link &link, Sink &sink, Options options) : link_(link), sink_(sink), opt_(options) {}

    // True when the other end answers 'Y' with "SM".
    static bool probe(Link &link, std::chrono::milliseconds timeout);
    void open();        // throws nutpp::Error
    void poll();        // measurements + status
    void poll_status(); // status only (after an alert woke us)
    void instcmd(const std::string &name, const char *arg);
    void setvar(const std::string &name, const std::string &value);

private:
    Reply ask(char cmd, bool hash_is_data = false);
    bool unit_knows(char cmd) const { return !have_command_set_ || command_set_.count(cmd) > 0; }
    void handshake();
    void refresh(const Query &q);
    std::string read_value(const Query &q); // current NUT value, throws when the UPS does not say
    // Reads the UPS's confirmation; `wait` defaults to reply_timeout.
    void expect_ok(const std::string &what, std::optional<std::chrono::milliseconds> wait = std::nullopt);
    void setvar_enum(const Query &q, const std::string &value);
    void setvar_string(const Query &q, const std::string &value);
    void send_command(const Command &c, const std::string &name);
    void soft_hibernate();
    void hard_hibernate(const std::string &digits);
    void cs_hack();
    void shutdown_default();
    bool second_request(const std::string &name); // the confirmation rule of needs_second_request
    // How long a shutdown's OK may take: NUT's sdok() waits 1.5 s (SER_D1), so a slow unit's late
    // OK is not taken for a refusal (which would send the next method after an accepted one).
    std::chrono::milliseconds shutdown_wait() const {
        return std::max(opt_.reply_timeout, std::chrono::milliseconds(1500));
    }
    void run_method(AdvMethod m);
    bool method_possible(ShutdownMethod m) const;
    bool default_possible() const;

    Link &link_;
    Sink &sink_;
    Options opt_;
    bool have_command_set_ = false;
    std::set<char> command_set_;
    std::vector<const Query *> supported_;
    std::map<char, std::vector<std::string>> capabilities_; // device units
    int status_bits_ = 0; // last 'Q'
    std::optional<std::chrono::steady_clock::time_point> last_unconfirmed_; // last load-cutting request
};

} // namespace nutpp::serial::apc
