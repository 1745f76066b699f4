// Pid files that are also the daemon's single-instance lock, and the state directory they live in.
// Modes are explicit (independent of the umask) and nothing follows a symbolic link planted there.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

namespace nutpp::daemon {

// Creates `path` (and missing parents, 0755) if needed: mode 0770, group `group` when we are root,
// so the service account can create sockets and remove pid files there. An existing directory is
// kept as it is (it may be shared, e.g. /run), but a symlink or a non-directory is refused.
// Throws std::runtime_error.
void make_state_dir(const std::string &path, std::optional<gid_t> group);

// An open, flock()ed pid file. The lock is held as long as the object lives (it is on the open file
// description: inherited by fork(), so detaching keeps it; the descriptor is close-on-exec).
class PidFile {
public:
    // Opens or creates `path` without following symlinks (O_NOFOLLOW), refuses anything but a
    // regular file with one link owned by us, takes flock(LOCK_EX|LOCK_NB) and writes our pid with
    // mode 0644. Throws std::runtime_error: "<program> already running as PID n" when locked.
    static PidFile acquire(const std::string &program, const std::string &path);

    PidFile() = default;
    PidFile(PidFile &&o) noexcept : path_(std::move(o.path_)), fd_(o.fd_) { o.fd_ = -1; }
    PidFile &operator=(PidFile &&o) noexcept;
    PidFile(const PidFile &) = delete;
    PidFile &operator=(const PidFile &) = delete;
    ~PidFile() { release(); }

    // Rewrites the pid (after detach(): the child's). Throws std::runtime_error.
    void write_pid(pid_t pid);
    // Unlinks the file (may fail silently after dropping root: an unlocked pid file means "not
    // running" to send_control and acquire) and releases the lock.
    void release();
    // Closes our descriptor without unlinking (a forked child that must not keep the lock).
    void forget();
    bool held() const { return fd_ >= 0; }
    const std::string &path() const { return path_; }

private:
    std::string path_;
    int fd_ = -1;
};

// The pid in `path` if a running instance holds its lock; nullopt if there is no such file or it
// is stale (nobody holds the lock). Never follows a symlink.
std::optional<pid_t> locked_pid(const std::string &path);

} // namespace nutpp::daemon
