#include <nutpp/support/socket_wait.hpp>

#include <netdb.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <memory>

namespace nutpp::support {

namespace {

int ms_until(Deadline deadline) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    return left <= 0 ? 0 : left > 1000000 ? 1000000 : static_cast<int>(left);
}

} // namespace

bool wait_fd(int fd, short events, Deadline deadline) {
    for (;;) {
        pollfd p{fd, events, 0};
        const int r = ::poll(&p, 1, ms_until(deadline));
        if (r > 0) return true;
        if (r == 0) return false;
        if (errno != EINTR) return true;
    }
}

int connect_fd(int fd, const sockaddr *addr, socklen_t len, Deadline deadline) {
    if (::connect(fd, addr, len) == 0) return 0;
    if (errno != EINPROGRESS && errno != EAGAIN) return errno;
    if (!wait_fd(fd, POLLOUT, deadline)) return ETIMEDOUT;
    int err = 0;
    socklen_t elen = sizeof err;
    if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) != 0) return errno;
    return err;
}

int connect_tcp(const std::string &host, uint16_t port, Deadline deadline, int &err) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_protocol = IPPROTO_TCP;
    addrinfo *res = nullptr;
    if (::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res) != 0 || !res) {
        err = 0;
        return -1;
    }
    std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> guard(res, &::freeaddrinfo);
    err = ECONNREFUSED;
    for (const addrinfo *ai = res; ai; ai = ai->ai_next) {
        const int fd = ::socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            err = errno;
            continue;
        }
        err = connect_fd(fd, ai->ai_addr, ai->ai_addrlen, deadline);
        if (err == 0) return fd;
        ::close(fd);
        if (err == ETIMEDOUT) break; // the whole budget is spent
    }
    return -1;
}

} // namespace nutpp::support
