// upsd's TCP side: listeners (IPv4 and IPv6), accepting, per-client buffers, and feeding request
// lines to the protocol. Single-threaded and non-blocking on the shared epoll loop: a slow or
// silent client only ever costs its own buffers.
//
// Limits per client: the tokenizer holds at most one line (64 words x 512 bytes); a line longer
// than kMaxLineBytes (longer than any valid line can be) gets ERR INVALID-ARGUMENT and the
// connection is closed without reading the rest; replies to the requests of one read (4 KB) are
// written with one write(); while a client has unsent output we stop reading from it, and a client
// owing us more than kMaxOutput bytes is dropped.
//
// Access rules (server/access.hpp) are checked right after accept(), before anything is read.
// Binding the listeners is in net_listen.cpp.
// Listen entries that resolve to an address and port already bound (localhost and 127.0.0.1) are
// bound once, with a warning, as NUT 2.8.0 serves them.
#pragma once

#include "common/event_loop.hpp"
#include "common/parseconf.hpp"
#include "config/config.hpp"
#include "server/auth.hpp"
#include "server/log_limit.hpp"
#include "server/protocol.hpp"
#include "server/tls.hpp"

#include <chrono>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace nutpp::server {

struct NetOptions {
    std::vector<config::Listen> listen;
    int maxconn = 0;                      // 0: derived from the file descriptor limit
    bool allow_not_all_listeners = false;
    std::chrono::seconds idle_timeout{60}; // NUT drops clients silent this long
    int maxconn_per_address = 0;          // 0: maxconn less an eighth (at least 1 slot) kept for others
    unsigned auth_threads = 2;            // password hashing workers (server/auth.hpp)
    config::AccessRules access;           // for listeners without rules of their own
};

class NetServer {
public:
    using Clock = std::chrono::steady_clock;
    static constexpr size_t kReadChunk = 4096;
    static constexpr size_t kMaxOutput = 4 * 1024 * 1024;
    static constexpr int kBacklog = 4096; // the kernel caps it at net.core.somaxconn
    static constexpr size_t kMaxWords = 64, kMaxWordLen = 512;
    // The longest a valid line can be: every word at its limit, each byte escaped, quoted, spaced.
    static constexpr size_t kMaxLineBytes = kMaxWords * (2 * kMaxWordLen + 3);

    NetServer(common::EventLoop &loop, ServerContext &ctx, NetOptions opt);
    ~NetServer();
    NetServer(const NetServer &) = delete;
    NetServer &operator=(const NetServer &) = delete;

    // Binds every listen address. Throws std::runtime_error when none (or, unless
    // allow_not_all_listeners, any one) cannot be bound.
    void start();
    void set_tls(std::shared_ptr<TlsContext> tls) { tls_ = std::move(tls); }
    // Connection limits: in all (0: from the descriptor limit) and per client address (0: the total
    // less an eighth, at least one slot, so one host cannot take every slot).
    void set_maxconn(int n, int per_address = 0);
    void set_idle_timeout(std::chrono::seconds t) { opt_.idle_timeout = t; }
    // Reload: new access rules for the listeners already bound. A listener takes the rules of the
    // `listen` entry written with the same address and port, else the global ones.
    void set_access(const config::AccessRules &global, const std::vector<config::Listen> &listen);
    // Once a second: closes idle clients.
    void tick();
    // Before a UPS leaves the configuration: closes the connections logged in to it.
    void kick_logins(Ups *ups);
    // Push extension (defined in push.cpp): sends the state of `ups` to its watchers if it changed.
    void push_status(const Ups &ups);
    size_t client_count() const { return clients_.size(); }
    std::vector<std::string> listening() const; // "addr port" per bound socket (for logs/tests)

private:
    struct Client {
        int fd = -1;
        Session session;
        common::LineTokenizer tok{kMaxWords, kMaxWordLen};
        std::string out;                  // bytes for the socket (ciphertext when TLS)
        std::unique_ptr<TlsStream> tls;
        Clock::time_point last_line;
        uint32_t interest = 0;            // epoll events last registered (EPOLLIN or EPOLLOUT)
        bool closing = false;             // close once `out` is written
        bool dead = false;
        uint64_t serial = 0;              // tells this connection from a later one on the same fd
        // Waiting for the password's verdict (server/auth.hpp): the request line that needs it and
        // the bytes read after it, run once the verdict is in. The socket is not read meanwhile.
        bool paused = false;
        std::vector<std::string> held_line;
        std::string held_bytes;
        size_t line_bytes = 0;            // bytes of the current line so far (no '\n' yet)
    };
    struct Listener {
        int fd = -1;
        std::string where;          // "addr port", as bound
        std::string entry;          // the listen entry as written ("host port")
        config::AccessRules rules;  // in effect for this socket
    };
    const config::AccessRules &rules_for(const config::Listen &l) const {
        return l.access.configured ? l.access : opt_.access;
    }
    void bind_one(const config::Listen &l, std::vector<std::string> &errors);
    void on_accept(size_t listener);
    // A line longer than kMaxLineBytes: answer, stop reading, close.
    void refuse_long_line(Client &c, std::string &reply);
    void on_client(int fd, uint32_t events);
    void process_plain(Client &c, std::string_view data);
    // Runs one request; true when the rest of `data` must not be read as plain requests (the
    // connection is closing, or STARTTLS took over the bytes after this line: `rest`).
    bool dispatch(Client &c, Words words, std::string &reply, std::string_view rest);
    void emit(Client &c, std::string &reply);
    void flush(Client &c);
    void update_interest(Client &c);
    void close_client(int fd);
    // A request needs the password's verdict: ask for it, holding the line and what follows.
    // False when the verdict was known at once (the line can run again right away).
    bool await_verdict(Client &c, Words words, std::string_view rest);
    void on_verdict(int fd, uint64_t serial, uint64_t users_generation, bool ok);
    size_t connections_from(const std::string &addr) const;

    common::EventLoop &loop_;
    ServerContext &ctx_;
    NetOptions opt_;
    std::shared_ptr<TlsContext> tls_;
    std::vector<Listener> listeners_;
    std::unordered_map<std::string, size_t> bound_; // socket address (bytes) -> its listener
    std::unordered_map<int, std::unique_ptr<Client>> clients_;
    size_t maxconn_ = 1024;
    size_t maxconn_per_address_ = 512;
    uint64_t next_serial_ = 1;
    std::unordered_map<std::string, size_t> per_address_; // open connections by peer address
    int spare_fd_ = -1; // closed to accept-and-drop when we run out of descriptors
    Clock::time_point last_full_log_{};
    LogLimiter refused_log_{20, std::chrono::seconds(60)};   // connections refused by access rules
    LogLimiter long_line_log_{20, std::chrono::seconds(60)}; // clients closed for an over-long line
    size_t peak_clients_ = 0; // most clients since memory was last given back (tick)
    std::unordered_map<std::string, std::string> pushed_; // UPS name -> last STATUS line pushed
    // Per-request scratch, reused so a request allocates nothing. Single-threaded; a nested
    // process_plain (after STARTTLS) only runs once the outer request is done with them.
    std::string reply_scratch_;
    std::vector<std::string_view> word_scratch_;
    Authenticator auth_; // last member, so destroyed first: its workers stop before anything they use
};

} // namespace nutpp::server
