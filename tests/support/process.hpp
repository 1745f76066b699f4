// Child processes for tests: long-running daemons owned by PID (killed exactly, never by name) and
// one-shot commands with captured output. Linux/POSIX only.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace nutpp::testing {

struct CommandResult {
    int exit_code = -1;   // exit status; 128+N when killed by signal N; -1 when it timed out
    std::string out;      // stdout, verbatim
    std::string err;      // stderr, verbatim
};

// Runs argv (argv[0] searched in PATH) with the current environment plus `extra_env` entries
// ("NAME=value", overriding), stdin = /dev/null. Kills it after `timeout`.
CommandResult run_command(const std::vector<std::string> &argv, const std::vector<std::string> &extra_env = {},
                          std::chrono::milliseconds timeout = std::chrono::seconds(20));

// A background process whose stdout+stderr are appended to a log file. The destructor stops it.
class Daemon {
public:
    Daemon() = default;
    Daemon(const std::vector<std::string> &argv, const std::vector<std::string> &extra_env,
           const std::string &log_path);
    ~Daemon() { stop(); }
    Daemon(Daemon &&o) noexcept : pid_(o.pid_) { o.pid_ = -1; }
    Daemon &operator=(Daemon &&o) noexcept;
    Daemon(const Daemon &) = delete;
    Daemon &operator=(const Daemon &) = delete;

    pid_t pid() const { return pid_; }
    bool running();   // false once it has exited (it is then reaped)
    // SIGTERM, wait up to `grace`, then SIGKILL; always reaps. Returns immediately if not running.
    void stop(std::chrono::milliseconds grace = std::chrono::seconds(5));
    void signal(int sig) const;   // e.g. SIGSTOP/SIGCONT to simulate a hung driver

private:
    pid_t pid_ = -1;
};

// A TCP port on 127.0.0.1 that was free a moment ago (bind to port 0, read it back, close).
uint16_t free_tcp_port();

} // namespace nutpp::testing
