#include "nut_sandbox.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace nutpp::testing {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

constexpr const char *kUpsd = "/lib/nut/upsd";
constexpr const char *kDummyUps = "/lib/nut/dummy-ups";

bool executable(const char *path) { return ::access(path, X_OK) == 0; }

void write_file(const std::string &path, const std::string &text) {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f << text;
    if (!f) throw std::runtime_error("cannot write " + path);
    ::chmod(path.c_str(), 0600);
}

std::string read_file(const std::string &path) {
    std::ifstream f(path, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

// Plain blocking loopback client, deliberately independent of the library under test.
int connect_loopback(uint16_t port, std::chrono::milliseconds timeout) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr *>(&sa), sizeof sa) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

bool keep_dirs() {
    const char *k = std::getenv("NUTPP_KEEP_SANDBOX");
    return k != nullptr && *k != '\0' && std::string(k) != "0";
}

} // namespace

std::string default_dev_file() { return NUTPP_TEST_SUPPORT_DATA_DIR "/cp1000avrlcd.dev"; }

std::string default_users() {
    return "[admin]\n"
           "  password = adminpass\n"
           "  actions = SET FSD\n"
           "  instcmds = ALL\n"
           "\n"
           "[monuser]\n"
           "  password = monpass\n"
           "  upsmon primary\n";
}

bool NutSandbox::available() { return executable(kUpsd) && executable(kDummyUps); }

std::string NutSandbox::skip_reason() {
    return std::string("real NUT not installed (need ") + kUpsd + " and " + kDummyUps +
           "; apt-get install nut-server nut-client)";
}

NutSandbox::NutSandbox(NutSandboxOptions options) : opt_(std::move(options)) {
    if (opt_.devices.empty()) throw std::invalid_argument("NutSandbox: no devices");
    // Short path: driver socket names must fit in sun_path (~108 bytes).
    char tmpl[] = "/tmp/nutpp-sb-XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) throw std::runtime_error(std::string("mkdtemp: ") + std::strerror(errno));
    dir_ = tmpl;
    try {
        write_configs();
        if (opt_.start_drivers)
            for (const auto &d : opt_.devices) start_driver(d.name);
        start_upsd();
        if (opt_.start_drivers && !wait_ready(opt_.ready_timeout)) fail("UPS data did not become ready in time");
    } catch (const std::exception &e) {
        const std::string what = e.what();
        if (what.starts_with("NutSandbox:")) throw;
        fail(what);
    }
}

NutSandbox::~NutSandbox() {
    upsd_.stop();
    for (auto &[name, d] : drivers_) d.stop();
    if (!keep_dirs()) {
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }
}

void NutSandbox::fail(const std::string &why) {
    std::string msg = "NutSandbox: " + why + " (dir " + dir_ + ")\n--- upsd.log ---\n" + upsd_log();
    for (const auto &d : opt_.devices) msg += "--- driver-" + d.name + ".log ---\n" + driver_log(d.name);
    upsd_.stop();
    for (auto &[name, d] : drivers_) d.stop();
    if (!keep_dirs()) {
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }
    throw std::runtime_error(msg);
}

void NutSandbox::write_configs() {
    std::string ups_conf;
    for (const auto &d : opt_.devices) {
        std::string copy = d.port;
        if (d.driver == "dummy-ups") {
            const std::string ext = fs::path(d.dev_file).extension().string();
            copy = dir_ + "/" + d.name + (ext.empty() ? ".dev" : ext);
            fs::copy_file(d.dev_file, copy, fs::copy_options::overwrite_existing);
            ::chmod(copy.c_str(), 0600);
        }
        ups_conf += "[" + d.name + "]\n  driver = " + d.driver + "\n  port = " + copy + "\n  desc = \"" + d.desc +
                    "\"\n  pollinterval = 2\n" + d.extra_conf + "\n";
    }
    write_file(dir_ + "/ups.conf", ups_conf);
    write_file(dir_ + "/upsd.users", opt_.users);
    write_file(dir_ + "/nut.conf", "MODE=standalone\n");
}

std::vector<std::string> NutSandbox::daemon_flags() const {
    std::vector<std::string> f{"-F"};
    if (::geteuid() == 0) {
        f.push_back("-u");
        f.push_back("root");
    }
    for (int i = 0; i < opt_.debug; ++i) f.push_back("-D");
    return f;
}

