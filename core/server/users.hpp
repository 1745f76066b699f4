// upsd's user database: who may SET, FSD, LOGIN, PRIMARY and run which instant commands.
//
// Passwords: `password` is compared exactly (constant time). `password_hash` holds a crypt(3)
// string verified with libxcrypt's crypt_r(): "$y$" (yescrypt, Debian's default), "$gy$",
// "$7$" (scrypt), "$2b$" (bcrypt), "$6$"/"$5$" (SHA-crypt). Create one with e.g.
// `mkpasswd -m yescrypt` or `openssl passwd -6`. Other strings never match.
//
// Verifying a password is split in two so the costly part can leave the event loop: check_for()
// copies what one USERNAME needs (on the loop thread), PasswordCheck::verify() runs the hash (on a
// worker, server/auth.hpp). The verdict is kept on the connection (Session), so a password is
// hashed once per connection, not once per FSD/SET/INSTCMD line.
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

// Everything needed to verify one user's password, copied out of Users so a worker thread can use
// it while the loop reloads the user list.
struct PasswordCheck {
    bool known = false;   // the user exists
    bool hashed = false;  // compare against `hash` (else against `plain`)
    std::string plain;
    // crypt(3) string the password is run through. For a plain or unknown user this is another
    // user's hash (when any user has one): every attempt then costs one hash, so the reply time
    // does not tell which names exist or which kind of password they have.
    std::string hash;
    bool costly() const { return !hash.empty(); }
    bool verify(std::string_view password) const;
};

class Users {
public:
    Users() = default;
    explicit Users(const std::vector<config::User> &users);

    PasswordCheck check_for(const std::string &user) const;
    // The user's rights (names are case-sensitive, as in NUT), or nullptr.
    const UserRights *find(const std::string &user) const;
    // NUT checks rights only when an action is attempted: unknown user, wrong password and a
    // missing right all give ACCESS-DENIED. `u` is the verified user or nullptr.
    static bool allowed(const UserRights *u, Action a);
    static bool allowed_instcmd(const UserRights *u, std::string_view cmd);
    size_t size() const { return users_.size(); }

private:
    std::vector<UserRights> users_;
    std::string reference_hash_; // the first usable password_hash: what every check costs
};

} // namespace nutpp::server
