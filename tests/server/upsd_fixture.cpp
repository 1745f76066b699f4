#include "upsd_fixture.hpp"
#include "upsdrvd_fixture.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace nutpp::testing {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

std::string read_file(const std::string &path) {
    std::ifstream f(path);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

void write_file(const std::string &path, const std::string &text) { std::ofstream(path) << text; }

long rss_kib(int pid) {
    std::ifstream f("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(f, line))
        if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    return -1;
}

RawConn::RawConn(uint16_t port, bool ipv6, std::chrono::milliseconds timeout) {
    fd_ = socket(ipv6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return;
    timeval tv{long(timeout.count() / 1000), long(timeout.count() % 1000) * 1000};
    setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    int rc;
    if (ipv6) {
        sockaddr_in6 a{};
        a.sin6_family = AF_INET6;
        a.sin6_addr = in6addr_loopback;
        a.sin6_port = htons(port);
        rc = connect(fd_, reinterpret_cast<sockaddr *>(&a), sizeof a);
    } else {
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = htons(port);
        rc = connect(fd_, reinterpret_cast<sockaddr *>(&a), sizeof a);
    }
    if (rc != 0) close();
}

RawConn RawConn::from(const std::string &source_v4, uint16_t port, std::chrono::milliseconds timeout) {
    RawConn c;
    c.fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (c.fd_ < 0) return c;
    timeval tv{long(timeout.count() / 1000), long(timeout.count() % 1000) * 1000};
    setsockopt(c.fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    sockaddr_in src{};
    src.sin_family = AF_INET;
    inet_pton(AF_INET, source_v4.c_str(), &src.sin_addr);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    if (bind(c.fd_, reinterpret_cast<sockaddr *>(&src), sizeof src) != 0 ||
        connect(c.fd_, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0)
        c.close();
    return c;
}

RawConn::~RawConn() { close(); }

void RawConn::close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

bool RawConn::send(std::string_view bytes) {
    while (!bytes.empty()) {
        const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n <= 0) return false;
        bytes.remove_prefix(size_t(n));
    }
    return true;
}

std::string RawConn::read_lines(size_t lines, std::chrono::milliseconds timeout) {
    std::string out;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    size_t seen = 0;
    while (seen < lines) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) break;
        pollfd p{fd_, POLLIN, 0};
        if (poll(&p, 1, int(left.count())) <= 0) break;
        char buf[65536];
        const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
        if (n <= 0) break;
        out.append(buf, size_t(n));
        seen = size_t(std::count(out.begin(), out.end(), '\n'));
    }
    return out;
}

std::string RawConn::read_quiet(std::chrono::milliseconds quiet) {
    std::string out;
    for (;;) {
        pollfd p{fd_, POLLIN, 0};
        if (poll(&p, 1, int(quiet.count())) <= 0) break;
        char buf[65536];
        const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
        if (n <= 0) break;
        out.append(buf, size_t(n));
    }
    return out;
}

std::string RawConn::ask(std::string_view line, std::chrono::milliseconds timeout) {
    if (!send(std::string(line) + "\n")) return "";
    std::string r = read_lines(1, timeout);
    if (!r.empty() && r.back() == '\n') r.pop_back();
    return r;
}

bool RawConn::closed_by_peer(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        pollfd p{fd_, POLLIN, 0};
        if (poll(&p, 1, 100) <= 0) continue;
        char buf[4096];
        const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
        if (n <= 0) return true;
    }
    return false;
}

OurUpsd::OurUpsd(const NutSandbox &sb, const std::string &extra, bool wait) : sb_(sb) {
    conf_ = sb.dir() + "/ours";
    fs::create_directories(conf_);
    fs::copy_file(sb.dir() + "/ups.conf", conf_ + "/ups.conf", fs::copy_options::overwrite_existing);
    fs::copy_file(sb.dir() + "/upsd.users", conf_ + "/upsd.users", fs::copy_options::overwrite_existing);
    for (int attempt = 0; attempt < 5; ++attempt) {
        port_ = free_tcp_port();
        std::string more = extra; // "{PORT}" in it: this upsd's port
        for (size_t at = more.find("{PORT}"); at != std::string::npos; at = more.find("{PORT}"))
            more.replace(at, 6, std::to_string(port_));
        write_file(conf_ + "/upsd.conf", "LISTEN 127.0.0.1 " + std::to_string(port_) + "\n" + more);
        daemon_ = Daemon({UPSD_BIN, "-F"}, env(), conf_ + "/upsd.log");
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        while (std::chrono::steady_clock::now() < deadline) {
            RawConn c(port_);
            if (c.ok()) {
                if (wait && !wait_ready()) throw std::runtime_error("our upsd never served data:\n" + log());
                return;
            }
            if (!daemon_.running()) break;
            std::this_thread::sleep_for(30ms);
        }
        daemon_.stop();
    }
    throw std::runtime_error("our upsd did not start listening:\n" + log());
}

OurUpsd::~OurUpsd() { daemon_.stop(); }

std::vector<std::string> OurUpsd::env() const {
    return {"NUT_CONFPATH=" + conf_, "NUT_STATEPATH=" + sb_.dir(), "NUT_ALTPIDPATH=" + conf_, "LANG=C", "TZ=UTC"};
}

std::string OurUpsd::log() const { return read_file(conf_ + "/upsd.log"); }

bool OurUpsd::wait_ready(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        RawConn c(port_);
        const std::string r = c.ask("GET VAR " + sb_.ups() + " ups.status");
        if (r.rfind("VAR ", 0) == 0 && r.find("WAIT") == std::string::npos) return true;
        std::this_thread::sleep_for(100ms);
    }
    return false;
}

