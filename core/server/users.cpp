#include "server/users.hpp"

#include "common/strings.hpp"

#include <crypt.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <cstring>
#include <memory>

namespace nutpp::server {

namespace {

// Compares in time that depends on neither the contents nor the lengths: both sides are reduced to
// SHA-256 digests (fixed size), which OpenSSL's CRYPTO_memcmp compares without an early exit (a
// plain loop may be turned into one by the compiler; CRYPTO_memcmp is written so it cannot).
bool equal_const_time(std::string_view a, std::string_view b) {
    unsigned char da[SHA256_DIGEST_LENGTH], db[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char *>(a.data()), a.size(), da);
    SHA256(reinterpret_cast<const unsigned char *>(b.data()), b.size(), db);
    // Equal digests of different strings would take a SHA-256 collision; the length check only
    // makes that impossible, and costs no timing (both sizes are always read).
    return (CRYPTO_memcmp(da, db, sizeof da) == 0) & (a.size() == b.size());
}

// A crypt(3) string we know how to check.
bool usable_hash(const std::string &h) { return !h.empty() && h[0] == '$'; }

} // namespace

bool PasswordCheck::verify(std::string_view password) const {
    bool hash_matches = false;
    if (!hash.empty()) {
        auto data = std::make_unique<crypt_data>(); // large (~32 KB): heap, and thread-safe crypt_r
        std::memset(data.get(), 0, sizeof(crypt_data));
        const std::string pw(password);
        const char *out = crypt_r(pw.c_str(), hash.c_str(), data.get());
        // libxcrypt returns "*0"/"*1" (or NULL) on failure; those never equal a real hash.
        hash_matches = out && out[0] == '$' && equal_const_time(out, hash);
    }
    if (!known) return false;
    return hashed ? hash_matches : equal_const_time(password, plain);
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
        if (reference_hash_.empty() && usable_hash(u.password_hash)) reference_hash_ = u.password_hash;
        users_.push_back(std::move(u));
    }
}

const UserRights *Users::find(const std::string &user) const {
    for (const auto &u : users_)
        if (u.name == user) return &u;
    return nullptr;
}

PasswordCheck Users::check_for(const std::string &user) const {
    PasswordCheck c;
    c.hash = reference_hash_;
    const UserRights *u = find(user);
    if (!u) return c;
    c.known = true;
    c.hashed = !u->password_hash.empty();
    if (c.hashed) {
        // An unusable hash never matches, but still costs what the others do.
        if (usable_hash(u->password_hash)) c.hash = u->password_hash;
        else c.known = false;
    } else {
        c.plain = u->password;
    }
    return c;
}

bool Users::allowed(const UserRights *u, Action a) {
    if (!u) return false;
    switch (a) {
    case Action::Set: return u->set;
    case Action::Fsd: return u->fsd;
    case Action::Login: return u->login;
    case Action::Primary: return u->primary;
    }
    return false;
}

bool Users::allowed_instcmd(const UserRights *u, std::string_view cmd) {
    if (!u) return false;
    if (u->all_instcmds) return true;
    for (const auto &c : u->instcmds)
        if (common::iequals(c, cmd)) return true;
    return false;
}

} // namespace nutpp::server
