// The fan-out of change events to Server-Sent-Events clients (GET /api/v1/events). publish() only
// appends preformatted text to each client's bounded queue, so a slow or stuck client never delays
// the collector, MQTT or the other clients: a client whose queue overflows is dropped (its browser
// reconnects and re-reads the state).
#pragma once

#include "web/store.hpp"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace nutpp::web {

class EventHub {
public:
    struct Client {
        std::string ups;              // only this UPS's events; empty = all
        std::deque<std::string> queue;
        bool dropped = false;
    };
    using ClientPtr = std::shared_ptr<Client>;

    EventHub(size_t max_clients, size_t queue_limit = 1000) : max_clients_(max_clients), queue_limit_(queue_limit) {}

    // nullptr when max_clients are connected already (or the hub is closed).
    ClientPtr join(const std::string &ups_filter);
    void leave(const ClientPtr &c);
    void publish(const std::vector<Event> &evs);
    // The next text to send: queued events, "" after `wait` without any (send a keep-alive), or
    // nullopt once the client was dropped or the hub closed (end the stream).
    std::optional<std::string> next(Client &c, std::chrono::milliseconds wait);
    void close();
    size_t clients() const;
    uint64_t dropped() const;

private:
    const size_t max_clients_, queue_limit_;
    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::vector<ClientPtr> clients_;
    bool closed_ = false;
    uint64_t dropped_ = 0;
};

// One event in SSE wire form: "id: N\nevent: KIND\ndata: {json}\n\n".
std::string sse_frame(const Event &e);

} // namespace nutpp::web
