#include "driver_socket/request.hpp"

#include "common/strings.hpp"

namespace nutpp::driver_socket {

using common::iequals;

Request parse_request(const std::vector<std::string> &w) {
    Request r;
    if (w.empty()) return r;
    const std::string &verb = w[0];
    if (iequals(verb, "DUMPALL")) {
        r.kind = Request::Kind::DumpAll;
    } else if (iequals(verb, "PING")) {
        r.kind = Request::Kind::Ping;
    } else if (iequals(verb, "LOGOUT")) {
        r.kind = Request::Kind::Logout;
    } else if (iequals(verb, "INSTCMD")) {
        // INSTCMD cmd [param] [TRACKING id]: 2..5 words, TRACKING only in the last-but-one slot.
        r.kind = Request::Kind::InstCmd;
        const size_t n = w.size();
        const bool tracked = n >= 4 && iequals(w[n - 2], "TRACKING");
        const size_t plain = tracked ? n - 2 : n;
        if (n < 2 || n > 5 || plain > 3) {
            r.kind = Request::Kind::Malformed;
            r.why = "INSTCMD with " + std::to_string(n - 1) + " arguments";
            return r;
        }
        r.name = w[1];
        if (plain == 3) r.value = w[2];
        if (tracked) r.tracking = w[n - 1];
    } else if (iequals(verb, "SET")) {
        r.kind = Request::Kind::Set;
        const size_t n = w.size();
        if (n == 3) {
            r.name = w[1];
            r.value = w[2];
        } else if (n == 5 && iequals(w[3], "TRACKING")) {
            r.name = w[1];
            r.value = w[2];
            r.tracking = w[4];
        } else {
            r.kind = Request::Kind::Malformed;
            r.why = "SET with " + std::to_string(n - 1) + " arguments";
        }
    }
    return r; // anything else: Ignored (NUT drivers ignore unknown commands silently)
}

std::string tracking_line(const std::string &id, TrackingResult r) {
    return "TRACKING " + id + " " + std::to_string(static_cast<int>(r));
}

} // namespace nutpp::driver_socket
