#include "modbus_link.hpp"

#include "device_id.hpp"

#include <nutpp/driver.hpp>

#include <modbus/modbus.h>

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <stdexcept>

namespace nutpp::modbus {

namespace {
PortLocks *g_locks = nullptr; // set by library_init (plugin.cpp), process-wide by design

const char *table_name(Table t) {
    switch (t) {
    case Table::Coil: return "coils";
    case Table::Discrete: return "discrete inputs";
    case Table::Input: return "input registers";
    default: return "holding registers";
    }
}
} // namespace

void set_port_locks(PortLocks *locks) { g_locks = locks; }
PortLocks *port_locks() { return g_locks; }

std::shared_ptr<SharedPort> PortLocks::get(const std::string &port) {
    std::lock_guard<std::mutex> g(mu_);
    auto &w = ports_[port];
    auto s = w.lock();
    if (!s) {
        s = std::make_shared<SharedPort>();
        w = s;
    }
    return s;
}

bool is_serial_port(const std::string &port) { return !port.empty() && port[0] == '/'; }

std::pair<std::string, std::string> split_tcp(const std::string &port) {
    if (port.empty()) throw std::invalid_argument("empty port");
    if (port[0] == '[') {
        const auto close = port.find(']');
        if (close == std::string::npos) throw std::invalid_argument("'" + port + "': missing ']'");
        const std::string host = port.substr(1, close - 1);
        if (close + 1 == port.size()) return {host, "502"};
        if (port[close + 1] != ':' || close + 2 == port.size())
            throw std::invalid_argument("'" + port + "': expected [address]:port");
        return {host, port.substr(close + 2)};
    }
    const auto colon = port.find(':');
    if (colon == std::string::npos) return {port, "502"};
    if (port.find(':', colon + 1) != std::string::npos) return {port, "502"}; // bare IPv6 address
    if (colon == 0 || colon + 1 == port.size()) throw std::invalid_argument("'" + port + "': expected host[:port]");
    return {port.substr(0, colon), port.substr(colon + 1)};
}

Link::Link(LinkConfig cfg) : cfg_(std::move(cfg)) {}
Link::~Link() { close(); }

// Slave id and timeout belong to this instance; on a shared serial context they are set again
// before each request (under the port lock).
void Link::apply_settings() {
    modbus_set_slave(ctx_, cfg_.slave);
    const auto ms = effective_timeout().count();
    modbus_set_response_timeout(ctx_, static_cast<uint32_t>(ms / 1000), static_cast<uint32_t>((ms % 1000) * 1000));
    if (cfg_.deadline) modbus_set_byte_timeout(ctx_, 0, 0);
}

std::chrono::milliseconds Link::effective_timeout() const {
    if (!cfg_.deadline) return cfg_.response_timeout;
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(*cfg_.deadline - std::chrono::steady_clock::now());
    // libmodbus takes 0 as "no timeout": the last millisecond stands for "none left".
    return std::clamp(left, std::chrono::milliseconds(1), cfg_.response_timeout);
}

void Link::set_slave(int slave) {
    cfg_.slave = slave;
    if (ctx_ && !shared_ctx_) apply_settings(); // a shared context gets them before each request
}

void Link::set_response_timeout(std::chrono::milliseconds timeout) {
    cfg_.response_timeout = timeout;
    if (ctx_ && !shared_ctx_) apply_settings();
}

void Link::open() {
    close();
    const auto port_of = [](const std::string &key) {
        return g_locks ? g_locks->get(key) : std::make_shared<SharedPort>();
    };
    if (is_serial_port(cfg_.port)) {
        port_ = port_of(cfg_.port);
        std::lock_guard<std::mutex> g(port_->mu);
        if (!port_->serial_ctx) {
            modbus_t *c = modbus_new_rtu(cfg_.port.c_str(), cfg_.baud, cfg_.parity, cfg_.data_bits, cfg_.stop_bits);
            if (!c) throw Error(NUTPP_E_CONFIG, "cannot use port " + cfg_.port + ": " + modbus_strerror(errno));
            if (modbus_connect(c) != 0) {
                const int e = errno;
                modbus_free(c);
                throw Error(e == EACCES ? NUTPP_E_PERMISSION : NUTPP_E_NO_DEVICE,
                            "cannot open " + cfg_.port + ": " + modbus_strerror(e));
            }
            if (cfg_.rs485) modbus_rtu_set_serial_mode(c, MODBUS_RTU_RS485);
            port_->serial_ctx = c;
        }
        // The line settings of the first device on a bus are the bus's (they must agree anyway).
        ++port_->serial_users;
        ctx_ = port_->serial_ctx;
        shared_ctx_ = true;
        return;
    }
    const auto [host, service] = split_tcp(cfg_.port);
    port_ = port_of(host + "|" + service);
    ctx_ = modbus_new_tcp_pi(host.c_str(), service.c_str());
    if (!ctx_) throw Error(NUTPP_E_CONFIG, "cannot use port " + cfg_.port + ": " + modbus_strerror(errno));
    apply_settings();
    if (modbus_connect(ctx_) != 0) {
        const int e = errno;
        modbus_free(ctx_);
        ctx_ = nullptr;
        throw Error(NUTPP_E_NO_DEVICE, "cannot connect to " + cfg_.port + ": " + modbus_strerror(e));
    }
}

void Link::close() {
    if (!ctx_) return;
    if (shared_ctx_) {
        std::lock_guard<std::mutex> g(port_->mu);
        if (--port_->serial_users == 0) {
            modbus_close(port_->serial_ctx);
            modbus_free(port_->serial_ctx);
            port_->serial_ctx = nullptr;
        }
    } else {
        modbus_close(ctx_);
        modbus_free(ctx_);
    }
    ctx_ = nullptr;
    shared_ctx_ = false;
}

void Link::reconnect_tcp() {
    // A late answer to a timed-out TCP request would be taken for the next one: start a fresh
    // connection instead (RTU flushes the line).
    if (is_serial_port(cfg_.port)) {
        modbus_flush(ctx_);
        return;
    }
    modbus_close(ctx_);
    // libmodbus bounds the connect with the response timeout: a probe's is what is left of its time.
    if (cfg_.deadline) {
        if (std::chrono::steady_clock::now() >= *cfg_.deadline) return; // no time: the next request fails at once
        apply_settings();
    }
    modbus_connect(ctx_);
}

template <class F> bool Link::attempt(const std::string &what, F &&f) {
    if (!ctx_) {
        kind_ = LinkError::Io;
        error_ = "not connected";
        return false;
    }
    for (int i = 0; i <= cfg_.retries; ++i) {
        if (cfg_.deadline && std::chrono::steady_clock::now() >= *cfg_.deadline) {
            kind_ = LinkError::Timeout;
            error_ = "slave " + std::to_string(cfg_.slave) + ", " + what + ": the probe's time is up";
            return false;
        }
        int rc;
        int e;
        {
            std::lock_guard<std::mutex> g(port_->mu);
            if (shared_ctx_ || cfg_.deadline) apply_settings();
            ++requests_;
            rc = f();
            e = errno;
            if (rc < 0 && (e == ETIMEDOUT || e == EMBBADCRC || e == EMBBADDATA || e == EMBBADSLAVE || e == EMBBADEXC ||
                           e == ECONNRESET || e == EPIPE))
                reconnect_tcp();
        }
        if (rc >= 0) {
            kind_ = LinkError::None;
            error_.clear();
            return true;
        }
        kind_ = e == ETIMEDOUT                                  ? LinkError::Timeout
                : e > MODBUS_ENOBASE && e < EMBXGTAR + 1          ? LinkError::Exception
                : e == EMBBADCRC || e == EMBBADDATA || e == EMBBADSLAVE || e == EMBBADEXC || e == EMBMDATA
                    ? LinkError::BadReply
                    : LinkError::Io;
        error_ = "slave " + std::to_string(cfg_.slave) + ", " + what + ": " + modbus_strerror(e);
        if (kind_ == LinkError::Exception) break; // the device answered: asking again gives the same answer
    }
    return false;
}

bool Link::read(Table table, uint16_t start, uint16_t count, std::vector<uint16_t> &out) {
    out.assign(count, 0);
    const std::string what = std::string(table_name(table)) + " " + std::to_string(start) + ".." +
                             std::to_string(start + count - 1);
    if (is_bit_table(table)) {
        std::vector<uint8_t> bits(count);
        const bool ok = attempt(what, [&] {
            const int n = table == Table::Coil ? modbus_read_bits(ctx_, start, count, bits.data())
                                               : modbus_read_input_bits(ctx_, start, count, bits.data());
            return n;
        });
        if (ok)
            for (size_t i = 0; i < count; ++i) out[i] = bits[i] ? 1 : 0;
        return ok;
    }
    return attempt(what, [&] {
        return table == Table::Holding ? modbus_read_registers(ctx_, start, count, out.data())
                                       : modbus_read_input_registers(ctx_, start, count, out.data());
    });
}

bool Link::write_registers(uint16_t start, const std::vector<uint16_t> &words) {
    const std::string what = "write holding registers " + std::to_string(start) + ".." +
                             std::to_string(start + words.size() - 1);
    return attempt(what, [&] {
        // Function 0x10 even for one register: APC's units accept only that (NUT's apc_modbus does
        // the same), and every device that takes 0x06 takes 0x10.
        return modbus_write_registers(ctx_, start, static_cast<int>(words.size()), words.data());
    });
}

bool Link::write_coil(uint16_t address, bool on) {
    return attempt("write coil " + std::to_string(address),
                   [&] { return modbus_write_bit(ctx_, address, on ? 1 : 0); });
}

// One request/answer of function 0x2B. libmodbus sends it (slave address or MBAP header, CRC);
// the answer is read here from the link's descriptor, since libmodbus would stop after its first
// data byte. Returns 0, or -1 with errno as libmodbus would set it.
int Link::device_id_exchange(uint8_t read_code, uint8_t object, std::map<uint8_t, std::string> &objects,
                             bool &more, uint8_t &next) {
    const bool tcp = !is_serial_port(cfg_.port);
    if (!tcp) modbus_flush(ctx_);
    const uint8_t req[] = {static_cast<uint8_t>(cfg_.slave), 0x2B, 0x0E, read_code, object};
    if (modbus_send_raw_request(ctx_, req, sizeof req) < 0) return -1;
    const int fd = modbus_get_socket(ctx_);
    const auto deadline = std::chrono::steady_clock::now() + effective_timeout();
    std::vector<uint8_t> got;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        pollfd p{fd, POLLIN, 0};
        const int ready = left.count() > 0 ? ::poll(&p, 1, static_cast<int>(left.count())) : 0;
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0) {
            errno = ETIMEDOUT;
            return -1;
        }
        uint8_t buf[260]; // the largest Modbus frame (TCP ADU)
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (n <= 0) {
            errno = n == 0 ? ECONNRESET : errno;
            return -1;
        }
        got.insert(got.end(), buf, buf + n);
        const DeviceIdAnswer a = parse_device_id_answer(got, tcp, cfg_.slave);
        if (a.state == DeviceIdAnswer::State::Incomplete) {
            if (got.size() > 512) break; // never a frame: garbage on the line
            continue;
        }
        if (a.state == DeviceIdAnswer::State::Bad) break;
        if (a.exception) {
            errno = MODBUS_ENOBASE + a.exception;
            return -1;
        }
        for (const auto &[id, text] : a.objects) objects[id] = text;
        more = a.more;
        next = a.next_object;
        return 0;
    }
    const DeviceIdAnswer a = parse_device_id_answer(got, tcp, cfg_.slave);
    errno = a.error.find("CRC") != std::string::npos ? EMBBADCRC : EMBBADDATA;
    return -1;
}

bool Link::read_device_id(uint8_t read_code, uint8_t first, std::map<uint8_t, std::string> &objects) {
    objects.clear();
    uint8_t object = first;
    // "More follows" answers continue from the object they name; a few rounds cover any real
    // device (each answer carries up to ~250 bytes of objects) and bound a device that loops.
    for (int round = 0; round < 8; ++round) {
        bool more = false;
        uint8_t next = 0;
        const std::string what = "read device identification (0x2B) from object " + std::to_string(object);
        if (!attempt(what, [&] { return device_id_exchange(read_code, object, objects, more, next); })) return false;
        if (!more || next == object) return true;
        object = next;
    }
    return true;
}

} // namespace nutpp::modbus
