#include "daemon/account.hpp"

#include <spdlog/spdlog.h>

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace nutpp::daemon {

namespace {

std::string group_name(gid_t gid) {
    const group *gr = getgrgid(gid);
    return gr ? gr->gr_name : std::to_string(gid);
}

std::string user_name(uid_t uid) {
    const passwd *pw = getpwuid(uid);
    return pw ? pw->pw_name : std::to_string(uid);
}

// The permission bits that apply to `acct` for a file with this owner and mode (0..7).
int bits_for(const Account &acct, const struct stat &st) {
    if (acct.uid == st.st_uid) return (st.st_mode >> 6) & 7;
    if (std::find(acct.groups.begin(), acct.groups.end(), st.st_gid) != acct.groups.end()) return (st.st_mode >> 3) & 7;
    return st.st_mode & 7;
}

} // namespace

Account resolve_account(const std::string &user, const std::string &group) {
    Account a;
    a.user = user.empty() ? kDefaultUser : user;
    const passwd *pw = getpwnam(a.user.c_str());
    if (!pw) throw std::runtime_error("user '" + a.user + "' does not exist");
    a.uid = pw->pw_uid;
    a.gid = pw->pw_gid;
    if (!group.empty()) {
        const struct group *gr = getgrnam(group.c_str());
        if (!gr) throw std::runtime_error("group '" + group + "' does not exist");
        a.gid = gr->gr_gid;
    }
    a.group = group_name(a.gid);
    int n = 64;
    std::vector<gid_t> groups(static_cast<size_t>(n));
    if (getgrouplist(a.user.c_str(), a.gid, groups.data(), &n) < 0) {
        groups.resize(static_cast<size_t>(n));
        getgrouplist(a.user.c_str(), a.gid, groups.data(), &n);
    }
    groups.resize(static_cast<size_t>(std::max(n, 0)));
    a.groups = std::move(groups);
    if (std::find(a.groups.begin(), a.groups.end(), a.gid) == a.groups.end()) a.groups.push_back(a.gid);
    return a;
}

std::string describe_mode(const std::string &path) {
    struct stat st{};
    if (stat(path.c_str(), &st) != 0) return strerror(errno);
    char mode[8];
    snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return std::string(mode) + " " + user_name(st.st_uid) + ":" + group_name(st.st_gid);
}

bool account_can(const Account &acct, const std::string &path, int mode, std::string *why) {
    if (acct.is_root()) return true;
    namespace fs = std::filesystem;
    const fs::path p = fs::absolute(path);
    // Search permission on every directory above, then `mode` on the path itself.
    fs::path prefix;
    for (auto it = p.begin(); it != p.end(); ++it) {
        prefix /= *it;
        const bool last = std::next(it) == p.end();
        struct stat st{};
        if (stat(prefix.c_str(), &st) != 0) {
            if (why) *why = prefix.string() + ": " + strerror(errno);
            return false;
        }
        const int want = last ? mode : X_OK;
        if ((bits_for(acct, st) & want) != want) {
            if (why) *why = prefix.string() + " is " + describe_mode(prefix.string());
            return false;
        }
    }
    return true;
}

void drop_to(const Account &acct) {
    if (initgroups(acct.user.c_str(), acct.gid) != 0 || setgid(acct.gid) != 0 || setuid(acct.uid) != 0)
        throw std::runtime_error("cannot switch to user " + acct.user + " (group " + acct.group +
                                 "): " + strerror(errno));
    if (acct.uid != 0 && (setuid(0) == 0 || seteuid(0) == 0))
        throw std::runtime_error("still able to regain root after switching to user " + acct.user);
}

std::optional<Account> account_to_become(const std::string &program, const std::string &user,
                                         const std::string &group, const std::string &state_dir) {
    if (geteuid() != 0) {
        if (!user.empty() && user != user_name(geteuid()))
            spdlog::warn("{}: not started as root: running as {}, not as the configured user {}", program,
                         user_name(geteuid()), user);
        return std::nullopt;
    }
    const bool configured = !user.empty();
    Account acct;
    try {
        acct = resolve_account(user, group);
    } catch (const std::exception &e) {
        if (configured || !group.empty())
            throw std::runtime_error(std::string(e.what()) + ": cannot run " + program + " as it (create it, or set " +
                                     "`user` to an existing account; `user: root` keeps root)");
        spdlog::warn("{}: the default user '{}' does not exist: RUNNING AS ROOT. Install Debian's nut-server "
                     "(it creates user nut) or set `user` to an unprivileged account", program, kDefaultUser);
        return std::nullopt;
    }
    if (acct.is_root()) return std::nullopt;
    // The state directory is created (0770 root:<group>) when missing; then its parent must be searchable.
    namespace fs = std::filesystem;
    std::error_code ec;
    const bool exists = fs::exists(state_dir, ec);
    const std::string check = exists ? state_dir : fs::absolute(state_dir).parent_path().string();
    std::string why;
    if (!account_can(acct, check, exists ? (R_OK | W_OK | X_OK) : X_OK, &why)) {
        const std::string msg = "user " + acct.user + " (group " + acct.group + ") cannot use state_dir " +
                                state_dir + ": " + why + " (make it 0770 root:" + acct.group +
                                ", or remove it so it is created so)";
        if (configured) throw std::runtime_error(msg);
        spdlog::warn("{}: {}: RUNNING AS ROOT", program, msg);
        return std::nullopt;
    }
    return acct;
}

} // namespace nutpp::daemon
