#include "host/process_runner.hpp"

#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include <nutpp/support/nut_client.hpp>

#include "common/parseconf.hpp"
#include "config/socket_name.hpp"
#include "host/worker.hpp"
#include "host/worker_config.hpp"

namespace nutpp::host {

using namespace std::chrono_literals;
using driver_socket::TrackingResult;

// One worker process and the supervisor's ends of its pipes.
struct ProcessRunner::Worker {
    pid_t pid = 0;
    int channel = -1; // socketpair end (driver protocol)
    int output = -1;  // the worker's stderr
    int pidfd = -1;   // readable when the worker has exited (-1: kernel without pidfd_open)
    std::string out;  // unsent channel bytes
    std::string err_partial;
    common::LineTokenizer tokenizer{32, 512, false};
    bool reaped = false;
    int status = 0;
    uint64_t vm_data_kib = 0; // last sample of VmData
    ~Worker() {
        for (int fd : {channel, output, pidfd})
            if (fd >= 0) ::close(fd);
    }
};

namespace {

std::string signal_text(int sig) {
    const char *abbrev = sigabbrev_np(sig);
    return abbrev ? std::string("SIG") + abbrev : "signal " + std::to_string(sig);
}

std::string exit_text(int status) {
    if (WIFSIGNALED(status)) return "was killed by " + signal_text(WTERMSIG(status));
    const int code = WEXITSTATUS(status);
    if (code == kExitHung) return "ended itself: a plugin call overran poll_timeout";
    if (code == 0) return "exited";
    return "exited with status " + std::to_string(code);
}

uint64_t vm_data_kib(pid_t pid) {
    std::ifstream f("/proc/" + std::to_string(pid) + "/status");
    std::string key;
    uint64_t v = 0;
    while (f >> key) {
        if (key == "VmData:") {
            f >> v;
            return v;
        }
        f.ignore(4096, '\n');
    }
    return 0;
}

bool reap(pid_t pid, int &status, bool block) {
    for (;;) {
        const pid_t r = ::waitpid(pid, &status, block ? 0 : WNOHANG);
        if (r == pid) return true;
        if (r < 0 && errno == EINTR) continue;
        return false;
    }
}

bool is_power_of_two(int n) { return n > 0 && (n & (n - 1)) == 0; }

} // namespace

ProcessRunner::ProcessRunner(config::DeviceConfig cfg, WorkerLaunch launch, store::VarStore::Notify on_change)
    : cfg_(std::move(cfg)), launch_(std::move(launch)), store_(std::move(on_change)), mirror_(store_) {
    wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (wake_fd_ < 0) throw std::runtime_error(std::string("eventfd(): ") + std::strerror(errno));
}

ProcessRunner::~ProcessRunner() {
    if (thread_.joinable()) thread_.join();
    if (wake_fd_ >= 0) ::close(wake_fd_);
}

std::string ProcessRunner::socket_name() const { return config::driver_socket_name(cfg_.driver, cfg_.name); }

void ProcessRunner::start() { thread_ = std::thread([this] { run(); }); }

void ProcessRunner::set_start_state(StartState st, std::string why) {
    std::lock_guard lock(state_mu_);
    if (start_state_ != StartState::Starting) return;
    start_state_ = st;
    failure_ = std::move(why);
    state_cv_.notify_all();
}

DeviceRunner::StartState ProcessRunner::wait_started(Clock::time_point deadline) {
    std::unique_lock lock(state_mu_);
    state_cv_.wait_until(lock, deadline, [&] { return start_state_ != StartState::Starting; });
    return start_state_;
}

std::string ProcessRunner::failure() const {
    std::lock_guard lock(state_mu_);
    return failure_;
}

void ProcessRunner::request_stop() {
    stop_ = true;
    const uint64_t one = 1;
    (void)!::write(wake_fd_, &one, sizeof one);
}

bool ProcessRunner::join_until(Clock::time_point deadline) {
    std::unique_lock lock(state_mu_);
    if (!state_cv_.wait_until(lock, deadline, [&] { return finished_; })) return false;
    lock.unlock();
    if (thread_.joinable()) thread_.join();
    return true;
}

void ProcessRunner::submit(const driver_socket::Request &r, Completion done) {
    {
        std::lock_guard lock(pending_mu_);
        pending_.emplace_back(r, std::move(done));
    }
    const uint64_t one = 1;
    (void)!::write(wake_fd_, &one, sizeof one);
}

void ProcessRunner::complete(InFlight &f, TrackingResult r) {
    if (f.client_tracking) store_.emit(driver_socket::tracking_line(*f.client_tracking, r));
    if (f.done) f.done(r);
}

void ProcessRunner::end_in_flight(TrackingResult r) {
    for (auto &[id, f] : in_flight_) complete(f, r);
    in_flight_.clear();
}

void ProcessRunner::fail_pending() {
    std::lock_guard lock(pending_mu_);
    for (auto &[r, done] : pending_) {
        InFlight f{r.tracking, std::move(done)};
        complete(f, TrackingResult::Failed);
    }
    pending_.clear();
}

void ProcessRunner::run() {
    auto backoff = kFirstBackoff;
    bool first = true;
    while (!stop_) {
        Worker w;
        Outcome o;
        std::string why;
        if (spawn(w, why)) {
            o = supervise(w, first);
        } else {
            o.cause = "could not be started: " + why;
        }
        pid_ = 0;
        end_in_flight(TrackingResult::Failed);
        mirror_.worker_gone();
        fail_pending(); // arrived while no worker ran: nobody can carry them out
        if (first && !o.started) {
            // create() refused, or the worker died before it returned: a configuration or plugin
            // problem that restarting cannot fix; a reload retries (as for in-process devices).
            set_start_state(StartState::Failed, o.failed_why.empty() ? "its worker " + o.cause : o.failed_why);
            break;
        }
        first = false;
        if (stop_ || shutdown_run_) break;
        if (o.ran_for >= kStableAfter) {
            backoff = kFirstBackoff;
            failures_in_row_ = 0;
        }
        ++failures_in_row_;
        note_failure(o, backoff);
        if (!wait_backoff(backoff)) break;
        backoff = std::min(backoff * 2, kMaxBackoff);
        ++restarts_;
    }
    std::lock_guard lock(state_mu_);
    if (start_state_ == StartState::Starting) start_state_ = StartState::Failed;
    finished_ = true;
    state_cv_.notify_all();
}

void ProcessRunner::note_failure(const Outcome &o, std::chrono::milliseconds next_wait) {
    const bool new_cause = o.cause != last_cause_;
    last_cause_ = o.cause;
    if (!new_cause && !is_power_of_two(failures_in_row_)) {
        spdlog::debug("device '{}': worker {} again ({} times in a row)", cfg_.name, o.cause, failures_in_row_);
        return;
    }
    spdlog::error("device '{}': worker (pid {}) {}{}; data stale, next worker in {:.1f} s", cfg_.name, o.pid, o.cause,
                  failures_in_row_ > 1 ? " (" + std::to_string(failures_in_row_) + " times in a row)" : "",
                  double(next_wait.count()) / 1000);
}

bool ProcessRunner::wait_backoff(std::chrono::milliseconds d) {
    const auto until = Clock::now() + d;
    while (!stop_) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
        if (left <= 0ms) return true;
        pollfd p{wake_fd_, POLLIN, 0};
        if (::poll(&p, 1, int(std::min<long long>(left.count(), 1000))) > 0) {
            uint64_t v;
            (void)!::read(wake_fd_, &v, sizeof v);
            fail_pending(); // no worker to run them while waiting
        }
    }
    return false;
}

