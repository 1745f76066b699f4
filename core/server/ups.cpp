#include "server/ups.hpp"

#include <spdlog/spdlog.h>

#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace nutpp::server {

using namespace std::chrono_literals;

Ups::Ups(common::EventLoop &loop, Tracking &tracking, std::string name, std::string desc, std::string socket_path)
    : loop_(loop), tracking_(tracking), name_(std::move(name)), desc_(std::move(desc)), path_(std::move(socket_path)) {
    try_connect();
}

Ups::~Ups() {
    if (fd_ >= 0) {
        loop_.unwatch(fd_);
        close(fd_);
    }
}

void Ups::set_socket_path(std::string p) {
    if (p == path_) return;
    path_ = std::move(p);
    if (fd_ >= 0) disconnect("driver socket path changed");
    try_connect();
}

Availability Ups::availability(std::chrono::seconds maxage) const {
    if (fd_ < 0) return Availability::DriverNotConnected;
    if (state_.dump_done() && !state_.data_ok()) return Availability::DataStale;
    // The loop's wake-up time: exact enough for a limit of seconds, and no clock read per request.
    if (loop_.now() - last_heard_ > maxage) return Availability::DataStale;
    return Availability::Ok;
}

void Ups::try_connect() {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path_.size() >= sizeof addr.sun_path) {
        if (!ever_failed_) spdlog::error("UPS [{}]: driver socket path too long: {}", name_, path_);
        ever_failed_ = true;
        return;
    }
    std::memcpy(addr.sun_path, path_.c_str(), path_.size() + 1);
    const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return;
    // A Unix-socket connect completes at once or fails at once (EAGAIN = backlog full: retry later).
    if (connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0) {
        const int err = errno;
        close(fd);
        const auto now = Clock::now();
        // Rate-limited like NUT (once per 5 minutes), so a missing driver does not flood the log.
        if (!ever_failed_ || now - last_fail_log_ > 300s) {
            spdlog::warn("Can't connect to UPS [{}] ({}): {}", name_, path_, strerror(err));
            last_fail_log_ = now;
        }
        ever_failed_ = true;
        return;
    }
    fd_ = fd;
    tok_.reset();
    out_.clear();
    state_.clear();
    last_heard_ = last_ping_ = Clock::now();
    was_stale_ = false;
    loop_.watch(fd_, EPOLLIN, [this](uint32_t ev) { on_event(ev); });
    send("DUMPALL");
    // Until the dump overwrites it, clients see WAIT (what NUT shows while it waits for a driver);
    // it is never pushed to watchers (dump_pending(), NetServer::push_status).
    state_.set_info("ups.status", "WAIT");
    spdlog::info("Connected to UPS [{}]: {}", name_, path_);
    if (on_change) on_change(*this);
}

void Ups::disconnect(const char *why) {
    if (fd_ < 0) return;
    spdlog::warn("UPS [{}]: lost the driver ({})", name_, why);
    loop_.unwatch(fd_);
    close(fd_);
    fd_ = -1;
    state_.clear();
    out_.clear();
    ever_failed_ = false; // log the next connect failure at once
    if (on_change) on_change(*this);
}

bool Ups::send(const std::string &line) {
    if (fd_ < 0) return false;
    if (out_.size() + line.size() + 1 > kMaxDriverOutput) return false;
    const bool idle = out_.empty();
    out_ += line;
    out_ += '\n';
    if (idle) flush();
    return fd_ >= 0;
}

void Ups::flush() {
    while (!out_.empty()) {
        const ssize_t n = ::send(fd_, out_.data(), out_.size(), MSG_NOSIGNAL);
        if (n > 0) {
            out_.erase(0, size_t(n));
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            loop_.modify(fd_, EPOLLIN | EPOLLOUT);
            return;
        } else {
            disconnect(strerror(errno));
            return;
        }
    }
    loop_.modify(fd_, EPOLLIN);
}

void Ups::on_event(uint32_t events) {
    if (events & EPOLLOUT) flush();
    if (fd_ < 0 || !(events & (EPOLLIN | EPOLLHUP | EPOLLERR))) return;
    char buf[16384];
    for (;;) {
        const ssize_t n = read(fd_, buf, sizeof buf);
        if (n == 0) return disconnect("driver closed the socket");
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) return;
            return disconnect(strerror(errno));
        }
        std::vector<common::LineTokenizer::Line> lines;
        tok_.feed(std::string_view(buf, size_t(n)), lines);
        std::vector<TrackingUpdate> results;
        for (const auto &l : lines) {
            if (l.error || l.words.empty()) continue;
            last_heard_ = Clock::now();
            state_.apply(l.words, results);
        }
        for (const auto &r : results) tracking_.update(r.id, r.result);
        if (on_change) on_change(*this);
        if (size_t(n) < sizeof buf) return;
    }
}

void Ups::tick(std::chrono::seconds maxage) {
    if (fd_ < 0) {
        try_connect();
        return;
    }
    const auto now = Clock::now();
    const auto third = std::max<std::chrono::seconds>(maxage / 3, 1s);
    if (now - last_heard_ > third && now - last_ping_ > third) {
        last_ping_ = now;
        send("PING");
    }
    const bool stale = availability(maxage) == Availability::DataStale;
    if (stale != was_stale_) {
        if (stale) spdlog::warn("Data for UPS [{}] is stale - check driver", name_);
        else spdlog::info("UPS [{}] data is no longer stale", name_);
        was_stale_ = stale;
        if (on_change) on_change(*this);
    }
}

} // namespace nutpp::server
