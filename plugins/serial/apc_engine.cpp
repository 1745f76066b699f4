#include "apc_engine.hpp"

#include <nutpp/support/text.hpp>

#include <nutpp/driver.hpp>

#include <algorithm>
#include <set>
#include <string_view>

namespace nutpp::serial::apc {

using support::printable;

namespace {

constexpr const char *kCrLf = "\r\n";
constexpr std::chrono::milliseconds kHardHibernatePeek{200}; // NUT apcsmart: SER_DX
constexpr std::chrono::milliseconds kDigitPace{50};          // NUT apcsmart: ser_send_pace(50000)

void fail_on(const Reply &r, const std::string &what) {
    if (r.status == ReadStatus::Gone) throw Error(NUTPP_E_NO_DEVICE, "device vanished during " + what);
    if (r.status == ReadStatus::Timeout)
        throw Error(NUTPP_E_TIMEOUT, r.text.empty() ? "no reply to " + what
                                                    : "incomplete reply to " + what + ": \"" + printable(r.text) + "\"");
}

std::string cmd_name(char c) { return "'" + printable(std::string_view(&c, 1)) + "'"; }

// The firmware string "SKU.revision.country" ends in the country letter the ^Z table is keyed by.
char locale_of(const std::string &firmware) {
    if (std::count(firmware.begin(), firmware.end(), '.') == 2 && firmware.back() != '.') return firmware.back();
    return 0;
}

const Command *find_command(const std::string &name) {
    const auto it = std::find_if(std::begin(kCommands), std::end(kCommands),
                                 [&](const Command &c) { return name == c.instcmd; });
    return it == std::end(kCommands) ? nullptr : &*it;
}

} // namespace

Reply Engine::ask(char cmd, bool hash_is_data) {
    const std::string junk = link_.drain();
    if (!junk.empty()) sink_.log_debug("alerts/stray bytes before " + cmd_name(cmd) + ": " + printable(junk));
    link_.send(std::string_view(&cmd, 1));
    Reply r = link_.read_until(kCrLf, opt_.reply_timeout);
    if (r.status == ReadStatus::Ok) r.text = std::string(strip_alerts(r.text, hash_is_data));
    return r;
}

bool Engine::probe(Link &link, std::chrono::milliseconds timeout) {
    for (int attempt = 0; attempt < 2; ++attempt) {
        link.drain();
        link.send("Y");
        const Reply r = link.read_until(kCrLf, timeout);
        if (r.status == ReadStatus::Gone) return false;
        if (r.status == ReadStatus::Ok && strip_alerts(r.text, false) == "SM") return true;
    }
    return false;
}

void Engine::handshake() {
    // Until it gets 'Y' the UPS may be in "dumb" mode; a few tries absorb line noise.
    Reply r;
    for (int attempt = 0; attempt < 3; ++attempt) {
        r = ask('Y');
        if (r.status == ReadStatus::Gone) break;
        if (r.status == ReadStatus::Ok && r.text == "SM") return;
    }
    fail_on(r, "'Y' (smart mode)");
    throw Error(NUTPP_E_IO, "no smart mode: 'Y' answered \"" + printable(r.text) + "\"");
}

void Engine::open() {
    handshake();
    supported_.clear();
    capabilities_.clear();

    const Reply info = ask(kProtocolInfoQuery);
    if (info.status == ReadStatus::Ok)
        if (auto set = parse_protocol_info(info.text)) {
            have_command_set_ = true;
            command_set_ = std::move(*set);
        }

    sink_.set("ups.mfr", "APC");
    std::string firmware;
    std::set<std::string_view> published;
    for (const auto &q : kQueries) {
        if (!unit_knows(q.cmd)) continue;
        if ((q.flags & kFallback) && published.count(q.variable)) continue;
        const Reply r = ask(q.cmd);
        if (r.status == ReadStatus::Gone) fail_on(r, cmd_name(q.cmd));
        if (r.status != ReadStatus::Ok) continue; // old units ignore what they do not know
        const auto value = convert(q, r.text);
        if (!value) continue;
        supported_.push_back(&q);
        sink_.set(q.variable, *value);
        published.insert(q.variable);
        if (q.cmd == 'b') firmware = *value;
    }
    if (supported_.empty()) throw Error(NUTPP_E_IO, "UPS in smart mode but answers no query");

    if (unit_knows(kCapabilitiesQuery)) {
        const Reply r = ask(kCapabilitiesQuery, true);
        if (r.status == ReadStatus::Ok) {
            std::string error;
            capabilities_ = parse_capabilities(r.text, locale_of(firmware), error);
            if (!error.empty()) sink_.log_info("capability string partly unusable: " + error);
        }
    }

    for (const Query *q : supported_) {
        if (q->flags & kWritableString) {
            sink_.writable(q->variable, {}, kStringLength);
        } else if (q->flags & kWritableEnum) {
            const auto it = capabilities_.find(q->cmd);
            if (it == capabilities_.end()) continue; // no list of values: read-only
            std::vector<std::string> choices;
            for (const auto &raw : it->second)
                if (auto v = convert(*q, raw)) choices.push_back(*v);
            if (!choices.empty()) sink_.writable(q->variable, choices, 0);
        }
    }
    for (const auto &c : kCommands)
        if (c.action == Action::Default ? default_possible() : unit_knows(c.wire[0])) sink_.command(c.instcmd);
}

void Engine::run_method(AdvMethod m) {
    switch (m) {
    case AdvMethod::Soft: soft_hibernate(); return;
    case AdvMethod::Hard: hard_hibernate(opt_.awd); return;
    case AdvMethod::DelayedOff: send_command(*find_command("shutdown.stayoff"), "delayed power off ('K')"); return;
    case AdvMethod::InstantOff: send_command(*find_command("load.off"), "instant power off ('Z')"); return;
    case AdvMethod::CsHack: cs_hack(); return;
    }
}

bool Engine::default_possible() const {
    if (opt_.advorder.empty()) return method_possible(opt_.sdtype);
    return unit_knows(kSoftHibernate) || unit_knows(kHardHibernate) || unit_knows('K') || unit_knows('Z');
}

bool Engine::method_possible(ShutdownMethod m) const {
    switch (m) {
    case ShutdownMethod::SoftOrHard:
    case ShutdownMethod::SoftThenHard: return unit_knows(kSoftHibernate) || unit_knows(kHardHibernate);
    case ShutdownMethod::InstantOff: return unit_knows('Z');
    case ShutdownMethod::DelayedOff: return unit_knows('K');
    case ShutdownMethod::CsHack: return unit_knows(kSimulatePowerFail) && unit_knows(kSoftHibernate);
    case ShutdownMethod::Hard: return unit_knows(kHardHibernate);
    }
    return false;
}

void Engine::refresh(const Query &q) {
    const Reply r = ask(q.cmd);
    fail_on(r, std::string(q.variable) + " (" + cmd_name(q.cmd) + ")");
    if (const auto value = convert(q, r.text))
        sink_.set(q.variable, *value);
    else
        sink_.log_debug(std::string(q.variable) + ": no value in \"" + printable(r.text) + "\"");
}

void Engine::poll() {
    for (const Query *q : supported_)
        if (!(q->flags & kStatic)) refresh(*q);
    poll_status();
}

void Engine::poll_status() {
    const Reply r = ask(kStatusQuery);
    fail_on(r, "status ('Q')");
    std::string error;
    const auto status = parse_status(r.text, error);
    if (!status) throw Error(NUTPP_E_IO, error);
    status_bits_ = status->bits;
    support::StatusSet set = status->set;
    for (const auto &state : kStateRegisters) {
        const char reg = state.query;
        if (!have_command_set_ || !command_set_.count(reg)) continue; // asked only when listed in 'a'
        const Reply rr = ask(reg);
        if (rr.status == ReadStatus::Gone) fail_on(rr, "state register " + cmd_name(reg));
        if (const auto v = rr.status == ReadStatus::Ok ? parse_register(rr.text) : std::nullopt)
            apply_register(state, *v, set);
        else
            sink_.log_debug("state register " + cmd_name(reg) + ": no usable reply");
    }
    sink_.status(set.tokens(), set.alarm());
}

void Engine::expect_ok(const std::string &what, std::optional<std::chrono::milliseconds> wait) {
    const Reply r = link_.read_until(kCrLf, wait.value_or(opt_.reply_timeout));
    fail_on(r, what);
    const auto text = strip_alerts(r.text, false);
    if (text == "OK" || text == "*") return; // '*': older units' acknowledgement
    throw Error(NUTPP_E_REJECTED, "UPS refused " + what + ": \"" + printable(r.text) + "\"");
}

void Engine::instcmd(const std::string &name, const char *arg) {
    const Command *c = find_command(name);
    if (!c || !(c->action == Action::Default ? default_possible() : unit_knows(c->wire[0])))
        throw Error(NUTPP_E_UNSUPPORTED, "unsupported command " + name);
    const std::string argument = arg ? arg : "";
    if (c->action != Action::SoftHibernate && !argument.empty())
        throw Error(NUTPP_E_INVALID_ARG, name + " takes no argument");
    if (c->needs_second_request && !second_request(name)) return;
    switch (c->action) {
    case Action::Send:
        send_command(*c, name);
        return;
    case Action::SoftHibernate: {
        const auto how = parse_return_arg(argument);
        if (!how)
            throw Error(NUTPP_E_INVALID_ARG, "shutdown.return takes no argument, \"cs\" or \"at:N\" (N: 1..3 digits)");
        if (how->kind == ReturnArg::Hard) hard_hibernate(how->digits);
        else if (how->kind == ReturnArg::CsHack) cs_hack();
        else soft_hibernate();
        return;
    }
    case Action::HardHibernate:
        hard_hibernate(opt_.awd);
        return;
    case Action::Default:
        shutdown_default();
        return;
    }
}

bool Engine::second_request(const std::string &name) {
    if (opt_.confirm_max.count() == 0) return true;
    const auto now = std::chrono::steady_clock::now();
    const auto previous = last_unconfirmed_;
    last_unconfirmed_ = now; // like NUT: every request restarts the window, taken or not
    if (previous && now - *previous >= opt_.confirm_min && now - *previous <= opt_.confirm_max) return true;
    sink_.log_info(name + " cuts the load: send it again in " + std::to_string(opt_.confirm_min.count() / 1000) +
                   " to " + std::to_string(opt_.confirm_max.count() / 1000) + " s to confirm (NUT apcsmart's rule)");
    return false;
}

void Engine::send_command(const Command &c, const std::string &name) {
    link_.drain();
    link_.send(c.wire);
    if (c.twice) {
        // The UPS takes the first one as "are you sure?" and acts on the second after the pause.
        link_.pause(opt_.repeat_pause);
        link_.send(c.wire);
    }
    switch (c.confirm) {
    case Confirm::Ok:
        if (c.needs_second_request) expect_ok(name, shutdown_wait());
        else expect_ok(name);
        return;
    case Confirm::OkOrAlert: {
        const Reply r = link_.read_until(kCrLf, opt_.reply_timeout);
        if (r.status == ReadStatus::Gone) fail_on(r, name);
        if (r.text.find('!') != std::string::npos || strip_alerts(r.text, false) == "OK") return;
        if (r.status == ReadStatus::Timeout && r.text.empty()) throw Error(NUTPP_E_TIMEOUT, "no reply to " + name);
        throw Error(NUTPP_E_REJECTED, "UPS refused " + name + ": \"" + printable(r.text) + "\"");
    }
    case Confirm::None:
        return;
    }
}

// 'S': the UPS turns off after its EEPROM grace delay and comes back with the power; units
// ignore it (or say NA) while on line.
void Engine::soft_hibernate() {
    link_.drain();
    link_.send(std::string_view(&kSoftHibernate, 1));
    expect_ok("soft hibernate ('S')", shutdown_wait());
}

// '@' + 2 or 3 digits: off now, back after the digits * 6 minutes once the power returns. As NUT:
// '@' alone first (any answer within 200 ms means the unit refuses it), then the digits 50 ms apart.
void Engine::hard_hibernate(const std::string &digits) {
    link_.drain();
    link_.send(std::string_view(&kHardHibernate, 1));
    const Reply early = link_.read_until(kCrLf, kHardHibernatePeek);
    if (early.status == ReadStatus::Gone) fail_on(early, "hard hibernate ('@')");
    if (!early.text.empty())
        throw Error(NUTPP_E_REJECTED, "UPS refused hard hibernate ('@'): \"" + printable(early.text) + "\"");
    for (const char d : digits) {
        link_.send(std::string_view(&d, 1));
        link_.pause(kDigitPace);
    }
    try {
        expect_ok("hard hibernate ('@" + digits + "')", shutdown_wait());
    } catch (const Error &e) {
        // Only a refusal or silence can mean "wants 3 digits"; a vanished port stays what it is.
        if (digits.size() != 2 || (e.status() != NUTPP_E_REJECTED && e.status() != NUTPP_E_TIMEOUT)) throw;
        // A unit that wants 3 digits is still waiting for the third: break the sequence off with
        // something harmless ('Y'; newer units answer NO, older ones nothing) as NUT does.
        link_.send("Y");
        (void)link_.read_until(kCrLf, opt_.reply_timeout);
        throw Error(NUTPP_E_REJECTED, "hard hibernate with 2 digits does not work on this UPS; try 3 (awd)");
    }
}

// NUT's "CS hack" for Back-UPS CS and the like, which ignore 'S' on line: simulate a power failure
// first, give the UPS cshdelay to go on battery, then 'S'.
void Engine::cs_hack() {
    if (status_bits_ & kStatusOnLine) {
        link_.drain();
        link_.send(std::string_view(&kSimulatePowerFail, 1));
        const Reply r = link_.read_until(kCrLf, opt_.reply_timeout); // the reply may well not come
        if (r.status == ReadStatus::Gone) fail_on(r, "simulated power failure ('U')");
        link_.pause(opt_.cshdelay);
    }
    soft_hibernate();
}

// NUT apcsmart's upsdrv_shutdown: read the status afresh, then the `sdtype` method.
void Engine::shutdown_default() {
    const Reply r = ask(kStatusQuery);
    if (r.status == ReadStatus::Gone) fail_on(r, "status ('Q')");
    std::string error;
    if (const auto st = r.status == ReadStatus::Ok ? parse_status(r.text, error) : std::nullopt) {
        status_bits_ = st->bits;
    } else {
        sink_.log_info("status read failed before shutdown, assuming on battery with low battery");
        status_bits_ = kStatusOnBattery | kStatusLowBattery;
    }
    if (!opt_.advorder.empty()) {
        // NUT's "advanced" order: each method in turn until the UPS accepts one.
        for (size_t i = 0; i < opt_.advorder.size(); ++i) {
            try {
                run_method(opt_.advorder[i]);
                return;
            } catch (const Error &e) {
                if (i + 1 == opt_.advorder.size()) throw;
                sink_.log_info(std::string("shutdown method failed (") + e.what() + "), trying the next in advorder");
            }
        }
    }
    switch (opt_.sdtype) {
    case ShutdownMethod::Hard: hard_hibernate(opt_.awd); return;
    case ShutdownMethod::CsHack: cs_hack(); return;
    case ShutdownMethod::DelayedOff: send_command(*find_command("shutdown.stayoff"), "delayed power off ('K')"); return;
    case ShutdownMethod::InstantOff: send_command(*find_command("load.off"), "instant power off ('Z')"); return;
    case ShutdownMethod::SoftThenHard:
        if (status_bits_ & kStatusOnBattery) {
            try {
                soft_hibernate();
                return;
            } catch (const Error &e) {
                sink_.log_info(std::string("soft hibernate failed (") + e.what() + "), trying hard hibernate");
            }
        }
        hard_hibernate(opt_.awd);
        return;
    case ShutdownMethod::SoftOrHard:
        if (status_bits_ & kStatusOnLine) hard_hibernate(opt_.awd);
        else soft_hibernate();
        return;
    }
}

std::string Engine::read_value(const Query &q) {
    const Reply r = ask(q.cmd);
    fail_on(r, cmd_name(q.cmd));
    auto v = convert(q, r.text);
    if (!v) throw Error(NUTPP_E_IO, std::string(q.variable) + ": unreadable reply \"" + printable(r.text) + "\"");
    return *v;
}

void Engine::setvar(const std::string &name, const std::string &value) {
    const Query *q = find_query(name);
    const bool known = q && std::find(supported_.begin(), supported_.end(), q) != supported_.end();
    if (!known || !(q->flags & (kWritableEnum | kWritableString)))
        throw Error(NUTPP_E_UNSUPPORTED, "variable not writable: " + name);
    if (q->flags & kWritableString)
        setvar_string(*q, value);
    else
        setvar_enum(*q, value);
    refresh(*q);
}

void Engine::setvar_enum(const Query &q, const std::string &value) {
    const auto caps = capabilities_.find(q.cmd);
    if (caps == capabilities_.end()) throw Error(NUTPP_E_UNSUPPORTED, std::string("variable not writable: ") + q.variable);
    const std::string original = read_value(q);
    if (original == value) return;
    // '-' steps the setting to its next value; walk the ring until the wanted one comes up.
    for (size_t step = 0; step <= caps->second.size(); ++step) {
        link_.send(std::string_view(&kNextValue, 1));
        const Reply r = link_.read_until(kCrLf, opt_.reply_timeout);
        fail_on(r, std::string("'-' on ") + q.variable);
        const auto ack = strip_alerts(r.text, false);
        if (!(ack == "OK" || (ack.empty() && r.text.find('|') != std::string::npos)))
            throw Error(NUTPP_E_REJECTED, std::string("UPS refused to change ") + q.variable + ": \"" + printable(r.text) + "\"");
        const std::string now = read_value(q);
        if (now == value) return;
        if (now == original) break;
    }
    throw Error(NUTPP_E_REJECTED, std::string(q.variable) + ": the UPS never offered \"" + value + "\"");
}

void Engine::setvar_string(const Query &q, const std::string &value) {
    if (value.size() > kStringLength) throw Error(NUTPP_E_INVALID_ARG, std::string(q.variable) + ": at most 8 characters");
    if (read_value(q) == value) return; // spare the EEPROM a pointless write
    std::string wire(1, kNextValue);
    wire += value;
    wire.append(kStringLength - value.size(), '\r'); // the UPS reads exactly 8 characters
    link_.send(wire);
    expect_ok(std::string("new ") + q.variable);
}

} // namespace nutpp::serial::apc
