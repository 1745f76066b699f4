#include "client/socket.hpp"

#include "client/error.hpp"

#include <nutpp/support/socket_wait.hpp>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace nutpp::client {

namespace {

// Deadline waits and the TCP connect loop are the plugin-support library's (NutClient uses them too).
using support::wait_fd;
using support::connect_fd;

int new_socket(int family) {
    return ::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
}

} // namespace

Socket::~Socket() { close(); }

Socket &Socket::operator=(Socket &&o) noexcept {
    if (this != &o) {
        close();
        fd_ = o.fd_;
        o.fd_ = -1;
    }
    return *this;
}

void Socket::close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

Socket Socket::connect_tcp(const std::string &host, uint16_t port, std::chrono::milliseconds timeout) {
    int err = 0;
    const int fd = support::connect_tcp(host, port, Clock::now() + timeout, err);
    if (fd >= 0) return Socket(fd);
    if (err == 0) throw Error(std::string(msg::no_such_host));
    throw connect_error(err);
}

Socket Socket::connect_unix(const std::string &path, std::chrono::milliseconds timeout) {
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    if (path.empty() || path.size() >= sizeof(sa.sun_path)) throw connect_error(ENAMETOOLONG);
    std::memcpy(sa.sun_path, path.data(), path.size());
    const int fd = new_socket(AF_UNIX);
    if (fd < 0) throw connect_error(errno);
    const int err = connect_fd(fd, reinterpret_cast<const sockaddr *>(&sa), sizeof sa,
                                          Clock::now() + timeout);
    if (err != 0) {
        ::close(fd);
        throw connect_error(err);
    }
    return Socket(fd);
}

void Socket::write_all(std::string_view data, Clock::time_point deadline) {
    if (fd_ < 0) throw write_error(EBADF);
    while (!data.empty()) {
        const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
        if (n > 0) {
            data.remove_prefix(static_cast<size_t>(n));
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (!wait_fd(fd_, POLLOUT, deadline)) throw write_error(ETIMEDOUT);
            continue;
        }
        throw write_error(n < 0 ? errno : EIO);
    }
}

size_t Socket::read_some(char *buf, size_t cap, Clock::time_point deadline) {
    if (fd_ < 0) throw read_error(EBADF);
    for (;;) {
        const ssize_t n = ::recv(fd_, buf, cap, 0);
        if (n >= 0) return static_cast<size_t>(n);
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            if (!wait_fd(fd_, POLLIN, deadline)) throw read_error(ETIMEDOUT);
            continue;
        }
        throw read_error(errno);
    }
}

} // namespace nutpp::client
