// NutClient: sockets with deadlines (non-blocking + poll), line framing, ERR and LIST handling.
// Messages follow libupsclient's wording ("Connection failure: ...", "Server disconnected") so a
// plugin's log reads like NUT's.
#include <nutpp/support/nut_client.hpp>

#include <nutpp/support/socket_wait.hpp>
#include <nutpp/support/text.hpp>

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

namespace nutpp::support {

namespace {

using Clock = std::chrono::steady_clock;

// upsd builds replies in 512 bytes; a longer "line" is garbage and must not grow memory forever.
constexpr size_t kMaxLine = 64 * 1024;
constexpr size_t kMaxListItems = 100000;

[[noreturn]] void bad_spec(std::string_view spec, std::string_view why) {
    throw std::invalid_argument("invalid UPS/host specification '" + std::string(spec) + "': " + std::string(why));
}

uint16_t parse_port(std::string_view spec, std::string_view text) {
    unsigned v = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc() || p != text.data() + text.size() || v == 0 || v > 65535)
        bad_spec(spec, "port must be a number from 1 to 65535");
    return static_cast<uint16_t>(v);
}

bool has_space(std::string_view s) {
    for (const char c : s)
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return true;
    return false;
}

// "host[:port]" / "[v6][:port]" / "v6" -> host and port (ups left empty).
NutEndpoint parse_hostport(std::string_view spec, std::string_view hp) {
    NutEndpoint ep;
    if (!hp.empty() && hp.front() == '[') {
        const auto close = hp.find(']');
        if (close == std::string_view::npos) bad_spec(spec, "missing ']' after IPv6 address");
        ep.host = std::string(hp.substr(1, close - 1));
        const auto rest = hp.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') bad_spec(spec, "unexpected text after ']'");
            ep.port = parse_port(spec, rest.substr(1));
        }
    } else {
        const auto colon = hp.find(':');
        if (colon != std::string_view::npos && hp.find(':', colon + 1) != std::string_view::npos) {
            ep.host = std::string(hp); // several colons: a bare IPv6 address, no port
        } else {
            ep.host = std::string(hp.substr(0, colon));
            if (colon != std::string_view::npos) ep.port = parse_port(spec, hp.substr(colon + 1));
        }
    }
    if (ep.host.empty()) bad_spec(spec, "empty host name");
    if (has_space(ep.host)) bad_spec(spec, "host name contains whitespace or control characters");
    return ep;
}

std::string errno_text(std::string_view prefix, int errnum) { return std::string(prefix) + std::strerror(errnum); }

bool is_err_line(std::string_view line) { return line == "ERR" || line.starts_with("ERR "); }

NutClientError error_from_reply(const std::string &line) {
    const auto words = split_nut_line(line);
    if (!words || words->size() < 2) return NutClientError("Invalid response from server: " + printable(line));
    return NutClientError("server replied " + printable(line), (*words)[1]);
}

bool words_match(const std::vector<std::string> &got, const std::vector<std::string> &want) {
    if (got.size() < want.size()) return false;
    for (size_t i = 0; i < want.size(); ++i)
        if (!iequals(got[i], want[i])) return false;
    return true;
}

std::vector<NutClient::NameValue> pairs(std::vector<std::vector<std::string>> items) {
    std::vector<NutClient::NameValue> out;
    for (auto &it : items) out.emplace_back(std::move(it[0]), std::move(it[1]));
    return out;
}

std::vector<std::string> singles(std::vector<std::vector<std::string>> items) {
    std::vector<std::string> out;
    for (auto &it : items) out.push_back(std::move(it[0]));
    return out;
}

} // namespace

NutEndpoint NutEndpoint::parse(std::string_view spec) {
    NutEndpoint ep;
    const auto at = spec.find('@');
    const auto ups = spec.substr(0, at);
    if (ups.empty()) bad_spec(spec, "empty UPS name");
    if (has_space(ups)) bad_spec(spec, "UPS name contains whitespace or control characters");
    if (at != std::string_view::npos) {
        const auto hp = spec.substr(at + 1);
        if (hp.find('@') != std::string_view::npos) bad_spec(spec, "more than one '@'");
        ep = parse_hostport(spec, hp);
    }
    ep.ups = std::string(ups);
    return ep;
}

NutEndpoint NutEndpoint::parse_host(std::string_view spec) {
    if (spec.empty()) return {};
    if (spec.find('@') != std::string_view::npos) bad_spec(spec, "'@' in a host name");
    return parse_hostport(spec, spec);
}

std::string NutEndpoint::to_string() const {
    const bool v6 = host.find(':') != std::string::npos;
    std::string r = ups.empty() ? std::string() : ups + '@';
    r += v6 ? "[" + host + "]" : host;
    if (port != 3493) r += ':' + std::to_string(port);
    return r;
}

