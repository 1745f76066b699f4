// upsd_load: a NUT-protocol server under a crowd, seen by one ordinary client.
//
//   upsd_load --port 3493 [--host 127.0.0.1] [--ups demo] [--idle 1000] [--slow 500]
//             [--seconds 20] [--user admin] [--guesser-source 127.0.0.66]
//
// Opens `idle` connections that never send, `slow` connections that send one byte a second (a
// GET VAR spread over 24 s), a guesser that tries wrong passwords for `user` as fast as the server
// answers (a fresh connection per try, from its own loopback address), and one ordinary client that
// sends GET VAR every 10 ms and times each reply. Prints one line of JSON: the ordinary client's
// latency percentiles, wrong or missing replies, and how many guesses the server answered.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
    std::string host = "127.0.0.1";
    int port = 3493;
    std::string ups = "demo";
    int idle = 1000, slow = 500;
    double seconds = 20;
    std::string user = "admin";
    std::string guesser_source = "127.0.0.66";
};

Options parse(int argc, char **argv) {
    Options o;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string k = argv[i], v = argv[i + 1];
        if (k == "--host") o.host = v;
        else if (k == "--port") o.port = std::atoi(v.c_str());
        else if (k == "--ups") o.ups = v;
        else if (k == "--idle") o.idle = std::max(0, std::atoi(v.c_str()));
        else if (k == "--slow") o.slow = std::max(0, std::atoi(v.c_str()));
        else if (k == "--seconds") o.seconds = std::atof(v.c_str());
        else if (k == "--user") o.user = v;
        else if (k == "--guesser-source") o.guesser_source = v;
        else {
            std::fprintf(stderr, "upsd_load: unknown option %s\n", k.c_str());
            std::exit(2);
        }
    }
    return o;
}

// A blocking TCP connection to the server, optionally from `source`; -1 on failure.
int connect_to(const Options &o, const std::string &source = {}) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    if (!source.empty()) {
        // Port chosen at connect(), per destination: tens of thousands of guesses (NUT answers them
        // all) leave as many ports in TIME_WAIT, and a port picked at bind() would run out.
        const int on = 1;
        setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &on, sizeof on);
        sockaddr_in s{};
        s.sin_family = AF_INET;
        inet_pton(AF_INET, source.c_str(), &s.sin_addr);
        if (bind(fd, reinterpret_cast<sockaddr *>(&s), sizeof s) != 0) {
            close(fd);
            return -1;
        }
    }
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(uint16_t(o.port));
    inet_pton(AF_INET, o.host.c_str(), &a.sin_addr);
    if (connect(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0) {
        close(fd);
        return -1;
    }
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

bool send_all(int fd, const std::string &s) {
    size_t done = 0;
    while (done < s.size()) {
        const ssize_t n = send(fd, s.data() + done, s.size() - done, MSG_NOSIGNAL);
        if (n <= 0) return false;
        done += size_t(n);
    }
    return true;
}

// Reads until `lines` newlines arrived; false on EOF, error or timeout.
bool read_lines(int fd, size_t lines, std::chrono::milliseconds timeout, std::string &out) {
    out.clear();
    const auto deadline = Clock::now() + timeout;
    while (size_t(std::count(out.begin(), out.end(), '\n')) < lines) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0) return false;
        pollfd p{fd, POLLIN, 0};
        if (poll(&p, 1, int(left)) <= 0) continue;
        char buf[4096];
        const ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n <= 0) return false;
        out.append(buf, size_t(n));
    }
    return true;
}

double pct(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, size_t(double(v.size()) * p))];
}

} // namespace

int main(int argc, char **argv) {
    const Options o = parse(argc, argv);
    std::vector<int> idle, slow;
    for (int i = 0; i < o.idle; ++i)
        if (const int fd = connect_to(o); fd >= 0) idle.push_back(fd);
    for (int i = 0; i < o.slow; ++i)
        if (const int fd = connect_to(o); fd >= 0) slow.push_back(fd);

    std::atomic<bool> stop{false};
    std::thread slow_thread([&] {
        const std::string line = "GET VAR " + o.ups + " ups.status\n";
        char sink[4096];
        for (size_t k = 0; !stop; ++k) {
            for (int fd : slow) {
                send(fd, line.data() + k % line.size(), 1, MSG_NOSIGNAL | MSG_DONTWAIT);
                while (recv(fd, sink, sizeof sink, MSG_DONTWAIT) > 0) {
                }
            }
            for (int i = 0; i < 10 && !stop; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    });
    std::atomic<long> guesses{0};
    std::atomic<double> guess_last_ms{0};
    std::thread guesser([&] {
        for (long i = 0; !stop; ++i) {
            const int fd = connect_to(o, o.guesser_source);
            if (fd < 0) break;
            const auto t = Clock::now();
            std::string r;
            const bool ok = send_all(fd, "USERNAME " + o.user + "\nPASSWORD wrong-" + std::to_string(i) + "\nLOGIN " +
                                             o.ups + "\n") &&
                            read_lines(fd, 3, std::chrono::seconds(60), r);
            close(fd);
            if (!ok) break;
            guess_last_ms = std::chrono::duration<double, std::milli>(Clock::now() - t).count();
            ++guesses;
        }
    });

    const int fd = connect_to(o);
    if (fd < 0) {
        std::fprintf(stderr, "upsd_load: the ordinary client could not connect: %s\n", std::strerror(errno));
        return 2;
    }
    const std::string request = "GET VAR " + o.ups + " ups.status\n";
    const std::string expect = "VAR " + o.ups + " ups.status ";
    std::vector<double> ms;
    long errors = 0;
    const auto end = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.seconds));
    std::string reply;
    while (Clock::now() < end) {
        const auto t = Clock::now();
        if (!send_all(fd, request) || !read_lines(fd, 1, std::chrono::seconds(5), reply)) {
            ++errors;
            break;
        }
        ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t).count());
        if (reply.rfind(expect, 0) != 0) ++errors;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    stop = true;
    slow_thread.join();
    guesser.detach(); // it may be waiting out a throttle delay; the process ends anyway
    std::printf("{\"idle_open\":%zu,\"slow_open\":%zu,\"requests\":%zu,\"errors\":%ld,\"p50_ms\":%.3f,\"p99_ms\":%.3f,"
                "\"max_ms\":%.3f,\"guesses\":%ld,\"guess_last_ms\":%.0f}\n",
                idle.size(), slow.size(), ms.size(), errors, pct(ms, 0.5), pct(ms, 0.99), pct(ms, 1.0), guesses.load(),
                guess_last_ms.load());
    std::fflush(stdout);
    std::_Exit(0); // without waiting for the guesser or closing 1,500 sockets one by one
}
