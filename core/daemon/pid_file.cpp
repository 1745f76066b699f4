#include "daemon/pid_file.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace nutpp::daemon {

namespace {

std::string err(const std::string &what, const std::string &path) {
    return what + " " + path + ": " + strerror(errno);
}

pid_t read_pid(int fd) {
    char buf[32] = {};
    const ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    if (n <= 0) return 0;
    const long pid = strtol(buf, nullptr, 10);
    return pid > 1 ? static_cast<pid_t>(pid) : 0;
}

} // namespace

void make_state_dir(const std::string &path, std::optional<gid_t> group) {
    namespace fs = std::filesystem;
    const fs::path p = fs::absolute(path);
    std::error_code ec;
    if (p.has_parent_path() && !fs::exists(p.parent_path(), ec)) {
        fs::create_directories(p.parent_path(), ec);
        if (ec) throw std::runtime_error("cannot create " + p.parent_path().string() + ": " + ec.message());
        fs::permissions(p.parent_path(), fs::perms(0755), ec);
    }
    const bool created = mkdir(p.c_str(), 0700) == 0;
    if (!created && errno != EEXIST) throw std::runtime_error(err("cannot create state_dir", path));
    const int fd = open(p.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        throw std::runtime_error(errno == ELOOP || errno == ENOTDIR
                                     ? "state_dir " + path + " is not a directory (or is a symbolic link): refusing it"
                                     : err("cannot open state_dir", path));
    // Only a directory we just made gets our modes: chmod/chown of an existing one could be /run.
    if (created) {
        const bool ok = (!group || geteuid() != 0 || fchown(fd, 0, *group) == 0) && fchmod(fd, 0770) == 0;
        const int e = errno;
        close(fd);
        if (!ok) {
            errno = e;
            throw std::runtime_error(err("cannot set the mode of state_dir", path));
        }
        return;
    }
    struct stat st{};
    fstat(fd, &st);
    close(fd);
    if ((st.st_mode & S_IWOTH) && !(st.st_mode & S_ISVTX))
        throw std::runtime_error("state_dir " + path + " is writable by everyone: anyone could replace its sockets "
                                 "and pid files (make it 0770 or 0755)");
}

PidFile &PidFile::operator=(PidFile &&o) noexcept {
    if (this != &o) {
        release();
        path_ = std::move(o.path_);
        fd_ = o.fd_;
        o.fd_ = -1;
    }
    return *this;
}

PidFile PidFile::acquire(const std::string &program, const std::string &path) {
    // O_NOFOLLOW: a symlink planted at the path fails with ELOOP instead of redirecting our write.
    // No O_TRUNC: a running instance's pid must survive until we know it is not locked.
    const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0644);
    if (fd < 0) {
        if (errno == ELOOP) throw std::runtime_error("pid file " + path + " is a symbolic link: refusing to follow it");
        throw std::runtime_error(err("cannot open pid file", path));
    }
    PidFile pf;
    pf.path_ = path;
    pf.fd_ = fd;
    struct stat st{};
    if (fstat(fd, &st) != 0) {
        const std::string msg = err("cannot stat pid file", path);
        pf.forget();
        throw std::runtime_error(msg);
    }
    // A hard link to another file, or a file someone else made, would have us write into it.
    if (!S_ISREG(st.st_mode) || st.st_nlink != 1 || st.st_uid != geteuid()) {
        pf.forget();
        throw std::runtime_error("pid file " + path + " is not a regular file of ours with one link: refusing it");
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const int e = errno;
        const pid_t other = read_pid(fd);
        pf.forget();
        if (e == EWOULDBLOCK)
            throw std::runtime_error(program + " already running" +
                                     (other ? " as PID " + std::to_string(other) : std::string()) + " (pid file " +
                                     path + " is locked)");
        errno = e;
        throw std::runtime_error(err("cannot lock pid file", path));
    }
    if (fchmod(fd, 0644) != 0) throw std::runtime_error(err("cannot set the mode of pid file", path));
    pf.write_pid(getpid());
    return pf;
}

void PidFile::write_pid(pid_t pid) {
    const std::string text = std::to_string(pid) + "\n";
    if (ftruncate(fd_, 0) != 0 || pwrite(fd_, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size()))
        throw std::runtime_error(err("cannot write pid file", path_));
}

void PidFile::release() {
    if (fd_ < 0) return;
    unlink(path_.c_str()); // still locked: nobody else can be using this file
    forget();
}

void PidFile::forget() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
}

std::optional<pid_t> locked_pid(const std::string &path) {
    const int fd = open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) return std::nullopt;
    std::optional<pid_t> out;
    // A shared lock we can take means no instance holds the exclusive one: a stale file.
    if (flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK) {
        const pid_t pid = read_pid(fd);
        if (pid) out = pid;
    }
    close(fd);
    return out;
}

} // namespace nutpp::daemon
