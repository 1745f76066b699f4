// Connection: the typed protocol calls (GET/LIST/SET/INSTCMD/session verbs) on top of request/list.
#include "client/connection.hpp"

#include "common/parseconf.hpp"
#include "common/strings.hpp"

namespace nutpp::client {

namespace {

std::string cmd(std::initializer_list<std::string_view> words) {
    std::string r;
    for (auto w : words) {
        if (!r.empty()) r += ' ';
        r += w;
    }
    return r;
}

// Items of a LIST block must carry exactly `n` words after the echo.
void require_width(const std::vector<std::vector<std::string>> &items, size_t n, Socket &sock) {
    for (const auto &it : items)
        if (it.size() != n) {
            sock.close();
            throw Error(std::string(msg::invalid_response), {}, common::join(it, " "));
        }
}

std::vector<Connection::NameValue> pairs(std::vector<std::vector<std::string>> items) {
    std::vector<Connection::NameValue> out;
    out.reserve(items.size());
    for (auto &it : items) out.emplace_back(std::move(it[0]), std::move(it[1]));
    return out;
}

std::vector<std::string> singles(std::vector<std::vector<std::string>> items) {
    std::vector<std::string> out;
    out.reserve(items.size());
    for (auto &it : items) out.push_back(std::move(it[0]));
    return out;
}

} // namespace

std::vector<Connection::NameValue> Connection::list_ups() {
    auto items = list("UPS");
    require_width(items, 2, sock_);
    return pairs(std::move(items));
}

std::vector<Connection::NameValue> Connection::list_var(const std::string &ups) {
    auto items = list(cmd({"VAR", wire_word(ups)}));
    require_width(items, 2, sock_);
    return pairs(std::move(items));
}

std::vector<Connection::NameValue> Connection::list_rw(const std::string &ups) {
    auto items = list(cmd({"RW", wire_word(ups)}));
    require_width(items, 2, sock_);
    return pairs(std::move(items));
}

std::vector<std::string> Connection::list_cmd(const std::string &ups) {
    auto items = list(cmd({"CMD", wire_word(ups)}));
    require_width(items, 1, sock_);
    return singles(std::move(items));
}

std::vector<std::string> Connection::list_enum(const std::string &ups, const std::string &var) {
    auto items = list(cmd({"ENUM", wire_word(ups), wire_word(var)}));
    require_width(items, 1, sock_);
    return singles(std::move(items));
}

std::vector<Connection::NameValue> Connection::list_range(const std::string &ups, const std::string &var) {
    auto items = list(cmd({"RANGE", wire_word(ups), wire_word(var)}));
    require_width(items, 2, sock_);
    return pairs(std::move(items));
}

std::vector<std::string> Connection::list_client(const std::string &ups) {
    auto items = list(cmd({"CLIENT", wire_word(ups)}));
    require_width(items, 1, sock_);
    return singles(std::move(items));
}

std::string Connection::get_var(const std::string &ups, const std::string &var) {
    return query(cmd({"GET VAR", wire_word(ups), wire_word(var)}), {"VAR", ups, var}).front();
}

std::vector<std::string> Connection::get_type(const std::string &ups, const std::string &var) {
    return query(cmd({"GET TYPE", wire_word(ups), wire_word(var)}), {"TYPE", ups, var}, 1, 8);
}

std::string Connection::get_desc(const std::string &ups, const std::string &var) {
    return query(cmd({"GET DESC", wire_word(ups), wire_word(var)}), {"DESC", ups, var}).front();
}

std::string Connection::get_cmddesc(const std::string &ups, const std::string &command) {
    return query(cmd({"GET CMDDESC", wire_word(ups), wire_word(command)}), {"CMDDESC", ups, command}).front();
}

std::string Connection::get_upsdesc(const std::string &ups) {
    return query(cmd({"GET UPSDESC", wire_word(ups)}), {"UPSDESC", ups}).front();
}

long Connection::get_numlogins(const std::string &ups) {
    const std::string n = query(cmd({"GET NUMLOGINS", wire_word(ups)}), {"NUMLOGINS", ups}).front();
    long long v = 0;
    if (!common::parse_int(n, v) || v < 0) {
        close();
        throw Error(std::string(msg::invalid_response), {}, n);
    }
    return static_cast<long>(v);
}

std::string Connection::version() { return request("VER"); }

std::string Connection::protocol_version() { return request("NETVER"); }

void Connection::username(const std::string &name) { expect_ok(cmd({"USERNAME", wire_word(name)})); }

void Connection::password(const std::string &pass) { expect_ok(cmd({"PASSWORD", wire_word(pass)})); }

void Connection::login(const std::string &ups) { expect_ok(cmd({"LOGIN", wire_word(ups)})); }

std::string Connection::primary(const std::string &ups) {
    try {
        return expect_ok(cmd({"PRIMARY", wire_word(ups)}));
    } catch (const Error &e) {
        // Servers older than NUT 2.8.0 only know the MASTER spelling.
        if (e.code != "UNKNOWN-COMMAND") throw;
    }
    return expect_ok(cmd({"MASTER", wire_word(ups)}));
}

void Connection::fsd(const std::string &ups) { expect_ok(cmd({"FSD", wire_word(ups)})); }

void Connection::logout() {
    if (!sock_.is_open()) return;
    send_line("LOGOUT");
    std::string reply;
    try {
        reply = read_line();
    } catch (const Error &) {
        // The server may close before we read its goodbye; the session is over either way.
        close();
        return;
    }
    close();
    if (reply.starts_with("ERR")) throw error_from_reply(reply);
}

std::string Connection::instcmd(const std::string &ups, const std::string &command,
                                const std::optional<std::string> &arg) {
    std::string line = cmd({"INSTCMD", wire_word(ups), wire_word(command)});
    if (arg) line += " " + wire_word(*arg);
    return expect_ok(line);
}

std::string Connection::set_var(const std::string &ups, const std::string &var, const std::string &value) {
    // Always quoted, like upsrw: an empty value is legal ("" deletes it on dummy-ups).
    return expect_ok(cmd({"SET VAR", wire_word(ups), wire_word(var), common::quote(value)}));
}

void Connection::set_tracking(bool on) { expect_ok(on ? "SET TRACKING ON" : "SET TRACKING OFF"); }

bool Connection::tracking_enabled() {
    const std::string r = request("GET TRACKING");
    if (r == "ON") return true;
    if (r == "OFF") return false;
    close();
    throw Error(std::string(msg::invalid_response), {}, r);
}

std::string Connection::get_tracking(const std::string &id) {
    std::string r = request(cmd({"GET TRACKING", wire_word(id)}));
    if (r == "PENDING" || r == "SUCCESS") return r;
    close();
    throw Error(std::string(msg::invalid_response), {}, r);
}

std::optional<std::string> Connection::tracking_id(std::string_view reply) {
    const auto tl = common::tokenize_line(reply);
    if (tl.error || tl.words.size() != 3 || tl.words[0] != "OK" || !common::iequals(tl.words[1], "TRACKING"))
        return std::nullopt;
    return tl.words[2];
}

} // namespace nutpp::client
