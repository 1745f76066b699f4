// Deadlines on non-blocking sockets (poll(2) underneath), so that no call of a blocking client
// outlives its timeout. Shared by NutClient and core's client library, which adds TLS and Unix
// sockets on top.
#pragma once

#include <sys/socket.h>

#include <chrono>
#include <cstdint>
#include <string>

namespace nutpp::support {

using Deadline = std::chrono::steady_clock::time_point;

// Waits for `events` (POLLIN / POLLOUT) on fd; false once the deadline has passed. EINTR is
// retried; a poll() failure returns true so that the following syscall reports the real error.
bool wait_fd(int fd, short events, Deadline deadline);

// connect(2) on a non-blocking fd, waiting until the deadline: 0 or an errno value (ETIMEDOUT).
int connect_fd(int fd, const sockaddr *addr, socklen_t len, Deadline deadline);

// A connected non-blocking, close-on-exec TCP socket to host:port: every address getaddrinfo()
// gives (IPv6 and IPv4) is tried until the deadline. -1 on failure, with `err` = the last errno
// value, or 0 when the name did not resolve.
int connect_tcp(const std::string &host, uint16_t port, Deadline deadline, int &err);

} // namespace nutpp::support