std::string nut_word(std::string_view word) {
    bool plain = !word.empty();
    for (const char c : word) {
        const auto uc = static_cast<unsigned char>(c);
        if (uc <= 0x20 || uc >= 0x7f || c == '"' || c == '\\' || c == '#' || c == '=') plain = false;
    }
    if (plain) return std::string(word);
    std::string r = "\"";
    for (const char c : word) {
        if (c == '\\' || c == '"' || c == '#') r += '\\';
        r += c;
    }
    return r + '"';
}

std::optional<std::vector<std::string>> split_nut_line(std::string_view line) {
    std::vector<std::string> words;
    std::string w;
    bool in_word = false, quoted = false, escape = false;
    auto put = [&](char c) {
        // NUT's CVE-2012-2944 guard: control bytes never enter a word.
        if (static_cast<unsigned char>(c) >= 0x20) w += c;
    };
    auto end_word = [&] {
        words.push_back(std::move(w));
        w.clear();
        in_word = false;
    };
    for (const char c : line) {
        if (escape) {
            put(c);
            escape = false;
        } else if (quoted) {
            if (c == '"') {
                quoted = false;
                end_word();
            } else if (c == '\\') escape = true;
            else if (c == '#') return std::nullopt;
            else put(c);
        } else if (c == '\\') {
            in_word = true;
            escape = true;
        } else if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f') {
            if (in_word) end_word();
        } else if (c == '#') {
            break;
        } else if (c == '"' && !in_word) {
            quoted = true;
            in_word = true;
        } else {
            in_word = true;
            put(c);
        }
    }
    if (quoted) return std::nullopt;
    if (in_word) end_word();
    return words;
}

NutClient NutClient::connect(const std::string &host, uint16_t port, std::chrono::milliseconds timeout) {
    int err = 0;
    const int fd = connect_tcp(host, port, Clock::now() + timeout, err);
    if (fd >= 0) return NutClient(fd, timeout);
    if (err == 0) throw NutClientError("No such host");
    throw NutClientError(errno_text("Connection failure: ", err));
}

NutClient::NutClient(NutClient &&o) noexcept : fd_(o.fd_), timeout_(o.timeout_), rbuf_(std::move(o.rbuf_)) {
    o.fd_ = -1;
}

NutClient &NutClient::operator=(NutClient &&o) noexcept {
    if (this != &o) {
        close();
        fd_ = o.fd_;
        timeout_ = o.timeout_;
        rbuf_ = std::move(o.rbuf_);
        o.fd_ = -1;
    }
    return *this;
}

NutClient::~NutClient() { close(); }

void NutClient::close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    rbuf_.clear();
}

void NutClient::fail(const std::string &message) {
    close();
    throw NutClientError(message);
}

void NutClient::send_line(std::string_view line) {
    if (line.find_first_of(std::string_view("\n\0", 2)) != std::string_view::npos)
        throw NutClientError("Invalid argument: line break or NUL in a request");
    if (fd_ < 0) throw NutClientError(errno_text("Connection failure: ", ENOTCONN));
    std::string out(line);
    out += '\n';
    std::string_view rest(out);
    const auto deadline = Clock::now() + timeout_;
    while (!rest.empty()) {
        const ssize_t n = ::send(fd_, rest.data(), rest.size(), MSG_NOSIGNAL);
        if (n > 0) {
            rest.remove_prefix(size_t(n));
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (!wait_fd(fd_, POLLOUT, deadline)) fail(errno_text("Write error: ", ETIMEDOUT));
        } else {
            fail(errno_text("Write error: ", n < 0 ? errno : EIO));
        }
    }
}

std::string NutClient::read_line() {
    if (fd_ < 0) throw NutClientError(errno_text("Connection failure: ", ENOTCONN));
    const auto deadline = Clock::now() + timeout_;
    for (;;) {
        const auto nl = rbuf_.find('\n');
        if (nl != std::string::npos) {
            std::string line = rbuf_.substr(0, nl);
            rbuf_.erase(0, nl + 1);
            if (!line.empty() && line.back() == '\r') line.pop_back();
            return line;
        }
        if (rbuf_.size() > kMaxLine) fail("Invalid response from server (line too long)");
        char buf[4096];
        const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
        if (n > 0) {
            rbuf_.append(buf, size_t(n));
        } else if (n == 0) {
            fail("Server disconnected"); // mid-line or between lines: the reply is lost either way
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
            if (!wait_fd(fd_, POLLIN, deadline)) fail(errno_text("Read error: ", ETIMEDOUT));
        } else if (errno != EINTR) {
            fail(errno_text("Read error: ", errno));
        }
    }
}

std::string NutClient::request(std::string_view line) {
    send_line(line);
    std::string reply = read_line();
    if (is_err_line(reply)) throw error_from_reply(reply);
    return reply;
}

