#include "scan/nut_servers.hpp"

#include "client/connection.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>
#include <thread>

namespace nutpp::scan {

namespace {

std::optional<NutServer> probe(const std::string &host, uint16_t port, std::chrono::milliseconds timeout) {
    try {
        auto c = client::Connection::tcp(host, port, timeout);
        NutServer s{host, port, c.list_ups()};
        c.close();
        return s;
    } catch (const std::exception &) {
        return std::nullopt; // nothing there, not NUT, or too slow: not a NUT server for us
    }
}

} // namespace

std::vector<NutServer> scan_nut_servers(const std::vector<std::string> &hosts, uint16_t port, const ProbeOptions &opt) {
    std::vector<std::optional<NutServer>> found(hosts.size());
    std::atomic<size_t> next{0};
    size_t done = 0;
    std::mutex m;
    const auto worker = [&] {
        for (size_t i; (i = next.fetch_add(1)) < hosts.size();) {
            found[i] = probe(hosts[i], port, opt.timeout);
            std::lock_guard lock(m);
            ++done;
            if (opt.progress) opt.progress(done, hosts.size());
        }
    };
    const size_t n = std::min(hosts.size(), size_t(std::max(1, opt.parallel)));
    std::vector<std::thread> threads;
    for (size_t i = 0; i < n; ++i) threads.emplace_back(worker);
    for (auto &t : threads) t.join();
    std::vector<NutServer> out;
    for (auto &f : found)
        if (f) out.push_back(std::move(*f));
    return out;
}

} // namespace nutpp::scan
