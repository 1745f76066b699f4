// The service account nutpp's daemons run as once what needs root is open (NUT's `user`/`-u`,
// default `nut`): resolving it, checking what it will be able to reach, and switching to it.
// upsdrvd and upsd share the top-level `user`/`group` keys; upsmon's privsep uses drop_to() too.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace nutpp::daemon {

// NUT's compiled-in default (Debian's nut packages create this user and group).
inline constexpr const char *kDefaultUser = "nut";

struct Account {
    std::string user, group;
    uid_t uid = 0;
    gid_t gid = 0;
    std::vector<gid_t> groups; // supplementary groups the account gets (initgroups), gid included
    bool is_root() const { return uid == 0; }
};

// Resolves `user` (empty: kDefaultUser) and `group` (empty: the user's primary group).
// Throws std::runtime_error naming the missing user or group.
Account resolve_account(const std::string &user, const std::string &group);

// Whether `acct` may open `path` with the access `mode` (R_OK|W_OK|X_OK bits), judged from the
// mode bits of the path and of every directory above it (search permission). Root may do anything.
// On false, `why` says which component blocks it ("/run/nutpp is 0700 root:root").
bool account_can(const Account &acct, const std::string &path, int mode, std::string *why = nullptr);

// "0660 root:dialout" for messages.
std::string describe_mode(const std::string &path);

// Switches the whole process (every thread: glibc applies set*id to all of them) to `acct`:
// supplementary groups, gid, uid; then checks root cannot be regained. Throws on any failure.
void drop_to(const Account &acct);

// Which account a daemon started as root should become. `user`/`group` as configured (empty = not
// configured). An explicitly configured account that does not exist is an error (throws). The
// default `nut` that does not exist, or that cannot use `state_dir`, keeps root with a loud
// warning: refusing to start would leave the machine without power-failure protection, e.g. on a
// host without Debian's nut packages or with a state_dir left 0755 root:root by an older version.
// nullopt: stay as we are (not root, or the account is root).
std::optional<Account> account_to_become(const std::string &program, const std::string &user,
                                         const std::string &group, const std::string &state_dir);

} // namespace nutpp::daemon
