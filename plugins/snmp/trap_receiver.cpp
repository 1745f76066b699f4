#include "trap_receiver.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace nutpp::snmp {
namespace {
TrapReceiver *g_receiver = nullptr;
} // namespace

TrapReceiver *trap_receiver() { return g_receiver; }
void trap_receiver_init() {
    if (!g_receiver) g_receiver = new TrapReceiver();
}
void trap_receiver_deinit() {
    delete g_receiver;
    g_receiver = nullptr;
}

bool split_host_port(const std::string &s, std::string &host, std::string &port, const std::string &default_port) {
    if (s.empty()) return false;
    if (s[0] == '[') {
        auto close = s.find(']');
        if (close == std::string::npos) return false;
        host = s.substr(1, close - 1);
        if (close + 1 == s.size()) port = default_port;
        else if (s[close + 1] == ':') port = s.substr(close + 2);
        else return false;
    } else if (std::count(s.begin(), s.end(), ':') == 1) {
        host = s.substr(0, s.find(':'));
        port = s.substr(s.find(':') + 1);
    } else if (s.find(':') != std::string::npos) {
        host = s; // a bare IPv6 address
        port = default_port;
    } else {
        host = s;
        port = default_port;
    }
    if (host.empty() || port.empty()) return false;
    for (char c : port)
        if (c < '0' || c > '9') return false;
    return std::stoul(port) > 0 && std::stoul(port) < 65536;
}

TrapReceiver::~TrapReceiver() {
    if (thread_.joinable()) {
        char b = 1;
        (void)!::write(wake_[1], &b, 1);
        thread_.join();
    }
    for (int fd : {fd_, wake_[0], wake_[1]})
        if (fd >= 0) ::close(fd);
}

bool TrapReceiver::start(const std::string &listen, std::string &error) {
    std::lock_guard lock(mu_);
    if (fd_ >= 0) {
        if (listen == listen_) return true;
        error = "trap_listen '" + listen + "' differs from '" + listen_ +
                "' used by another SNMP device (one trap receiver per upsdrvd: give every device the same value)";
        return false;
    }
    std::string host, port;
    if (!split_host_port(listen, host, port, "162")) {
        error = "trap_listen '" + listen + "': expected host:port or [ipv6]:port";
        return false;
    }
    addrinfo hints{}, *res = nullptr;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    if (int rc = getaddrinfo(host.c_str(), port.c_str(), &hints, &res); rc != 0) {
        error = "trap_listen '" + listen + "': " + gai_strerror(rc);
        return false;
    }
    int fd = ::socket(res->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || ::bind(fd, res->ai_addr, res->ai_addrlen) != 0) {
        error = "trap_listen '" + listen + "': cannot bind: " + std::strerror(errno);
        if (fd >= 0) ::close(fd);
        freeaddrinfo(res);
        return false;
    }
    freeaddrinfo(res);
    if (::pipe2(wake_, O_CLOEXEC) != 0) {
        error = std::string("trap receiver: pipe: ") + std::strerror(errno);
        ::close(fd);
        return false;
    }
    fd_ = fd;
    listen_ = listen;
    thread_ = std::thread([this] { run(); });
    return true;
}

void TrapReceiver::add(nutpp_host_ctx *h, const nutpp_host_api *api, const std::vector<std::string> &agent_ips) {
    std::lock_guard lock(mu_);
    entries_.erase(std::remove_if(entries_.begin(), entries_.end(), [&](const Entry &e) { return e.h == h; }),
                   entries_.end());
    entries_.push_back({h, api, agent_ips});
}

void TrapReceiver::remove(nutpp_host_ctx *h) {
    std::lock_guard lock(mu_);
    entries_.erase(std::remove_if(entries_.begin(), entries_.end(), [&](const Entry &e) { return e.h == h; }),
                   entries_.end());
}

void TrapReceiver::run() {
    char buf[65536];
    for (;;) {
        pollfd p[2] = {{fd_, POLLIN, 0}, {wake_[0], POLLIN, 0}};
        if (::poll(p, 2, -1) < 0) {
            if (errno == EINTR) continue;
            return;
        }
        if (p[1].revents) return;
        if (!(p[0].revents & POLLIN)) continue;
        sockaddr_storage from{};
        socklen_t len = sizeof from;
        if (::recvfrom(fd_, buf, sizeof buf, 0, reinterpret_cast<sockaddr *>(&from), &len) < 0) continue;
        char ip[INET6_ADDRSTRLEN] = "";
        if (from.ss_family == AF_INET) {
            inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in *>(&from)->sin_addr, ip, sizeof ip);
        } else if (from.ss_family == AF_INET6) {
            auto *a6 = &reinterpret_cast<sockaddr_in6 *>(&from)->sin6_addr;
            if (IN6_IS_ADDR_V4MAPPED(a6)) inet_ntop(AF_INET, &a6->s6_addr[12], ip, sizeof ip);
            else inet_ntop(AF_INET6, a6, ip, sizeof ip);
        }
        received_.fetch_add(1);
        std::lock_guard lock(mu_);
        for (const auto &e : entries_)
            if (std::find(e.ips.begin(), e.ips.end(), ip) != e.ips.end()) e.api->request_poll(e.h);
    }
}

} // namespace nutpp::snmp
