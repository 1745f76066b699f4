#include "client/socket.hpp"

#include "client/error.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace nutpp::client {

namespace {

int ms_until(Socket::Clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Socket::Clock::now());
    if (left.count() <= 0) return 0;
    return left.count() > 1000000 ? 1000000 : static_cast<int>(left.count());
}

// Waits for `events` on fd until the deadline; returns false on timeout. EINTR is retried.
bool wait_for(int fd, short events, Socket::Clock::time_point deadline) {
    for (;;) {
        pollfd p{fd, events, 0};
        const int r = ::poll(&p, 1, ms_until(deadline));
        if (r > 0) return true;
        if (r == 0) return false;
        if (errno != EINTR) return true; // let the following syscall report the real error
    }
}

// Non-blocking connect with a deadline; returns 0 or an errno value. Closes fd on failure.
int connect_with_deadline(int fd, const sockaddr *addr, socklen_t len, Socket::Clock::time_point deadline) {
    if (::connect(fd, addr, len) == 0) return 0;
    if (errno != EINPROGRESS && errno != EAGAIN) return errno;
    if (!wait_for(fd, POLLOUT, deadline)) return ETIMEDOUT;
    int err = 0;
    socklen_t elen = sizeof err;
    if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) != 0) return errno;
    return err;
}

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
    const auto deadline = Clock::now() + timeout;
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_protocol = IPPROTO_TCP;
    addrinfo *res = nullptr;
    const std::string service = std::to_string(port);
    if (::getaddrinfo(host.c_str(), service.c_str(), &hints, &res) != 0 || res == nullptr)
        throw Error(std::string(msg::no_such_host));
    std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> guard(res, &::freeaddrinfo);

    int last_err = ECONNREFUSED;
    for (addrinfo *ai = res; ai != nullptr; ai = ai->ai_next) {
        const int fd = new_socket(ai->ai_family);
        if (fd < 0) {
            last_err = errno;
            continue;
        }
        const int err = connect_with_deadline(fd, ai->ai_addr, ai->ai_addrlen, deadline);
        if (err == 0) return Socket(fd);
        ::close(fd);
        last_err = err;
        if (err == ETIMEDOUT) break; // the whole budget is gone
    }
    throw connect_error(last_err);
}

Socket Socket::connect_unix(const std::string &path, std::chrono::milliseconds timeout) {
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    if (path.empty() || path.size() >= sizeof(sa.sun_path)) throw connect_error(ENAMETOOLONG);
    std::memcpy(sa.sun_path, path.data(), path.size());
    const int fd = new_socket(AF_UNIX);
    if (fd < 0) throw connect_error(errno);
    const int err = connect_with_deadline(fd, reinterpret_cast<const sockaddr *>(&sa), sizeof sa,
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
            if (!wait_for(fd_, POLLOUT, deadline)) throw write_error(ETIMEDOUT);
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
            if (!wait_for(fd_, POLLIN, deadline)) throw read_error(ETIMEDOUT);
            continue;
        }
        throw read_error(errno);
    }
}

} // namespace nutpp::client
