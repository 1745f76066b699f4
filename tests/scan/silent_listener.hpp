// A TCP listener that accepts connections (the kernel does) and never says a word: what a scan
// meets at a firewalled or hung service, which must cost it no more than its timeout.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <stdexcept>
#include <string>

namespace nutpp::testing {

struct SilentListener {
    int fd = -1;
    SilentListener(const char *addr, uint16_t port) {
        fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        inet_pton(AF_INET, addr, &a.sin_addr);
        if (::bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0 || ::listen(fd, 16) != 0)
            throw std::runtime_error("cannot listen on " + std::string(addr));
    }
    ~SilentListener() { ::close(fd); }
    SilentListener(const SilentListener &) = delete;
    SilentListener &operator=(const SilentListener &) = delete;
};

} // namespace nutpp::testing
