// `users:` (NUT's upsd.users): who may log in to upsd and what each may do.
#include "config/sections.hpp"

#include "common/strings.hpp"

namespace nutpp::config::detail {

namespace {

// Usernames travel as protocol words: printable ASCII, no quotes/backslash/'#' (they would need
// escaping that NUT clients do not all do).
bool valid_username(std::string_view s) {
    if (s.empty() || s.size() > 64) return false;
    for (unsigned char c : s)
        if (c <= 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '#') return false;
    return true;
}

std::vector<std::string> parse_actions(const Reader &r, const Entry &e) {
    static const std::vector<std::string> known = {"set", "fsd", "login", "primary", "master"};
    std::vector<std::string> out;
    for (const auto &w : word_entries(r, e, "a list of actions: set, fsd", " ,+")) {
        std::string a = choice(w, known);
        if (a == "master") a = "primary";
        out.push_back(std::move(a));
    }
    return out;
}

std::vector<std::string> parse_instcmds(const Reader &r, const Entry &e) {
    static const std::string expected = "a list of instant command names, or 'all'";
    std::vector<std::string> out;
    for (const auto &we : word_entries(r, e, expected, " ,")) {
        std::string w = text(we, expected);
        if (common::iequals(w, "all")) w = "all";
        else if (!is_simple_name(w)) fail(we, "invalid command name", expected);
        out.push_back(std::move(w));
    }
    return out;
}

User parse_user(const Reader &r, const Entry &u) {
    User user;
    user.name = u.key;
    user.where = u.key_at;
    if (!valid_username(user.name))
        fail_at(u.key_at, u.path, "invalid user name", "printable characters without spaces, quotes, '\\' or '#'");
    if (is_null(u) || !u.value.IsMap()) fail(u, is_null(u) ? "has no settings" : "is not a map", "a map with a password");
    std::string secret_key; // which of the password keys was used, to reject a second one
    const auto one_secret = [&](const Entry &e) {
        if (!secret_key.empty())
            fail_at(e.key_at, e.path, "conflicts with '" + secret_key + "'",
                    "only one of password, password_file, password_hash");
        secret_key = e.key;
    };
    apply_fields(entries(r, u),
                 {
                     {"password",
                      [&](const Entry &e) {
                          one_secret(e);
                          user.password = printable_text(e, "the password");
                          user.password_at = e.key_at;
                      }},
                     {"password_file",
                      [&](const Entry &e) {
                          one_secret(e);
                          user.password = read_secret_file(r, e);
                      }},
                     {"password_hash",
                      [&](const Entry &e) {
                          one_secret(e);
                          user.password_hash = text(e, "a password hash '<scheme>$...'");
                          if (user.password_hash.find('$') == std::string::npos)
                              fail(e, "is not a password hash", "'<scheme>$...'");
                      }},
                     {"actions", [&](const Entry &e) { user.actions = parse_actions(r, e); }},
                     {"instcmds", [&](const Entry &e) { user.instcmds = parse_instcmds(r, e); }},
                     {"upsmon", [&](const Entry &e) { user.upsmon = parse_role(e); }},
                 },
                 "a user");
    if (secret_key.empty())
        fail_at(u.key_at, u.path, "no password", "one of password, password_file, password_hash");
    return user;
}

} // namespace

std::vector<User> parse_users(const Reader &r, const Entry &section) {
    std::vector<User> out;
    // NUT compares usernames exactly, so "Admin" and "admin" are two users.
    for (const auto &e : entries(r, section)) out.push_back(parse_user(r, e));
    return out;
}

} // namespace nutpp::config::detail
