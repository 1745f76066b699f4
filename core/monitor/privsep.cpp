#include "monitor/privsep.hpp"

#include <spdlog/spdlog.h>

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "daemon/account.hpp"
#include "daemon/daemon.hpp"

namespace nutpp::monitor {

namespace {

// Request bytes on the pipe.
constexpr char kShutdownWithFlag = 'F';
constexpr char kShutdownNoFlag = 'S';

[[noreturn]] void parent_loop(const config::MonitorConfig &cfg, pid_t child, int rfd, daemon::PidFile &pid_file) {
    sigset_t set;
    sigemptyset(&set);
    for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGUSR1}) sigaddset(&set, sig);
    int status = 0;
    bool open = true, reaped = false;
    // Runs until the child has exited and the pipe is drained (a last request may follow its exit).
    while (open || !reaped) {
        timespec zero{0, 0};
        const int sig = sigtimedwait(&set, nullptr, &zero);
        if (sig > 0 && !reaped) kill(child, sig);
        if (open) {
            pollfd p{rfd, POLLIN, 0};
            if (poll(&p, 1, 200) > 0) {
                char c = 0;
                const ssize_t n = read(rfd, &c, 1);
                if (n == 1 && (c == kShutdownWithFlag || c == kShutdownNoFlag))
                    run_shutdown_locally(cfg, c == kShutdownWithFlag);
                else if (n == 0 || (n < 0 && errno != EINTR))
                    open = false;
            }
        }
        if (!reaped) {
            const pid_t r = waitpid(child, &status, open ? WNOHANG : 0);
            if (r == child || (r < 0 && errno == ECHILD)) reaped = true;
        }
    }
    pid_file.release();
    _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
}

} // namespace

std::optional<ChildSide> split_privileges(const config::MonitorConfig &cfg, daemon::PidFile &pid_file) {
    if (geteuid() != 0 || cfg.run_as_user.empty() || cfg.run_as_user == "root") return std::nullopt;
    daemon::Account account;
    try {
        account = daemon::resolve_account(cfg.run_as_user, "");
    } catch (const std::exception &e) {
        spdlog::error("run_as_user: {}: staying in one process", e.what());
        return std::nullopt;
    }
    int fds[2];
    if (pipe(fds) != 0) return std::nullopt;
    const pid_t parent = getpid();
    const pid_t child = fork();
    if (child < 0) return std::nullopt;
    if (child > 0) {
        close(fds[1]);
        parent_loop(cfg, child, fds[0], pid_file);
    }
    close(fds[0]);
    pid_file.forget();
    try {
        daemon::drop_to(account);
    } catch (const std::exception &e) {
        spdlog::error("{}", e.what());
        _exit(1);
    }
    const int wfd = fds[1];
    ChildSide side;
    side.action = [wfd](bool flag) {
        const char c = flag ? kShutdownWithFlag : kShutdownNoFlag;
        return write(wfd, &c, 1) == 1;
    };
    side.parent_alive = [parent] { return getppid() == parent; };
    return side;
}

} // namespace nutpp::monitor
