// The process-wide SNMP trap receiver (one per upsdrvd, made in library_init, started by the first
// device that sets `trap_listen`). Any datagram from a registered agent's address wakes that device
// with request_poll(): the poll then reads the status over the device's own (authenticated) session,
// so the trap's content need not be trusted or even decoded, and v1, v2c and v3 traps all work. A
// forged datagram can only cause one extra poll (request_poll coalesces).
#pragma once

#include <nutpp/driver.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace nutpp::snmp {

class TrapReceiver {
public:
    TrapReceiver() = default;
    ~TrapReceiver();
    TrapReceiver(const TrapReceiver &) = delete;
    TrapReceiver &operator=(const TrapReceiver &) = delete;

    // Listens on `listen` ("host:port", "[v6]:port") unless already listening there; a different
    // address than the running receiver's is an error (one receiver per process).
    bool start(const std::string &listen, std::string &error);
    // `agent_ips` are numeric addresses of the device's agent.
    void add(nutpp_host_ctx *h, const nutpp_host_api *api, const std::vector<std::string> &agent_ips);
    void remove(nutpp_host_ctx *h);
    uint64_t received() const { return received_.load(); }

private:
    void run();
    struct Entry {
        nutpp_host_ctx *h;
        const nutpp_host_api *api;
        std::vector<std::string> ips;
    };
    std::mutex mu_;
    std::vector<Entry> entries_;
    std::string listen_;
    int fd_ = -1;
    int wake_[2] = {-1, -1};
    std::thread thread_;
    std::atomic<uint64_t> received_{0};
};

// The receiver of this process (null outside library_init..library_deinit).
TrapReceiver *trap_receiver();
void trap_receiver_init();
void trap_receiver_deinit();

// "host:port" / "[v6]:port" / "host" -> host and port (default_port when absent). False if malformed.
bool split_host_port(const std::string &s, std::string &host, std::string &port, const std::string &default_port);

} // namespace nutpp::snmp
