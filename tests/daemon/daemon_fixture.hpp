// A private directory (0755, so a service account can traverse it) with a nutpp config serving the
// sim plugin on a copied .dev file, for starting the real daemons; helpers to inspect them.
#pragma once

#include "process.hpp"

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

namespace nutpp::testing {

// An unprivileged account that exists here: nut (Debian's nut packages), else nobody:nogroup.
struct TestAccount {
    std::string user, group;
    uid_t uid;
    gid_t gid;
};
std::optional<TestAccount> test_account();

class DaemonSandbox {
public:
    // `top` is extra top-level YAML (e.g. "user: nut\n").
    explicit DaemonSandbox(const std::string &top = "");
    ~DaemonSandbox();

    const std::filesystem::path &dir() const { return dir_; }
    std::string config() const { return (dir_ / "nutpp.yaml").string(); }
    std::filesystem::path state_dir() const { return dir_ / "run"; }
    std::filesystem::path socket() const { return state_dir() / "sim-demo"; }
    uint16_t port() const { return port_; }

    // Starts `bin -F -f config`, output to <dir>/<name>.log. `shell_prefix` runs first (e.g. "umask 000;").
    Daemon start(const std::string &bin, const std::string &name, const std::string &shell_prefix = "") const;
    std::string log(const std::string &name) const;
    // Polls our upsc until `ups.status` is served (true) or the timeout passes.
    bool serves(std::chrono::milliseconds timeout) const;

private:
    std::filesystem::path dir_;
    uint16_t port_;
};

bool wait_for(const std::filesystem::path &p, std::chrono::milliseconds timeout);
// "Uid:\t..." and "Gid:\t..." of every thread of `pid` (empty when it is gone).
std::vector<std::pair<uid_t, gid_t>> thread_ids(pid_t pid);
// mode, uid, gid of a path (lstat).
struct Owner {
    unsigned mode;
    uid_t uid;
    gid_t gid;
};
Owner owner_of(const std::filesystem::path &p);

} // namespace nutpp::testing
