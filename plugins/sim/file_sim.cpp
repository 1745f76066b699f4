#include "file_sim.hpp"

#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <sys/stat.h>

#include <cerrno>

#include "known_vars.hpp"

namespace nutpp::sim {
namespace {

constexpr uint32_t kMinPollMs = 10; // the host's floor for set_poll_interval
constexpr size_t kMaxIssuesLogged = 20;

Sequence::Mode sequence_mode(SimConfig::Mode m) {
    return m == SimConfig::Mode::DummyOnce ? Sequence::Mode::Once : Sequence::Mode::Loop;
}

nutpp_status status_for_errno(int e) {
    switch (e) {
    case ENOENT:
    case ENOTDIR: return NUTPP_E_NO_DEVICE;
    case EACCES:
    case EPERM: return NUTPP_E_PERMISSION;
    case EISDIR:
    case EFBIG: return NUTPP_E_CONFIG;
    default: return NUTPP_E_IO;
    }
}

} // namespace

std::optional<FileStamp> stamp_of(const std::string &path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return std::nullopt;
    FileStamp s;
    s.dev = st.st_dev;
    s.ino = st.st_ino;
    s.size = st.st_size;
    s.mtime_ns = int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    return s;
}

FileSim::FileSim(Host host, SimConfig config, uint32_t base_poll_ms)
    : host_(host), config_(std::move(config)),
      pub_(host, [](const std::string &name) -> std::optional<VarDecl> {
          const VarShape s = dummy_shape(name);
          VarDecl d;
          d.type = s.type;
          d.max_length = s.max_length;
          d.writable = true; // dummy-ups makes every variable it sets writable
          return d;
      }),
      seq_(sequence_mode(config_.mode)), base_poll_ms_(base_poll_ms), current_poll_ms_(base_poll_ms) {}

void FileSim::log_issues(const DevFile &f) {
    size_t n = 0;
    for (const auto &i : f.issues) {
        if (++n > kMaxIssuesLogged) {
            host_.warn("sim: " + config_.path + ": " + std::to_string(f.issues.size() - kMaxIssuesLogged) +
                       " more problems not shown");
            break;
        }
        host_.warn("sim: " + config_.path + ":" + std::to_string(i.line) + ": " + i.message);
    }
}

nutpp_status FileSim::load(Clock::time_point now) {
    // Stamp before reading: an edit racing with the read is then seen as a change next poll.
    auto stamp = stamp_of(config_.path);
    std::string error;
    int err_no = 0;
    auto parsed = load_dev_file(config_.path, error, err_no);
    if (!parsed) return host_.fail(status_for_errno(err_no), "sim: " + error);
    log_issues(*parsed);
    file_ = std::make_shared<const DevFile>(std::move(*parsed));
    stamp_ = stamp;
    vanished_logged_ = false;
    seq_.restart(file_, now);
    return NUTPP_OK;
}

FileSim::~FileSim() {
    if (inotify_fd_ >= 0) ::close(inotify_fd_);
}

void FileSim::start_watch() {
    if (inotify_fd_ >= 0) return;
    const int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd < 0) {
        host_.debug(std::string("sim: no inotify (") + std::strerror(errno) + "); changes are seen at the poll");
        return;
    }
    // The directory, not the file: editors and `mv` replace the file (a new inode a file watch
    // would miss). Events of other files there only cost a stamp comparison.
    std::string dir = std::filesystem::path(config_.path).parent_path().string();
    if (dir.empty()) dir = ".";
    const uint32_t mask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE | IN_ATTRIB;
    if (::inotify_add_watch(fd, dir.c_str(), mask) < 0 || host_.watch(fd) != NUTPP_OK) {
        host_.debug("sim: cannot watch " + dir + "; changes are seen at the poll");
        ::close(fd);
        return;
    }
    inotify_fd_ = fd;
}

void FileSim::drain_watch() {
    if (inotify_fd_ < 0) return;
    alignas(struct inotify_event) char buf[4096];
    while (::read(inotify_fd_, buf, sizeof buf) > 0) {
    }
}

