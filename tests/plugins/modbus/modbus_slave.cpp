#include "modbus_slave.hpp"

#include "device_id.hpp"

#include <modbus/modbus.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace nutpp::modbus::testing {

ModbusTcpSlave::ModbusTcpSlave() {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(listen_fd_, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0 || ::listen(listen_fd_, 8) != 0)
        throw std::runtime_error("modbus test slave: cannot listen");
    socklen_t len = sizeof a;
    getsockname(listen_fd_, reinterpret_cast<sockaddr *>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { run(); });
}

ModbusTcpSlave::~ModbusTcpSlave() {
    stop_ = true;
    thread_.join();
    ::close(listen_fd_);
}

void ModbusTcpSlave::set(int id, uint16_t address, std::vector<uint16_t> words) {
    std::lock_guard<std::mutex> g(mu_);
    auto &r = regs_[id];
    r.resize(std::max<size_t>(r.size(), std::max<size_t>(2000, address + words.size())), 0);
    for (size_t i = 0; i < words.size(); ++i) r.at(address + i) = words[i];
}

std::vector<uint16_t> ModbusTcpSlave::get(int id, uint16_t address, uint16_t count) {
    std::lock_guard<std::mutex> g(mu_);
    auto &r = regs_[id];
    r.resize(std::max<size_t>(r.size(), std::max<size_t>(2000, address + count)), 0);
    return {r.begin() + address, r.begin() + address + count};
}

void ModbusTcpSlave::set_identification(int id, std::string desc) {
    std::lock_guard<std::mutex> g(mu_);
    auto &r = regs_[id];
    r.resize(std::max<size_t>(r.size(), 2000), 0);
    ident_[id] = std::move(desc);
}

// libmodbus's receive code stops after the function byte of a 0x2B request (it knows no length for
// it) and would leave the rest in the socket: such a request is read whole and answered here, the
// way the RTU slave answers it. False when the next request is not one (or not whole yet).
bool ModbusTcpSlave::answer_device_id(int client) {
    uint8_t head[8];
    if (::recv(client, head, sizeof head, MSG_PEEK | MSG_DONTWAIT) != static_cast<ssize_t>(sizeof head) || head[7] != 0x2B)
        return false;
    const size_t len = 6u + (head[4] << 8 | head[5]);
    std::vector<uint8_t> req(len);
    if (::recv(client, req.data(), len, MSG_DONTWAIT) != static_cast<ssize_t>(len) || len < 11) return true;
    ++requests_;
    const int unit = req[6];
    std::vector<uint8_t> pdu;
    {
        std::lock_guard<std::mutex> g(mu_);
        if (misbehave_ == Misbehave::Silence || ignore_at_ >= 0 || !regs_.count(unit)) return true; // nobody with that id
        const auto desc = ident_.find(unit);
        if (misbehave_ == Misbehave::Exception || desc == ident_.end() || req[8] != 0x0E) {
            pdu = {0xAB, static_cast<uint8_t>(misbehave_ == Misbehave::Exception ? 6 : 1)};
        } else {
            pdu = {0x2B, 0x0E, req[9], 0x03, 0x00, 0x00, 0x02, 0x87, 0x04, 0, 0, 0, 1, 0x88,
                   static_cast<uint8_t>(desc->second.size())};
            pdu.insert(pdu.end(), desc->second.begin(), desc->second.end());
        }
    }
    const size_t n = pdu.size() + 1;
    std::vector<uint8_t> out = {req[0], req[1], 0, 0, static_cast<uint8_t>(n >> 8), static_cast<uint8_t>(n & 0xFF),
                                static_cast<uint8_t>(unit)};
    out.insert(out.end(), pdu.begin(), pdu.end());
    (void)!::send(client, out.data(), out.size(), MSG_NOSIGNAL);
    return true;
}

