#include "host/store_mirror.hpp"

#include <charconv>

namespace nutpp::host {

namespace {

bool to_long(const std::string &s, long long &out) {
    const auto *end = s.data() + s.size();
    auto [p, ec] = std::from_chars(s.data(), end, out);
    return ec == std::errc() && p == end;
}

} // namespace

void StoreMirror::begin_generation() {
    dump_done_ = false;
    seen_vars_.clear();
    seen_cmds_.clear();
}

bool StoreMirror::apply(const std::vector<std::string> &w, std::optional<Tracking> &tracking) {
    tracking.reset();
    if (w.empty()) return false;
    const std::string &verb = w[0];
    const size_t n = w.size();
    using common::iequals;
    if (iequals(verb, "SETINFO") && n >= 3) {
        seen_vars_.insert(w[1]);
        store_.set(w[1], w[2]);
    } else if (iequals(verb, "DELINFO") && n >= 2) {
        seen_vars_.erase(w[1]);
        store_.erase(w[1]);
    } else if (iequals(verb, "ADDENUM") && n >= 3) {
        store_.add_enum(w[1], w[2]);
    } else if (iequals(verb, "DELENUM") && n >= 3) {
        // The store has no single-value removal: rebuild the list without it.
        if (auto v = store_.get(w[1])) {
            store_.clear_enums(w[1]);
            for (const auto &e : v->enums)
                if (e != w[2]) store_.add_enum(w[1], e);
        }
    } else if (iequals(verb, "ADDRANGE") && n >= 4) {
        long long lo = 0, hi = 0;
        if (!to_long(w[2], lo) || !to_long(w[3], hi)) return false;
        store_.add_range(w[1], store::Range{lo, hi});
    } else if (iequals(verb, "DELRANGE") && n >= 4) {
        long long lo = 0, hi = 0;
        if (!to_long(w[2], lo) || !to_long(w[3], hi)) return false;
        if (auto v = store_.get(w[1])) {
            store_.clear_ranges(w[1]);
            for (const auto &r : v->ranges)
                if (!(r.min == lo && r.max == hi)) store_.add_range(w[1], r);
        }
    } else if (iequals(verb, "SETAUX") && n >= 3) {
        long long aux = 0;
        if (!to_long(w[2], aux)) return false;
        store_.set_aux(w[1], static_cast<long>(aux));
    } else if (iequals(verb, "SETFLAGS") && n >= 2) {
        uint32_t flags = 0;
        for (size_t i = 2; i < n; ++i) {
            if (iequals(w[i], "RW")) flags |= store::FLAG_RW;
            else if (iequals(w[i], "STRING")) flags |= store::FLAG_STRING;
            else if (iequals(w[i], "NUMBER")) flags |= store::FLAG_NUMBER;
        }
        store_.set_flags(w[1], flags);
    } else if (iequals(verb, "ADDCMD") && n >= 2) {
        seen_cmds_.insert(w[1]);
        store_.add_cmd(w[1]);
    } else if (iequals(verb, "DELCMD") && n >= 2) {
        seen_cmds_.erase(w[1]);
        store_.del_cmd(w[1]);
    } else if (iequals(verb, "DATAOK")) {
        store_.set_data_ok(true);
    } else if (iequals(verb, "DATASTALE")) {
        store_.set_data_ok(false);
    } else if (iequals(verb, "DUMPDONE")) {
        if (!dump_done_) {
            // What the previous worker published and this one did not: gone.
            for (const auto &v : store_.variables())
                if (!seen_vars_.count(v.name)) store_.erase(v.name);
            for (const auto &c : store_.commands())
                if (!seen_cmds_.count(c)) store_.del_cmd(c);
        }
        dump_done_ = true;
    } else if (iequals(verb, "TRACKING") && n >= 3) {
        long long r = 0;
        if (!to_long(w[2], r)) return false;
        tracking = Tracking{w[1], static_cast<int>(r)};
    } else {
        return !(iequals(verb, "SETINFO") || iequals(verb, "DELINFO") || iequals(verb, "ADDENUM") ||
                 iequals(verb, "DELENUM") || iequals(verb, "ADDRANGE") || iequals(verb, "SETAUX") ||
                 iequals(verb, "SETFLAGS") || iequals(verb, "ADDCMD") || iequals(verb, "DELCMD") ||
                 iequals(verb, "TRACKING"));
    }
    return true;
}

} // namespace nutpp::host
