// GET and LIST: the read-only queries. Replies echo the UPS and variable names exactly as the
// client typed them (libupsclient compares the echo), values come escaped and quoted.
#include "server/descriptions.hpp"
#include "server/protocol.hpp"

#include "common/parseconf.hpp"
#include "common/strings.hpp"

namespace nutpp::server::detail {

using common::append;
using common::iequals;
using Args = Words;

namespace {

void quoted(std::string &out, std::string_view wire_escaped) {
    out += '"';
    out += wire_escaped;
    out += '"';
}

// ups.status as clients see it: "FSD " in front once FSD was set (not in LIST RW, as NUT).
void status_value(std::string &out, const Ups &ups, std::string_view var, const VarEntry &v) {
    out += '"';
    if (ups.fsd && iequals(var, "ups.status")) out += "FSD ";
    out += v.wire;
    out += '"';
}

Ups *ups_or_err(ServerContext &ctx, std::string_view name, std::string &out) {
    Ups *u = ctx.find(name);
    if (!u) send_err(out, Err::UnknownUps);
    return u;
}

void get_var(ServerContext &ctx, std::string_view upsname, std::string_view var, std::string &out) {
    // server.* answers for any UPS name, even unknown ones (NUT does not look the UPS up first).
    if (iequals(var, "server.info") || iequals(var, "server.version")) {
        append(out, "VAR ", upsname, " ", var, " ");
        quoted(out, wire_value(iequals(var, "server.info") ? ctx.version_line : std::string(kNutCompatVersion)));
        out += '\n';
        return;
    }
    Ups *ups = ups_or_err(ctx, upsname, out);
    if (!ups || !available(ctx, *ups, out)) return;
    const VarEntry *v = ups->state().find(var);
    if (!v) return send_err(out, Err::VarNotSupported);
    append(out, "VAR ", upsname, " ", var, " ");
    status_value(out, *ups, var, *v);
    out += '\n';
}

void get_type(ServerContext &ctx, std::string_view upsname, std::string_view var, std::string &out) {
    Ups *ups = ups_or_err(ctx, upsname, out);
    if (!ups || !available(ctx, *ups, out)) return;
    const VarEntry *v = ups->state().find(var);
    if (!v) return send_err(out, Err::VarNotSupported);
    append(out, "TYPE ", upsname, " ", var);
    if (v->rw) out += " RW";
    if (!v->enums.empty()) out += " ENUM";
    if (!v->ranges.empty()) out += " RANGE";
    // STRING wins over NUMBER; a variable without a type flag is reported as NUMBER (NUT's rule).
    if (v->is_string) append(out, " STRING:", std::to_string(v->aux));
    else out += " NUMBER";
    out += '\n';
}

void get_desc(ServerContext &ctx, Args a, bool command, std::string &out) {
    Ups *ups = ups_or_err(ctx, a[1], out);
    if (!ups || !available(ctx, *ups, out)) return;
    append(out, command ? "CMDDESC " : "DESC ", a[1], " ", a[2], " ");
    quoted(out, wire_value(command ? cmd_description(a[2]) : var_description(a[2])));
    out += '\n';
}

} // namespace

void handle_get(ServerContext &ctx, Session &s, Args a, std::string &out) {
    if (a.empty()) return send_err(out, Err::InvalidArgument);
    if (iequals(a[0], "TRACKING")) {
        if (a.size() < 2) {
            out += s.tracking ? "ON\n" : "OFF\n";
            return;
        }
        if (!s.tracking) return send_err(out, Err::FeatureNotConfigured);
        const auto r = ctx.tracking.result(std::string(a[1]));
        if (!r) return send_err(out, Err::Unknown);
        out += tracking_reply(*r) + "\n";
        return;
    }
    if (a.size() < 2) return send_err(out, Err::InvalidArgument);
    if (iequals(a[0], "UPSDESC")) {
        Ups *ups = ups_or_err(ctx, a[1], out);
        if (!ups) return;
        append(out, "UPSDESC ", a[1], " ");
        quoted(out, wire_value(ups->desc().empty() ? "Unavailable" : ups->desc()));
        out += '\n';
        return;
    }
    if (iequals(a[0], "NUMLOGINS")) {
        Ups *ups = ups_or_err(ctx, a[1], out);
        if (!ups || !available(ctx, *ups, out)) return;
        append(out, "NUMLOGINS ", a[1], " ", std::to_string(ups->logins.size()), "\n");
        return;
    }
    if (a.size() < 3) return send_err(out, Err::InvalidArgument);
    if (iequals(a[0], "VAR")) return get_var(ctx, a[1], a[2], out);
    if (iequals(a[0], "TYPE")) return get_type(ctx, a[1], a[2], out);
    if (iequals(a[0], "DESC")) return get_desc(ctx, a, false, out);
    if (iequals(a[0], "CMDDESC")) return get_desc(ctx, a, true, out);
    send_err(out, Err::InvalidArgument);
}

namespace {

void list_ups(ServerContext &ctx, std::string &out) {
    out += "BEGIN LIST UPS\n";
    for (const auto &u : ctx.upses) {
        append(out, "UPS ", u->name(), " ");
        quoted(out, wire_value(u->desc().empty() ? std::string(kNoDescription) : u->desc()));
        out += '\n';
    }
    out += "END LIST UPS\n";
}

// LIST VAR and LIST RW share the walk; RW lists only writable variables and shows no FSD prefix.
void list_vars(ServerContext &ctx, std::string_view upsname, bool rw_only, std::string &out) {
    Ups *ups = ups_or_err(ctx, upsname, out);
    if (!ups || !available(ctx, *ups, out)) return;
    const std::string_view kind = rw_only ? "RW" : "VAR";
    std::string prefix;
    append(prefix, kind, " ", upsname, " ");
    out.reserve(out.size() + ups->state().vars().size() * (prefix.size() + 40) + 64);
    append(out, "BEGIN LIST ", kind, " ", upsname, "\n");
    for (const auto &[name, v] : ups->state().vars()) {
        if (rw_only && !v.rw) continue;
        out += prefix;
        out += name;
        out += ' ';
        if (rw_only) quoted(out, v.wire);
        else status_value(out, *ups, name, v);
        out += '\n';
    }
    append(out, "END LIST ", kind, " ", upsname, "\n");
}

void list_cmds(ServerContext &ctx, std::string_view upsname, std::string &out) {
    Ups *ups = ups_or_err(ctx, upsname, out);
    if (!ups || !available(ctx, *ups, out)) return;
    append(out, "BEGIN LIST CMD ", upsname, "\n");
    for (const auto &c : ups->state().commands()) append(out, "CMD ", upsname, " ", c, "\n");
    append(out, "END LIST CMD ", upsname, "\n");
}

void list_clients(ServerContext &ctx, std::string_view upsname, std::string &out) {
    Ups *ups = ups_or_err(ctx, upsname, out);
    if (!ups) return;
    append(out, "BEGIN LIST CLIENT ", upsname, "\n");
    for (const Session *s : ups->logins) append(out, "CLIENT ", ups->name(), " ", s->addr, "\n");
    append(out, "END LIST CLIENT ", upsname, "\n");
}

void list_enum_range(ServerContext &ctx, Args a, bool range, std::string &out) {
    Ups *ups = ups_or_err(ctx, a[1], out);
    if (!ups || !available(ctx, *ups, out)) return;
    const VarEntry *v = ups->state().find(a[2]);
    if (!v) return send_err(out, Err::VarNotSupported);
    std::string what;
    append(what, range ? "RANGE " : "ENUM ", a[1], " ", a[2]);
    append(out, "BEGIN LIST ", what, "\n");
    if (range) {
        for (const auto &[lo, hi] : v->ranges) {
            append(out, what, " ");
            quoted(out, wire_value(lo));
            out += ' ';
            quoted(out, wire_value(hi));
            out += '\n';
        }
    } else {
        for (const auto &e : v->enums) {
            append(out, what, " ");
            quoted(out, wire_value(e));
            out += '\n';
        }
    }
    append(out, "END LIST ", what, "\n");
}

} // namespace

void handle_list(ServerContext &ctx, Session &, Args a, std::string &out) {
    if (a.empty()) return send_err(out, Err::InvalidArgument);
    if (iequals(a[0], "UPS")) return list_ups(ctx, out);
    if (a.size() < 2) return send_err(out, Err::InvalidArgument);
    if (iequals(a[0], "VAR")) return list_vars(ctx, a[1], false, out);
    if (iequals(a[0], "RW")) return list_vars(ctx, a[1], true, out);
    if (iequals(a[0], "CMD")) return list_cmds(ctx, a[1], out);
    if (iequals(a[0], "CLIENT")) return list_clients(ctx, a[1], out);
    if (a.size() < 3) return send_err(out, Err::InvalidArgument);
    if (iequals(a[0], "ENUM")) return list_enum_range(ctx, a, false, out);
    if (iequals(a[0], "RANGE")) return list_enum_range(ctx, a, true, out);
    send_err(out, Err::InvalidArgument);
}

} // namespace nutpp::server::detail
