#include "server/net_server.hpp"

#include "daemon/fd_limit.hpp"
#include "server/access.hpp"

#include <spdlog/spdlog.h>

#include <malloc.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace nutpp::server {

using namespace std::chrono_literals;

namespace {

// A tokenizer error that is NUT's "parse error" ('#' inside quotes): NUT sends no reply at all.
bool is_parse_error(const common::LineTokenizer::Line &l) {
    return l.error_text.find('#') != std::string::npos;
}

// Client sockets are edge-triggered: level-triggered epoll polls every ready socket twice per
// request (once to report it, once more on the next wait), a tenth of upsd's CPU at 1,000 clients.
constexpr uint32_t kWantRead = EPOLLIN | EPOLLRDHUP | EPOLLET;
constexpr uint32_t kWantWrite = EPOLLOUT | EPOLLET;
constexpr int kMaxReadsPerWake = 16;

} // namespace

NetServer::NetServer(common::EventLoop &loop, ServerContext &ctx, NetOptions opt)
    : loop_(loop), ctx_(ctx), opt_(std::move(opt)), auth_(loop, opt_.auth_threads) {
    // Thousands of clients need thousands of descriptors: take the hard limit.
    daemon::raise_fd_limit();
    set_maxconn(opt_.maxconn, opt_.maxconn_per_address);
    spare_fd_ = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

NetServer::~NetServer() {
    for (auto &[fd, c] : clients_) {
        drop_login(c->session);
        loop_.unwatch(fd);
        close(fd);
    }
    for (const auto &l : listeners_) {
        loop_.unwatch(l.fd);
        close(l.fd);
    }
    if (spare_fd_ >= 0) close(spare_fd_);
}

void NetServer::set_maxconn(int n, int per_address) {
    if (n > 0) {
        maxconn_ = size_t(n);
    } else {
        rlimit rl{};
        getrlimit(RLIMIT_NOFILE, &rl);
        // Leave room for listeners, driver sockets, logs and the accept-and-drop spare.
        const rlim_t lim = rl.rlim_cur == RLIM_INFINITY ? 1 << 20 : rl.rlim_cur;
        maxconn_ = lim > 96 ? size_t(lim - 64) : 32;
    }
    // The default keeps an eighth of the slots (at least one) for other addresses: close to NUT,
    // where one host may take them all, while a single host can no longer lock everyone else out.
    maxconn_per_address_ = per_address > 0 ? size_t(per_address) : maxconn_ - std::max<size_t>(1, maxconn_ / 8);
    if (maxconn_per_address_ == 0) maxconn_per_address_ = 1;
}

size_t NetServer::connections_from(const std::string &addr) const {
    const auto it = per_address_.find(addr);
    return it == per_address_.end() ? 0 : it->second;
}

void NetServer::on_accept(size_t listener) {
    const int lfd = listeners_[listener].fd;
    for (;;) {
        sockaddr_storage ss{};
        socklen_t len = sizeof ss;
        const int fd = accept4(lfd, reinterpret_cast<sockaddr *>(&ss), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            if ((errno == EMFILE || errno == ENFILE) && spare_fd_ >= 0) {
                // Out of descriptors: accept with the spare one and close at once, so the pending
                // connection does not make epoll report the listener forever.
                close(spare_fd_);
                const int victim = accept(lfd, nullptr, nullptr);
                if (victim >= 0) close(victim);
                spare_fd_ = open("/dev/null", O_RDONLY | O_CLOEXEC);
                spdlog::warn("out of file descriptors; refused a connection");
                continue;
            }
            return; // EAGAIN: backlog drained
        }
        if (!permitted(listeners_[listener].rules, reinterpret_cast<sockaddr *>(&ss))) {
            // Closed before anything is read or any slot is taken.
            close(fd);
            uint64_t left_out = 0;
            if (refused_log_.allow(Clock::now(), left_out))
                spdlog::warn("refused connection from {} on {}: not allowed by the access rules (allow/deny){}",
                             addr_text(reinterpret_cast<sockaddr *>(&ss)), listeners_[listener].where,
                             left_out ? fmt::format(" [{} more refusals were not logged]", left_out) : "");
            continue;
        }
        if (clients_.size() >= maxconn_) {
            close(fd);
            const auto now = Clock::now();
            if (now - last_full_log_ > 10s) {
                spdlog::warn("maxconn ({}) reached; refusing new connections", maxconn_);
                last_full_log_ = now;
            }
            continue;
        }
        std::string addr = addr_text(reinterpret_cast<sockaddr *>(&ss));
        if (connections_from(addr) >= maxconn_per_address_) {
            close(fd);
            const auto now = Clock::now();
            if (now - last_full_log_ > 10s) {
                spdlog::warn("{} has {} connections open (the most one address may have); refusing more from it",
                             addr, maxconn_per_address_);
                last_full_log_ = now;
            }
            continue;
        }
        // Every reply goes out in one write, so Nagle could only add delay.
        const int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        auto c = std::make_unique<Client>();
        c->fd = fd;
        c->serial = next_serial_++;
        ++per_address_[addr];
        c->session.addr = std::move(addr);
        c->last_line = loop_.now();
        c->interest = kWantRead;
        clients_[fd] = std::move(c);
        peak_clients_ = std::max(peak_clients_, clients_.size());
        loop_.watch(fd, kWantRead, [this, fd](uint32_t ev) { on_client(fd, ev); });
        spdlog::debug("connection from {}", clients_[fd]->session.addr);
    }
}

void NetServer::emit(Client &c, std::string &reply) {
    if (reply.empty()) return;
    if (c.tls) {
        if (!c.tls->write(reply)) c.dead = true;
        c.tls->take_output(c.out);
    } else if (c.out.empty()) {
        c.out.swap(reply); // the usual case: no copy, and both buffers keep their capacity
    } else {
        c.out += reply;
    }
    reply.clear();
    if (c.out.size() > kMaxOutput) {
        spdlog::warn("client {} is not reading its replies; disconnecting it", c.session.addr);
        c.dead = true;
    }
}

bool NetServer::dispatch(Client &c, Words words, std::string &reply, std::string_view rest) {
    c.last_line = loop_.now();
    handle_request(ctx_, c.session, words, reply);
    if (c.session.after == Session::After::NeedVerdict) {
        c.session.after = Session::After::None;
        if (await_verdict(c, words, rest)) return true;
        handle_request(ctx_, c.session, words, reply); // the verdict was known at once
    }
    if (c.session.after == Session::After::Close) {
        c.closing = true;
        return true;
    }
    if (c.session.after != Session::After::StartTls) return false;
    c.session.after = Session::After::None;
    emit(c, reply); // "OK STARTTLS" still goes out in clear text
    c.tls = std::make_unique<TlsStream>(*tls_);
    c.session.tls = true;
    std::string plain;
    // A bad record right behind STARTTLS: "OK STARTTLS" and OpenSSL's alert still go out first.
    if (!c.tls->feed(rest, plain)) c.closing = true;
    c.tls->take_output(c.out);
    if (!plain.empty() && !c.closing) process_plain(c, plain);
    return true;
}

void NetServer::process_plain(Client &c, std::string_view data) {
    std::string &reply = reply_scratch_; // reused: no allocation per request
    reply.clear();
    size_t pos = 0;
    // One '\n'-terminated piece at a time, so we know exactly where a STARTTLS line ended.
    while (pos < data.size() && !c.closing && !c.dead) {
        const size_t nl = data.find('\n', pos);
        const size_t end = nl == std::string_view::npos ? data.size() : nl + 1;
        const std::string_view piece = data.substr(pos, end - pos);
        pos = end;
        c.line_bytes += piece.size() - (nl == std::string_view::npos ? 0 : 1);
        if (c.line_bytes > kMaxLineBytes) return refuse_long_line(c, reply);
        if (nl != std::string_view::npos) c.line_bytes = 0;
        // Plain request lines (nearly all of them) skip the byte-by-byte tokenizer.
        if (nl != std::string_view::npos && c.tok.split_plain(piece.substr(0, piece.size() - 1), word_scratch_)) {
            if (dispatch(c, word_scratch_, reply, data.substr(pos))) return emit(c, reply);
            continue;
        }
        std::vector<common::LineTokenizer::Line> lines;
        c.tok.feed(piece, lines);
        for (const auto &l : lines) {
            if (l.error) {
                c.last_line = loop_.now();
                spdlog::debug("parse error from {}: {}", c.session.addr, l.error_text);
                // NUT answers nothing to a parse error; an over-long line (which NUT would take
                // whole, without any bound) gets INVALID-ARGUMENT so the client is not left waiting.
                if (!is_parse_error(l)) detail::send_err(reply, Err::InvalidArgument);
                continue;
            }
            const std::vector<std::string_view> words(l.words.begin(), l.words.end());
            if (dispatch(c, words, reply, data.substr(pos))) return emit(c, reply);
        }
    }
    emit(c, reply);
}

void NetServer::refuse_long_line(Client &c, std::string &reply) {
    // NUT has no line limit (its parser grows without bound); its error for a request it cannot
    // take is INVALID-ARGUMENT. The rest of the line is not read: the connection is closed.
    detail::send_err(reply, Err::InvalidArgument);
    emit(c, reply);
    c.closing = true;
    uint64_t left_out = 0;
    if (long_line_log_.allow(Clock::now(), left_out))
        spdlog::warn("client {} sent a line longer than {} bytes; disconnecting it{}", c.session.addr, kMaxLineBytes,
                     left_out ? fmt::format(" [{} more were not logged]", left_out) : "");
}

void NetServer::on_client(int fd, uint32_t events) {
    auto it = clients_.find(fd);
    if (it == clients_.end()) return;
    Client &c = *it->second;
    if (events & EPOLLOUT) flush(c);
    // Edge-triggered: read until the socket is drained (or we stop reading because replies are
    // pending; re-arming EPOLLIN in update_interest reports what is left). A short read from a TCP
    // socket took everything there was, unless the peer already half-closed: then read to EOF.
    const bool peer_closed = events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR);
    // A client that keeps the socket full gets kMaxReadsPerWake reads, then waits its turn: the
    // re-arm below puts it behind the other ready clients (edge-triggered epoll re-reports it).
    int reads = 0;
    while (!c.dead && !c.closing && !c.paused && c.out.empty() && (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))) {
        if (++reads > kMaxReadsPerWake) {
            loop_.modify(fd, c.interest);
            break;
        }
        char buf[kReadChunk];
        const ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
        if (n <= 0) {
            c.dead = true;
            break;
        }
        if (c.tls) {
            std::string plain;
            if (!c.tls->feed(std::string_view(buf, size_t(n)), plain)) {
                spdlog::debug("TLS error from {}: {}", c.session.addr, c.tls->last_error());
                c.closing = true; // after the alert OpenSSL wrote has gone out (say, "certificate required")
                plain.clear();
            }
            c.tls->take_output(c.out);
            if (!c.dead && !plain.empty()) process_plain(c, plain);
        } else {
            process_plain(c, std::string_view(buf, size_t(n)));
        }
        if (!c.dead) flush(c);
        if (size_t(n) < sizeof buf && !peer_closed) break;
    }
    if (c.dead || (c.closing && c.out.empty())) close_client(fd);
}

