// A scripted misbehaving NUT server for client tests: listens on a free 127.0.0.1 port (or a Unix
// socket path), accepts ONE connection and runs `script` on it in a background thread.
#pragma once

#include <sys/socket.h>
#include <unistd.h>

#include <functional>
#include <string>
#include <string_view>
#include <thread>

namespace nutpp::testing {

class FakeServer {
public:
    // Helpers for scripts: blocking line read (without '\n'; "" on EOF) and raw write.
    struct Peer {
        int fd;
        std::string buf;
        std::string read_line();
        void write(std::string_view bytes) const;
        void close();
    };
    using Script = std::function<void(Peer &)>;

    explicit FakeServer(Script script);                       // TCP on 127.0.0.1
    FakeServer(const std::string &unix_path, Script script);  // Unix stream socket
    ~FakeServer();
    FakeServer(const FakeServer &) = delete;
    FakeServer &operator=(const FakeServer &) = delete;

    uint16_t port() const { return port_; }

private:
    void run(Script script);

    int listen_fd_ = -1;
    uint16_t port_ = 0;
    std::string unix_path_;
    std::thread thread_;
};

} // namespace nutpp::testing
