// A real Modbus TCP server (libmodbus) on 127.0.0.1 for the tests: one register image per slave id,
// several clients at once (select loop on its own thread), and misbehaviour on demand: a Modbus
// exception, silence, or an answer under another slave id.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace nutpp::modbus::testing {

// Exception: "slave device busy"; Silence: no answer; the RTU slave also knows CorruptCrc (the
// answer with a wrong CRC), WrongSlave (the answer under another slave id) and Short (an answer
// cut in half).
enum class Misbehave { None, Exception, Silence, CorruptCrc, WrongSlave, Short };

// One answered request, for bench/modbus_poll (when the slave was asked to record()).
struct Exchange {
    int slave;
    std::chrono::steady_clock::time_point request, answer;
};

// The record() / take_log() part both slaves share.
class ExchangeLog {
public:
    void record(bool on) { on_ = on; }
    std::vector<Exchange> take_log() {
        std::lock_guard<std::mutex> g(mu_);
        return std::exchange(log_, {});
    }

protected:
    void note(int slave, std::chrono::steady_clock::time_point request) {
        if (!on_) return;
        std::lock_guard<std::mutex> g(mu_);
        log_.push_back({slave, request, std::chrono::steady_clock::now()});
    }

private:
    std::atomic<bool> on_{false};
    std::mutex mu_;
    std::vector<Exchange> log_;
};

class ModbusTcpSlave : public ExchangeLog {
public:
    ModbusTcpSlave();  // listens on an ephemeral loopback port
    ~ModbusTcpSlave(); // stops the thread, closes every socket

    uint16_t port() const { return port_; }
    // Sets holding registers of slave `id` (created on first use, 2000 registers of 0, grown to the
    // highest address set: each request copies the image, so it stays as small as the map needs).
    void set(int id, uint16_t address, std::vector<uint16_t> words);
    std::vector<uint16_t> get(int id, uint16_t address, uint16_t count);
    // The 0x88 object of the fn 0x2B answer, as the RTU slave gives it (a Huawei behind a gateway).
    void set_identification(int id, std::string desc);
    void misbehave(Misbehave m) { misbehave_ = m; }
    // Reads starting at `address`, and identification (0x2B) requests, go unanswered while the
    // rest is served: a device that ignores what it does not know (-1: answer everything).
    void ignore_reads_at(int address) { ignore_at_ = address; }
    unsigned long requests() const { return requests_; }
    // Requests for slave ids the server has no image for go unanswered (as on a real bus).

private:
    void run();
    bool answer_device_id(int client); // fn 0x2B, which libmodbus's server cannot even read whole

    int listen_fd_ = -1;
    uint16_t port_ = 0;
    std::atomic<bool> stop_{false};
    std::atomic<Misbehave> misbehave_{Misbehave::None};
    std::atomic<int> ignore_at_{-1};
    std::atomic<unsigned long> requests_{0};
    std::mutex mu_;
    std::map<int, std::vector<uint16_t>> regs_;
    std::map<int, std::string> ident_;
    std::thread thread_;
};

inline constexpr size_t kRtuRegisters = 65536;

// A Modbus RTU slave on a pty pair: the driver opens slave_path() (/dev/pts/N), the test answers on
// the master side with its own framing and CRC, so it can serve several slave ids on one "bus" and
// send exactly the broken frames it is asked for. Serves holding/input registers (fn 3, 4, one
// 65536-word image per slave id), writes (fn 6, 0x10) and read device identification (fn 0x2B,
// which libmodbus's own server does not answer).
class ModbusRtuSlave : public ExchangeLog {
public:
    ModbusRtuSlave();
    ~ModbusRtuSlave();

    const std::string &slave_path() const { return path_; }
    void set(int id, uint16_t address, std::vector<uint16_t> words);
    // The 0x88 object of the fn 0x2B answer (e.g. "1=UPS2000A;2=V2R1C1SPC40;3=P1.0-D1.0;4=ESN").
    void set_identification(int id, std::string desc);
    std::vector<uint16_t> get(int id, uint16_t address, uint16_t count);
    void misbehave(Misbehave m) { misbehave_ = m; }
    unsigned long requests() const { return requests_; }
    // Frames that arrived while another request was being parsed (interleaving on the line).
    unsigned long garbled() const { return garbled_; }

private:
    void run();
    void answer(const std::vector<uint8_t> &req);

    int master_ = -1, slave_fd_ = -1;
    std::string path_;
    std::atomic<bool> stop_{false};
    std::atomic<Misbehave> misbehave_{Misbehave::None};
    std::atomic<unsigned long> requests_{0}, garbled_{0};
    std::mutex mu_;
    std::map<int, std::vector<uint16_t>> regs_;
    std::map<int, std::string> ident_;
    std::thread thread_;
};


} // namespace nutpp::modbus::testing
