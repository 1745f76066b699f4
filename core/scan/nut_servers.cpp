#include "scan/nut_servers.hpp"

#include "client/connection.hpp"
#include "scan/parallel.hpp"

#include <optional>

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
    parallel_for(
        hosts.size(), opt.parallel, [&](size_t i) { found[i] = probe(hosts[i], port, opt.timeout); }, opt.progress);
    std::vector<NutServer> out;
    for (auto &f : found)
        if (f) out.push_back(std::move(*f));
    return out;
}

} // namespace nutpp::scan
