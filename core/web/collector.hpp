// Reads every served UPS from upsd (core/client) into the Store. A full read (LIST VAR per UPS)
// runs every `pollinterval`; against our upsd, a NUTPP WATCH connection per UPS
// (monitor::PushWatch, the one upsmon uses) says when ups.status changed, and that UPS is read at
// once, so status changes reach the outputs in milliseconds. Against NUT's upsd the WATCH is
// refused and polling alone drives it.
#pragma once

#include "config/config.hpp"
#include "web/store.hpp"

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace nutpp::client {
class Connection;
}
namespace nutpp::monitor {
class PushWatch;
}

namespace nutpp::web {

class Collector {
public:
    // The Store's error name for "upsd cannot be reached" (NUT has none for it).
    static constexpr const char *kUnreachable = "UNREACHABLE";

    Collector(const config::WebConfig &cfg, Store &store);
    ~Collector();
    // Loops until `stop` is set (noticed within 200 ms).
    void run(const std::atomic<bool> &stop);
    // One full read now (tests, and the first read before the listeners open). false: upsd unreachable.
    bool poll_all();
    unsigned long pushes() const { return pushes_; }
    unsigned long polls() const { return polls_; }

private:
    bool connect();
    void poll_one(const std::string &ups); // throws client::Error on a broken connection
    void watch_all();
    void wait_until(SteadyClock::time_point t, const std::atomic<bool> &stop);

    config::WebConfig cfg_;
    Store &store_;
    std::unique_ptr<client::Connection> conn_;
    std::map<std::string, std::string> desc_;                           // ups -> description
    std::map<std::string, std::unique_ptr<monitor::PushWatch>> watches_; // ups -> its watch
    std::atomic<unsigned long> pushes_{0}, polls_{0};
};

} // namespace nutpp::web
