// Blocking NUT network-protocol client (the role of NUT's libupsclient), shared by upsc, upscmd,
// upsrw and upsmon. (Plugins use the TLS-less nutpp/support/nut_client.hpp instead.)
//
//   auto c = Connection::tcp("127.0.0.1", 3493);
//   c.try_starttls();                          // like upsc: go on in clear text when refused
//   std::string status = c.get_var("ups", "ups.status");
//
// Every call throws client::Error (what() = NUT's client message, code = server ERR token).
// Replies are checked like libupsclient does: the echoed query words must match (case-insensitive),
// else Error "Protocol error". One Connection is one socket; it is not thread-safe.
#pragma once

#include "client/endpoint.hpp"
#include "client/error.hpp"
#include "client/socket.hpp"
#include "client/tls.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nutpp::client {

inline constexpr std::chrono::milliseconds kDefaultTimeout{5000};

class Connection {
public:
    using NameValue = std::pair<std::string, std::string>;

    static Connection tcp(const std::string &host, uint16_t port, std::chrono::milliseconds timeout = kDefaultTimeout);
    static Connection connect(const Endpoint &ep, std::chrono::milliseconds timeout = kDefaultTimeout) {
        return tcp(ep.host, ep.port, timeout);
    }
    // For driver sockets (<STATEPATH>/<driver>-<ups>): same line framing, its own verbs (PING, DUMPALL).
    static Connection unix_socket(const std::string &path, std::chrono::milliseconds timeout = kDefaultTimeout);

    Connection(Connection &&) noexcept = default;
    Connection &operator=(Connection &&) noexcept = default;

    // Per-operation deadline for later reads/writes (default: the connect timeout).
    void set_timeout(std::chrono::milliseconds t) { timeout_ = t; }
    std::chrono::milliseconds timeout() const { return timeout_; }
    bool is_open() const { return sock_.is_open(); }
    int native_handle() const { return sock_.fd(); }
    void close() {
        tls_.reset();
        sock_.close();
    }

    // ---- line level ----
    void send_line(std::string_view line);       // appends '\n'; a line holding '\n' is rejected
    std::string read_line();                     // without '\n' (a trailing '\r' is dropped too)
    // send + read one line; "ERR X ..." -> throws Error{code=X, reply=line}. Returns the raw line.
    std::string request(std::string_view line);
    // Sends "LIST <what>", checks "BEGIN LIST <what>", reads until "END LIST <what>". Returns every
    // item line tokenized, WITHOUT the echoed words: LIST VAR u -> {{"battery.charge", "100"}, ...}.
    std::vector<std::vector<std::string>> list(std::string_view what);
    // Sends STARTTLS. On "OK STARTTLS" runs the TLS handshake (checking the certificate as `tls`
    // says) and returns true: everything after goes encrypted. false on ERR FEATURE-NOT-CONFIGURED /
    // FEATURE-NOT-SUPPORTED (carry on in clear text, like upsc). A failed handshake closes the
    // connection and throws "SSL error: ..."; other ERR replies throw.
    bool try_starttls(const TlsOptions &tls = {});
    bool is_tls() const { return tls_ != nullptr; }

    // ---- queries (no login needed) ----
    std::vector<NameValue> list_ups();                                   // name, description
    std::vector<NameValue> list_var(const std::string &ups);             // name, value (server order)
    std::vector<NameValue> list_rw(const std::string &ups);
    std::vector<std::string> list_cmd(const std::string &ups);
    std::vector<std::string> list_enum(const std::string &ups, const std::string &var);
    std::vector<NameValue> list_range(const std::string &ups, const std::string &var); // min, max
    std::vector<std::string> list_client(const std::string &ups);         // client addresses
    std::string get_var(const std::string &ups, const std::string &var);
    // Words after the variable name: {"RW", "STRING:32"}, {"NUMBER"}, {"RW", "ENUM", "STRING:8"}...
    std::vector<std::string> get_type(const std::string &ups, const std::string &var);
    std::string get_desc(const std::string &ups, const std::string &var);
    std::string get_cmddesc(const std::string &ups, const std::string &cmd);
    std::string get_upsdesc(const std::string &ups);
    long get_numlogins(const std::string &ups);
    std::string version();           // VER reply line
    std::string protocol_version();  // NETVER reply, e.g. "1.3"

    // ---- session / actions (need USERNAME + PASSWORD first) ----
    void username(const std::string &name);
    void password(const std::string &pass);
    void login(const std::string &ups);
    std::string primary(const std::string &ups); // PRIMARY, or MASTER on pre-2.8 servers; returns reply
    void fsd(const std::string &ups);
    void logout();                                // sends LOGOUT, accepts "OK Goodbye", closes
    // Returns the reply: "OK" or "OK TRACKING <id>".
    std::string instcmd(const std::string &ups, const std::string &cmd,
                        const std::optional<std::string> &arg = std::nullopt);
    std::string set_var(const std::string &ups, const std::string &var, const std::string &value);
    void set_tracking(bool on);
    bool tracking_enabled();                          // GET TRACKING -> ON/OFF
    std::string get_tracking(const std::string &id);  // "PENDING" / "SUCCESS", ERR -> throws

    // "OK TRACKING <id>" -> id; anything else -> nullopt.
    static std::optional<std::string> tracking_id(std::string_view reply);

private:
    Connection(Socket s, std::chrono::milliseconds timeout) : sock_(std::move(s)), timeout_(timeout) {}
    // request(line), then checks the reply starts with `echo` (case-insensitive) and has
    // min_rest..max_rest more words; returns those.
    std::vector<std::string> query(std::string_view line, const std::vector<std::string> &echo,
                                   size_t min_rest = 1, size_t max_rest = 1);
    std::string expect_ok(std::string_view line);

    Socket sock_;
    std::unique_ptr<TlsClient> tls_; // set once STARTTLS succeeded; runs over sock_
    std::chrono::milliseconds timeout_;
    std::string rbuf_; // bytes received after the last complete line
};

// A protocol word: sent bare when safe, else quoted/escaped (names with spaces, '#', '"', ...).
std::string wire_word(std::string_view word);

} // namespace nutpp::client
