// Move-only owner of a connected stream socket (TCP or Unix), non-blocking underneath so every
// operation can honour a deadline with poll(). Failures throw client::Error with NUT's wording.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace nutpp::client {

class Socket {
public:
    using Clock = std::chrono::steady_clock;

    Socket() = default;
    explicit Socket(int fd) : fd_(fd) {}
    ~Socket();
    Socket(Socket &&o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
    Socket &operator=(Socket &&o) noexcept;
    Socket(const Socket &) = delete;
    Socket &operator=(const Socket &) = delete;

    // Tries every address getaddrinfo() returns (IPv6 and IPv4). Throws "No such host" or
    // "Connection failure: <strerror>" (last address's error; ETIMEDOUT when the deadline passes).
    static Socket connect_tcp(const std::string &host, uint16_t port, std::chrono::milliseconds timeout);
    static Socket connect_unix(const std::string &path, std::chrono::milliseconds timeout);

    bool is_open() const { return fd_ >= 0; }
    int fd() const { return fd_; }
    void close();

    // Writes everything or throws "Write error: ..." (never raises SIGPIPE).
    void write_all(std::string_view data, Clock::time_point deadline);
    // Reads what is available (at most `cap` bytes), waiting until the deadline.
    // Returns 0 on orderly EOF; throws "Read error: Connection timed out" on timeout.
    size_t read_some(char *buf, size_t cap, Clock::time_point deadline);

private:
    int fd_ = -1;
};

} // namespace nutpp::client
