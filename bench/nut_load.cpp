// nut_load: a load client for NUT-protocol servers (ours and NUT's upsd), one thread, epoll.
//
//   nut_load --host 127.0.0.1 --port 3493 --ups demo --request get|list
//            --connections 50 --depth 1 --seconds 5 [--max-requests N]
//
// Each connection keeps `depth` requests in flight: depth 1 is a closed loop (send, wait for the
// whole reply, send again — what upsc, PyNUT and upsmon do), depth > 1 pipelines. A reply is complete
// at its one line (GET) or at "END LIST VAR <ups>" (LIST). Prints one line of JSON with the request
// rate and latency percentiles, so a script can put servers side by side.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
    std::string host = "127.0.0.1";
    int port = 3493;
    std::string ups = "demo";
    std::string request = "get"; // get | list
    int connections = 10;
    int depth = 1;
    double seconds = 5;
    long max_requests = 0; // 0 = no limit (time bound only)
};

struct Conn {
    int fd = -1;
    bool connecting = false; // connect() still in progress (waiting for EPOLLOUT)
    std::string in;
    std::deque<Clock::time_point> sent; // send time of each request in flight
};

[[noreturn]] void die(const std::string &what) {
    std::fprintf(stderr, "nut_load: %s: %s\n", what.c_str(), std::strerror(errno));
    std::exit(2);
}

Options parse(int argc, char **argv) {
    Options o;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string k = argv[i], v = argv[i + 1];
        if (k == "--host") o.host = v;
        else if (k == "--port") o.port = std::atoi(v.c_str());
        else if (k == "--ups") o.ups = v;
        else if (k == "--request") o.request = v;
        else if (k == "--connections") o.connections = std::max(1, std::atoi(v.c_str()));
        else if (k == "--depth") o.depth = std::max(1, std::atoi(v.c_str()));
        else if (k == "--seconds") o.seconds = std::atof(v.c_str());
        else if (k == "--max-requests") o.max_requests = std::atol(v.c_str());
        else {
            std::fprintf(stderr, "nut_load: unknown option %s\n", k.c_str());
            std::exit(2);
        }
    }
    if (o.request != "get" && o.request != "list") {
        std::fprintf(stderr, "nut_load: --request must be get or list\n");
        std::exit(2);
    }
    return o;
}

// A non-blocking socket with its connect started (all connects run in parallel, as a crowd of
// clients would), or -1 when the connect failed at once. `in_progress` tells whether it completes later.
int start_connect(const Options &o, bool &in_progress) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) die("socket (raise ulimit -n for many connections)");
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(uint16_t(o.port));
    if (::inet_pton(AF_INET, o.host.c_str(), &a.sin_addr) != 1) die("bad --host (IPv4 address)");
    // Like libupsclient: the client side sends whole lines; Nagle would only add client delay.
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    in_progress = false;
    if (::connect(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) == 0) return fd;
    if (errno == EINPROGRESS) {
        in_progress = true;
        return fd;
    }
    ::close(fd);
    return -1;
}

} // namespace

