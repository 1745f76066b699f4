// Serves one device's VarStore on a Unix stream socket with NUT's driver<->upsd protocol, so our upsd,
// real NUT's upsd and debug tools read the device the same way: DUMPALL gets the snapshot + DUMPDONE,
// every later change is broadcast, PING gets PONG, INSTCMD/SET go to the device.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

#include "common/event_loop.hpp"
#include "common/parseconf.hpp"
#include "driver_socket/request.hpp"
#include "store/var_store.hpp"

namespace nutpp::driver_socket {

class Server {
public:
    // Called on the loop thread for INSTCMD/SET requests (already parsed).
    using CommandHandler = std::function<void(const Request &)>;

    // Creates and listens on `path` (an existing stale socket file is replaced; mode 0660).
    // Throws std::runtime_error with the path and errno text on failure.
    Server(common::EventLoop &loop, std::string path, store::VarStore &store, CommandHandler on_command);
    // Serves one already-connected stream instead of listening on a path: an isolated device's worker
    // speaks to its upsdrvd this way (host/worker.hpp). `label` names it in logs; `on_closed` runs on
    // the loop thread once the peer has gone.
    Server(common::EventLoop &loop, int connected_fd, std::string label, store::VarStore &store,
           CommandHandler on_command, std::function<void()> on_closed);
    ~Server();
    Server(const Server &) = delete;
    Server &operator=(const Server &) = delete;

    // Sends queued store changes to every client. Call on the loop thread (after the store notified).
    void broadcast_pending();
    const std::string &path() const { return path_; }
    size_t client_count() const { return clients_.size(); }

    // Per-client output cap: a client that does not read is dropped rather than grow memory.
    static constexpr size_t kMaxOutput = 4 * 1024 * 1024;

private:
    struct Client {
        int fd = -1;
        uint64_t serial = 0; // unique per connection: fds and heap addresses are both reused
        common::LineTokenizer tokenizer;
        std::string out;
        bool dropping = false;
    };
    void on_accept();
    void on_client(int fd, uint32_t events);
    void handle_line(Client &c, const std::vector<std::string> &words);
    void send(Client &c, const std::string &line);
    void flush(Client &c);
    void drop(int fd);
    void schedule_drop(Client &c);
    uint64_t next_serial_ = 1;
    // Posted work (a deferred drop) checks this first: a reload may destroy the server before it runs.
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);

    common::EventLoop &loop_;
    std::string path_; // the socket file, or the label of an adopted stream
    store::VarStore &store_;
    CommandHandler on_command_;
    std::function<void()> on_closed_; // adopted stream only
    int listen_fd_ = -1;
    std::unordered_map<int, std::unique_ptr<Client>> clients_;
};

} // namespace nutpp::driver_socket
