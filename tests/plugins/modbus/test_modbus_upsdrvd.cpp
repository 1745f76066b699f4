// End to end: our libmodbus TCP slave on loopback serving the SMT750i image, the real upsdrvd with
// nutpp-modbus.so, variables read over the driver socket (and through upsd for one test).
#include "apc_image.hpp"
#include "modbus_slave.hpp"
#include "upsd_fixture.hpp"
#include "upsdrvd_fixture.hpp"

#include "driver_socket/dump_client.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

using namespace nutpp::modbus::testing;
using nutpp::testing::UpsdrvdProcess;
using namespace std::chrono_literals;

namespace {

void load(ModbusTcpSlave &s, int id, const Image &img) {
    for (const auto &[addr, words] : img) s.set(id, addr, words);
}

std::string device(const std::string &name, uint16_t port, int slave, const std::string &extra = "") {
    return "  " + name + ":\n    driver: modbus\n    map: apc_modbus\n    port: 127.0.0.1:" + std::to_string(port) +
           "\n    slaveid: " + std::to_string(slave) +
           "\n    pollinterval: 0.2\n    retrydelay: 0.2\n    maxretry: 1\n    response_timeout: 0.2\n    retries: 0\n" +
           extra;
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

std::string wait_var(const UpsdrvdProcess &p, const std::string &dev, const std::string &name, const std::string &want,
                     std::chrono::milliseconds timeout = 8s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string seen;
    do {
        seen = var(p, dev, name);
        if (seen == want) break;
        std::this_thread::sleep_for(30ms);
    } while (std::chrono::steady_clock::now() < deadline);
    return seen;
}

bool wait_data_ok(const UpsdrvdProcess &p, const std::string &dev, bool want, std::chrono::milliseconds timeout = 8s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    do {
        try {
            if (p.dump("modbus", dev, 2s).data_ok == want) return true;
        } catch (const std::exception &) {
        }
        std::this_thread::sleep_for(30ms);
    } while (std::chrono::steady_clock::now() < deadline);
    return false;
}

std::string tracked(const UpsdrvdProcess &p, const std::string &dev, const std::string &request) {
    const auto lines = nutpp::driver_socket::exchange(p.socket("modbus", dev), request + " TRACKING t1", "TRACKING", 10s);
    if (lines.empty()) return "<no reply>";
    const std::string &last = lines.back();
    return last.rfind("TRACKING t1 ", 0) == 0 ? last.substr(12) : "<" + last + ">";
}

} // namespace

TEST(ModbusUpsdrvd, DescribeListsKeysAndMaps) {
    std::string out;
    ASSERT_EQ(UpsdrvdProcess::run_sync("--describe modbus", out), 0) << out;
    for (const char *k : {"port", "map", "slaveid", "rio_slave_id", "response_timeout", "ser_baud_rate", "ser_parity",
                          "ser_data_bit", "ser_stop_bit", "apc_modbus"})
        EXPECT_NE(out.find(k), std::string::npos) << k << "\n" << out;
}

// The SMT750i over TCP, then its state changing: OL -> OB -> OB LB -> OL.
TEST(ModbusUpsdrvd, TcpStateChanges) {
    ModbusTcpSlave slave;
    load(slave, 1, smt750i_image());
    UpsdrvdProcess p;
    p.write_config(device("smt", slave.port(), 1));
    p.start();
    EXPECT_EQ(wait_var(p, "smt", "ups.status", "OL HE"), "OL HE") << p.log();
    EXPECT_EQ(var(p, "smt", "ups.model"), "Smart-UPS 750");
    EXPECT_EQ(var(p, "smt", "device.model"), "Smart-UPS 750");
    EXPECT_EQ(var(p, "smt", "ups.realpower"), "25.94");
    EXPECT_EQ(var(p, "smt", "ups.power"), "77.93");
    EXPECT_EQ(var(p, "smt", "battery.runtime"), "6420");
    EXPECT_EQ(var(p, "smt", "ups.mfr"), "American Power Conversion");
    slave.set(1, 0, {0, kStatusOnBattery});
    EXPECT_EQ(wait_var(p, "smt", "ups.status", "OB"), "OB");
    slave.set(1, 18, {1u << 1});
    EXPECT_EQ(wait_var(p, "smt", "ups.status", "OB LB"), "OB LB");
    slave.set(1, 18, {0});
    slave.set(1, 0, {0, kStatusOnline});
    EXPECT_EQ(wait_var(p, "smt", "ups.status", "OL"), "OL");
}

// Exceptions and silence: stale with one clear log line naming slave, registers and exception;
// recovery when the slave answers again.
TEST(ModbusUpsdrvd, ExceptionAndSilenceGoStaleThenRecover) {
    ModbusTcpSlave slave;
    load(slave, 1, smt750i_image());
    UpsdrvdProcess p;
    p.write_config(device("smt", slave.port(), 1));
    p.start();
    ASSERT_TRUE(wait_data_ok(p, "smt", true)) << p.log();
    slave.misbehave(Misbehave::Exception);
    EXPECT_TRUE(wait_data_ok(p, "smt", false)) << p.log();
    EXPECT_TRUE(p.wait_log("slave 1, holding registers 0..24: Slave device or server is busy", 5s)) << p.log();
    slave.misbehave(Misbehave::None);
    EXPECT_TRUE(wait_data_ok(p, "smt", true)) << p.log();
    EXPECT_TRUE(p.wait_log("answers again", 5s)) << p.log();
    slave.misbehave(Misbehave::Silence);
    EXPECT_TRUE(wait_data_ok(p, "smt", false)) << p.log();
    EXPECT_TRUE(p.wait_log("Connection timed out", 5s)) << p.log();
    slave.misbehave(Misbehave::None);
    EXPECT_TRUE(wait_data_ok(p, "smt", true)) << p.log();
    EXPECT_TRUE(p.running());
}

// A device configured with a slave id nobody answers for never gets data; the others are unharmed.
TEST(ModbusUpsdrvd, WrongSlaveIdIsStale) {
    ModbusTcpSlave slave;
    load(slave, 1, smt750i_image());
    UpsdrvdProcess p;
    p.write_config(device("good", slave.port(), 1) + device("wrong", slave.port(), 9));
    p.start();
    EXPECT_EQ(wait_var(p, "good", "ups.status", "OL HE"), "OL HE") << p.log();
    EXPECT_TRUE(p.wait_log("slave 9", 5s)) << p.log();
    EXPECT_FALSE(wait_data_ok(p, "wrong", true, 1500ms)); // 7 polls of "good" in that time
}

// Two slaves behind one TCP server, polled at once: each sees its own registers.
TEST(ModbusUpsdrvd, TwoSlavesBehindOneGateway) {
    ModbusTcpSlave slave;
    load(slave, 1, smt750i_image());
    Image second = smt750i_image();
    second.push_back({532, text_regs("Smart-UPS 1500", 16)});
    second.push_back({0, {0, kStatusOnBattery}});
    load(slave, 2, second);
    UpsdrvdProcess p;
    p.write_config(device("a", slave.port(), 1) + device("b", slave.port(), 2));
    p.start();
    EXPECT_EQ(wait_var(p, "a", "ups.status", "OL HE"), "OL HE") << p.log();
    EXPECT_EQ(wait_var(p, "b", "ups.status", "OB"), "OB") << p.log();
    EXPECT_EQ(var(p, "a", "ups.model"), "Smart-UPS 750");
    EXPECT_EQ(var(p, "b", "ups.model"), "Smart-UPS 1500");
    // Both keep polling correctly for a while (about 10 polls each).
    const unsigned long before = slave.requests();
    const auto t0 = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(2s);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("two TCP slaves, pollinterval 0.2 s: %lu requests in %.2f s (3 per poll per device)\n",
                slave.requests() - before, secs);
    EXPECT_EQ(var(p, "a", "ups.status"), "OL HE");
    EXPECT_EQ(var(p, "b", "ups.status"), "OB");
    EXPECT_EQ(p.log().find("modbus 127.0.0.1"), std::string::npos) << p.log(); // no failure logged
}

// Instant commands and writable variables become register writes.
TEST(ModbusUpsdrvd, CommandsAndSetvarWriteRegisters) {
    ModbusTcpSlave slave;
    load(slave, 1, smt750i_image());
    UpsdrvdProcess p;
    p.write_config(device("smt", slave.port(), 1));
    p.start();
    ASSERT_EQ(wait_var(p, "smt", "ups.status", "OL HE"), "OL HE") << p.log();
    EXPECT_EQ(tracked(p, "smt", "INSTCMD load.off"), "0");
    EXPECT_EQ(slave.get(1, 1538, 2), (std::vector<uint16_t>{0, 260}));
    EXPECT_EQ(tracked(p, "smt", "INSTCMD shutdown.default"), "0");
    EXPECT_EQ(slave.get(1, 1538, 2), (std::vector<uint16_t>{0, 392}));
    EXPECT_EQ(tracked(p, "smt", "INSTCMD test.battery.start"), "0");
    EXPECT_EQ(slave.get(1, 1541, 1), (std::vector<uint16_t>{1}));
    EXPECT_EQ(tracked(p, "smt", "SET ups.delay.shutdown 120"), "0");
    EXPECT_EQ(slave.get(1, 1029, 1), (std::vector<uint16_t>{120}));
    EXPECT_EQ(wait_var(p, "smt", "ups.delay.shutdown", "120"), "120");
    EXPECT_EQ(tracked(p, "smt", "SET ups.id \"RACK-7\""), "0");
    EXPECT_EQ(wait_var(p, "smt", "ups.id", "RACK-7"), "RACK-7");
    slave.misbehave(Misbehave::Exception);
    EXPECT_NE(tracked(p, "smt", "INSTCMD load.on"), "0");
}

// A user map with a mistake stops the device with the map's file:line:column before any I/O.
TEST(ModbusUpsdrvd, BadUserMapIsAConfigError) {
    UpsdrvdProcess p;
    const std::string map = (p.dir() / "bad.yaml").string();
    nutpp::testing::write_file(map, "name: bad\npoints:\n  - {variable: ups.load, address: 3, type: u64}\n");
    p.write_config("  x:\n    driver: modbus\n    port: 127.0.0.1:1\n    map: " + map + "\n");
    p.start();
    EXPECT_TRUE(p.wait_log(map + ":3:44: entry 'ups.load': type 'u64'", 5s)) << p.log();
}

// The etc/ example map, served by the test slave and read through upsdrvd and upsd (GET VAR).
TEST(ModbusUpsd, ExampleMapThroughUpsd) {
    ModbusTcpSlave slave;
    slave.set(3, 0, {2400, 2710, 87, 0, 1800, 253, 0, 0, 0x9});
    slave.set(3, 110, text_regs("ACME0001", 8));
    UpsdrvdProcess drivers;
    const std::string devices = "  dcups:\n    driver: modbus\n    map: " + std::string(NUTPP_SOURCE_DIR) +
                                "/etc/modbus-example-map.yaml\n    port: 127.0.0.1:" + std::to_string(slave.port()) +
                                "\n    slaveid: 3\n    pollinterval: 0.2\n";
    auto upsd = nutpp::testing::start_yaml_stack(drivers, "server:\n  listen: [\"127.0.0.1:{PORT}\"]\n", devices, "dcups");
    const auto get = [&](const std::string &v) {
        nutpp::testing::RawConn c(upsd->port());
        return c.ask("GET VAR dcups " + v);
    };
    EXPECT_EQ(get("ups.status"), "VAR dcups ups.status \"OL CHRG\"") << drivers.log();
    EXPECT_EQ(get("battery.voltage"), "VAR dcups battery.voltage \"27.10\"");
    EXPECT_EQ(get("battery.runtime"), "VAR dcups battery.runtime \"1800\"");
    EXPECT_EQ(get("ups.temperature"), "VAR dcups ups.temperature \"25.3\"");
    EXPECT_EQ(get("ups.serial"), "VAR dcups ups.serial \"ACME0001\"");
    EXPECT_EQ(get("ups.mfr"), "VAR dcups ups.mfr \"ACME\"");
    slave.set(3, 8, {0x2}); // bit 0 clear: on battery; bit 1: low battery
    bool ob = false;
    for (int i = 0; i < 100 && !ob; ++i) {
        ob = get("ups.status") == "VAR dcups ups.status \"OB LB\"";
        if (!ob) std::this_thread::sleep_for(50ms);
    }
    EXPECT_TRUE(ob) << get("ups.status");
}
