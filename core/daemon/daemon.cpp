#include "daemon/daemon.hpp"
#include "daemon/pid_file.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <stdexcept>

#include <spdlog/spdlog.h>

namespace nutpp::daemon {

namespace {
sigset_t handled_signals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    return set;
}
} // namespace

void block_signals() {
    sigset_t set = handled_signals();
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    signal(SIGPIPE, SIG_IGN);
}

void watch_signals(common::EventLoop &loop, std::function<void()> on_stop, std::function<void()> on_reload) {
    sigset_t set = handled_signals();
    const int fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    if (fd < 0) throw std::runtime_error(std::string("signalfd: ") + strerror(errno));
    loop.watch(fd, 1 /*EPOLLIN*/, [fd, on_stop = std::move(on_stop), on_reload = std::move(on_reload)](uint32_t) {
        signalfd_siginfo si{};
        while (read(fd, &si, sizeof si) == static_cast<ssize_t>(sizeof si)) {
            if (si.ssi_signo == SIGHUP)
                on_reload();
            else
                on_stop();
        }
    });
}

int send_control(const std::string &program, const std::string &command, const std::string &pid_file) {
    int sig;
    if (command == "reload")
        sig = SIGHUP;
    else if (command == "stop")
        sig = SIGTERM;
    else {
        std::cerr << "Error: unknown command '" << command << "' for -c (use reload or stop)\n";
        return 1;
    }
    return send_signal(program, sig, pid_file);
}

int send_signal(const std::string &program, int sig, const std::string &pid_file) {
    const auto pid = locked_pid(pid_file);
    if (!pid) {
        std::cerr << "Error: " << program << " is not running? (no locked pid file " << pid_file << ")\n";
        return 1;
    }
    if (kill(*pid, sig) != 0) {
        std::cerr << "Error: cannot signal " << program << " (pid " << *pid << "): " << strerror(errno) << "\n";
        return 1;
    }
    return 0;
}

void detach() {
    const pid_t pid = fork();
    if (pid < 0) throw std::runtime_error(std::string("fork: ") + strerror(errno));
    if (pid > 0) _exit(0);
    setsid();
    const int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
        dup2(null, 0);
        dup2(null, 1);
        dup2(null, 2);
        if (null > 2) close(null);
    }
}

void detach_writing_pid(PidFile &pid) {
    detach();
    try {
        pid.write_pid(getpid());
    } catch (const std::exception &e) {
        spdlog::warn("{}", e.what());
    }
}

} // namespace nutpp::daemon