std::vector<std::vector<std::string>> NutClient::list(std::string_view what) {
    const auto echo = split_nut_line(what);
    if (!echo || echo->empty()) throw NutClientError("Invalid list type: " + printable(what));
    std::vector<std::string> begin{"BEGIN", "LIST"}, end{"END", "LIST"};
    begin.insert(begin.end(), echo->begin(), echo->end());
    end.insert(end.end(), echo->begin(), echo->end());

    const std::string first = request("LIST " + std::string(what));
    const auto head = split_nut_line(first);
    if (!head || head->size() != begin.size() || !words_match(*head, begin))
        fail("Protocol error: expected BEGIN LIST, got " + printable(first));

    std::vector<std::vector<std::string>> items;
    for (;;) {
        const std::string line = read_line();
        if (is_err_line(line)) {
            close(); // a broken block: what follows cannot be matched to requests any more
            throw error_from_reply(line);
        }
        auto words = split_nut_line(line);
        if (!words) fail("Parse error in reply: " + printable(line));
        if (!words->empty() && (*words)[0] == "END") {
            if (words->size() == end.size() && words_match(*words, end)) return items;
            fail("Protocol error: " + printable(line));
        }
        if (!words_match(*words, *echo) || items.size() >= kMaxListItems)
            fail("Protocol error: " + printable(line));
        words->erase(words->begin(), words->begin() + std::ptrdiff_t(echo->size()));
        items.push_back(std::move(*words));
    }
}

namespace {
// Items of a LIST block must carry exactly `n` words after the echo.
constexpr const char *kWrongWidth = "Invalid response from server: LIST item of the wrong width";

bool width_ok(const std::vector<std::vector<std::string>> &items, size_t n) {
    for (const auto &it : items)
        if (it.size() != n) return false;
    return true;
}
} // namespace

std::vector<NutClient::NameValue> NutClient::list_var(const std::string &ups) {
    auto items = list("VAR " + nut_word(ups));
    if (!width_ok(items, 2)) fail(kWrongWidth);
    return pairs(std::move(items));
}

std::vector<NutClient::NameValue> NutClient::list_rw(const std::string &ups) {
    auto items = list("RW " + nut_word(ups));
    if (!width_ok(items, 2)) fail(kWrongWidth);
    return pairs(std::move(items));
}

std::vector<std::string> NutClient::list_cmd(const std::string &ups) {
    auto items = list("CMD " + nut_word(ups));
    if (!width_ok(items, 1)) fail(kWrongWidth);
    return singles(std::move(items));
}

std::vector<std::string> NutClient::list_enum(const std::string &ups, const std::string &var) {
    auto items = list("ENUM " + nut_word(ups) + ' ' + nut_word(var));
    if (!width_ok(items, 1)) fail(kWrongWidth);
    return singles(std::move(items));
}

std::vector<NutClient::NameValue> NutClient::list_range(const std::string &ups, const std::string &var) {
    auto items = list("RANGE " + nut_word(ups) + ' ' + nut_word(var));
    if (!width_ok(items, 2)) fail(kWrongWidth);
    return pairs(std::move(items));
}

std::vector<std::string> NutClient::get_type(const std::string &ups, const std::string &var) {
    const std::string reply = request("GET TYPE " + nut_word(ups) + ' ' + nut_word(var));
    auto words = split_nut_line(reply);
    // TYPE <ups> <var> <word>...: the echo must match, else replies and requests are out of step.
    if (!words || words->size() < 4 || !words_match(*words, {"TYPE", ups, var}))
        fail("Protocol error: " + printable(reply));
    words->erase(words->begin(), words->begin() + 3);
    return std::move(*words);
}

std::string NutClient::expect_ok(const std::string &line) {
    std::string reply = request(line);
    if (reply != "OK" && !reply.starts_with("OK ")) fail("Protocol error: " + printable(reply));
    return reply;
}

void NutClient::username(const std::string &name) { expect_ok("USERNAME " + nut_word(name)); }

void NutClient::password(const std::string &pass) { expect_ok("PASSWORD " + nut_word(pass)); }

std::string NutClient::set_var(const std::string &ups, const std::string &var, const std::string &value) {
    // The value is always quoted, like upsrw does: "" is a legal value.
    std::string quoted = nut_word(value);
    if (quoted.front() != '"') quoted = '"' + quoted + '"';
    return expect_ok("SET VAR " + nut_word(ups) + ' ' + nut_word(var) + ' ' + quoted);
}

std::string NutClient::instcmd(const std::string &ups, const std::string &cmd, const std::optional<std::string> &arg) {
    std::string line = "INSTCMD " + nut_word(ups) + ' ' + nut_word(cmd);
    if (arg) line += ' ' + nut_word(*arg);
    return expect_ok(line);
}

void NutClient::logout() {
    if (fd_ < 0) return;
    try {
        send_line("LOGOUT");
        read_line(); // "OK Goodbye"; whatever it says, the session is over
    } catch (const NutClientError &) {
        // the server may hang up before its goodbye
    }
    close();
}

} // namespace nutpp::support