YamlUpsd::YamlUpsd(const std::string &dir, const std::string &yaml) : dir_(dir) {
    for (int attempt = 0; attempt < 5; ++attempt) {
        port_ = free_tcp_port();
        std::string text = yaml;
        for (size_t p; (p = text.find("{PORT}")) != std::string::npos;) text.replace(p, 6, std::to_string(port_));
        write_file(config(), text);
        daemon_ = Daemon({UPSD_BIN, "-F", "-f", config()}, {}, dir_ + "/upsd.log");
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        while (std::chrono::steady_clock::now() < deadline) {
            RawConn c(port_);
            if (c.ok()) return;
            if (!daemon_.running()) break;
            std::this_thread::sleep_for(30ms);
        }
        daemon_.stop();
    }
    throw std::runtime_error("our upsd (yaml) did not start listening:\n" + log());
}

YamlUpsd::~YamlUpsd() { daemon_.stop(); }

std::string YamlUpsd::log() const { return read_file(dir_ + "/upsd.log"); }

bool YamlUpsd::wait_value(const std::string &ups, const std::string &var, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        RawConn c(port_);
        const std::string r = c.ask("GET VAR " + ups + " " + var);
        if (r.rfind("VAR ", 0) == 0 && r.find("WAIT") == std::string::npos) return true;
        std::this_thread::sleep_for(100ms);
    }
    return false;
}

std::unique_ptr<YamlUpsd> start_yaml_stack(UpsdrvdProcess &drivers, const std::string &top,
                                           const std::string &devices, const std::string &ready_device) {
    drivers.write_config(devices, "");
    drivers.start();
    const std::string dir = drivers.dir().string() + "/upsd";
    std::filesystem::create_directories(dir);
    auto upsd = std::make_unique<YamlUpsd>(dir, "state_dir: " + drivers.state_dir() + "\n" + top + "devices:\n" + devices);
    if (!ready_device.empty() && !upsd->wait_value(ready_device, "ups.status", std::chrono::seconds(10)))
        throw std::runtime_error("our upsd did not serve " + ready_device + ":\n" + upsd->log());
    return upsd;
}

} // namespace nutpp::testing
