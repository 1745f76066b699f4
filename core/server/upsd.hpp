// The upsd service: the UPS list and users from a Config, the driver connections, the TCP server
// and the once-a-second housekeeping (driver reconnects and PINGs, idle clients, old tracking ids).
#pragma once

#include "common/event_loop.hpp"
#include "config/config.hpp"
#include "server/net_server.hpp"
#include "server/protocol.hpp"

#include <memory>
#include <string>

namespace nutpp::server {

// Driver socket of a device: <state_dir>/<driver>-<name>, the driver named by its file's stem
// without a "nutpp-" prefix (how upsdrvd and NUT's drivers name their sockets).
std::string driver_socket_path(const std::string &state_dir, const config::DeviceConfig &d);

class Upsd {
public:
    Upsd(common::EventLoop &loop, const config::Config &cfg, std::string version_line);
    ~Upsd();

    // Opens the listeners (throws std::runtime_error) and starts housekeeping.
    void start();
    // SIGHUP: new users, maxage, trackingdelay, access rules (for new connections) and devices
    // (added, removed, changed). Listen addresses and the certificate need a restart, as in NUT.
    void reload(const config::Config &cfg);

    ServerContext &context() { return ctx_; }
    NetServer &net() { return *net_; }

private:
    void apply_devices(const config::Config &cfg);
    void tick();

    common::EventLoop &loop_;
    ServerContext ctx_;
    std::unique_ptr<NetServer> net_;
    std::chrono::seconds trackingdelay_{3600};
    common::EventLoop::TimerId timer_ = 0;
};

} // namespace nutpp::server
