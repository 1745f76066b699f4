// Client half of nutpp's push extension (the protocol is described in core/server/push.hpp): one
// extra connection per monitored UPS that sends "NUTPP WATCH <ups>" and then only listens. A line
// "STATUS <ups> ..." whose text differs from what the last poll saw means "poll now"; the loop
// then re-polls that UPS over its normal NUT session, so decisions never trust the push itself.
//
// Against a real NUT upsd the WATCH gets "ERR UNKNOWN-COMMAND": we note that push is not offered
// and ask again only rarely (the server may be replaced by ours), so polling goes on unchanged.
// The watch connection never logs in, so NUMLOGINS and LIST CLIENT see exactly what NUT would.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "client/connection.hpp"
#include "common/parseconf.hpp"

namespace nutpp::monitor {

class PushWatch {
public:
    using Clock = std::chrono::steady_clock;
    // How long to wait before asking again: after the server refused (a NUT upsd), and after a
    // watch connection broke or could not be made (upsd restarting: polling covers the gap).
    static constexpr std::chrono::seconds kRetryRefused{300};
    static constexpr std::chrono::seconds kRetryBroken{10};
    // upsd drops clients silent for 60 s, watchers included: say something well before that.
    static constexpr std::chrono::seconds kPingEvery{20};

    PushWatch(std::string host, uint16_t port, std::string ups)
        : host_(std::move(host)), port_(port), ups_(std::move(ups)) {}

    // Opens the watch if it is not active and a retry is due, or keeps an active one alive
    // (NUTPP PING when due). Blocking, bounded by `timeout`; the caller does it right after a
    // successful poll, so the host is known to be reachable.
    void ensure(std::chrono::milliseconds timeout);
    bool active() const { return conn_.has_value(); }
    int fd() const { return conn_ ? conn_->native_handle() : -1; }
    // The fd is readable: consumes what arrived. Returns true when a STATUS line differs from
    // `last_status` (the raw ups.status the loop last polled), i.e. the UPS must be re-polled.
    bool on_readable(const std::string &last_status);
    unsigned long pushes() const { return pushes_; } // STATUS lines that triggered a re-poll

private:
    // One STATUS line; true when it asks for a re-poll.
    bool take(const common::LineTokenizer::Line &line, const std::string &last_status);
    void fail(const std::string &why, std::chrono::seconds retry);

    std::string host_;
    uint16_t port_;
    std::string ups_;
    std::optional<client::Connection> conn_;
    common::LineTokenizer tok_{8, 512};
    Clock::time_point next_try_{};
    Clock::time_point last_sent_{};
    unsigned long pushes_ = 0;
};

} // namespace nutpp::monitor
