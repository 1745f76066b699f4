// upsd's user database: who may SET, FSD, LOGIN, PRIMARY and run which instant commands.
//
// Passwords: `password` is compared exactly (constant time). `password_hash` holds a crypt(3)
// string verified with libxcrypt's crypt_r(): "$y$" (yescrypt, Debian's default), "$gy$",
// "$7$" (scrypt), "$2b$" (bcrypt), "$6$"/"$5$" (SHA-crypt). Create one with e.g.
// `mkpasswd -m yescrypt` or `openssl passwd -6`. Other strings never match.
#pragma once

#include "config/config.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace nutpp::server {

enum class Action { Set, Fsd, Login, Primary };

struct UserRights {
    std::string name;
    std::string password;      // plain (may be empty if hashed)
    std::string password_hash; // crypt(3) string (may be empty if plain)
    bool set = false, fsd = false, login = false, primary = false;
    bool all_instcmds = false;
    std::vector<std::string> instcmds;
};

class Users {
public:
    Users() = default;
    explicit Users(const std::vector<config::User> &users);

    // NUT checks credentials only when an action is attempted: unknown user, wrong password and a
    // missing right all give ACCESS-DENIED.
    bool allowed(const std::string &user, const std::string &password, Action a) const;
    bool allowed_instcmd(const std::string &user, const std::string &password, std::string_view cmd) const;
    size_t size() const { return users_.size(); }

private:
    const UserRights *authenticate(const std::string &user, const std::string &password) const;
    std::vector<UserRights> users_;
};

bool verify_password(std::string_view given, const UserRights &u);

} // namespace nutpp::server