void ModbusTcpSlave::run() {
    // One libmodbus context parses and answers; each request is served from the image of the slave
    // id it names, copied into a fresh mapping (so a write lands in that image).
    modbus_t *ctx = modbus_new_tcp("127.0.0.1", 0);
    std::vector<int> clients;
    uint8_t query[MODBUS_TCP_MAX_ADU_LENGTH];
    while (!stop_) {
        fd_set rd;
        FD_ZERO(&rd);
        FD_SET(listen_fd_, &rd);
        int maxfd = listen_fd_;
        for (int c : clients) {
            FD_SET(c, &rd);
            maxfd = std::max(maxfd, c);
        }
        timeval tv{0, 50000};
        if (::select(maxfd + 1, &rd, nullptr, nullptr, &tv) <= 0) continue;
        if (FD_ISSET(listen_fd_, &rd)) {
            const int c = ::accept(listen_fd_, nullptr, nullptr);
            if (c >= 0) clients.push_back(c);
        }
        for (size_t i = 0; i < clients.size();) {
            const int c = clients[i];
            if (!FD_ISSET(c, &rd)) {
                ++i;
                continue;
            }
            if (answer_device_id(c)) {
                ++i;
                continue;
            }
            modbus_set_socket(ctx, c);
            const int n = modbus_receive(ctx, query);
            const auto t_request = std::chrono::steady_clock::now();
            if (n <= 0) {
                ::close(c);
                clients.erase(clients.begin() + static_cast<long>(i));
                continue;
            }
            ++requests_;
            const int unit = query[6];
            const Misbehave m = misbehave_;
            std::lock_guard<std::mutex> g(mu_);
            const auto it = regs_.find(unit);
            const int start = query[8] << 8 | query[9];
            if (m == Misbehave::Silence || it == regs_.end() || start == ignore_at_) {
                ++i;
                continue;
            }
            if (m == Misbehave::Exception) {
                modbus_reply_exception(ctx, query, MODBUS_EXCEPTION_SLAVE_OR_SERVER_BUSY);
                ++i;
                continue;
            }
            // Holding and input registers are both served from the slave's one image.
            const int n_regs = static_cast<int>(it->second.size());
            // Coils and discrete inputs too: a non-zero word is a set bit.
            modbus_mapping_t *map = modbus_mapping_new(n_regs, n_regs, n_regs, n_regs);
            std::memcpy(map->tab_registers, it->second.data(), it->second.size() * 2);
            std::memcpy(map->tab_input_registers, it->second.data(), it->second.size() * 2);
            for (int k = 0; k < n_regs; ++k) map->tab_bits[k] = map->tab_input_bits[k] = it->second[k] ? 1 : 0;
            modbus_reply(ctx, query, n, map);
            const uint8_t fn = query[7];
            if (fn == 0x05 || fn == 0x0F) // coil writes land in the image as 0/1
                for (int k = 0; k < n_regs; ++k) it->second[k] = map->tab_bits[k];
            else
                std::memcpy(it->second.data(), map->tab_registers, it->second.size() * 2);
            modbus_mapping_free(map);
            note(unit, t_request);
            ++i;
        }
    }
    for (int c : clients) ::close(c);
    modbus_set_socket(ctx, -1);
    modbus_free(ctx);
}

} // namespace nutpp::modbus::testing

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <termios.h>

namespace nutpp::modbus::testing {

ModbusRtuSlave::ModbusRtuSlave() {
    char name[128];
    termios raw{};
    cfmakeraw(&raw);
    if (openpty(&master_, &slave_fd_, name, &raw, nullptr) != 0) throw std::runtime_error("openpty failed");
    path_ = name;
    thread_ = std::thread([this] { run(); });
}

ModbusRtuSlave::~ModbusRtuSlave() {
    stop_ = true;
    thread_.join();
    ::close(master_);
    ::close(slave_fd_); // kept open so the pty stays up between driver reconnects
}

void ModbusRtuSlave::set(int id, uint16_t address, std::vector<uint16_t> words) {
    std::lock_guard<std::mutex> g(mu_);
    auto &r = regs_[id];
    r.resize(kRtuRegisters, 0);
    for (size_t i = 0; i < words.size(); ++i) r.at(address + i) = words[i];
}

void ModbusRtuSlave::set_identification(int id, std::string desc) {
    std::lock_guard<std::mutex> g(mu_);
    regs_[id].resize(kRtuRegisters, 0);
    ident_[id] = std::move(desc);
}

std::vector<uint16_t> ModbusRtuSlave::get(int id, uint16_t address, uint16_t count) {
    std::lock_guard<std::mutex> g(mu_);
    auto &r = regs_[id];
    r.resize(kRtuRegisters, 0);
    return {r.begin() + address, r.begin() + address + count};
}

// Length of a request frame from its first bytes (0 = need more, SIZE_MAX = unknown function).
static size_t request_length(const std::vector<uint8_t> &b) {
    if (b.size() < 2) return 0;
    switch (b[1]) {
    case 1: case 2: case 3: case 4: case 5: case 6: return 8;
    case 0x10: return b.size() < 7 ? 0 : 9u + b[6];
    case 0x2B: return 7; // read device identification: MEI type, read code, object id
    default: return SIZE_MAX;
    }
}

void ModbusRtuSlave::run() {
    std::vector<uint8_t> buf;
    while (!stop_) {
        pollfd p{master_, POLLIN, 0};
        if (::poll(&p, 1, 50) <= 0) {
            if (!buf.empty()) { // a frame that never completed: drop it (line silence ends a frame)
                ++garbled_;
                buf.clear();
            }
            continue;
        }
        uint8_t tmp[512];
        const ssize_t n = ::read(master_, tmp, sizeof tmp);
        if (n <= 0) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
            continue;
        }
        buf.insert(buf.end(), tmp, tmp + n);
        for (;;) {
            const size_t len = request_length(buf);
            if (len == 0 || buf.size() < len) break;
            if (len == SIZE_MAX) {
                ++garbled_;
                buf.clear();
                break;
            }
            std::vector<uint8_t> req(buf.begin(), buf.begin() + static_cast<long>(len));
            buf.erase(buf.begin(), buf.begin() + static_cast<long>(len));
            const uint16_t crc = modbus_crc16(req.data(), len - 2);
            if (req[len - 2] != (crc & 0xFF) || req[len - 1] != (crc >> 8)) {
                ++garbled_; // two masters talking at once would end here
                continue;
            }
            ++requests_;
            const auto t_request = std::chrono::steady_clock::now();
            answer(req);
            note(req[0], t_request);
        }
    }
}

