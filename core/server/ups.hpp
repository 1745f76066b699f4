// One served UPS: its configuration (name, description, driver socket path), the state mirrored
// from the driver, and the long-lived non-blocking connection to the driver socket
// (<state_dir>/<driver>-<name>). The connection is re-established after a driver restarts.
#pragma once

#include "common/event_loop.hpp"
#include "common/parseconf.hpp"
#include "server/tracking.hpp"
#include "server/ups_state.hpp"

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace nutpp::server {

struct Session;

enum class Availability { Ok, DriverNotConnected, DataStale };

class Ups {
public:
    using Clock = std::chrono::steady_clock;

    Ups(common::EventLoop &loop, Tracking &tracking, std::string name, std::string desc, std::string socket_path);
    ~Ups();
    Ups(const Ups &) = delete;
    Ups &operator=(const Ups &) = delete;

    const std::string &name() const { return name_; }
    const std::string &desc() const { return desc_; }
    void set_desc(std::string d) { desc_ = std::move(d); }
    const std::string &socket_path() const { return path_; }
    void set_socket_path(std::string p);

    const UpsState &state() const { return state_; }
    bool connected() const { return fd_ >= 0; }
    // Connected, but the driver has not finished its DUMPALL answer yet: ups.status is upsd's
    // WAIT placeholder (or a partial dump), which says nothing about the UPS.
    bool dump_pending() const { return fd_ >= 0 && !state_.dump_done(); }
    // NUT's rule: not connected; DATASTALE after the dump; or silent longer than maxage.
    Availability availability(std::chrono::seconds maxage) const;

    // Sends one line to the driver; false when not connected or the driver is not reading.
    bool send(const std::string &line);

    // Called about once a second: reconnect when needed, PING a quiet driver, log stale changes.
    void tick(std::chrono::seconds maxage);

    // FSD latch: set by FSD, cleared only when the UPS leaves the configuration (NUT's rule).
    bool fsd = false;
    // Connections that did LOGIN to this UPS (NUMLOGINS, LIST CLIENT), in login order.
    std::vector<Session *> logins;
    // Push hook (server/push.hpp): called after driver data was applied and when the connection or
    // staleness changes; the listener compares the status itself, so spurious calls are harmless.
    // It also skips the calls made while dump_pending().
    std::function<void(const Ups &)> on_change;

    static constexpr size_t kMaxDriverOutput = 256 * 1024;

private:
    void try_connect();
    void on_event(uint32_t events);
    void disconnect(const char *why);
    void flush();

    common::EventLoop &loop_;
    Tracking &tracking_;
    std::string name_, desc_, path_;
    int fd_ = -1;
    common::LineTokenizer tok_;
    std::string out_;
    UpsState state_;
    Clock::time_point last_heard_{}, last_ping_{};
    Clock::time_point last_fail_log_{};
    bool was_stale_ = false;
    bool ever_failed_ = false;
};

} // namespace nutpp::server
