#include "session.hpp"

#include "cli_common.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

namespace nutpp::clients {

using client::Connection;
using client::Error;

namespace {

// A server ERR is tolerated; a broken connection is not.
void tolerate_refusal(const std::function<void()> &step) {
    try {
        step();
    } catch (const Error &e) {
        if (!e.from_server()) throw;
    }
}

int wait_for_tracking(Connection &conn, const std::string &id, std::chrono::seconds timeout) {
    using Clock = std::chrono::steady_clock;
    const auto start = Clock::now();
    for (;;) {
        if (Clock::now() - start >= timeout) {
            std::fputs("Can't receive status tracking information: timeout\n", stderr);
            return kExitFailure;
        }
        std::string status;
        try {
            status = conn.get_tracking(id);
        } catch (const Error &e) {
            if (e.reply.empty()) throw; // connection trouble, not an answer
            // ERR <reason> (or anything else upsd says) is the command's final outcome.
            std::fprintf(stderr, "%s\n", e.reply.c_str());
            return kExitOk;
        }
        if (status != "PENDING") {
            std::fprintf(stderr, "%s\n", status.c_str());
            return kExitOk;
        }
        std::this_thread::sleep_for(std::chrono::seconds(1));
    }
}

void authenticate(Connection &conn, const std::string &user, const std::string &pass) {
    if (!user.empty()) tolerate_refusal([&] { conn.username(user); });
    if (!pass.empty()) tolerate_refusal([&] { conn.password(pass); });
}

int run_action(Connection &conn, bool wait, std::chrono::seconds timeout,
               const std::function<std::string()> &action) {
    std::string reply;
    try {
        if (wait) conn.set_tracking(true);
        reply = action();
    } catch (const Error &e) {
        print_unexpected(e);
        return kExitFailure;
    }
    if (wait) {
        if (auto id = Connection::tracking_id(reply)) return wait_for_tracking(conn, *id, timeout);
    }
    std::fprintf(stderr, "%s\n", reply.c_str());
    return kExitOk;
}

} // namespace

int run_authenticated_action(Connection &conn, const std::string &user, const std::string &pass, bool wait,
                             std::chrono::seconds timeout, const std::function<std::string()> &action) {
    int rc = kExitFailure;
    try {
        authenticate(conn, user, pass);
        rc = run_action(conn, wait, timeout, action);
    } catch (const Error &e) {
        print_error(e.what());
        return kExitFailure;
    }
    say_goodbye(conn);
    return rc;
}

bool parse_timeout_option(const char *text, unsigned &out) {
    errno = 0;
    char *end = nullptr;
    const unsigned long long v = std::strtoull(text, &end, 10);
    int err = 0;
    if (end == text || *end != '\0' || text[0] == '-') err = EINVAL;
    else if (errno == ERANGE || v > 0xffffffffULL) err = ERANGE;
    if (err != 0) {
        std::fprintf(stderr,
                     "Could not convert the provided value for timeout ('-t' option) to unsigned int: %s\n",
                     std::strerror(err));
        return false;
    }
    out = static_cast<unsigned>(v);
    return true;
}

std::optional<client::Connection> open_connection(const client::Endpoint &ep, Greeting greeting) {
    try {
        auto conn = client::Connection::connect(ep);
        if (greeting == Greeting::UpscStartTls) {
            // The line Debian's NUT 2.8.0 upsc prints on every successful connect; kept so that
            // stderr stays byte-identical for scripts that capture it.
            std::fputs("Init SSL without certificate database\n", stderr);
            conn.try_starttls();
        }
        return conn;
    } catch (const client::Error &e) {
        print_error(e.what());
        return std::nullopt;
    }
}

void say_goodbye(client::Connection &conn) {
    try {
        conn.logout();
    } catch (const client::Error &) {
    }
}

} // namespace nutpp::clients
