// RTU end to end: the test's own RTU slave on a pty pair (its own framing and CRC), the real upsdrvd
// with nutpp-modbus.so on the pty's slave side: state changes, broken frames, two slave ids on one
// bus polled at once without interleaved frames.
#include "apc_image.hpp"
#include "modbus_slave.hpp"
#include "upsdrvd_fixture.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

using namespace nutpp::modbus::testing;
using nutpp::testing::UpsdrvdProcess;
using namespace std::chrono_literals;

namespace {

void load(ModbusRtuSlave &s, int id, const Image &img) {
    for (const auto &[addr, words] : img) s.set(id, addr, words);
}

std::string rtu_device(const std::string &name, const std::string &path, int slave) {
    return "  " + name + ":\n    driver: modbus\n    map: apc_modbus\n    port: " + path + "\n    slaveid: " +
           std::to_string(slave) +
           "\n    ser_baud_rate: 19200\n    ser_parity: E\n    pollinterval: 0.2\n    retrydelay: 0.2\n    maxretry: 1\n"
           "    response_timeout: 0.2\n    retries: 1\n";
}

std::string var(const UpsdrvdProcess &p, const std::string &dev, const std::string &name) {
    try {
        const auto st = p.dump("modbus", dev, 2s);
        const auto it = st.vars.find(name);
        return it == st.vars.end() ? "<unset>" : it->second;
    } catch (const std::exception &e) {
        return std::string("<dump failed: ") + e.what() + ">";
    }
}

std::string wait_var(const UpsdrvdProcess &p, const std::string &dev, const std::string &name, const std::string &want) {
    const auto deadline = std::chrono::steady_clock::now() + 8s;
    std::string seen;
    do {
        seen = var(p, dev, name);
        if (seen == want) break;
        std::this_thread::sleep_for(30ms);
    } while (std::chrono::steady_clock::now() < deadline);
    return seen;
}

bool wait_data_ok(const UpsdrvdProcess &p, const std::string &dev, bool want) {
    const auto deadline = std::chrono::steady_clock::now() + 8s;
    do {
        try {
            if (p.dump("modbus", dev, 2s).data_ok == want) return true;
        } catch (const std::exception &) {
        }
        std::this_thread::sleep_for(30ms);
    } while (std::chrono::steady_clock::now() < deadline);
    return false;
}

} // namespace

TEST(ModbusRtu, StateChangesOverPty) {
    ModbusRtuSlave bus;
    load(bus, 1, smt750i_image());
    UpsdrvdProcess p;
    p.write_config(rtu_device("smt", bus.slave_path(), 1));
    p.start();
    EXPECT_EQ(wait_var(p, "smt", "ups.status", "OL HE"), "OL HE") << p.log();
    EXPECT_EQ(var(p, "smt", "battery.charge"), "100.00");
    EXPECT_EQ(var(p, "smt", "ups.firmware"), "UPS 09.8");
    bus.set(1, 0, {0, kStatusOnBattery});
    EXPECT_EQ(wait_var(p, "smt", "ups.status", "OB"), "OB");
    bus.set(1, 18, {1u << 1});
    EXPECT_EQ(wait_var(p, "smt", "ups.status", "OB LB"), "OB LB");
    bus.set(1, 18, {0});
    bus.set(1, 0, {0, kStatusOnline});
    EXPECT_EQ(wait_var(p, "smt", "ups.status", "OL"), "OL");
    EXPECT_EQ(bus.garbled(), 0u);
}

// Each kind of broken answer makes the device stale with a log line saying what was wrong, and
// the device recovers when the answers are right again; upsdrvd never dies.
TEST(ModbusRtu, BrokenFramesGoStaleThenRecover) {
    ModbusRtuSlave bus;
    load(bus, 1, smt750i_image());
    UpsdrvdProcess p;
    p.write_config(rtu_device("smt", bus.slave_path(), 1));
    p.start();
    ASSERT_TRUE(wait_data_ok(p, "smt", true)) << p.log();
    struct Case {
        Misbehave m;
        const char *log;
    };
    const Case cases[] = {{Misbehave::CorruptCrc, "Invalid CRC"},
                          {Misbehave::WrongSlave, "slave 1, holding registers 0..24: "},
                          {Misbehave::Short, "Connection timed out"},
                          {Misbehave::Exception, "Slave device or server is busy"},
                          {Misbehave::Silence, "Connection timed out"}};
    for (const auto &c : cases) {
        SCOPED_TRACE(c.log);
        const size_t before = p.log().size();
        bus.misbehave(c.m);
        EXPECT_TRUE(wait_data_ok(p, "smt", false)) << p.log();
        const auto deadline = std::chrono::steady_clock::now() + 3s;
        while (p.log().find(c.log, before) == std::string::npos && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(30ms);
        EXPECT_NE(p.log().find(c.log, before), std::string::npos) << p.log().substr(before);
        bus.misbehave(Misbehave::None);
        EXPECT_TRUE(wait_data_ok(p, "smt", true)) << p.log();
    }
    EXPECT_TRUE(p.running());
}

// Two UPSes with slave ids 1 and 2 on one RS-485 bus (one pty), polled at once: both right and the
// bus never saw two requests on top of each other.
TEST(ModbusRtu, TwoSlavesOnOneBus) {
    ModbusRtuSlave bus;
    load(bus, 1, smt750i_image());
    Image second = smt750i_image();
    second.push_back({532, text_regs("Smart-UPS 1500", 16)});
    second.push_back({0, {0, kStatusOnBattery}});
    load(bus, 2, second);
    UpsdrvdProcess p;
    p.write_config(rtu_device("a", bus.slave_path(), 1) + rtu_device("b", bus.slave_path(), 2));
    p.start();
    EXPECT_EQ(wait_var(p, "a", "ups.status", "OL HE"), "OL HE") << p.log();
    EXPECT_EQ(wait_var(p, "b", "ups.status", "OB"), "OB") << p.log();
    EXPECT_EQ(var(p, "a", "ups.model"), "Smart-UPS 750");
    EXPECT_EQ(var(p, "b", "ups.model"), "Smart-UPS 1500");
    const unsigned long start = bus.requests();
    std::this_thread::sleep_for(2s);
    EXPECT_GE(bus.requests() - start, 30u); // ~10 polls of 3 requests each, per device
    std::printf("two RTU slaves on one pty bus, pollinterval 0.2 s: %lu requests in 2 s, %lu garbled\n",
                bus.requests() - start, bus.garbled());
    EXPECT_EQ(var(p, "a", "ups.status"), "OL HE");
    EXPECT_EQ(var(p, "b", "ups.status"), "OB");
    EXPECT_EQ(bus.garbled(), 0u) << "interleaved or broken request frames on the bus";
    EXPECT_EQ(p.log().find("modbus /dev/pts"), std::string::npos) << p.log();
}