void NetServer::flush(Client &c) {
    while (!c.out.empty() && !c.dead) {
        const ssize_t n = ::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
        if (n > 0) {
            c.out.erase(0, size_t(n));
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            break;
        } else {
            c.dead = true; // peer vanished (EPIPE, ECONNRESET)
        }
    }
    if (!c.dead) update_interest(c);
}

void NetServer::update_interest(Client &c) {
    // While replies are pending we stop reading: a client that does not read gets no more work done.
    // Only on a change: one epoll_ctl per request would cost as much as the request itself.
    // A client waiting for its password's verdict is not read at all (want 0: epoll still reports
    // a hang-up, which is noticed when the verdict arrives).
    const uint32_t want = !c.out.empty() ? kWantWrite : c.paused ? 0 : kWantRead;
    if (want == c.interest) return;
    c.interest = want;
    loop_.modify(c.fd, want);
}

void NetServer::close_client(int fd) {
    auto it = clients_.find(fd);
    if (it == clients_.end()) return;
    drop_login(it->second->session);
    const auto pa = per_address_.find(it->second->session.addr);
    if (pa != per_address_.end() && --pa->second == 0) per_address_.erase(pa);
    loop_.unwatch(fd);
    close(fd);
    clients_.erase(it);
}

bool NetServer::await_verdict(Client &c, Words words, std::string_view rest) {
    Session &s = c.session;
    const uint64_t generation = ctx_.users_generation;
    auto verdict = auth_.verify(s.addr, *s.username, ctx_.users.check_for(*s.username), *s.password,
                                [this, fd = c.fd, serial = c.serial, generation](bool ok) {
                                    on_verdict(fd, serial, generation, ok);
                                });
    if (verdict) {
        s.verdict = *verdict ? Session::Verdict::Granted : Session::Verdict::Denied;
        s.verdict_users = generation;
        return false;
    }
    c.paused = true;
    c.held_line.assign(words.begin(), words.end());
    c.held_bytes.assign(rest);
    return true;
}