bool ProcessRunner::spawn(Worker &w, std::string &why) {
    int sv[2], ep[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
        why = std::string("socketpair(): ") + std::strerror(errno);
        return false;
    }
    if (::pipe2(ep, O_CLOEXEC) != 0) {
        why = std::string("pipe2(): ") + std::strerror(errno);
        ::close(sv[0]);
        ::close(sv[1]);
        return false;
    }
    // Everything the child needs is built before fork: after it, only async-signal-safe calls.
    const std::string label = "--worker=" + cfg_.name; // shows which device in ps
    const char *argv[] = {launch_.exe.c_str(), label.c_str(), nullptr};
    const pid_t parent = ::getpid();
    sigset_t none;
    sigemptyset(&none);
    const pid_t pid = ::fork();
    if (pid == 0) {
        // upsdrvd blocks its signals (it reads them from a signalfd); exec keeps the mask.
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        // Tied to this supervisor thread: when it ends (upsdrvd exits or crashes), so does the worker.
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        // Its own process group: a terminal's Ctrl-C reaches upsdrvd, which stops its workers in
        // order, instead of every worker at once (they would be seen as failures and restarted).
        ::setpgid(0, 0);
        if (::getppid() != parent) _exit(1);
        if (::dup2(sv[1], kWorkerChannelFd) < 0 || ::dup2(ep[1], 2) < 0) _exit(kExitWorkerSetup);
        if (sv[1] == kWorkerChannelFd) ::fcntl(kWorkerChannelFd, F_SETFD, 0);
        ::close_range(kWorkerChannelFd + 1, ~0u, 0);
        ::execv(argv[0], const_cast<char *const *>(argv));
        _exit(127);
    }
    const int fork_errno = errno;
    ::close(sv[1]);
    ::close(ep[1]);
    if (pid < 0) {
        ::close(sv[0]);
        ::close(ep[0]);
        why = std::string("fork(): ") + std::strerror(fork_errno);
        return false;
    }
    w.pid = pid;
    w.channel = sv[0];
    w.output = ep[0];
    w.pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
    ::fcntl(w.output, F_SETFL, O_NONBLOCK);
    pid_ = pid;
    WorkerSpec spec{cfg_, launch_.plugin_path, shutdown_run_, launch_.debug};
    send(w, to_json_line(spec));
    ::fcntl(w.channel, F_SETFL, O_NONBLOCK);
    return true;
}

