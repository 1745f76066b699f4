#include "server/push.hpp"

#include "common/strings.hpp"
#include "server/net_server.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace nutpp::server {

namespace {

// The GET VAR error a client would get instead of the status (NUT's ups_available()).
const char *unavailable_token(Availability a) {
    switch (a) {
    case Availability::DriverNotConnected: return "DRIVER-NOT-CONNECTED";
    case Availability::DataStale: return "DATA-STALE";
    case Availability::Ok: break;
    }
    return nullptr;
}

} // namespace

std::string push_status_line(const ServerContext &ctx, const Ups &ups) {
    std::string line = "STATUS " + ups.name() + " ";
    if (const char *err = unavailable_token(ups.availability(ctx.maxage))) {
        line += "ERR ";
        line += err;
    } else if (const VarEntry *v = ups.state().find("ups.status")) {
        line += "\"" + v->wire + "\"";
    } else {
        line += "ERR VAR-NOT-SUPPORTED";
    }
    line += '\n';
    return line;
}

namespace detail {

void handle_nutpp(ServerContext &ctx, Session &s, Words args, std::string &out) {
    if (args.empty()) return send_err(out, Err::InvalidArgument);
    if (common::iequals(args[0], "PING")) {
        // A watcher's keep-alive: watchers are idle clients like any other (an idle watch held a
        // connection slot forever), so they say something before the idle timeout.
        if (args.size() != 1) return send_err(out, Err::InvalidArgument);
        out += "OK PONG\n";
        return;
    }
    if (!common::iequals(args[0], "WATCH")) return send_err(out, Err::UnknownCommand);
    if (args.size() != 2) return send_err(out, Err::InvalidArgument);
    const Ups *ups = ctx.find(args[1]);
    if (!ups) return send_err(out, Err::UnknownUps);
    if (std::find(s.watch.begin(), s.watch.end(), ups->name()) == s.watch.end()) s.watch.push_back(ups->name());
    spdlog::debug("{} watches UPS [{}] (push)", s.addr, ups->name());
    out += "OK\n";
    // The current state right away: the client needs no extra GET to close the race between its
    // last poll and the WATCH.
    out += push_status_line(ctx, *ups);
}

} // namespace detail

// Called (through Ups::on_change) after driver lines were applied, on driver connect/disconnect and
// when staleness flips. Cheap when nothing changed: one string build and compare per UPS.
void NetServer::push_status(const Ups &ups) {
    // After a driver (re)connect GET answers WAIT until the dump is done (as NUT's upsd does); that
    // placeholder, or half a dump, is no state to announce: watchers would re-poll into it and see
    // a status change that never happened. DUMPDONE or the driver's loss pushes next. An error
    // (a driver silent past maxage during its dump) is still news.
    if (ups.dump_pending() && ups.availability(ctx_.maxage) == Availability::Ok) return;
    std::string line = push_status_line(ctx_, ups);
    std::string &last = pushed_[ups.name()];
    if (line == last) return;
    last = line;
    std::vector<int> dead;
    for (auto &[fd, c] : clients_) {
        const auto &w = c->session.watch;
        if (c->dead || c->closing || std::find(w.begin(), w.end(), ups.name()) == w.end()) continue;
        std::string copy = line; // emit() consumes its argument
        emit(*c, copy);
        flush(*c);
        if (c->dead) dead.push_back(fd);
    }
    for (int fd : dead) close_client(fd);
}

} // namespace nutpp::server
