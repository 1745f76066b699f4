// SET/INSTCMD tracking (protocol 1.3): each tracked request gets a UUIDv4 (upper-case, as NUT prints
// them); the driver later reports "TRACKING <id> <result>". Results are kept `trackingdelay` seconds.
#pragma once

#include "common/strings.hpp"

#include <chrono>
#include <map>
#include <optional>
#include <random>
#include <string>

namespace nutpp::server {

class Tracking {
public:
    using Clock = std::chrono::steady_clock;
    static constexpr int kPending = -1;

    Tracking();
    std::string create();                        // new id, result PENDING
    void update(const std::string &id, int result);
    std::optional<int> result(const std::string &id) const; // nullopt: unknown id
    void expire(std::chrono::seconds keep);      // drops entries older than `keep`
    size_t size() const { return entries_.size(); }

private:
    struct Entry {
        int result = kPending;
        Clock::time_point created;
    };
    std::map<std::string, Entry, common::ILess> entries_; // NUT compares ids case-insensitively
    std::mt19937_64 rng_;
};

// What GET TRACKING <id> answers for a driver result (NUT's mapping).
std::string tracking_reply(int result);

} // namespace nutpp::server
