#include "monitor/upsmon.hpp"

#include <spdlog/spdlog.h>

#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <thread>

namespace nutpp::monitor {

using namespace std::chrono_literals;

namespace {
double age(Clock::time_point now, Clock::time_point then) {
    return std::chrono::duration<double>(now - then).count();
}
} // namespace

bool run_shutdown_locally(const config::MonitorConfig &cfg, bool write_flag) {
    if (write_flag && !cfg.powerdownflag.empty()) {
        std::ofstream f(cfg.powerdownflag, std::ios::trunc);
        f << kPowerdownMagic << "\n";
        if (!f) spdlog::error("cannot write the powerdown flag {}", cfg.powerdownflag);
    }
    if (cfg.shutdowncmd.empty()) {
        spdlog::error("no shutdowncmd configured: cannot shut down");
        return false;
    }
    if (geteuid() != 0) spdlog::warn("Not root, shutdown may fail");
    const int rc = run_shell_wait(cfg.shutdowncmd);
    if (rc != 0) spdlog::error("shutdowncmd '{}' exited with {}", cfg.shutdowncmd, rc);
    return true;
}

bool powerdown_flag_set(const config::MonitorConfig &cfg) {
    if (cfg.powerdownflag.empty()) return false;
    std::ifstream f(cfg.powerdownflag);
    std::string line;
    return f && std::getline(f, line) && line.rfind(kPowerdownMagic, 0) == 0;
}

bool clear_powerdown_flag(const config::MonitorConfig &cfg) {
    if (cfg.powerdownflag.empty()) return true;
    std::ifstream f(cfg.powerdownflag);
    if (!f) return true;
    if (powerdown_flag_set(cfg)) {
        ::unlink(cfg.powerdownflag.c_str());
        return true;
    }
    // Never delete a file we did not write (a mistyped path could name anything).
    spdlog::error("{} does not look like a powerdown flag: not using it", cfg.powerdownflag);
    return false;
}

Upsmon::Upsmon(config::MonitorConfig cfg, ShutdownAction action, Reloader reloader)
    : cfg_(std::move(cfg)), notifier_(cfg_), action_(std::move(action)), reloader_(std::move(reloader)) {
    for (const auto &m : cfg_.monitors) supplies_.push_back(std::make_unique<Supply>(m, tls_policy(cfg_, m.host)));
}

bool Upsmon::any_primary() const {
    for (const auto &s : supplies_)
        if (s->primary()) return true;
    return false;
}

std::chrono::milliseconds Upsmon::interval() const {
    for (const auto &s : supplies_)
        if (s->status.ob) return std::chrono::seconds(cfg_.pollfreqalert);
    return std::chrono::seconds(cfg_.pollfreq);
}

bool Upsmon::wait(std::chrono::milliseconds d) {
    sigset_t set;
    sigemptyset(&set);
    for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGUSR1}) sigaddset(&set, sig);
    const auto end = Clock::now() + d;
    while (!stop_) {
        Notifier::reap_children();
        const auto left = end - Clock::now();
        if (left <= 0ms) break;
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(left).count();
        // Short slices so finished NOTIFYCMD children are reaped promptly.
        const long slice = std::min<long>(ms, 500);
        // Sleep in poll() on the push watches and the signalfd, so a push or a signal ends the
        // wait at once; the signal itself is still taken (dequeued) by sigtimedwait below.
        std::vector<pollfd> fds;
        std::vector<Supply *> owners;
        if (sigfd_ >= 0) fds.push_back({sigfd_, POLLIN, 0});
        if (!shutting_down_)
            for (auto &s : supplies_)
                if (s->push.fd() >= 0) {
                    fds.push_back({s->push.fd(), POLLIN, 0});
                    owners.push_back(s.get());
                }
        ::poll(fds.data(), fds.size(), int(slice));
        bool pushed = false;
        const size_t first_watch = sigfd_ >= 0 ? 1 : 0;
        for (size_t i = first_watch; i < fds.size(); ++i) {
            if (!fds[i].revents) continue;
            Supply &s = *owners[i - first_watch];
            if (s.push.on_readable(s.raw_status)) s.push_due = pushed = true;
        }
        const timespec zero{0, 0};
        const int sig = sigtimedwait(&set, nullptr, &zero);
        if (sig == SIGTERM || sig == SIGINT) {
            spdlog::info("Signal {}: exiting", sig);
            stop_ = true;
        } else if (sig == SIGHUP) {
            reload();
        } else if (sig == SIGUSR1) {
            spdlog::warn("Signal USR1: forced shutdown requested");
            fsd_requested_ = true;
            return true;
        }
        if (pushed) return !stop_;
    }
    return !stop_;
}

