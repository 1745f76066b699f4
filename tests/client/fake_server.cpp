#include "fake_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/un.h>

#include <cstring>
#include <stdexcept>

namespace nutpp::testing {

std::string FakeServer::Peer::read_line() {
    for (;;) {
        const auto nl = buf.find('\n');
        if (nl != std::string::npos) {
            std::string line = buf.substr(0, nl);
            buf.erase(0, nl + 1);
            return line;
        }
        char tmp[512];
        const ssize_t n = ::recv(fd, tmp, sizeof tmp, 0);
        if (n <= 0) return {};
        buf.append(tmp, static_cast<size_t>(n));
    }
}

void FakeServer::Peer::write(std::string_view bytes) const {
    while (!bytes.empty()) {
        const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n <= 0) return;
        bytes.remove_prefix(static_cast<size_t>(n));
    }
}

void FakeServer::Peer::close() {
    if (fd >= 0) ::close(fd);
    fd = -1;
}

FakeServer::FakeServer(Script script) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof sa;
    if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr *>(&sa), sizeof sa) != 0 ||
        ::listen(listen_fd_, 4) != 0 || ::getsockname(listen_fd_, reinterpret_cast<sockaddr *>(&sa), &len) != 0)
        throw std::runtime_error("FakeServer: cannot listen");
    port_ = ntohs(sa.sin_port);
    thread_ = std::thread([this, s = std::move(script)] { run(s); });
}

FakeServer::FakeServer(const std::string &unix_path, Script script) : unix_path_(unix_path) {
    listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    std::strncpy(sa.sun_path, unix_path.c_str(), sizeof sa.sun_path - 1);
    ::unlink(unix_path.c_str());
    if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr *>(&sa), sizeof sa) != 0 ||
        ::listen(listen_fd_, 4) != 0)
        throw std::runtime_error("FakeServer: cannot listen on " + unix_path);
    thread_ = std::thread([this, s = std::move(script)] { run(s); });
}

void FakeServer::run(Script script) {
    // Bounded wait so a test that never connects cannot hang the destructor.
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 10000) <= 0) return;
    Peer peer{::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC), {}};
    if (peer.fd < 0) return;
    script(peer);
    peer.close();
}

FakeServer::~FakeServer() {
    if (listen_fd_ >= 0) ::shutdown(listen_fd_, SHUT_RDWR);
    if (thread_.joinable()) thread_.join();
    if (listen_fd_ >= 0) ::close(listen_fd_);
    if (!unix_path_.empty()) ::unlink(unix_path_.c_str());
}

} // namespace nutpp::testing