void NetServer::on_verdict(int fd, uint64_t serial, uint64_t users_generation, bool ok) {
    const auto it = clients_.find(fd);
    if (it == clients_.end() || it->second->serial != serial) return; // that client has gone
    Client &c = *it->second;
    c.session.verdict = ok ? Session::Verdict::Granted : Session::Verdict::Denied;
    c.session.verdict_users = users_generation; // a reload since then: the line asks again
    c.paused = false;
    const std::vector<std::string> line = std::move(c.held_line);
    const std::string rest = std::move(c.held_bytes);
    c.held_line.clear();
    c.held_bytes.clear();
    const std::vector<std::string_view> words(line.begin(), line.end());
    std::string &reply = reply_scratch_; // not in use: this runs from the loop, not inside a request
    reply.clear();
    const bool stop = dispatch(c, words, reply, rest);
    emit(c, reply);
    if (!stop && !c.closing && !c.dead) process_plain(c, rest);
    if (!c.dead) flush(c);
    if (c.dead || (c.closing && c.out.empty())) return close_client(fd);
    // What arrived while we were not reading (the edge was consumed back then): read it now.
    if (!c.paused && c.out.empty()) on_client(fd, EPOLLIN | EPOLLRDHUP);
}

void NetServer::tick() {
    const auto now = Clock::now();
    std::vector<int> idle;
    for (auto &[fd, c] : clients_)
        // Watchers (push.hpp) too: they send NUTPP PING to stay (an idle watch held a slot forever).
        // A client waiting for its verdict is waiting for us, not idle.
        if (!c->paused && now - c->last_line > opt_.idle_timeout) idle.push_back(fd);
    for (int fd : idle) {
        spdlog::debug("closing idle client {}", clients_[fd]->session.addr);
        close_client(fd);
    }
    // After a crowd of clients has gone (10,000 at once, say), hand their memory back: malloc
    // keeps freed blocks for reuse, and a daemon that had one burst should not hold it for days.
    if (peak_clients_ >= 256 && clients_.size() < peak_clients_ / 4) {
        clients_.rehash(0);
        malloc_trim(0);
        peak_clients_ = clients_.size();
    }
}

void NetServer::kick_logins(Ups *ups) {
    std::vector<int> fds;
    for (auto &[fd, c] : clients_)
        if (c->session.login_ups == ups) fds.push_back(fd);
    for (int fd : fds) close_client(fd);
}

} // namespace nutpp::server
