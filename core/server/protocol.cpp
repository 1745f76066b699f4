// Top-level verbs, authentication and the state-changing commands (SET, INSTCMD, LOGIN, PRIMARY,
// FSD). The order of the checks in each handler decides which ERR a client sees; it follows NUT
// 2.8.0 as observed on the wire (see nut-reference.md §1.4 and the transcripts).
#include "server/protocol.hpp"
#include "server/push.hpp"

#include "common/parseconf.hpp"
#include "common/strings.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>

namespace nutpp::server {

using common::append;
using common::iequals;
using Args = Words;

Ups *ServerContext::find(std::string_view name) const {
    for (const auto &u : upses)
        if (iequals(u->name(), name)) return u.get();
    return nullptr;
}

void drop_login(Session &s) {
    if (!s.login_ups) return;
    auto &v = s.login_ups->logins;
    v.erase(std::remove(v.begin(), v.end(), &s), v.end());
    spdlog::info("User {}@{} logged out from UPS [{}]", s.username.value_or(""), s.addr, s.login_ups->name());
    s.login_ups = nullptr;
}

namespace detail {

void send_err(std::string &out, Err e) {
    out += "ERR ";
    out += token(e);
    out += '\n';
}

bool available(const ServerContext &ctx, const Ups &ups, std::string &out) {
    switch (ups.availability(ctx.maxage)) {
    case Availability::Ok: return true;
    case Availability::DriverNotConnected: send_err(out, Err::DriverNotConnected); return false;
    case Availability::DataStale: send_err(out, Err::DataStale); return false;
    }
    return false;
}

} // namespace detail

namespace {

using detail::available;
using detail::send_err;

struct Ctx {
    ServerContext &server;
    Session &s;
    Args args; // words after the verb
    std::string &out;
};

const std::string &user(const Session &s) { return *s.username; }

// The logged-in user's rights once the password was verified, else nullptr (handle_request makes
// sure the verdict is known before a needs_user verb runs).
const UserRights *rights(const Ctx &c) {
    return c.s.verdict == Session::Verdict::Granted ? c.server.users.find(user(c.s)) : nullptr;
}

void no_args_reply(Ctx &c, std::string_view reply) {
    if (!c.args.empty()) return send_err(c.out, Err::InvalidArgument);
    c.out += reply;
    c.out += '\n';
}

void cmd_ver(Ctx &c) { no_args_reply(c, c.server.version_line); }
void cmd_netver(Ctx &c) { no_args_reply(c, kProtocolVersion); }
void cmd_help(Ctx &c) { no_args_reply(c, "Commands: HELP VER GET LIST SET INSTCMD LOGIN LOGOUT USERNAME PASSWORD STARTTLS"); }

void cmd_logout(Ctx &c) {
    if (!c.args.empty()) return send_err(c.out, Err::InvalidArgument);
    c.out += "OK Goodbye\n";
    c.s.after = Session::After::Close;
}

void cmd_starttls(Ctx &c) {
    // NUT ignores arguments here.
    if (c.s.tls) return send_err(c.out, Err::AlreadySslMode);
    if (!c.server.tls_configured) return send_err(c.out, Err::FeatureNotConfigured);
    c.out += "OK STARTTLS\n";
    c.s.after = Session::After::StartTls;
}

void cmd_username(Ctx &c) {
    if (c.args.size() != 1) return send_err(c.out, Err::InvalidArgument);
    if (c.s.username) {
        spdlog::info("Client {}@{} tried to set a username twice", *c.s.username, c.s.addr);
        return send_err(c.out, Err::AlreadySetUsername);
    }
    c.s.username = std::string(c.args[0]);
    c.out += "OK\n";
}

void cmd_password(Ctx &c) {
    if (c.args.size() != 1) return send_err(c.out, Err::InvalidArgument);
    if (c.s.password) {
        spdlog::info("Client {}@{} tried to set a password twice", c.s.username.value_or(""), c.s.addr);
        return send_err(c.out, Err::AlreadySetPassword);
    }
    c.s.password = std::string(c.args[0]);
    c.out += "OK\n";
}

void cmd_login(Ctx &c) {
    if (c.args.size() != 1) return send_err(c.out, Err::InvalidArgument);
    if (c.s.login_ups) return send_err(c.out, Err::AlreadyLoggedIn);
    Ups *ups = c.server.find(c.args[0]);
    if (!ups) return send_err(c.out, Err::UnknownUps);
    if (!Users::allowed(rights(c), Action::Login)) return send_err(c.out, Err::AccessDenied);
    c.s.login_ups = ups;
    ups->logins.push_back(&c.s);
    spdlog::info("User {}@{} logged into UPS [{}]", user(c.s), c.s.addr, ups->name());
    c.out += "OK\n";
}

// PRIMARY and its old name MASTER: same check, the reply names the verb used.
void primary_like(Ctx &c, std::string_view granted) {
    if (c.args.size() != 1) return send_err(c.out, Err::InvalidArgument);
    Ups *ups = c.server.find(c.args[0]);
    if (!ups) return send_err(c.out, Err::UnknownUps);
    if (!Users::allowed(rights(c), Action::Primary)) return send_err(c.out, Err::AccessDenied);
    c.out += granted;
    c.out += '\n';
}
void cmd_primary(Ctx &c) { primary_like(c, "OK PRIMARY-GRANTED"); }
void cmd_master(Ctx &c) { primary_like(c, "OK MASTER-GRANTED"); }

void cmd_fsd(Ctx &c) {
    if (c.args.size() != 1) return send_err(c.out, Err::InvalidArgument);
    Ups *ups = c.server.find(c.args[0]);
    if (!ups) return send_err(c.out, Err::UnknownUps);
    if (!Users::allowed(rights(c), Action::Fsd)) return send_err(c.out, Err::AccessDenied);
    spdlog::warn("Client {}@{} set FSD on UPS [{}]", user(c.s), c.s.addr, ups->name());
    ups->fsd = true;
    c.out += "OK FSD-SET\n";
}

// "OK" or "OK TRACKING <id>" once the request has been handed to the driver.
void sent_reply(Ctx &c, const std::optional<std::string> &id) {
    if (id) append(c.out, "OK TRACKING ", *id, "\n");
    else c.out += "OK\n";
}

void set_var(Ctx &c) {
    const Args a = c.args; // VAR ups var value
    if (a.size() < 4) return send_err(c.out, Err::InvalidArgument);
    Ups *ups = c.server.find(a[1]);
    if (!ups) return send_err(c.out, Err::UnknownUps);
    if (!available(c.server, *ups, c.out)) return;
    if (!Users::allowed(rights(c), Action::Set)) return send_err(c.out, Err::AccessDenied);
    const VarEntry *v = ups->state().find(a[2]);
    if (!v) return send_err(c.out, Err::VarNotSupported);
    if (!v->rw) return send_err(c.out, Err::Readonly);
    const std::string value(a[3]);
    if (v->is_string) {
        if (v->aux < 1) return send_err(c.out, Err::SetFailed);
        if (value.size() > size_t(v->aux)) return send_err(c.out, Err::TooLong);
    }
    if (!v->enums.empty() && std::find(v->enums.begin(), v->enums.end(), value) == v->enums.end())
        return send_err(c.out, Err::InvalidValue);
    if (!v->ranges.empty()) {
        // NUT compares atoi() of the value: leading digits count, junk after them is ignored.
        const long n = std::atol(value.c_str());
        const bool inside = std::any_of(v->ranges.begin(), v->ranges.end(), [&](const auto &r) {
            return n >= std::atol(r.first.c_str()) && n <= std::atol(r.second.c_str());
        });
        if (!inside) return send_err(c.out, Err::InvalidValue);
    }
    std::optional<std::string> id;
    std::string line;
    append(line, "SET ", a[2], " ", common::quote(value));
    if (c.s.tracking) {
        id = c.server.tracking.create();
        line += " TRACKING " + *id;
    }
    spdlog::info("Set variable: {}@{} set {} on {} to {} (tracking ID: {})", user(c.s), c.s.addr, a[2], ups->name(),
                 value, id.value_or("disabled"));
    if (!ups->send(line)) {
        if (id) c.server.tracking.update(*id, 3);
        return send_err(c.out, Err::SetFailed);
    }
    sent_reply(c, id);
}

void cmd_set(Ctx &c) {
    const Args a = c.args;
    if (a.empty()) return send_err(c.out, Err::InvalidArgument);
    if (iequals(a[0], "TRACKING")) {
        if (a.size() < 2) return send_err(c.out, Err::InvalidArgument);
        if (iequals(a[1], "ON")) c.s.tracking = true;
        else if (iequals(a[1], "OFF")) c.s.tracking = false;
        else return send_err(c.out, Err::InvalidArgument);
        c.out += "OK\n";
        return;
    }
    if (iequals(a[0], "VAR")) return set_var(c);
    send_err(c.out, Err::InvalidArgument);
}

void cmd_instcmd(Ctx &c) {
    const Args a = c.args; // ups cmd [param]
    if (a.size() < 2) return send_err(c.out, Err::InvalidArgument);
    Ups *ups = c.server.find(a[0]);
    if (!ups) return send_err(c.out, Err::UnknownUps);
    if (!available(c.server, *ups, c.out)) return;
    if (!ups->state().has_command(a[1])) return send_err(c.out, Err::CmdNotSupported);
    if (!Users::allowed_instcmd(rights(c), a[1])) return send_err(c.out, Err::AccessDenied);
    std::string line;
    append(line, "INSTCMD ", a[1]);
    // Exactly one parameter is forwarded; with more, NUT sends none (kept for compatibility).
    if (a.size() == 3) append(line, " ", common::encode(a[2]));
    std::optional<std::string> id;
    if (c.s.tracking) {
        id = c.server.tracking.create();
        line += " TRACKING " + *id;
    }
    spdlog::info("Instant command: {}@{} did {}{} on {} (tracking ID: {})", user(c.s), c.s.addr, a[1],
                 a.size() == 3 ? " with value " + std::string(a[2]) : "", ups->name(), id.value_or("disabled"));
    if (!ups->send(line)) {
        if (id) c.server.tracking.update(*id, 3);
        return send_err(c.out, Err::InstcmdFailed);
    }
    sent_reply(c, id);
}

void cmd_get(Ctx &c) { detail::handle_get(c.server, c.s, c.args, c.out); }
void cmd_list(Ctx &c) { detail::handle_list(c.server, c.s, c.args, c.out); }
// nutpp extension (server/push.hpp); NUT has no NUTPP verb and answers it with UNKNOWN-COMMAND.
void cmd_nutpp(Ctx &c) { detail::handle_nutpp(c.server, c.s, c.args, c.out); }

struct Verb {
    std::string_view name;
    void (*handler)(Ctx &);
    bool needs_user; // USERNAME and PASSWORD must have been sent (checked before the arguments)
};

constexpr std::array<Verb, 17> kVerbs{{
    {"VER", cmd_ver, false},
    {"NETVER", cmd_netver, false},
    {"PROTVER", cmd_netver, false},
    {"HELP", cmd_help, false},
    {"STARTTLS", cmd_starttls, false},
    {"LIST", cmd_list, false},
    {"GET", cmd_get, false},
    {"USERNAME", cmd_username, false},
    {"PASSWORD", cmd_password, false},
    {"LOGOUT", cmd_logout, false},
    {"LOGIN", cmd_login, true},
    {"PRIMARY", cmd_primary, true},
    {"MASTER", cmd_master, true},
    {"FSD", cmd_fsd, true},
    {"SET", cmd_set, true},
    {"INSTCMD", cmd_instcmd, true},
    {"NUTPP", cmd_nutpp, false},
}};

} // namespace

void handle_request(ServerContext &ctx, Session &s, Words words, std::string &out) {
    if (words.empty()) return send_err(out, Err::UnknownCommand);
    for (const auto &v : kVerbs) {
        if (!iequals(v.name, words[0])) continue;
        if (v.needs_user && !s.username) return send_err(out, Err::UsernameRequired);
        if (v.needs_user && !s.password) return send_err(out, Err::PasswordRequired);
        if (v.needs_user && (s.verdict == Session::Verdict::Unknown || s.verdict_users != ctx.users_generation)) {
            s.after = Session::After::NeedVerdict; // nothing written: the line runs again later
            return;
        }
        Ctx c{ctx, s, words.subspan(1), out};
        v.handler(c);
        return;
    }
    send_err(out, Err::UnknownCommand);
}

} // namespace nutpp::server