int main(int argc, char **argv) {
    const Options o = parse(argc, argv);
    const std::string line = o.request == "get" ? "GET VAR " + o.ups + " ups.status\n" : "LIST VAR " + o.ups + "\n";
    const std::string list_end = "END LIST VAR " + o.ups + "\n";

    const int ep = ::epoll_create1(EPOLL_CLOEXEC);
    std::vector<Conn> conns(size_t(o.connections));
    long connect_failed = 0, closed_by_server = 0;
    long connecting = 0;
    for (size_t i = 0; i < conns.size(); ++i) {
        bool in_progress = false;
        conns[i].fd = start_connect(o, in_progress);
        if (conns[i].fd < 0) {
            ++connect_failed;
            continue;
        }
        conns[i].connecting = in_progress;
        connecting += in_progress;
        epoll_event ev{};
        ev.events = in_progress ? EPOLLOUT : EPOLLIN;
        ev.data.u64 = i;
        ::epoll_ctl(ep, EPOLL_CTL_ADD, conns[i].fd, &ev);
    }

    long issued = 0, done = 0, errors = 0, lost = 0; // lost: requests on connections the server closed
    std::vector<double> latencies_us;
    latencies_us.reserve(1 << 20);
    // Sends `k` requests in one write, as a pipelining client does with what it has to send; with
    // depth 1 (closed loop) that is one request per write.
    std::string burst;
    for (int d = 0; d < o.depth; ++d) burst += line;
    auto send_many = [&](Conn &c, int k) {
        if (k <= 0 || c.fd < 0) return;
        const size_t bytes = size_t(k) * line.size();
        if (::send(c.fd, burst.data(), bytes, MSG_NOSIGNAL) != ssize_t(bytes)) {
            ::close(c.fd); // the server dropped this connection
            c.fd = -1;
            lost += long(c.sent.size());
            c.sent.clear();
            ++closed_by_server;
            return;
        }
        const auto now = Clock::now();
        for (int i = 0; i < k; ++i) c.sent.push_back(now);
        issued += k;
    };
    auto how_many = [&](int want) {
        if (o.max_requests == 0) return want;
        return int(std::min<long>(want, std::max<long>(0, o.max_requests - issued)));
    };

    const auto start = Clock::now();
    const auto deadline = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.seconds));
    auto start_requests = [&](Conn &c) { send_many(c, how_many(o.depth)); };
    for (auto &c : conns)
        if (c.fd >= 0 && !c.connecting) start_requests(c);

    std::vector<epoll_event> events(256);
    char buf[65536];
    while (Clock::now() < deadline && (connecting > 0 || done + lost < issued)) {
        const int n = ::epoll_wait(ep, events.data(), int(events.size()), 100);
        for (int i = 0; i < n; ++i) {
            Conn &c = conns[events[size_t(i)].data.u64];
            if (c.fd < 0) continue;
            if (c.connecting) {
                int err = 0;
                socklen_t len = sizeof err;
                ::getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
                c.connecting = false;
                --connecting;
                if (err != 0) {
                    ::close(c.fd);
                    c.fd = -1;
                    ++connect_failed;
                    continue;
                }
                epoll_event ev{};
                ev.events = EPOLLIN;
                ev.data.u64 = events[size_t(i)].data.u64;
                ::epoll_ctl(ep, EPOLL_CTL_MOD, c.fd, &ev);
                start_requests(c);
                continue;
            }
            bool gone = false;
            for (;;) {
                const ssize_t r = ::recv(c.fd, buf, sizeof buf, 0);
                if (r > 0) {
                    c.in.append(buf, size_t(r));
                    continue;
                }
                gone = r == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
                break;
            }
            // Complete replies, in order; each one frees a slot, refilled in one write below.
            int refill = 0;
            for (;;) {
                size_t end;
                if (o.request == "get") {
                    end = c.in.find('\n');
                    if (end == std::string::npos) break;
                    ++end;
                } else {
                    const size_t at = c.in.find(list_end);
                    const size_t err = c.in.rfind("ERR ", 0) == 0 ? c.in.find('\n') : std::string::npos;
                    if (err != std::string::npos) end = err + 1;
                    else if (at != std::string::npos) end = at + list_end.size();
                    else break;
                }
                if (c.in.rfind("ERR ", 0) == 0) ++errors;
                c.in.erase(0, end);
                if (c.sent.empty()) break;
                latencies_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - c.sent.front()).count());
                c.sent.pop_front();
                ++done;
                ++refill;
            }
            if (!gone && Clock::now() < deadline) send_many(c, how_many(refill));
            if (gone && c.fd >= 0) { // e.g. a server over its connection limit
                lost += long(c.sent.size());
                c.sent.clear();
                ::close(c.fd);
                c.fd = -1;
                ++closed_by_server;
            }
        }
    }
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    std::sort(latencies_us.begin(), latencies_us.end());
    auto pct = [&](double p) {
        return latencies_us.empty() ? 0.0 : latencies_us[std::min(latencies_us.size() - 1, size_t(p * double(latencies_us.size())))];
    };
    std::printf("{\"request\":\"%s\",\"connections\":%d,\"connect_failed\":%ld,\"still_connecting\":%ld,\"closed_by_server\":%ld,"
                "\"depth\":%d,\"replies\":%ld,\"errors\":%ld,"
                "\"seconds\":%.3f,\"per_second\":%.0f,\"p50_us\":%.0f,\"p99_us\":%.0f,\"max_us\":%.0f}\n",
                o.request.c_str(), o.connections, connect_failed, connecting, closed_by_server, o.depth, done, errors, elapsed, double(done) / elapsed, pct(0.50),
                pct(0.99), latencies_us.empty() ? 0.0 : latencies_us.back());
    for (auto &c : conns)
        if (c.fd >= 0) ::close(c.fd);
    return 0;
}
