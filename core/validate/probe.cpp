// Runs `upsdrvd --describe DRIVER --keys` and reads its answer. A separate program (fork + exec, not
// a bare fork) because the caller may have threads (upsdrvd's devices, upsmon), and because a fresh
// process is what can safely drop root before the plugin's constructors run.
#include "validate/validate.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <stdexcept>

extern char **environ;

namespace nutpp::validate {

namespace {

constexpr auto kProbeTimeout = std::chrono::seconds(10); // a constructor that hangs must not hang us

struct Output {
    int status = -1;
    std::string out, err;
};

Output run_captured(const std::vector<std::string> &argv) {
    int out_pipe[2], err_pipe[2];
    if (::pipe2(out_pipe, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
    if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
        ::close(out_pipe[0]), ::close(out_pipe[1]);
        throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, out_pipe[1], 1);
    posix_spawn_file_actions_adddup2(&fa, err_pipe[1], 2);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none); // our daemons block signals they consume themselves
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
    std::vector<char *> args;
    for (const auto &a : argv) args.push_back(const_cast<char *>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = -1;
    const int rc = posix_spawn(&pid, args[0], &fa, &attr, args.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);
    Output o;
    if (rc != 0) {
        ::close(out_pipe[0]), ::close(err_pipe[0]);
        throw std::runtime_error("cannot run " + argv[0] + ": " + std::strerror(rc));
    }
    const auto deadline = std::chrono::steady_clock::now() + kProbeTimeout;
    pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
    std::string *sinks[2] = {&o.out, &o.err};
    int open_fds = 2;
    bool timed_out = false;
    while (open_fds > 0) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            timed_out = true;
            break;
        }
        const int n = ::poll(fds, 2, int(left.count()));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) break;
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || !fds[i].revents) continue;
            char buf[4096];
            const ssize_t r = ::read(fds[i].fd, buf, sizeof buf);
            if (r > 0) {
                if (sinks[i]->size() < 1024 * 1024) sinks[i]->append(buf, size_t(r));
                continue;
            }
            if (r < 0 && errno == EINTR) continue;
            ::close(fds[i].fd);
            fds[i].fd = -1;
            --open_fds;
        }
    }
    for (auto &f : fds)
        if (f.fd >= 0) ::close(f.fd);
    if (timed_out) ::kill(pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (timed_out) throw std::runtime_error(argv[0] + " did not answer within 10 s");
    o.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return o;
}

// upsdrvd's "Error: <message>\n" without the prefix, or all of stderr.
std::string error_text(const std::string &err) {
    std::string s = err;
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    if (s.rfind("Error: ", 0) == 0) s.erase(0, 7);
    return s.empty() ? "no output" : s;
}

} // namespace

std::string upsdrvd_path() {
    std::error_code ec;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec) return "upsdrvd";
    if (self.filename() == "upsdrvd") return self.string();
    return (self.parent_path() / "upsdrvd").string();
}

PluginKeys probe_plugin(const std::string &driver, const std::string &plugin_dir) {
    std::vector<std::string> argv = {upsdrvd_path(), "--describe", driver, "--keys"};
    if (!plugin_dir.empty()) argv.insert(argv.end(), {"--plugin-dir", plugin_dir});
    const Output o = run_captured(argv);
    if (o.status != 0) throw std::runtime_error(error_text(o.err));
    PluginKeys k;
    try {
        k.keys = config::parse_key_specs(o.out, k.plugin);
    } catch (const std::exception &e) {
        throw std::runtime_error(argv[0] + " --describe " + driver + " --keys: " + e.what());
    }
    return k;
}

} // namespace nutpp::validate
