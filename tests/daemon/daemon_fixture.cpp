#include "daemon_fixture.hpp"

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace nutpp::testing {

std::optional<TestAccount> test_account() {
    for (auto [u, g] : {std::pair{"nut", "nut"}, std::pair{"nobody", "nogroup"}}) {
        const passwd *pw = getpwnam(u);
        const group *gr = getgrnam(g);
        if (pw && gr && pw->pw_uid != 0) return TestAccount{u, g, pw->pw_uid, gr->gr_gid};
    }
    return std::nullopt;
}

DaemonSandbox::DaemonSandbox(const std::string &top) : port_(free_tcp_port()) {
    char tmpl[] = "/tmp/nutpp-daemon-XXXXXX";
    if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
    fs::permissions(dir_, fs::perms(0755));
    fs::copy_file(fs::path(NUTPP_SIM_DATA_DIR) / "cp1000avrlcd.dev", dir_ / "cp1000avrlcd.dev");
    std::ofstream f(config());
    f << "state_dir: " << state_dir().string() << "\n"
      << "plugin_dir: " << NUTPP_PLUGIN_DIR_FOR_TESTS << "\n"
      << top << "server:\n  listen: [\"127.0.0.1:" << port_ << "\"]\n"
      << "users:\n  mon: { password: monpass, upsmon: secondary }\n"
      << "devices:\n  demo: { driver: sim, port: " << (dir_ / "cp1000avrlcd.dev").string() << " }\n"
      << "monitor:\n  shutdowncmd: /bin/true\n"
      << "  monitors:\n    - { ups: demo@127.0.0.1:" << port_
      << ", power: 1, user: mon, password: monpass, role: secondary }\n";
    f.close();
    fs::permissions(config(), fs::perms(0644));
}

DaemonSandbox::~DaemonSandbox() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
}

Daemon DaemonSandbox::start(const std::string &bin, const std::string &name, const std::string &shell_prefix) const {
    return Daemon({"/bin/sh", "-c", shell_prefix + "exec " + bin + " -F -f " + config()}, {},
                  (dir_ / (name + ".log")).string());
}

std::string DaemonSandbox::log(const std::string &name) const {
    std::ifstream f(dir_ / (name + ".log"));
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

bool DaemonSandbox::serves(std::chrono::milliseconds timeout) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    do {
        const auto r = run_command({UPSC_BIN, "demo@127.0.0.1:" + std::to_string(port_), "ups.status"}, {}, 5s);
        if (r.exit_code == 0 && r.out == "OL\n") return true;
        std::this_thread::sleep_for(200ms);
    } while (std::chrono::steady_clock::now() < deadline);
    return false;
}

bool wait_for(const fs::path &p, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::error_code ec;
    while (!fs::exists(fs::symlink_status(p, ec))) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(50ms);
    }
    return true;
}

std::vector<std::pair<uid_t, gid_t>> thread_ids(pid_t pid) {
    std::vector<std::pair<uid_t, gid_t>> out;
    std::error_code ec;
    for (const auto &t : fs::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
        std::ifstream f(t.path() / "status");
        std::string line;
        long uid = -1, gid = -1;
        while (std::getline(f, line)) {
            // "Uid:\treal\teffective\tsaved\tfs": all four must be the account.
            std::istringstream in(line.substr(line.find(':') + 1));
            long a, b, c, d;
            if (!(in >> a >> b >> c >> d)) continue;
            const long v = (a == b && b == c && c == d) ? a : -2;
            if (line.rfind("Uid:", 0) == 0) uid = v;
            if (line.rfind("Gid:", 0) == 0) gid = v;
        }
        out.emplace_back(static_cast<uid_t>(uid), static_cast<gid_t>(gid));
    }
    return out;
}

Owner owner_of(const fs::path &p) {
    struct stat st{};
    if (lstat(p.c_str(), &st) != 0) return {0, static_cast<uid_t>(-1), static_cast<gid_t>(-1)};
    return {static_cast<unsigned>(st.st_mode & 07777), st.st_uid, st.st_gid};
}

} // namespace nutpp::testing