void Upsmon::reload() {
    if (!reloader_) return;
    try {
        config::MonitorConfig fresh = reloader_();
        // NUT: shutdowncmd and powerdownflag changes need a restart (they may run as root).
        fresh.shutdowncmd = cfg_.shutdowncmd;
        fresh.powerdownflag = cfg_.powerdownflag;
        std::vector<std::unique_ptr<Supply>> next;
        for (const auto &m : fresh.monitors) {
            std::unique_ptr<Supply> kept;
            for (auto &s : supplies_)
                if (s && s->name() == m.system && s->cfg().user == m.user && s->cfg().password == m.password &&
                    s->cfg().role == m.role && s->tls() == tls_policy(fresh, m.host))
                    kept = std::move(s);
            next.push_back(kept ? std::move(kept) : std::make_unique<Supply>(m, tls_policy(fresh, m.host)));
        }
        supplies_ = std::move(next);
        cfg_ = std::move(fresh);
        notifier_.set_config(cfg_);
        spdlog::info("configuration reloaded: {} monitors", supplies_.size());
    } catch (const std::exception &e) {
        spdlog::error("reload failed, keeping the running configuration: {}", e.what());
    }
}

void Upsmon::comm_lost(Supply &s, const std::string &why, Clock::time_point now) {
    if (s.commstate != 0) {
        spdlog::error("Poll UPS [{}] failed - {}", s.name(), why);
        notifier_.notify("COMMBAD", s.name());
        s.commstate = 0;
        s.last_nocomm_warn = now;
    } else if (age(now, s.last_nocomm_warn) > cfg_.nocommwarntime) {
        notifier_.notify("NOCOMM", s.name());
        s.last_nocomm_warn = now;
    }
}

// ups.status WAIT (upsd reconnected to the driver, whose data has not come yet) tells nothing about
// the UPS, so the last known status stands and nothing is notified: a driver restart used to give
// OTHER [WAIT], then ONLINE and NOTOTHER for a UPS that never left line power. (NUT 2.8.0's upsmon
// ignores the word too.) last_ok does not advance, so a WAIT that lasts is treated like stale data:
// past deadtime it is lost communication (COMMBAD, NOCOMM; COMMOK when data comes back), and a UPS
// last seen on battery turns critical then, exactly as with DATA-STALE.
void Upsmon::handle_wait(Supply &s, Clock::time_point now) {
    if (!s.wait_since) s.wait_since = now;
    const double waited = age(now, *s.wait_since);
    if (waited <= cfg_.deadtime) {
        spdlog::debug("{}: ups.status WAIT (driver data not there yet) for {:.0f} s: keeping the last known status",
                      s.name(), waited);
        return;
    }
    comm_lost(s, fmt::format("ups.status still WAIT after {:.0f} s (more than deadtime {} s): the driver sends no data",
                             waited, cfg_.deadtime),
              now);
}

void Upsmon::handle(Supply &s, const std::optional<std::string> &status, Clock::time_point now) {
    if (!status) return comm_lost(s, s.last_error(), now);
    if (is_wait_placeholder(*status)) return handle_wait(s, now);
    s.wait_since.reset();
    if (s.commstate == 0) notifier_.notify("COMMOK", s.name());
    s.commstate = 1;
    s.last_ok = now;
    const StatusFlags cur = parse_status(*status);
    for (const auto &ev : status_events(s.status, cur, !s.heard)) {
        if (ev.type == "FSD") {
            if (s.fsd_notified) continue;
            s.fsd_notified = true;
        }
        std::string extra = ev.extra;
        if (ev.type == "ALARM") extra = s.get("ups.alarm").value_or("");
        notifier_.notify(ev.type, s.name(), extra);
    }
    if (cur.rb && (!s.rb_warned || age(now, s.last_rb_warn) > cfg_.rbwarntime)) {
        notifier_.notify("REPLBATT", s.name());
        s.rb_warned = true;
        s.last_rb_warn = now;
    }
    const bool was_oblb = s.heard && s.status.ob && s.status.lb;
    if (cur.ob && cur.lb && !was_oblb) s.oblb_since = now;
    s.status = cur;
    s.raw_status = *status;
    s.heard = true;
}

void Upsmon::poll_all() {
    const auto timeout = std::clamp<std::chrono::milliseconds>(std::chrono::seconds(cfg_.pollfreq), 1s, 5s);
    for (auto &s : supplies_) {
        const auto status = s->poll(timeout);
        handle(*s, status, Clock::now());
        s->push_due = false;
        // Only once the host answered: a dead host must not cost a second connect timeout.
        if (status) s->push.ensure(timeout);
    }
}

void Upsmon::poll_pushed() {
    const auto timeout = std::clamp<std::chrono::milliseconds>(std::chrono::seconds(cfg_.pollfreq), 1s, 5s);
    for (auto &s : supplies_) {
        if (!s->push_due) continue;
        s->push_due = false;
        spdlog::debug("{}: re-polling after a push ({} so far)", s->name(), s->push.pushes());
        handle(*s, s->poll(timeout), Clock::now());
    }
}

