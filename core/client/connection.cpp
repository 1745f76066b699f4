// Connection: line framing, request/ERR handling, LIST blocks, STARTTLS negotiation.
// Rule: I/O failures and protocol violations close the socket (the reply stream can no longer be
// trusted to line up with requests); server ERR replies leave it open.
#include "client/connection.hpp"

#include "common/parseconf.hpp"
#include "common/strings.hpp"

#include <nutpp/support/nut_client.hpp>

#include <cerrno>

namespace nutpp::client {

namespace {

// Longest reply line accepted; upsd builds replies in 512 bytes, so anything near this is garbage.
constexpr size_t kMaxLine = 64 * 1024;
// Most items accepted in one LIST block (bounds memory against a runaway server).
constexpr size_t kMaxListItems = 100000;

bool is_err_line(std::string_view line) { return line == "ERR" || line.starts_with("ERR "); }

bool words_match(const std::vector<std::string> &got, size_t offset, const std::vector<std::string> &want) {
    if (got.size() < offset + want.size()) return false;
    for (size_t i = 0; i < want.size(); ++i)
        if (!common::iequals(got[offset + i], want[i])) return false;
    return true;
}

} // namespace

// The plugin-support client's rule (bare when plain, else quoted with \ " # escaped): one spelling.
std::string wire_word(std::string_view word) { return support::nut_word(word); }

Connection Connection::tcp(const std::string &host, uint16_t port, std::chrono::milliseconds timeout) {
    return Connection(Socket::connect_tcp(host, port, timeout), timeout);
}

Connection Connection::unix_socket(const std::string &path, std::chrono::milliseconds timeout) {
    return Connection(Socket::connect_unix(path, timeout), timeout);
}

void Connection::send_line(std::string_view line) {
    if (line.find('\n') != std::string_view::npos || line.find('\0') != std::string_view::npos)
        throw Error("Invalid argument: line break or NUL in a request");
    if (!sock_.is_open()) throw connect_error(ENOTCONN);
    std::string out(line);
    out += '\n';
    try {
        const auto deadline = Socket::Clock::now() + timeout_;
        if (tls_) tls_->write_all(sock_, out, deadline);
        else sock_.write_all(out, deadline);
    } catch (const Error &) {
        close();
        throw;
    }
}

std::string Connection::read_line() {
    if (!sock_.is_open()) throw connect_error(ENOTCONN);
    const auto deadline = Socket::Clock::now() + timeout_;
    for (;;) {
        const auto nl = rbuf_.find('\n');
        if (nl != std::string::npos) {
            std::string line = rbuf_.substr(0, nl);
            rbuf_.erase(0, nl + 1);
            if (!line.empty() && line.back() == '\r') line.pop_back();
            return line;
        }
        if (rbuf_.size() > kMaxLine) {
            close();
            rbuf_.clear();
            throw Error(std::string(msg::invalid_response) + " (line too long)");
        }
        char buf[4096];
        size_t n = 0;
        try {
            n = tls_ ? tls_->read_some(sock_, buf, sizeof buf, deadline) : sock_.read_some(buf, sizeof buf, deadline);
        } catch (const Error &) {
            close();
            throw;
        }
        if (n == 0) {
            close();
            // A partial line left behind means the server died mid-reply; same message either way.
            rbuf_.clear();
            throw Error(std::string(msg::server_disconnected));
        }
        rbuf_.append(buf, n);
    }
}

std::string Connection::request(std::string_view line) {
    send_line(line);
    std::string reply = read_line();
    if (is_err_line(reply)) throw error_from_reply(reply);
    return reply;
}

std::vector<std::vector<std::string>> Connection::list(std::string_view what) {
    const auto what_line = common::tokenize_line(what);
    if (what_line.error || what_line.words.empty()) throw Error("Invalid list type");
    const std::vector<std::string> &echo = what_line.words;
    std::vector<std::string> begin{"BEGIN", "LIST"}, end{"END", "LIST"};
    begin.insert(begin.end(), echo.begin(), echo.end());
    end.insert(end.end(), echo.begin(), echo.end());

    auto protocol_failure = [this](const std::string &line) {
        close();
        return Error(std::string(msg::protocol_error), {}, line);
    };

    const std::string first = request("LIST " + std::string(what));
    const auto head = common::tokenize_line(first);
    if (head.error || head.words.size() != begin.size() || !words_match(head.words, 0, begin))
        throw protocol_failure(first);

    std::vector<std::vector<std::string>> items;
    for (;;) {
        const std::string line = read_line();
        if (is_err_line(line)) {
            close(); // the block is broken; whatever follows cannot be trusted
            throw error_from_reply(line);
        }
        auto tl = common::tokenize_line(line);
        if (tl.error) {
            close();
            throw Error("Parse error: " + tl.error_text, {}, line);
        }
        if (!tl.words.empty() && tl.words[0] == "END") {
            if (tl.words.size() == end.size() && words_match(tl.words, 0, end)) return items;
            throw protocol_failure(line);
        }
        if (!words_match(tl.words, 0, echo)) throw protocol_failure(line);
        if (items.size() >= kMaxListItems) throw protocol_failure(line);
        tl.words.erase(tl.words.begin(), tl.words.begin() + static_cast<std::ptrdiff_t>(echo.size()));
        items.push_back(std::move(tl.words));
    }
}

bool Connection::try_starttls(const TlsOptions &tls) {
    if (tls_) return true;
    send_line("STARTTLS");
    const std::string reply = read_line();
    if (reply == "OK STARTTLS") {
        // The server sends nothing more in clear text; a byte already buffered would be a
        // handshake record we read too early, which a correct server never sends first.
        if (!rbuf_.empty()) {
            close();
            throw Error("SSL error: clear-text bytes after OK STARTTLS", {}, reply);
        }
        try {
            tls_ = std::make_unique<TlsClient>(sock_, tls, Socket::Clock::now() + timeout_);
        } catch (const Error &) {
            close();
            throw;
        }
        return true;
    }
    if (is_err_line(reply)) {
        Error e = error_from_reply(reply);
        if (e.code == "FEATURE-NOT-CONFIGURED" || e.code == "FEATURE-NOT-SUPPORTED") return false;
        throw e;
    }
    close();
    throw Error(std::string(msg::protocol_error), {}, reply);
}

std::vector<std::string> Connection::query(std::string_view line, const std::vector<std::string> &echo,
                                          size_t min_rest, size_t max_rest) {
    const std::string reply = request(line);
    auto tl = common::tokenize_line(reply);
    if (tl.error) {
        close();
        throw Error("Parse error: " + tl.error_text, {}, reply);
    }
    if (!words_match(tl.words, 0, echo)) {
        close();
        throw Error(std::string(msg::protocol_error), {}, reply);
    }
    const size_t rest = tl.words.size() - echo.size();
    if (rest < min_rest || rest > max_rest) {
        close();
        throw Error(std::string(msg::invalid_response), {}, reply);
    }
    tl.words.erase(tl.words.begin(), tl.words.begin() + static_cast<std::ptrdiff_t>(echo.size()));
    return std::move(tl.words);
}

std::string Connection::expect_ok(std::string_view line) {
    std::string reply = request(line);
    if (reply != "OK" && !reply.starts_with("OK ")) {
        close();
        throw Error(std::string(msg::protocol_error), {}, reply);
    }
    return reply;
}

} // namespace nutpp::client
