#include "modbus_slave.hpp"

#include <modbus/modbus.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

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
    r.resize(2000, 0);
    for (size_t i = 0; i < words.size(); ++i) r.at(address + i) = words[i];
}

std::vector<uint16_t> ModbusTcpSlave::get(int id, uint16_t address, uint16_t count) {
    std::lock_guard<std::mutex> g(mu_);
    auto &r = regs_[id];
    r.resize(2000, 0);
    return {r.begin() + address, r.begin() + address + count};
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
            modbus_set_socket(ctx, c);
            const int n = modbus_receive(ctx, query);
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
            if (m == Misbehave::Silence || it == regs_.end()) {
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
            modbus_mapping_t *map = modbus_mapping_new(0, 0, n_regs, n_regs);
            std::memcpy(map->tab_registers, it->second.data(), it->second.size() * 2);
            std::memcpy(map->tab_input_registers, it->second.data(), it->second.size() * 2);
            modbus_reply(ctx, query, n, map);
            std::memcpy(it->second.data(), map->tab_registers, it->second.size() * 2);
            modbus_mapping_free(map);
            ++i;
        }
    }
    for (int c : clients) ::close(c);
    modbus_set_socket(ctx, -1);
    modbus_free(ctx);
}

} // namespace nutpp::modbus::testing
