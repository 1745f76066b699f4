#include "fake_driver.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>
#include <stdexcept>

namespace nutpp::testing {

const char *FakeDriver::dump() {
    return "SETINFO driver.name \"fake\"\n"
           "SETINFO input.transfer.high \"140\"\n"
           "ADDRANGE input.transfer.high 130 150\n"
           "ADDRANGE input.transfer.high 160 170\n"
           "SETFLAGS input.transfer.high RW NUMBER\n"
           "SETINFO ups.beeper.status \"enabled\"\n"
           "ADDENUM ups.beeper.status \"enabled\"\n"
           "ADDENUM ups.beeper.status \"disabled\"\n"
           "ADDENUM ups.beeper.status \"muted\"\n"
           "SETAUX ups.beeper.status 10\n"
           "SETFLAGS ups.beeper.status RW STRING\n"
           "SETINFO ups.delay.shutdown \"20\"\n"
           "ADDENUM ups.delay.shutdown \"10\"\n"
           "ADDENUM ups.delay.shutdown \"20\"\n"
           "SETFLAGS ups.delay.shutdown RW NUMBER\n"
           "SETINFO ups.id \"my ups\"\n"
           "SETAUX ups.id 16\n"
           "SETFLAGS ups.id RW STRING\n"
           "SETINFO ups.load \"5\"\n"
           "SETFLAGS ups.load RW\n"
           "SETINFO ups.range.string \"3\"\n"
           "ADDRANGE ups.range.string 1 5\n"
           "SETAUX ups.range.string 4\n"
           "SETFLAGS ups.range.string RW STRING\n"
           "SETINFO ups.status \"OL\"\n"
           "ADDCMD beeper.toggle\n"
           "ADDCMD load.off\n"
           "DATAOK\n"
           "DUMPDONE\n";
}

FakeDriver::FakeDriver(std::string socket_path) : path_(std::move(socket_path)) {
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    if (path_.size() >= sizeof sa.sun_path) throw std::runtime_error("FakeDriver: socket path too long");
    std::memcpy(sa.sun_path, path_.c_str(), path_.size() + 1);
    ::unlink(path_.c_str());
    listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr *>(&sa), sizeof sa) != 0 ||
        ::listen(listen_fd_, 8) != 0)
        throw std::runtime_error(std::string("FakeDriver: cannot listen on ") + path_ + ": " + std::strerror(errno));
    acceptor_ = std::thread([this] { accept_loop(); });
}

void FakeDriver::hold_dumps() {
    std::lock_guard lk(mu_);
    hold_ = true;
}

void FakeDriver::release_dumps() {
    {
        std::lock_guard lk(mu_);
        hold_ = false;
    }
    released_.notify_all();
}

void FakeDriver::drop_connections() {
    std::lock_guard lk(mu_);
    // shutdown, not close: the serving thread still owns the fd and closes it in the destructor.
    for (int fd : conns_) ::shutdown(fd, SHUT_RDWR);
}

FakeDriver::~FakeDriver() {
    stop_ = true;
    release_dumps(); // a serving thread may be waiting to answer DUMPALL
    acceptor_.join();
    {
        std::lock_guard lk(mu_);
        for (int fd : conns_) ::shutdown(fd, SHUT_RDWR); // wakes the blocked reads
    }
    for (auto &t : workers_) t.join();
    for (int fd : conns_) ::close(fd);
    ::close(listen_fd_);
    ::unlink(path_.c_str());
}

void FakeDriver::accept_loop() {
    while (!stop_) {
        pollfd p{listen_fd_, POLLIN, 0};
        if (::poll(&p, 1, 100) <= 0) continue; // wake up regularly to notice stop_
        const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) continue;
        std::lock_guard lk(mu_);
        conns_.push_back(fd);
        workers_.emplace_back([this, fd] { serve(fd); });
    }
}

void FakeDriver::serve(int fd) {
    auto send = [fd](const std::string &s) { [[maybe_unused]] auto n = ::send(fd, s.data(), s.size(), MSG_NOSIGNAL); };
    std::string buf;
    char chunk[1024];
    for (;;) {
        const ssize_t n = ::read(fd, chunk, sizeof chunk);
        if (n <= 0) return;
        buf.append(chunk, static_cast<size_t>(n));
        for (size_t nl; (nl = buf.find('\n')) != std::string::npos;) {
            const std::string line = buf.substr(0, nl);
            buf.erase(0, nl + 1);
            std::istringstream words(line);
            std::vector<std::string> w;
            for (std::string x; words >> x;) w.push_back(x);
            if (w.empty()) continue;
            if (w[0] == "DUMPALL") {
                std::unique_lock lk(mu_);
                released_.wait(lk, [this] { return !hold_ || stop_; });
                lk.unlock();
                send(dump());
            }
            else if (w[0] == "PING") send("PONG\n");
            else if ((w[0] == "SET" || w[0] == "INSTCMD") && w.size() >= 2 && w[w.size() - 2] == "TRACKING")
                send("TRACKING " + w.back() + " 0\n"); // every tracked action "succeeds"
        }
    }
}

} // namespace nutpp::testing