void ProcessRunner::send(Worker &w, const std::string &line) {
    w.out += line;
    w.out += '\n';
    while (!w.out.empty()) {
        const ssize_t n = ::send(w.channel, w.out.data(), w.out.size(), MSG_NOSIGNAL);
        if (n > 0) {
            w.out.erase(0, size_t(n));
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else {
            return; // EAGAIN: the poll loop waits for POLLOUT; an error shows as the worker's end
        }
    }
}

void ProcessRunner::send_requests(Worker &w) {
    std::deque<std::pair<driver_socket::Request, Completion>> todo;
    {
        std::lock_guard lock(pending_mu_);
        todo.swap(pending_);
    }
    for (auto &[r, done] : todo) {
        // Our own ids towards the worker: the client's id (if any) comes back from this map.
        const std::string id = "w" + std::to_string(next_id_++);
        std::string line;
        if (r.kind == driver_socket::Request::Kind::InstCmd) {
            line = "INSTCMD " + support::nut_word(r.name);
            if (r.value) line += " " + support::nut_word(*r.value);
        } else {
            line = "SET " + support::nut_word(r.name) + " " + support::nut_word(r.value.value_or(""));
        }
        in_flight_[id] = InFlight{r.tracking, std::move(done)};
        send(w, line + " TRACKING " + id);
    }
}

void ProcessRunner::log_worker_output(const std::string &line) {
    if (line.empty()) return;
    uint64_t dropped = 0;
    if (!output_limit_.allow(dropped)) return;
    if (dropped)
        spdlog::warn("device '{}': {} line(s) of worker output suppressed (more than 50 per second)", cfg_.name,
                     dropped);
    // The worker logs "<level> <message>" (host/worker.cpp); anything else is the plugin's own output.
    const auto sp = line.find(' ');
    const auto level = sp == std::string::npos ? spdlog::level::off : spdlog::level::from_str(line.substr(0, sp));
    if (level != spdlog::level::off && line.substr(0, sp) != "off")
        spdlog::log(level, "{}", line.substr(sp + 1));
    else
        spdlog::warn("device '{}': worker output: {}", cfg_.name, line);
}

void ProcessRunner::handle_line(Worker &w, const std::vector<std::string> &words, Outcome &out, bool first) {
    if (words.size() >= 2 && words[0] == "NUTPP") {
        if (words[1] == "STARTED" && !out.started) {
            out.started = true;
            if (first) set_start_state(StartState::Running);
            mirror_.begin_generation();
            send(w, "DUMPALL");
            send_requests(w);
        } else if (words[1] == "FAILED") {
            out.failed_why = words.size() >= 3 ? words[2] : "create failed";
        }
        return;
    }
    std::optional<StoreMirror::Tracking> t;
    mirror_.apply(words, t);
    if (!t) return;
    auto it = in_flight_.find(t->id);
    if (it == in_flight_.end()) return;
    const int r = t->result;
    complete(it->second, r >= 0 && r <= 4 ? TrackingResult(r) : TrackingResult::Failed);
    in_flight_.erase(it);
}

ProcessRunner::Outcome ProcessRunner::supervise(Worker &w, bool first) {
    Outcome out;
    const auto started_at = Clock::now();
    const auto start_deadline =
        started_at + std::chrono::milliseconds(static_cast<long long>(cfg_.poll_timeout * 1000)) + 5s;
    // The worker's loop thread answers PING even while its plugin is busy, so silence this long
    // means the whole process is stuck (stopped, deadlocked), not a slow device.
    const auto silence_limit = std::chrono::milliseconds(static_cast<long long>(cfg_.poll_timeout * 1000)) + 10s;
    auto last_heard = started_at, last_ping = started_at, last_sample = started_at;
    bool stable_noted = false;
    std::string killed_why;
    auto kill_now = [&](const std::string &why) {
        if (killed_why.empty()) killed_why = why;
        ::kill(w.pid, SIGKILL);
    };

    while (!w.reaped) {
        const auto now = Clock::now();
        if (stop_ && killed_why.empty()) {
            // Ask nicely first (the plugin may release its device); the budget keeps us within the
            // host's stop deadline (poll_timeout + 1 s).
            ::kill(w.pid, SIGTERM);
            killed_why = "stopped";
            const auto grace = std::chrono::milliseconds(static_cast<long long>(std::max(0.5, cfg_.poll_timeout - 0.5) * 1000));
            const auto until = now + grace;
            while (!w.reaped && Clock::now() < until) {
                if (reap(w.pid, w.status, false)) w.reaped = true;
                else std::this_thread::sleep_for(10ms);
            }
            if (!w.reaped) ::kill(w.pid, SIGKILL);
            continue;
        }
        if (!out.started && now > start_deadline) kill_now("did not start within poll_timeout + 5 s");
        if (out.started && now - last_heard > silence_limit)
            kill_now("did not answer for " + std::to_string(std::chrono::duration_cast<std::chrono::seconds>(now - last_heard).count()) +
                     " s and was killed");
        if (out.started && now - last_ping >= kPingEvery) {
            send(w, "PING");
            last_ping = now;
        }
        if (cfg_.memory_limit && now - last_sample >= 250ms) {
            if (const uint64_t kib = vm_data_kib(w.pid)) w.vm_data_kib = kib;
            last_sample = now;
        }
        if (!stable_noted && out.started && now - started_at >= kStableAfter) {
            stable_noted = true;
            if (failures_in_row_ > 0)
                spdlog::info("device '{}': worker has run {} s since its last failure ({}); back to normal", cfg_.name,
                             kStableAfter.count(), last_cause_);
            failures_in_row_ = 0;
            last_cause_.clear();
        }

        pollfd p[4] = {{w.channel, short(POLLIN | (w.out.empty() ? 0 : POLLOUT)), 0},
                       {w.output, POLLIN, 0},
                       {wake_fd_, POLLIN, 0},
                       {w.pidfd, POLLIN, 0}};
        const nfds_t n = w.pidfd >= 0 ? 4 : 3;
        const int timeout = w.pidfd >= 0 ? 500 : 100;
        if (::poll(p, n, timeout) < 0 && errno != EINTR) break;
        if (p[2].revents & POLLIN) {
            uint64_t v;
            (void)!::read(wake_fd_, &v, sizeof v);
            if (out.started) send_requests(w);
        }
        if (p[0].revents & POLLOUT) send(w, "");
        if (p[1].revents & (POLLIN | POLLHUP)) {
            char buf[4096];
            ssize_t r;
            while (w.output >= 0 && (r = ::read(w.output, buf, sizeof buf)) >= 0) {
                if (r == 0) { // EOF: the worker (and anything it started) closed its stderr
                    ::close(w.output);
                    w.output = -1;
                    break;
                }
                w.err_partial.append(buf, size_t(r));
                size_t nl;
                while ((nl = w.err_partial.find('\n')) != std::string::npos) {
                    log_worker_output(w.err_partial.substr(0, nl));
                    w.err_partial.erase(0, nl + 1);
                }
                if (w.err_partial.size() > 4096) {
                    log_worker_output(w.err_partial);
                    w.err_partial.clear();
                }
            }
        }
        if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            char buf[16384];
            const ssize_t r = ::recv(w.channel, buf, sizeof buf, 0);
            if (r > 0) {
                last_heard = Clock::now();
                std::vector<common::LineTokenizer::Line> lines;
                w.tokenizer.feed(std::string_view(buf, size_t(r)), lines);
                for (const auto &l : lines)
                    if (!l.error && !l.words.empty()) handle_line(w, l.words, out, first);
            } else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
                // Channel closed: the worker is ending. Give it a moment, then make sure.
                const auto until = Clock::now() + 2s;
                while (!reap(w.pid, w.status, false) && Clock::now() < until) std::this_thread::sleep_for(5ms);
                if (!reap(w.pid, w.status, false)) {
                    ::kill(w.pid, SIGKILL);
                    reap(w.pid, w.status, true);
                }
                w.reaped = true;
                break;
            }
        }
        if ((w.pidfd < 0 || (p[3].revents & POLLIN)) && reap(w.pid, w.status, false)) w.reaped = true;
    }
    if (!w.reaped) {
        ::kill(w.pid, SIGKILL);
        reap(w.pid, w.status, true);
        w.reaped = true;
    }
    // Whatever it still wrote (a crash report, the plugin's last words).
    char buf[4096];
    ssize_t r;
    while (w.output >= 0 && (r = ::read(w.output, buf, sizeof buf)) > 0) w.err_partial.append(buf, size_t(r));
    size_t nl;
    while ((nl = w.err_partial.find('\n')) != std::string::npos) {
        log_worker_output(w.err_partial.substr(0, nl));
        w.err_partial.erase(0, nl + 1);
    }
    log_worker_output(w.err_partial);

    out.ran_for = Clock::now() - started_at;
    out.pid = w.pid;
    out.cause = killed_why.empty() || killed_why == "stopped" ? exit_text(w.status) : killed_why;
    // Sampled every 250 ms: a fast leak is a few samples from its limit when an allocation fails.
    if (cfg_.memory_limit && w.vm_data_kib * 1024 >= cfg_.memory_limit / 4 * 3)
        out.cause += ", near its memory_limit (" + std::to_string(w.vm_data_kib / 1024) + " of " +
                     std::to_string(cfg_.memory_limit >> 20) + " MiB)";
    return out;
}

} // namespace nutpp::host
