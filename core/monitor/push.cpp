#include "monitor/push.hpp"

#include "common/strings.hpp"

#include <spdlog/spdlog.h>

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace nutpp::monitor {

void PushWatch::fail(const std::string &why, std::chrono::seconds retry) {
    spdlog::debug("{}@{}: push watch: {}; polling", ups_, host_, why);
    conn_.reset();
    tok_.reset();
    next_try_ = Clock::now() + retry;
}

void PushWatch::ensure(std::chrono::milliseconds timeout) {
    if (conn_ && Clock::now() - last_sent_ >= kPingEvery) {
        try {
            conn_->set_timeout(timeout);
            conn_->send_line("NUTPP PING"); // the "OK PONG" is skipped like any non-STATUS line
            last_sent_ = Clock::now();
        } catch (const std::exception &e) {
            fail(e.what(), kRetryBroken);
        }
    }
    if (conn_ || Clock::now() < next_try_) return;
    try {
        auto c = client::Connection::tcp(host_, port_, timeout);
        c.set_timeout(timeout);
        c.send_line("NUTPP WATCH " + client::wire_word(ups_));
        // The first reply is read here, raw and with a deadline, so no byte of a later STATUS line
        // is left in a client buffer we do not read from.
        const auto deadline = Clock::now() + timeout;
        std::string first;
        while (first.find('\n') == std::string::npos) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
            pollfd p{c.native_handle(), POLLIN, 0};
            if (left.count() <= 0 || ::poll(&p, 1, int(left.count())) <= 0) return fail("no reply to WATCH", kRetryBroken);
            char ch;
            // One byte at a time: the reply is a few bytes, and the rest belongs to the tokenizer.
            const ssize_t n = ::recv(c.native_handle(), &ch, 1, 0);
            if (n <= 0) return fail("connection closed during WATCH", kRetryBroken);
            first += ch;
        }
        if (first.rfind("OK", 0) != 0) {
            // A NUT upsd: "ERR UNKNOWN-COMMAND". Anything else non-OK is treated the same way.
            while (!first.empty() && (first.back() == '\n' || first.back() == '\r')) first.pop_back();
            return fail("not offered by the server (" + first + ")", kRetryRefused);
        }
        conn_.emplace(std::move(c));
        tok_.reset();
        last_sent_ = Clock::now();
        spdlog::info("{}@{}: push watch active", ups_, host_);
    } catch (const std::exception &e) {
        fail(e.what(), kRetryBroken);
    }
}

bool PushWatch::take(const common::LineTokenizer::Line &line, const std::string &last_status) {
    const auto &w = line.words;
    if (line.error || w.size() < 3 || !common::iequals(w[0], "STATUS") || w[1] != ups_) return false;
    // `STATUS ups "OL"` names the status; `STATUS ups ERR X` means GET VAR will fail: poll either
    // way unless it is exactly what we already know (e.g. the state sent right after WATCH).
    const bool is_err = w.size() >= 4 && w[2] == "ERR";
    if (!is_err && w[2] == last_status) return false;
    ++pushes_;
    spdlog::debug("{}@{}: push: STATUS {} -> re-polling", ups_, host_, is_err ? "ERR " + w[3] : w[2]);
    return true;
}

bool PushWatch::on_readable(const std::string &last_status) {
    if (!conn_) return false;
    bool repoll = false;
    char buf[2048];
    for (;;) {
        const ssize_t n = ::recv(conn_->native_handle(), buf, sizeof buf, MSG_DONTWAIT);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
        if (n <= 0) {
            // upsd went away (or restarted): polling notices too; also re-poll now so COMMBAD
            // is not delayed by the push having been relied upon.
            fail(n == 0 ? "closed by the server" : std::strerror(errno), kRetryBroken);
            return true;
        }
        std::vector<common::LineTokenizer::Line> lines;
        tok_.feed(std::string_view(buf, size_t(n)), lines);
        for (const auto &l : lines) repoll = take(l, last_status) || repoll;
        if (size_t(n) < sizeof buf) break;
    }
    return repoll;
}

} // namespace nutpp::monitor
