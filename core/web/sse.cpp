#include "web/sse.hpp"

#include "web/api.hpp"

#include <algorithm>

namespace nutpp::web {

std::string sse_frame(const Event &e) {
    return "id: " + std::to_string(e.seq) + "\nevent: " + to_string(e.kind) + "\ndata: " + event_json(e).dump() + "\n\n";
}

EventHub::ClientPtr EventHub::join(const std::string &ups_filter) {
    std::lock_guard lk(mu_);
    if (closed_ || clients_.size() >= max_clients_) return nullptr;
    auto c = std::make_shared<Client>();
    c->ups = ups_filter;
    // Sent at once so the client sees the stream open (and EventSource's reconnect delay).
    c->queue.push_back("retry: 2000\n: nutpp upsweb event stream\n\n");
    clients_.push_back(c);
    return c;
}

void EventHub::leave(const ClientPtr &c) {
    std::lock_guard lk(mu_);
    clients_.erase(std::remove(clients_.begin(), clients_.end(), c), clients_.end());
}

void EventHub::publish(const std::vector<Event> &evs) {
    std::vector<std::string> frames;
    frames.reserve(evs.size());
    for (const auto &e : evs) frames.push_back(sse_frame(e));
    {
        std::lock_guard lk(mu_);
        for (auto &c : clients_) {
            if (c->dropped) continue;
            for (size_t i = 0; i < evs.size(); ++i) {
                if (!c->ups.empty() && c->ups != evs[i].ups) continue;
                if (c->queue.size() >= queue_limit_) {
                    c->dropped = true;
                    c->queue.clear();
                    ++dropped_;
                    break;
                }
                c->queue.push_back(frames[i]);
            }
        }
    }
    cv_.notify_all();
}

std::optional<std::string> EventHub::next(Client &c, std::chrono::milliseconds wait) {
    std::unique_lock lk(mu_);
    cv_.wait_for(lk, wait, [&] { return closed_ || c.dropped || !c.queue.empty(); });
    if (closed_ || c.dropped) return std::nullopt;
    std::string out;
    while (!c.queue.empty()) {
        out += c.queue.front();
        c.queue.pop_front();
    }
    return out;
}

void EventHub::close() {
    {
        std::lock_guard lk(mu_);
        closed_ = true;
    }
    cv_.notify_all();
}

size_t EventHub::clients() const {
    std::lock_guard lk(mu_);
    return clients_.size();
}

uint64_t EventHub::dropped() const {
    std::lock_guard lk(mu_);
    return dropped_;
}

} // namespace nutpp::web
