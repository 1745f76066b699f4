// NUT servers (port 3493): who answers LIST UPS, probed in parallel with a bound and a timeout,
// with the same NUT client upsc and upsmon use (core/client).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace nutpp::scan {

struct NutServer {
    std::string host;
    uint16_t port = 3493;
    std::vector<std::pair<std::string, std::string>> upses; // name, description
};

struct ProbeOptions {
    std::chrono::milliseconds timeout{5000}; // per address: connect, then each reply
    int parallel = 64;                       // probes at once
    std::function<void(size_t done, size_t total)> progress; // called from the probing threads, serialized
};

// Probes every host; returns the servers that answered LIST UPS, in the order of `hosts`.
// An address where nothing answers costs at most `timeout` (connect, or a silent listener's reply),
// so such a scan ends within ceil(hosts / parallel) * timeout; a server answering line by line
// gets `timeout` per line.
std::vector<NutServer> scan_nut_servers(const std::vector<std::string> &hosts, uint16_t port, const ProbeOptions &opt);

} // namespace nutpp::scan