void NutSandbox::start_upsd() {
    for (int attempt = 0; attempt < 5; ++attempt) {
        port_ = free_tcp_port();
        std::string conf = "LISTEN 127.0.0.1 " + std::to_string(port_) + "\n";
        if (opt_.listen_ipv6) conf += "LISTEN ::1 " + std::to_string(port_) + "\n";
        write_file(dir_ + "/upsd.conf", conf + opt_.extra_upsd_conf);
        std::vector<std::string> argv{kUpsd};
        for (auto &f : daemon_flags()) argv.push_back(f);
        upsd_ = Daemon(argv, env(), dir_ + "/upsd.log");
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        while (std::chrono::steady_clock::now() < deadline) {
            const int fd = connect_loopback(port_, 1s);
            if (fd >= 0) {
                ::close(fd);
                return;
            }
            if (!upsd_.running()) break; // most likely the port was taken meanwhile: try another
            std::this_thread::sleep_for(50ms);
        }
        upsd_.stop();
    }
    fail("upsd did not start listening");
}

void NutSandbox::start_driver(const std::string &ups) {
    const NutDevice &d = device(ups);
    drivers_.erase(d.name); // stops a previous instance
    const std::string sock = driver_socket(d.name);
    ::unlink(sock.c_str());
    std::vector<std::string> argv{d.driver == "dummy-ups" ? std::string(kDummyUps) : "/lib/nut/" + d.driver, "-a",
                                  d.name};
    for (auto &f : daemon_flags()) argv.push_back(f);
    auto denv = env();
    denv.insert(denv.end(), d.driver_env.begin(), d.driver_env.end());
    auto [it, ok] = drivers_.emplace(d.name, Daemon(argv, denv, dir_ + "/driver-" + d.name + ".log"));
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline) {
        if (fs::exists(sock)) return;
        if (!it->second.running()) fail(d.driver + " for " + d.name + " exited");
        std::this_thread::sleep_for(20ms);
    }
    fail(d.driver + " for " + d.name + " did not create " + sock);
}

void NutSandbox::stop_driver(const std::string &ups) {
    auto it = drivers_.find(device(ups).name);
    if (it != drivers_.end()) it->second.stop();
}

Daemon &NutSandbox::driver(const std::string &ups) {
    auto it = drivers_.find(device(ups).name);
    if (it == drivers_.end()) throw std::logic_error("NutSandbox: driver not started: " + device(ups).name);
    return it->second;
}

bool NutSandbox::wait_ready(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (const auto &d : opt_.devices) {
        auto it = drivers_.find(d.name);
        if (it == drivers_.end() || !it->second.running()) continue;
        const std::string prefix = "VAR " + d.name + " ups.status \"";
        for (;;) {
            const std::string r = query("GET VAR " + d.name + " ups.status", 2s);
            if (r.starts_with(prefix) && r != prefix + "WAIT\"") break;
            if (std::chrono::steady_clock::now() >= deadline) return false;
            std::this_thread::sleep_for(100ms);
        }
    }
    return true;
}

std::string NutSandbox::query(std::string_view line, std::chrono::milliseconds timeout) const {
    const int fd = connect_loopback(port_, timeout);
    if (fd < 0) return {};
    std::string out(line);
    out += '\n';
    std::string reply;
    if (::send(fd, out.data(), out.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(out.size())) {
        char c = 0;
        while (::recv(fd, &c, 1, 0) == 1 && c != '\n') reply += c;
    }
    ::close(fd);
    return reply;
}

CommandResult NutSandbox::run(const std::vector<std::string> &argv, std::chrono::milliseconds timeout) const {
    return run_command(argv, env(), timeout);
}

const std::string &NutSandbox::ups() const { return opt_.devices.front().name; }

std::string NutSandbox::spec(const std::string &ups) const {
    return device(ups).name + "@" + host_spec();
}

std::string NutSandbox::host_spec() const { return host() + ":" + std::to_string(port_); }

std::string NutSandbox::driver_socket(const std::string &ups) const {
    return dir_ + "/" + device(ups).driver + "-" + device(ups).name;
}

std::vector<std::string> NutSandbox::env() const {
    return {"NUT_CONFPATH=" + dir_, "NUT_STATEPATH=" + dir_, "NUT_ALTPIDPATH=" + dir_, "LANG=C", "LC_ALL=C",
            "TZ=UTC"};
}

std::string NutSandbox::upsd_log() const { return read_file(dir_ + "/upsd.log"); }

std::string NutSandbox::driver_log(const std::string &ups) const {
    return read_file(dir_ + "/driver-" + device(ups).name + ".log");
}

const NutDevice &NutSandbox::device(const std::string &ups) const {
    if (ups.empty()) return opt_.devices.front();
    for (const auto &d : opt_.devices)
        if (d.name == ups) return d;
    throw std::invalid_argument("NutSandbox: no device named " + ups);
}

} // namespace nutpp::testing