void ModbusRtuSlave::answer(const std::vector<uint8_t> &req) {
    const int id = req[0];
    const uint8_t fn = req[1];
    const uint16_t addr = static_cast<uint16_t>(req[2] << 8 | req[3]);
    const uint16_t count = static_cast<uint16_t>(req[4] << 8 | req[5]);
    const Misbehave m = misbehave_;
    std::vector<uint8_t> out;
    {
        std::lock_guard<std::mutex> g(mu_);
        const auto it = regs_.find(id);
        if (it == regs_.end() || m == Misbehave::Silence) return; // nobody with that id on the bus
        auto &regs = it->second;
        out = {static_cast<uint8_t>(m == Misbehave::WrongSlave ? id + 1 : id), fn};
        const bool in_range = fn == 0x2B || addr + static_cast<size_t>(fn == 6 ? 1 : count) <= regs.size();
        if (m == Misbehave::Exception || !in_range) {
            out[1] = static_cast<uint8_t>(fn | 0x80);
            out.push_back(m == Misbehave::Exception ? 6 : 2); // busy / illegal data address
        } else if (fn == 3 || fn == 4) {
            out.push_back(static_cast<uint8_t>(count * 2));
            for (uint16_t i = 0; i < count; ++i) {
                out.push_back(static_cast<uint8_t>(regs[addr + i] >> 8));
                out.push_back(static_cast<uint8_t>(regs[addr + i] & 0xFF));
            }
        } else if (fn == 0x2B) {
            // Read device identification (MEI 0x0E), answered the way Huawei UPS2000 does (NUT
            // huawei-ups2000 checks exactly this header): conformity 3, no more follows, two
            // objects: 0x87 "device count" (u32 1) and 0x88 the "1=model;2=firmware;..." text.
            const auto desc = ident_.find(id);
            if (desc == ident_.end() || req[2] != 0x0E) {
                out[1] = static_cast<uint8_t>(fn | 0x80);
                out.push_back(1);
            } else {
                out.insert(out.end(), {0x0E, req[3], 0x03, 0x00, 0x00, 0x02, 0x87, 0x04, 0, 0, 0, 1, 0x88,
                                       static_cast<uint8_t>(desc->second.size())});
                out.insert(out.end(), desc->second.begin(), desc->second.end());
            }
        } else if (fn == 6) {
            regs[addr] = count;
            out.insert(out.end(), req.begin() + 2, req.begin() + 6);
        } else if (fn == 0x10) {
            for (uint16_t i = 0; i < count; ++i) regs[addr + i] = static_cast<uint16_t>(req[7 + 2 * i] << 8 | req[8 + 2 * i]);
            out.insert(out.end(), req.begin() + 2, req.begin() + 6);
        } else {
            out[1] = static_cast<uint8_t>(fn | 0x80);
            out.push_back(1); // illegal function
        }
    }
    const uint16_t crc = modbus_crc16(out.data(), out.size());
    out.push_back(static_cast<uint8_t>(crc & 0xFF));
    out.push_back(static_cast<uint8_t>(m == Misbehave::CorruptCrc ? ~(crc >> 8) : crc >> 8));
    if (m == Misbehave::Short) out.resize(out.size() / 2);
    (void)!::write(master_, out.data(), out.size());
}

} // namespace nutpp::modbus::testing
