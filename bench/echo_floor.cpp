// echo_floor: the cheapest possible answer to GET VAR, for the benchmark's "kernel floor" row.
// One epoll loop, edge-triggered, no parsing: every '\n' received is answered with the same fixed
// VAR line, all replies of one read in one send(). Whatever CPU this costs per request is what the
// kernel's TCP work costs (recv, send, loopback delivery, wake-ups), which no real server can go
// below; bench/run.sh prints it next to NUT's and ours.
//
//   echo_floor PORT
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

int main(int argc, char **argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: echo_floor PORT\n");
        return 2;
    }
    const int lfd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    const int one = 1;
    ::setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(uint16_t(std::atoi(argv[1])));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(lfd, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0 || ::listen(lfd, 4096) != 0) {
        std::perror("echo_floor: bind/listen");
        return 1;
    }
    const int ep = ::epoll_create1(0);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = lfd;
    ::epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
    const std::string reply = "VAR demo ups.status \"OL\"\n";
    std::string out;
    epoll_event evs[256];
    char buf[4096];
    for (;;) {
        const int n = ::epoll_wait(ep, evs, 256, -1);
        for (int i = 0; i < n; ++i) {
            const int fd = evs[i].data.fd;
            if (fd == lfd) {
                for (int c; (c = ::accept4(lfd, nullptr, nullptr, SOCK_NONBLOCK)) >= 0;) {
                    ::setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    epoll_event ce{};
                    ce.events = EPOLLIN | EPOLLRDHUP | EPOLLET;
                    ce.data.fd = c;
                    ::epoll_ctl(ep, EPOLL_CTL_ADD, c, &ce);
                }
                continue;
            }
            for (;;) {
                const ssize_t r = ::read(fd, buf, sizeof buf);
                if (r <= 0) {
                    if (r == 0 || (errno != EAGAIN && errno != EINTR)) ::close(fd);
                    break;
                }
                out.clear();
                for (ssize_t k = 0; k < r; ++k)
                    if (buf[k] == '\n') out += reply;
                if (!out.empty()) (void)!::send(fd, out.data(), out.size(), MSG_NOSIGNAL);
                if (size_t(r) < sizeof buf && !(evs[i].events & (EPOLLRDHUP | EPOLLHUP))) break;
            }
        }
    }
}
