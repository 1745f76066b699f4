#include "driver_socket/server.hpp"

#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace nutpp::driver_socket {

Server::Server(common::EventLoop &loop, std::string path, store::VarStore &store, CommandHandler on_command)
    : loop_(loop), path_(std::move(path)), store_(store), on_command_(std::move(on_command)) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path_.size() >= sizeof addr.sun_path)
        throw std::runtime_error("socket path too long (" + std::to_string(path_.size()) + " bytes, max " +
                                 std::to_string(sizeof addr.sun_path - 1) + "): " + path_);
    std::memcpy(addr.sun_path, path_.c_str(), path_.size() + 1);
    listen_fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (listen_fd_ < 0) throw std::runtime_error("socket(): " + std::string(strerror(errno)));
    // A socket file left by a crashed run would make bind fail; only unlink sockets, never files.
    struct stat st{};
    if (lstat(path_.c_str(), &st) == 0 && S_ISSOCK(st.st_mode)) unlink(path_.c_str());
    if (bind(listen_fd_, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0 || listen(listen_fd_, 16) != 0) {
        const std::string err = strerror(errno);
        close(listen_fd_);
        throw std::runtime_error("cannot listen on " + path_ + ": " + err);
    }
    // Explicit mode (the umask must not decide who may talk to the driver), and the group of the
    // state directory (root:nut 0770): upsd running as the service account must be able to
    // connect even when this process is root, e.g. `user: root` or before the account switch.
    chmod(path_.c_str(), 0660);
    const std::string dir = path_.substr(0, path_.find_last_of('/') == std::string::npos ? 0 : path_.find_last_of('/'));
    struct stat dst{};
    if (geteuid() == 0 && !dir.empty() && stat(dir.c_str(), &dst) == 0 && dst.st_gid != getegid() &&
        lchown(path_.c_str(), static_cast<uid_t>(-1), dst.st_gid) != 0)
        spdlog::warn("{}: cannot give the socket to group {}: {}", path_, dst.st_gid, strerror(errno));
    loop_.watch(listen_fd_, EPOLLIN, [this](uint32_t) { on_accept(); });
}

Server::Server(common::EventLoop &loop, int connected_fd, std::string label, store::VarStore &store,
               CommandHandler on_command, std::function<void()> on_closed)
    : loop_(loop), path_(std::move(label)), store_(store), on_command_(std::move(on_command)),
      on_closed_(std::move(on_closed)) {
    const int flags = fcntl(connected_fd, F_GETFL);
    if (flags < 0 || fcntl(connected_fd, F_SETFL, flags | O_NONBLOCK) != 0)
        throw std::runtime_error(path_ + ": fcntl(): " + strerror(errno));
    auto c = std::make_unique<Client>();
    c->serial = next_serial_++;
    c->fd = connected_fd;
    clients_[connected_fd] = std::move(c);
    loop_.watch(connected_fd, EPOLLIN, [this, connected_fd](uint32_t ev) { on_client(connected_fd, ev); });
}

Server::~Server() {
    for (auto &[fd, c] : clients_) {
        loop_.unwatch(fd);
        close(fd);
    }
    if (listen_fd_ >= 0) {
        loop_.unwatch(listen_fd_);
        close(listen_fd_);
        unlink(path_.c_str());
    }
}

void Server::on_accept() {
    for (;;) {
        const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) return;
        auto c = std::make_unique<Client>();
        c->serial = next_serial_++;
        c->fd = fd;
        clients_[fd] = std::move(c);
        loop_.watch(fd, EPOLLIN, [this, fd](uint32_t ev) { on_client(fd, ev); });
        spdlog::debug("{}: client connected", path_);
    }
}

