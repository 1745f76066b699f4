// A small blocking client of NUT's network protocol (upsd, port 3493), for plugins that read a
// remote upsd (the sim plugin's repeater mode). It lives here rather than in core's client library
// because a plugin may link the standard library only: no TLS (NUT's STARTTLS is optional and stock
// upsd refuses it, so clear text is what every repeater ends up using), no logging.
//
//   auto c = NutClient::connect("::1", 3493, std::chrono::seconds(3));
//   for (auto &[name, value] : c.list_var("ups")) ...
//
// Every call throws NutClientError. Connection failures, timeouts and protocol violations close the
// socket (the replies could no longer be matched to requests); an ERR reply leaves it usable.
// One NutClient is one socket and is not thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nutpp::support {

class NutClientError : public std::runtime_error {
public:
    explicit NutClientError(const std::string &message, std::string code = {})
        : std::runtime_error(message), code(std::move(code)) {}
    // The token of an "ERR <CODE>" reply ("VAR-NOT-SUPPORTED"); "" for connection/protocol failures.
    std::string code;
    bool from_server() const { return !code.empty(); }
};

// NUT's "<ups>[@<host>[:<port>]]"; IPv6 hosts as "[::1]:port", "[::1]" or bare "::1" (no port).
struct NutEndpoint {
    std::string ups;
    std::string host = "localhost";
    uint16_t port = 3493;

    // Throws std::invalid_argument saying what is wrong.
    static NutEndpoint parse(std::string_view spec);
    // "host[:port]", "[v6][:port]" or a bare "::1" (upsc -l's argument); ups stays empty, "" is
    // localhost. Throws std::invalid_argument.
    static NutEndpoint parse_host(std::string_view spec);
    // "ups@host[:port]" as NUT prints it (port omitted when 3493, IPv6 bracketed; no "ups@" when
    // ups is empty).
    std::string to_string() const;
};

// One protocol word for a request: bare when it holds only plain printable characters, otherwise
// "..." with \ " # escaped (NUT's pconf_encode), so names with spaces or quotes survive.
std::string nut_word(std::string_view word);

// Splits a reply line by NUT's parseconf rules (whitespace, "..." groups, backslash escapes, an
// unquoted # starts a comment, control bytes dropped; config files' '=' splitting is left out, upsd
// quotes every value). nullopt: unterminated quote or '#' inside
// quotes -- a line upsd would never send.
std::optional<std::vector<std::string>> split_nut_line(std::string_view line);

class NutClient {
public:
    using NameValue = std::pair<std::string, std::string>;

    // Tries each address getaddrinfo() gives (IPv6 and IPv4) within `timeout` overall; the timeout
    // is then the per-request one. Throws "Connection failure: ..." / "No such host".
    static NutClient connect(const std::string &host, uint16_t port, std::chrono::milliseconds timeout);

    NutClient(NutClient &&o) noexcept;
    NutClient &operator=(NutClient &&o) noexcept;
    NutClient(const NutClient &) = delete;
    NutClient &operator=(const NutClient &) = delete;
    ~NutClient();

    void set_timeout(std::chrono::milliseconds t) { timeout_ = t; }
    bool is_open() const { return fd_ >= 0; }
    void close();

    // Sends `line` + '\n' and reads one reply line within the timeout. "ERR X" -> throws code X.
    std::string request(std::string_view line);
    // "LIST <what>": checks BEGIN LIST <what>, reads to END LIST <what>; returns each item's words
    // after the echoed ones (LIST VAR u -> {{"battery.charge", "100"}, ...}).
    std::vector<std::vector<std::string>> list(std::string_view what);

    std::vector<NameValue> list_var(const std::string &ups);
    std::vector<NameValue> list_rw(const std::string &ups);
    std::vector<std::string> list_cmd(const std::string &ups);
    std::vector<std::string> list_enum(const std::string &ups, const std::string &var);
    std::vector<NameValue> list_range(const std::string &ups, const std::string &var); // min, max
    // Words after the variable name: {"RW", "STRING:32"}, {"NUMBER"}, {"RW", "ENUM", "STRING:8"}.
    std::vector<std::string> get_type(const std::string &ups, const std::string &var);

    void username(const std::string &name);
    void password(const std::string &pass);
    // Return the "OK..." reply (possibly "OK TRACKING <id>").
    std::string set_var(const std::string &ups, const std::string &var, const std::string &value);
    std::string instcmd(const std::string &ups, const std::string &cmd,
                        const std::optional<std::string> &arg = std::nullopt);
    // Sends LOGOUT and closes; a server that hangs up before its goodbye is fine.
    void logout();

private:
    NutClient(int fd, std::chrono::milliseconds timeout) : fd_(fd), timeout_(timeout) {}
    void send_line(std::string_view line);
    std::string read_line();
    std::string expect_ok(const std::string &line);
    [[noreturn]] void fail(const std::string &message); // closes, throws

    int fd_ = -1;
    std::chrono::milliseconds timeout_;
    std::string rbuf_; // bytes after the last complete line
};

} // namespace nutpp::support
