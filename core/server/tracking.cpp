#include "server/tracking.hpp"

#include "server/errors.hpp"

#include <fmt/format.h>

namespace nutpp::server {

Tracking::Tracking() : rng_(std::random_device{}()) {}

std::string Tracking::create() {
    std::string id;
    do {
        const uint64_t a = rng_(), b = rng_();
        // RFC 4122 version 4: version nibble 4, variant bits 10xx.
        id = fmt::format("{:08X}-{:04X}-4{:03X}-{:04X}-{:012X}", uint32_t(a >> 32), uint32_t((a >> 16) & 0xffff),
                         uint32_t(a & 0xfff), uint32_t(0x8000 | (b >> 48 & 0x3fff)), b & 0xffffffffffffULL);
    } while (entries_.count(id));
    entries_[id] = Entry{kPending, Clock::now()};
    return id;
}

void Tracking::update(const std::string &id, int result) {
    auto it = entries_.find(id);
    if (it != entries_.end()) it->second.result = result; // ids we did not hand out are ignored
}

std::optional<int> Tracking::result(const std::string &id) const {
    auto it = entries_.find(id);
    if (it == entries_.end()) return std::nullopt;
    return it->second.result;
}

void Tracking::expire(std::chrono::seconds keep) {
    const auto cutoff = Clock::now() - keep;
    std::erase_if(entries_, [&](const auto &kv) { return kv.second.created < cutoff; });
}

std::string tracking_reply(int result) {
    switch (result) {
    case Tracking::kPending: return "PENDING";
    case 0: return "SUCCESS";
    case 1: return "ERR " + std::string(token(Err::Unknown));
    case 2:
    case 4: return "ERR " + std::string(token(Err::InvalidArgument));
    default: return "ERR " + std::string(token(Err::Failed));
    }
}

} // namespace nutpp::server
