// One device's Modbus connection on libmodbus: RTU on a serial line or TCP (host[:port], IPv6 in
// brackets), one slave id. Every request/response pair holds the port's lock from the plugin-wide
// PortLocks (made in library_init), so devices sharing an RS-485 bus or a TCP gateway never
// interleave frames. Failures come back as text naming slave id, function, registers and the
// Modbus exception or transport error.
#pragma once

#include "register_map.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

typedef struct _modbus modbus_t;

namespace nutpp::modbus {

// One port as every instance on it sees it: the lock that keeps request/response pairs whole and,
// for a serial line, the one libmodbus context all slaves on that bus share (a tty opened twice
// would split the answers between two readers).
struct SharedPort {
    std::mutex mu;
    modbus_t *serial_ctx = nullptr; // guarded by mu
    int serial_users = 0;
};

// Process-wide: one SharedPort per port (device path or host|port).
class PortLocks {
public:
    std::shared_ptr<SharedPort> get(const std::string &port);

private:
    std::mutex mu_;
    std::map<std::string, std::weak_ptr<SharedPort>> ports_;
};
PortLocks *port_locks(); // null before library_init
// Set by the plugin's library_init. Outside the plugin (nutpp scan's probe_device) there are none:
// each link then has a port of its own, there being no other instance to share a bus with.
void set_port_locks(PortLocks *locks);

struct LinkConfig {
    std::string port;        // "/dev/ttyUSB0" (RTU) or "host[:port]" / "[v6addr]:port" (TCP)
    int slave = 1;
    int baud = 9600;
    char parity = 'N';
    int data_bits = 8;
    int stop_bits = 1;
    bool rs485 = false;
    std::chrono::milliseconds response_timeout{500};
    int retries = 1;         // extra attempts of a failed request within one poll
    // A probe's end (nutpp scan): no request, reply or reconnect runs past it. libmodbus's
    // per-byte timeout is off then, so the response timeout bounds the whole reply and a device
    // trickling one byte at a time cannot stretch a request.
    std::optional<std::chrono::steady_clock::time_point> deadline;
};

bool is_serial_port(const std::string &port);
// "host[:port]" -> {host, port}; "[::1]:1502" and bare "::1" handled. Throws std::invalid_argument.
std::pair<std::string, std::string> split_tcp(const std::string &port);

// Exception: the device answered with a Modbus exception. BadReply: something answered, but not a
// valid reply to this request (bad CRC, another slave id, a garbled or short frame).
enum class LinkError { None, Timeout, Exception, BadReply, Io };

class Link {
public:
    explicit Link(LinkConfig cfg);
    ~Link();
    Link(const Link &) = delete;
    Link &operator=(const Link &) = delete;

    void open();  // throws nutpp::Error
    void close();
    // For a probe trying several slave ids and time budgets on one connection.
    void set_slave(int slave);
    void set_response_timeout(std::chrono::milliseconds timeout);
    bool is_open() const { return ctx_ != nullptr; }

    // Reads `count` registers (or bits: 0/1 per word) of `table` at `start`. False on failure, with
    // error() / error_kind() telling why.
    bool read(Table table, uint16_t start, uint16_t count, std::vector<uint16_t> &out);
    bool write_registers(uint16_t start, const std::vector<uint16_t> &words);
    bool write_coil(uint16_t address, bool on);
    // Function 0x2B / MEI 0x0E from `first` on (following "more follows" a few times): the
    // objects the device returned. False on failure, as read().
    bool read_device_id(uint8_t read_code, uint8_t first, std::map<uint8_t, std::string> &objects);

    const std::string &error() const { return error_; }
    LinkError error_kind() const { return kind_; }
    unsigned long requests() const { return requests_; }
    const LinkConfig &config() const { return cfg_; }

private:
    template <class F> bool attempt(const std::string &what, F &&f);
    void reconnect_tcp();
    void apply_settings();
    std::chrono::milliseconds effective_timeout() const; // the response timeout, cut to the deadline
    int device_id_exchange(uint8_t read_code, uint8_t object, std::map<uint8_t, std::string> &objects,
                           bool &more, uint8_t &next);

    LinkConfig cfg_;
    modbus_t *ctx_ = nullptr;
    std::shared_ptr<SharedPort> port_;
    bool shared_ctx_ = false; // ctx_ is port_->serial_ctx
    std::string error_;
    LinkError kind_ = LinkError::None;
    unsigned long requests_ = 0;
};

} // namespace nutpp::modbus
