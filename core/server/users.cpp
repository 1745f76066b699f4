#include "server/users.hpp"

#include "common/strings.hpp"

#include <crypt.h>

#include <cstring>
#include <memory>

namespace nutpp::server {

namespace {

bool equal_const_time(std::string_view a, std::string_view b) {
    unsigned char diff = a.size() == b.size() ? 0 : 1;
    const size_t n = std::min(a.size(), b.size());
    for (size_t i = 0; i < n; ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

} // namespace

bool verify_password(std::string_view given, const UserRights &u) {
    if (u.password_hash.empty()) return equal_const_time(given, u.password);
    if (u.password_hash[0] != '$') return false; // not a crypt(3) string we know how to check
    auto data = std::make_unique<crypt_data>(); // large (~32 KB): heap, and thread-safe crypt_r
    std::memset(data.get(), 0, sizeof(crypt_data));
    const std::string pw(given);
    const char *out = crypt_r(pw.c_str(), u.password_hash.c_str(), data.get());
    // libxcrypt returns "*0"/"*1" (or NULL) on failure; those never equal a real hash.
    return out && out[0] == '$' && equal_const_time(out, u.password_hash);
}

Users::Users(const std::vector<config::User> &users) {
    for (const auto &cu : users) {
        UserRights u;
        u.name = cu.name;
        u.password = cu.password;
        u.password_hash = cu.password_hash;
        for (const auto &a : cu.actions) {
            if (common::iequals(a, "set")) u.set = true;
            else if (common::iequals(a, "fsd")) u.fsd = true;
            else if (common::iequals(a, "login")) u.login = true;
            else if (common::iequals(a, "primary") || common::iequals(a, "master")) u.primary = true;
        }
        // NUT's rule: upsmon primary = login + primary + fsd; secondary = login.
        if (cu.upsmon == config::Role::Primary) u.login = u.primary = u.fsd = true;
        if (cu.upsmon == config::Role::Secondary) u.login = true;
        for (const auto &c : cu.instcmds) {
            if (common::iequals(c, "all")) u.all_instcmds = true;
            else u.instcmds.push_back(c);
        }
        users_.push_back(std::move(u));
    }
}

const UserRights *Users::authenticate(const std::string &user, const std::string &password) const {
    for (const auto &u : users_)
        if (u.name == user) return verify_password(password, u) ? &u : nullptr; // names are case-sensitive
    return nullptr;
}

bool Users::allowed(const std::string &user, const std::string &password, Action a) const {
    const UserRights *u = authenticate(user, password);
    if (!u) return false;
    switch (a) {
    case Action::Set: return u->set;
    case Action::Fsd: return u->fsd;
    case Action::Login: return u->login;
    case Action::Primary: return u->primary;
    }
    return false;
}

bool Users::allowed_instcmd(const std::string &user, const std::string &password, std::string_view cmd) const {
    const UserRights *u = authenticate(user, password);
    if (!u) return false;
    if (u->all_instcmds) return true;
    for (const auto &c : u->instcmds)
        if (common::iequals(c, cmd)) return true;
    return false;
}

} // namespace nutpp::server