void FileSim::stop_watch() {
    if (inotify_fd_ < 0) return;
    host_.unwatch(inotify_fd_);
    ::close(inotify_fd_);
    inotify_fd_ = -1;
}

nutpp_status FileSim::open() {
    const auto now = Clock::now();
    pub_.reset();
    if (const nutpp_status st = load(now); st != NUTPP_OK) return st;
    host_.debug("sim: " + config_.path + " opened in " + mode_name(config_.mode) + " mode, " +
                std::to_string(file_->steps.size()) + " step(s)");
    for (const auto &v : kInitialVars) pub_.set(v.name, v.value);
    host_.command("load.off");
    apply(seq_.advance(now));
    pub_.flush();
    pace(now);
    start_watch();
    return NUTPP_OK;
}

nutpp_status FileSim::poll(uint32_t) {
    drain_watch(); // before the stamp: an event arriving after this wakes the next poll
    const auto now = Clock::now();
    const auto stamp = stamp_of(config_.path);
    if (!stamp) {
        if (!vanished_logged_)
            host_.warn("sim: " + config_.path + " is gone; keeping the last data until it comes back");
        vanished_logged_ = true;
        stamp_.reset();
    } else if (stamp != stamp_) {
        if (load(now) == NUTPP_OK)
            host_.info("sim: " + config_.path + " changed on disk; re-read from the top");
        else
            host_.warn("sim: " + config_.path + " changed but could not be re-read; keeping the last data");
    }
    apply(seq_.advance(now));
    pub_.flush();
    pace(now);
    return NUTPP_OK;
}

void FileSim::apply(const std::vector<Sequence::Event> &events) {
    for (const auto &e : events) {
        if (e.kind == Sequence::Event::Kind::PassStart) {
            // NUT >= 2.8.3 resets ALARM-instruction alarms at the top of each pass; a file's own
            // ups.alarm line sets it again in the same pass, so nothing flickers.
            pub_.set_alarm("");
            continue;
        }
        for (const auto &item : e.step->items) {
            if (item.kind == Item::Kind::Alarm) {
                if (item.words.empty()) pub_.set_alarm("");
                else pub_.add_alarm(item.value);
            } else {
                pub_.set(item.name, item.value);
            }
        }
    }
}

// Poll again when the pending TIMER expires (or at the base interval if that is sooner or nothing is
// pending). Rounded up so the poll never lands just before the deadline.
void FileSim::pace(Clock::time_point now) {
    uint32_t want = base_poll_ms_;
    if (auto dl = seq_.next_deadline(); dl && *dl > now) {
        const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(*dl - now).count();
        const int64_t ms = (ns + 999999) / 1000000;
        if (ms < int64_t(base_poll_ms_)) want = uint32_t(ms < kMinPollMs ? kMinPollMs : ms);
    }
    if (want != current_poll_ms_) {
        host_.poll_interval_ms(want);
        current_poll_ms_ = want;
    }
}

nutpp_status FileSim::instcmd(const char *cmd, const char *arg) {
    return host_.fail(NUTPP_E_UNSUPPORTED, std::string("sim: instant command ") + cmd +
                                               (arg ? std::string(" ") + arg : std::string()) +
                                               " is not supported by the simulation");
}

nutpp_status FileSim::setvar(const char *name, const char *value) {
    const std::string n(name), v(value ? value : "");
    if (Publisher::is_driver_var(n))
        return host_.fail(NUTPP_E_UNSUPPORTED, "sim: " + n + " belongs to the host and cannot be set");
    if (!pub_.set(n, v)) return host_.fail(NUTPP_E_INVALID_ARG, "sim: the host refused the value for " + n);
    pub_.flush();
    return NUTPP_OK;
}

void FileSim::close() {
    stop_watch();
    file_.reset();
    stamp_.reset();
    seq_.restart(nullptr, Clock::now());
    if (current_poll_ms_ != base_poll_ms_) {
        host_.poll_interval_ms(base_poll_ms_);
        current_poll_ms_ = base_poll_ms_;
    }
}

} // namespace nutpp::sim
