// The NUT network protocol (3493) as NUT 2.8.0's upsd speaks it: one tokenized request line in,
// the complete reply (possibly many lines, e.g. LIST VAR) appended to a string out, so the network
// layer can send it with a single write. No I/O here, which keeps the command logic testable.
#pragma once

#include "server/errors.hpp"
#include "server/tracking.hpp"
#include "server/ups.hpp"
#include "server/users.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace nutpp::server {

// The protocol level and the NUT release whose behaviour we reproduce.
inline constexpr std::string_view kProtocolVersion = "1.3";
inline constexpr std::string_view kNutCompatVersion = "2.8.0";

// Per-connection protocol state.
struct Session {
    std::string addr;                         // peer address as LIST CLIENT shows it
    std::optional<std::string> username, password;
    Ups *login_ups = nullptr;                 // set by LOGIN
    bool tracking = false;                    // SET TRACKING ON|OFF
    bool tls = false;
    std::vector<std::string> watch;           // NUTPP WATCH: UPS names pushed to (server/push.hpp)
    // The password's verdict, kept for the connection (USERNAME and PASSWORD can be sent only once)
    // and valid while the user list is the one of `verdict_users` (ServerContext::users_generation).
    enum class Verdict { Unknown, Granted, Denied } verdict = Verdict::Unknown;
    uint64_t verdict_users = 0;
    // What the network layer does next. NeedVerdict: the request was not run, because it needs the
    // password's verdict; the network layer gets it (server/auth.hpp) and runs the request again.
    enum class After { None, Close, StartTls, NeedVerdict } after = After::None;
};

// Everything the commands read or change, owned by the server.
struct ServerContext {
    std::vector<std::unique_ptr<Ups>> upses; // configuration order = LIST UPS order
    Users users;
    uint64_t users_generation = 1;            // bumped whenever `users` is replaced (reload)
    Tracking tracking;
    std::chrono::seconds maxage{15};
    bool tls_configured = false;              // certificate loaded: STARTTLS allowed
    std::string version_line;                 // VER reply and server.info

    Ups *find(std::string_view name) const;
};

// The words of one request line, viewing the caller's buffer (valid for the call only).
using Words = std::span<const std::string_view>;

// Handles one request line (already tokenized; may be empty) and appends the reply.
void handle_request(ServerContext &ctx, Session &s, Words words, std::string &out);

// Forgets a session's LOGIN (connection closing, UPS removed).
void drop_login(Session &s);

// Helpers shared by the command files.
namespace detail {
void send_err(std::string &out, Err e);
// NUT's ups_available(): false (and ERR written) when the driver is gone or stale.
bool available(const ServerContext &ctx, const Ups &ups, std::string &out);
void handle_get(ServerContext &ctx, Session &s, Words args, std::string &out);
void handle_list(ServerContext &ctx, Session &s, Words args, std::string &out);
} // namespace detail

} // namespace nutpp::server
