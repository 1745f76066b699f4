// upsd's listening sockets: binding the `listen` entries (once per resolved address and port) and
// the access rules each socket applies (server/access.hpp). Part of NetServer (net_server.hpp).
#include "server/access.hpp"
#include "server/net_server.hpp"

#include <spdlog/spdlog.h>

#include <netdb.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace nutpp::server {

namespace {

// The bytes of a socket address (family, address, port): equal for entries that resolve alike.
// (Not the raw sockaddr: sin_zero and sin6_flowinfo are not part of the address.)
std::string socket_key(const sockaddr *sa) {
    if (sa->sa_family == AF_INET) {
        const auto *in = reinterpret_cast<const sockaddr_in *>(sa);
        return "4" + std::string(reinterpret_cast<const char *>(&in->sin_addr), 4) +
               std::string(reinterpret_cast<const char *>(&in->sin_port), 2);
    }
    const auto *in6 = reinterpret_cast<const sockaddr_in6 *>(sa);
    return "6" + std::string(reinterpret_cast<const char *>(&in6->sin6_addr), 16) +
           std::string(reinterpret_cast<const char *>(&in6->sin6_port), 2) + std::to_string(in6->sin6_scope_id);
}

} // namespace

void NetServer::bind_one(const config::Listen &l, std::vector<std::string> &errors) {
    std::vector<std::pair<sockaddr_storage, socklen_t>> addrs;
    const std::string port = std::to_string(l.port);
    auto add = [&](const char *host) {
        addrinfo hints{};
        hints.ai_family = AF_UNSPEC;
        hints.ai_socktype = SOCK_STREAM;
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
        addrinfo *res = nullptr;
        const int rc = getaddrinfo(host, port.c_str(), &hints, &res);
        if (rc != 0) {
            errors.push_back(l.host + " port " + port + ": " + gai_strerror(rc));
            return;
        }
        for (addrinfo *ai = res; ai; ai = ai->ai_next) {
            sockaddr_storage ss{};
            std::memcpy(&ss, ai->ai_addr, ai->ai_addrlen);
            addrs.emplace_back(ss, ai->ai_addrlen);
        }
        freeaddrinfo(res);
    };
    if (l.host == "*") {
        add("0.0.0.0");
        add("::");
    } else {
        std::string h = l.host;
        if (h.size() > 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
        add(h.c_str());
    }
    const std::string entry = l.host + " port " + port;
    for (auto &[ss, len] : addrs) {
        const auto *sa = reinterpret_cast<const sockaddr *>(&ss);
        // The same address and port from another entry (LISTEN localhost 3493 next to LISTEN
        // 127.0.0.1 3493): bind once, as NUT serves both. Port 0 asks for a fresh port each time.
        const std::string key = socket_key(sa);
        if (l.port != 0) {
            const auto dup = bound_.find(key);
            if (dup != bound_.end()) {
                const Listener &first = listeners_[dup->second];
                if (!same_rules(first.rules, rules_for(l)))
                    throw std::runtime_error("listen entries '" + first.entry + "' and '" + entry + "' are both " +
                                             first.where + " but have different access rules (allow/deny)");
                spdlog::warn("listen entry '{}' is {}, already bound for '{}': listening there once", entry,
                             first.where, first.entry);
                continue;
            }
        }
        const int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            errors.push_back(addr_text(sa) + " port " + port + ": " + strerror(errno));
            continue;
        }
        const int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        // "::" must not swallow IPv4 (we bind 0.0.0.0 separately and show plain IPv4 addresses).
        if (sa->sa_family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
        if (bind(fd, sa, len) != 0 || listen(fd, kBacklog) != 0) {
            errors.push_back(addr_text(sa) + " port " + port + ": " + strerror(errno));
            close(fd);
            continue;
        }
        sockaddr_storage bound{};
        socklen_t blen = sizeof bound;
        getsockname(fd, reinterpret_cast<sockaddr *>(&bound), &blen);
        const std::string where = addr_text(reinterpret_cast<sockaddr *>(&bound)) + " port " +
                                  std::to_string(addr_port(reinterpret_cast<sockaddr *>(&bound)));
        spdlog::info("listening on {}", where);
        const size_t index = listeners_.size();
        listeners_.push_back(Listener{fd, where, entry, rules_for(l)});
        if (l.port != 0) bound_.emplace(key, index);
        loop_.watch(fd, EPOLLIN, [this, index](uint32_t) { on_accept(index); });
    }
}

void NetServer::start() {
    std::vector<std::string> errors;
    for (const auto &l : opt_.listen) bind_one(l, errors);
    for (const auto &e : errors) spdlog::error("not listening on {}", e);
    if (listeners_.empty()) throw std::runtime_error("no listening socket could be opened");
    if (!errors.empty() && !opt_.allow_not_all_listeners)
        throw std::runtime_error("could not listen on " + errors.front() +
                                 " (set allow_not_all_listeners to start anyway)");
}

std::vector<std::string> NetServer::listening() const {
    std::vector<std::string> out;
    for (const auto &l : listeners_) out.push_back(l.where);
    return out;
}

void NetServer::set_access(const config::AccessRules &global, const std::vector<config::Listen> &listen) {
    opt_.access = global;
    for (auto &l : listeners_) {
        l.rules = global;
        for (const auto &e : listen)
            if (e.host + " port " + std::to_string(e.port) == l.entry) l.rules = rules_for(e);
    }
}


} // namespace nutpp::server
