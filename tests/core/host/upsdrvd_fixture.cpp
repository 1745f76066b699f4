#include "upsdrvd_fixture.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace nutpp::testing {

using namespace std::chrono_literals;

UpsdrvdProcess::UpsdrvdProcess() {
    char tmpl[] = "/tmp/nutpp-host-XXXXXX";
    if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
    std::filesystem::create_directories(dir_ / "run");
}

UpsdrvdProcess::~UpsdrvdProcess() {
    if (pid_ > 0) {
        kill(pid_, SIGTERM);
        if (wait_exit(5s) == -1 && pid_ > 0) {
            kill(pid_, SIGKILL);
            waitpid(pid_, nullptr, 0);
        }
    }
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
}

void UpsdrvdProcess::write_config(const std::string &devices_yaml, const std::string &extra_top) {
    std::ofstream f(config_path());
    f << "state_dir: " << state_dir() << "\n";
    f << "plugin_dir: " << NUTPP_PLUGIN_DIR_FOR_TESTS << "\n";
    f << extra_top;
    f << "devices:\n" << devices_yaml;
}

void UpsdrvdProcess::start(const std::string &extra_args) {
    const std::string cmd = std::string("exec ") + UPSDRVD_BIN + " -F -f " + config_path() + " " + extra_args +
                            " 2>" + (dir_ / "stderr.log").string() + " >" + (dir_ / "stdout.log").string();
    pid_ = fork();
    if (pid_ == 0) {
        execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char *>(nullptr));
        _exit(127);
    }
}

void UpsdrvdProcess::signal(int sig) {
    if (pid_ > 0) kill(pid_, sig);
}

int UpsdrvdProcess::wait_exit(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (pid_ > 0 && std::chrono::steady_clock::now() < deadline) {
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        }
        std::this_thread::sleep_for(20ms);
    }
    return -1;
}

bool UpsdrvdProcess::running() {
    if (pid_ <= 0) return false;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return false;
    }
    return true;
}

std::string UpsdrvdProcess::log() const {
    std::ifstream f(dir_ / "stderr.log");
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

bool UpsdrvdProcess::wait_log(const std::string &text, std::chrono::milliseconds timeout) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (log().find(text) != std::string::npos) return true;
        std::this_thread::sleep_for(50ms);
    }
    return false;
}

std::string UpsdrvdProcess::socket(const std::string &driver, const std::string &device) const {
    return state_dir() + "/" + driver + "-" + device;
}

driver_socket::DriverState UpsdrvdProcess::dump(const std::string &driver, const std::string &device,
                                                 std::chrono::milliseconds timeout) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        try {
            return driver_socket::dump(socket(driver, device));
        } catch (const std::exception &) {
            if (std::chrono::steady_clock::now() >= deadline) throw;
            std::this_thread::sleep_for(50ms);
        }
    }
}

driver_socket::DriverState UpsdrvdProcess::dump_data_at(const std::string &socket_path,
                                                         std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        try {
            auto st = driver_socket::dump(socket_path);
            if (st.vars.count("ups.status")) return st;
            if (std::chrono::steady_clock::now() >= deadline) return st;
        } catch (const std::exception &) {
            if (std::chrono::steady_clock::now() >= deadline) throw;
        }
        std::this_thread::sleep_for(50ms);
    }
}

int UpsdrvdProcess::run_sync(const std::string &args, std::string &out) {
    const std::string cmd = std::string(UPSDRVD_BIN) + " " + args + " 2>&1";
    FILE *p = popen(cmd.c_str(), "r");
    if (!p) return -1;
    std::array<char, 4096> buf{};
    out.clear();
    size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
    const int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

} // namespace nutpp::testing
