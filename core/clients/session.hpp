// The admin half shared by upscmd and upsrw: log in with USERNAME/PASSWORD, optionally turn on
// tracking, and report the outcome of an action (INSTCMD / SET VAR) the way NUT 2.8.0 does.
#pragma once

#include "client/connection.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <string>

namespace nutpp::clients {

inline constexpr unsigned kDefaultTrackingTimeoutS = 10; // -t default, seconds

// How a client opens its connection. NUT 2.8.0's upsc announces its (absent) TLS set-up on stderr
// and offers STARTTLS, going on in clear text when refused; upscmd and upsrw do neither.
enum class Greeting { Plain, UpscStartTls };
// Connects; on failure prints NUT's message and returns nullopt.
std::optional<client::Connection> open_connection(const client::Endpoint &ep, Greeting greeting);
// LOGOUT, ignoring a server that hangs up first (the answer is already printed).
void say_goodbye(client::Connection &conn);

// The whole of an upscmd/upsrw action: USERNAME and PASSWORD, `action` (which returns the
// server's OK line), the outcome on stderr, LOGOUT. Returns the exit code.
//  * USERNAME/PASSWORD refusals are not fatal here, as in NUT: the action then fails with upsd's real
//    reason (USERNAME-REQUIRED, ACCESS-DENIED...). Empty values are not sent at all (NUT sends a bare
//    word upsd rejects, with the same end result).
//  * ERR from upsd  -> "Unexpected response from upsd: <line>", returns 1;
//  * no tracking    -> the OK line ("OK"), returns 0;
//  * with tracking (`wait` true: SET TRACKING ON is sent first) -> polls GET TRACKING once a second
//    until it is no longer PENDING and prints that answer ("SUCCESS", "ERR UNKNOWN"...; still exit 0,
//    as NUT), or after `timeout` prints "Can't receive status tracking information: timeout", returns 1;
//  * a connection failure prints its message and returns 1 (no LOGOUT).
int run_authenticated_action(client::Connection &conn, const std::string &user, const std::string &pass, bool wait,
                             std::chrono::seconds timeout, const std::function<std::string()> &action);

// Parses the -t operand as NUT does (unsigned decimal); prints NUT's message and returns false if bad.
bool parse_timeout_option(const char *text, unsigned &out);

} // namespace nutpp::clients
