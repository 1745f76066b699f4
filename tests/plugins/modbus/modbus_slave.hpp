// A real Modbus TCP server (libmodbus) on 127.0.0.1 for the tests: one register image per slave id,
// several clients at once (select loop on its own thread), and misbehaviour on demand: a Modbus
// exception, silence, or an answer under another slave id.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace nutpp::modbus::testing {

enum class Misbehave { None, Exception, Silence };

class ModbusTcpSlave {
public:
    ModbusTcpSlave();  // listens on an ephemeral loopback port
    ~ModbusTcpSlave(); // stops the thread, closes every socket

    uint16_t port() const { return port_; }
    // Sets holding registers of slave `id` (created on first use, 2000 registers of 0).
    void set(int id, uint16_t address, std::vector<uint16_t> words);
    std::vector<uint16_t> get(int id, uint16_t address, uint16_t count);
    void misbehave(Misbehave m) { misbehave_ = m; }
    unsigned long requests() const { return requests_; }
    // Requests for slave ids the server has no image for go unanswered (as on a real bus).

private:
    void run();

    int listen_fd_ = -1;
    uint16_t port_ = 0;
    std::atomic<bool> stop_{false};
    std::atomic<Misbehave> misbehave_{Misbehave::None};
    std::atomic<unsigned long> requests_{0};
    std::mutex mu_;
    std::map<int, std::vector<uint16_t>> regs_;
    std::thread thread_;
};

} // namespace nutpp::modbus::testing