void Server::on_client(int fd, uint32_t events) {
    auto it = clients_.find(fd);
    if (it == clients_.end()) return;
    Client &c = *it->second;
    if (events & EPOLLOUT) flush(c);
    if (!(events & (EPOLLIN | EPOLLHUP | EPOLLERR))) return;
    char buf[4096];
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        drop(fd);
        return;
    }
    if (n < 0) return;
    std::vector<common::LineTokenizer::Line> lines;
    c.tokenizer.feed(std::string_view(buf, static_cast<size_t>(n)), lines);
    for (auto &line : lines) {
        if (line.error) {
            spdlog::warn("{}: parse error from client: {}", path_, line.error_text);
            continue;
        }
        if (line.words.empty()) continue;
        handle_line(c, line.words);
        if (clients_.find(fd) == clients_.end()) return; // dropped while handling
    }
}

void Server::handle_line(Client &c, const std::vector<std::string> &words) {
    const Request r = parse_request(words);
    switch (r.kind) {
    case Request::Kind::DumpAll: {
        // Broadcast what is pending first, so this client's dump is exactly the state after it.
        auto snap = store_.snapshot_and_drain();
        for (auto &[fd, other] : clients_)
            for (const auto &l : snap.pending) send(*other, l);
        for (const auto &l : snap.dump) send(c, l);
        send(c, "DUMPDONE");
        break;
    }
    case Request::Kind::Ping: send(c, "PONG"); break;
    case Request::Kind::Logout: send(c, "OK Goodbye"); break;
    case Request::Kind::InstCmd:
    case Request::Kind::Set:
        if (on_command_) on_command_(r);
        break;
    case Request::Kind::Malformed: spdlog::warn("{}: malformed request ignored: {}", path_, r.why); break;
    case Request::Kind::Ignored: spdlog::debug("{}: ignoring unknown request '{}'", path_, words[0]); break;
    }
}

void Server::broadcast_pending() {
    const auto lines = store_.drain();
    if (lines.empty()) return;
    std::vector<int> fds;
    for (auto &[fd, c] : clients_) fds.push_back(fd);
    for (int fd : fds) {
        auto it = clients_.find(fd);
        if (it == clients_.end()) continue;
        for (const auto &l : lines) send(*it->second, l);
    }
}

void Server::send(Client &c, const std::string &line) {
    if (c.dropping) return;
    if (c.out.size() + line.size() + 1 > kMaxOutput) {
        spdlog::warn("{}: client not reading; output over {} bytes, disconnecting it", path_, kMaxOutput);
        schedule_drop(c);
        return;
    }
    const bool was_empty = c.out.empty();
    c.out += line;
    c.out += '\n';
    if (was_empty) flush(c);
}

void Server::flush(Client &c) {
    while (!c.out.empty()) {
        const ssize_t n = ::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
        if (n > 0) {
            c.out.erase(0, static_cast<size_t>(n));
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            loop_.modify(c.fd, EPOLLIN | EPOLLOUT);
            return;
        }
        if (n < 0 && errno == EINTR) continue;
        schedule_drop(c);
        return;
    }
    loop_.modify(c.fd, EPOLLIN);
}

void Server::schedule_drop(Client &c) {
    // Not now: the caller may be iterating clients. By the time this runs the client may have gone
    // and a new one may hold the same fd -- even at the same address, as malloc reuses blocks; only
    // the connection serial tells them apart (a pointer check once dropped fresh upsd connections).
    if (c.dropping) return;
    c.dropping = true;
    loop_.post([this, alive = std::weak_ptr<bool>(alive_), fd = c.fd, serial = c.serial] {
        if (alive.expired()) return;
        auto it = clients_.find(fd);
        if (it != clients_.end() && it->second->serial == serial) drop(fd);
    });
}

void Server::drop(int fd) {
    auto it = clients_.find(fd);
    if (it == clients_.end()) return;
    loop_.unwatch(fd);
    close(fd);
    clients_.erase(it);
    spdlog::debug("{}: client disconnected", path_);
    if (on_closed_ && clients_.empty()) loop_.post([alive = std::weak_ptr<bool>(alive_), cb = on_closed_] {
        if (!alive.expired()) cb();
    });
}

} // namespace nutpp::driver_socket
