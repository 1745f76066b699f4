// nutpp's push extension to the NUT protocol: a client that wants to hear of status changes at once
// (instead of polling every few seconds) opens an EXTRA connection and sends
//
//   NUTPP WATCH <ups>            ->  OK
//                                    STATUS <ups> "<ups.status>"     (the current state, at once)
//   ... later, unsolicited, whenever the state changes:
//                                    STATUS <ups> "<ups.status>"
//                                    STATUS <ups> ERR DATA-STALE | ERR DRIVER-NOT-CONNECTED
//   NUTPP PING                   ->  OK PONG   (keep-alive: a watch is dropped after the idle
//                                              timeout, 60 s, like any silent client)
//
// Why this shape:
// - A real NUT 2.8.0 upsd answers "NUTPP ..." with ERR UNKNOWN-COMMAND, so a client learns in one
//   round trip that push is not offered and keeps polling; nothing is negotiated on the NUT session.
// - Only the extra connection ever carries unsolicited lines. The connection that speaks plain NUT
//   (LOGIN, PRIMARY, GET VAR ...) is untouched, so NUMLOGINS / LIST CLIENT and every reply stay
//   exactly NUT's; the watch connection never logs in.
// - The push says only "look now": the client re-polls with GET VAR, so the decision logic runs on
//   the one tested path, and a lost or reordered push costs at most one polling interval.
// - One "NUTPP" verb with subcommands keeps the whole extension in one namespace that NUT will
//   never use, so future NUT verbs cannot collide with ours.
// - WATCH needs no login: it tells only what an anonymous GET VAR tells. What bounds it is what
//   bounds every connection: the idle timeout and the per-address connection limit (maxconn_per_address).
// The STATUS text is what GET VAR <ups> ups.status would answer (value or ERR token), sent only
// when it differs from the last one pushed for that UPS.
#pragma once

#include "server/protocol.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace nutpp::server {

// "STATUS <ups> ..." line (with '\n') for the current state of `ups`.
std::string push_status_line(const ServerContext &ctx, const Ups &ups);

namespace detail {
// The NUTPP verb: args after "NUTPP". Sets s.watch on success.
void handle_nutpp(ServerContext &ctx, Session &s, Words args, std::string &out);
} // namespace detail

} // namespace nutpp::server