bool Upsmon::recalc() {
    const auto now = Clock::now();
    std::vector<SupplyView> views;
    for (const auto &s : supplies_) {
        SupplyView v;
        v.primary = s->primary();
        v.power = s->cfg().power;
        v.heard = s->heard;
        v.status = s->status;
        v.since_ok = age(now, s->last_ok);
        v.since_noncrit = s->heard ? age(now, s->last_noncrit) : 0;
        v.oblb_for = (s->status.ob && s->status.lb) ? age(now, s->oblb_since) : 0;
        views.push_back(v);
    }
    const Rules rules{cfg_.deadtime, cfg_.hostsync, cfg_.oblbduration};
    const Decision d = decide(views, cfg_.minsupplies, rules);
    for (size_t i = 0; i < supplies_.size(); ++i) {
        if (d.why[i] == Why::NotCritical) supplies_[i]->last_noncrit = now;
        else spdlog::debug("{} is critical: {}", supplies_[i]->name(), why_text(d.why[i]));
    }
    if (!d.shutdown && !fsd_requested_) return false;
    for (size_t i = 0; i < supplies_.size(); ++i)
        if (d.why[i] != Why::NotCritical)
            spdlog::critical("UPS {}: {}", supplies_[i]->name(), why_text(d.why[i]));
    if (d.shutdown)
        spdlog::critical("power of non-critical supplies {} < minsupplies {}: shutting down", d.power_ok,
                         cfg_.minsupplies);
    forceshutdown();
    return true;
}

void Upsmon::forceshutdown() {
    shutting_down_ = true;
    if (!any_primary()) {
        doshutdown();
        return;
    }
    for (auto &s : supplies_) {
        if (!s->primary()) continue;
        if (s->set_fsd()) {
            spdlog::warn("Set FSD on UPS [{}] successfully", s->name());
        } else {
            spdlog::error("FSD set on UPS [{}] failed: {}", s->name(), s->last_error());
        }
        if (!s->fsd_notified) {
            s->fsd_notified = true;
            notifier_.notify("FSD", s->name());
        }
    }
    // Wait for the secondaries: their sessions end when they shut down.
    const auto start = Clock::now();
    bool told = false;
    while (true) {
        long most = 0;
        for (auto &s : supplies_)
            if (s->primary()) most = std::max(most, s->numlogins().value_or(0));
        if (most <= 1) break;
        if (age(Clock::now(), start) >= cfg_.hostsync) {
            spdlog::warn("Host sync timer expired, forcing shutdown");
            break;
        }
        if (!told) {
            notifier_.notify("SHUTDOWN_HOSTSYNC", "");
            told = true;
        }
        std::this_thread::sleep_for(250ms);
    }
    doshutdown();
}

void Upsmon::doshutdown() {
    spdlog::critical("Executing automatic power-fail shutdown");
    notifier_.notify("SHUTDOWN", "");
    std::this_thread::sleep_for(std::chrono::seconds(cfg_.finaldelay));
    const bool ran = action_ ? action_(any_primary()) : false;
    if (!ran) spdlog::critical("shutdown could not be started");
    exit_code_ = ran ? 0 : 1;
    if (cfg_.shutdownexit == 0) {
        stop_ = true;
        return;
    }
    // shutdownexit: stay (logged in) for N seconds, or forever (-1) until a stop signal.
    const auto stay = cfg_.shutdownexit < 0 ? std::chrono::hours(24 * 365) : std::chrono::hours(0);
    wait(cfg_.shutdownexit < 0 ? std::chrono::duration_cast<std::chrono::milliseconds>(stay)
                               : std::chrono::milliseconds(cfg_.shutdownexit * 1000L));
    stop_ = true;
}

int Upsmon::run(std::function<bool()> parent_alive) {
    spdlog::info("UPS monitor: {} monitors, minsupplies {}", supplies_.size(), cfg_.minsupplies);
    sigset_t set;
    sigemptyset(&set);
    for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGUSR1}) sigaddset(&set, sig);
    sigfd_ = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK); // -1: wait() falls back to time slices
    // Full cycles keep NUT's cadence; a push in between re-polls only the UPS it names, so a
    // pushed change goes through exactly the same handle() + recalc() as a polled one.
    auto next_full = Clock::now();
    while (!stop_) {
        if (Clock::now() >= next_full || fsd_requested_) {
            poll_all();
            next_full = Clock::now() + interval();
        } else {
            poll_pushed();
        }
        if (parent_alive && !noparent_sent_ && !parent_alive()) {
            notifier_.notify("NOPARENT", "");
            noparent_sent_ = true;
        }
        if (recalc()) break;
        // A pushed OB switches to pollfreqalert now, not at the end of the slower interval.
        next_full = std::min(next_full, Clock::now() + interval());
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(next_full - Clock::now());
        if (!wait(std::max(left, 0ms))) break;
    }
    if (sigfd_ >= 0) ::close(sigfd_);
    sigfd_ = -1;
    for (auto &s : supplies_) s->drop();
    Notifier::reap_children();
    return exit_code_;
}

} // namespace nutpp::monitor
