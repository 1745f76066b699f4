#include "driver_socket/dump_client.hpp"

#include "common/parseconf.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace nutpp::driver_socket {

namespace {

class Fd {
public:
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() {
        if (fd_ >= 0) close(fd_);
    }
    int get() const { return fd_; }

private:
    int fd_;
};

int connect_unix(const std::string &path) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof addr.sun_path) throw std::runtime_error("socket path too long: " + path);
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::runtime_error(std::string("socket: ") + strerror(errno));
    if (connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0) {
        const std::string err = strerror(errno);
        close(fd);
        throw std::runtime_error("cannot connect to driver socket " + path + ": " + err);
    }
    return fd;
}

// Reads tokenized lines until `done` says stop; throws on timeout/EOF.
template <class Done>
void read_lines(int fd, std::chrono::milliseconds timeout, const std::string &path, Done &&done) {
    common::LineTokenizer tok;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) throw std::runtime_error("timeout reading from " + path);
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
        char buf[8192];
        const ssize_t n = read(fd, buf, sizeof buf);
        if (n <= 0) throw std::runtime_error("driver closed the connection: " + path);
        std::vector<common::LineTokenizer::Line> lines;
        tok.feed(std::string_view(buf, static_cast<size_t>(n)), lines);
        for (auto &l : lines)
            if (!l.error && !l.words.empty() && done(l.words)) return;
    }
}

void send_all(int fd, const std::string &line) {
    const std::string data = line + "\n";
    if (::send(fd, data.data(), data.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(data.size()))
        throw std::runtime_error(std::string("write to driver socket: ") + strerror(errno));
}

} // namespace

DriverState dump(const std::string &socket_path, std::chrono::milliseconds timeout) {
    Fd fd(connect_unix(socket_path));
    send_all(fd.get(), "DUMPALL");
    DriverState st;
    read_lines(fd.get(), timeout, socket_path, [&](const std::vector<std::string> &w) {
        st.raw.push_back(common::join(w, " "));
        const std::string &verb = w[0];
        if (verb == "DUMPDONE") return true;
        if (verb == "SETINFO" && w.size() >= 3) st.vars[w[1]] = w[2];
        else if (verb == "DELINFO" && w.size() >= 2) st.vars.erase(w[1]);
        else if (verb == "SETFLAGS" && w.size() >= 2) st.flags[w[1]] = std::vector<std::string>(w.begin() + 2, w.end());
        else if (verb == "SETAUX" && w.size() >= 3) st.aux[w[1]] = std::stol(w[2]);
        else if (verb == "ADDENUM" && w.size() >= 3) st.enums[w[1]].push_back(w[2]);
        else if (verb == "ADDCMD" && w.size() >= 2) st.commands.push_back(w[1]);
        else if (verb == "DATAOK") st.data_ok = true;
        else if (verb == "DATASTALE") st.data_ok = false;
        return false;
    });
    return st;
}

std::vector<std::string> exchange(const std::string &socket_path, const std::string &request,
                                  const std::string &until_prefix, std::chrono::milliseconds timeout) {
    Fd fd(connect_unix(socket_path));
    send_all(fd.get(), request);
    std::vector<std::string> out;
    read_lines(fd.get(), timeout, socket_path, [&](const std::vector<std::string> &w) {
        out.push_back(common::join(w, " "));
        return common::starts_with_i(out.back(), until_prefix);
    });
    return out;
}

} // namespace nutpp::driver_socket
