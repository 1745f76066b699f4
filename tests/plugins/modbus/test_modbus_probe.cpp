// The maps' `probe` section: its loader errors (file:line and key), the value decoding and checks,
// and probe_device() (the library nutpp scan uses) against the test slaves: each built-in map's
// unit is told apart from the others, a silent slave costs the timeout, RTU works the same.
#include "decode_image.hpp"
#include "map_probe.hpp"
#include "modbus_slave.hpp"
#include "probe_device.hpp"
#include "probe_images.hpp"
#include "process.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>

using namespace nutpp::modbus;
using namespace nutpp::modbus::testing;
using namespace std::chrono_literals;

namespace {

const std::string kHead = "name: x\npoints: [{variable: a, address: 1}]\n";

double seconds(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

ProbeOutcome probe_tcp(uint16_t port, std::chrono::milliseconds timeout, std::optional<int> slave = std::nullopt) {
    ProbeRequest req;
    req.link.port = "127.0.0.1:" + std::to_string(port);
    req.fixed_slave = slave.has_value();
    req.link.slave = slave.value_or(1);
    req.timeout = timeout;
    return probe_device(req);
}

} // namespace

TEST(ModbusProbe, EveryBuiltinMapHasOne) {
    EXPECT_EQ(builtin_probe_maps().size(), builtin_maps().size());
    for (const auto &m : builtin_probe_maps()) EXPECT_TRUE(m.probe.has_value()) << m.name;
}

TEST(ModbusProbe, LoaderErrorsNameFileLineAndKey) {
    EXPECT_EQ(load_error(kHead + "probe: {address: 1, valeu: 3}\n"),
              "user.yaml:3:21: entry 'probe': unknown key 'valeu' in the probe");
    EXPECT_EQ(load_error(kHead + "probe:\n  address: 1\n"),
              "user.yaml:4:3: entry 'probe': a probe needs exactly one check: value, one_of, min and max, or matches");
    EXPECT_EQ(load_error(kHead + "probe: {address: 1, value: 3, matches: x}\n"),
              "user.yaml:3:8: entry 'probe': a probe needs exactly one check: value, one_of, min and max, or matches");
    EXPECT_EQ(load_error(kHead + "probe: {address: 70000, value: 3}\n"),
              "user.yaml:3:18: entry 'probe': address 70000 is outside 0..65535");
    EXPECT_EQ(load_error(kHead + "probe: {address: 1, type: u128, value: 3}\n"),
              "user.yaml:3:27: entry 'probe': type 'u128' is not one of u16, s16, u32, s32, u64, string");
    EXPECT_EQ(load_error(kHead + "probe: {address: 1, function: coil, value: 3}\n"),
              "user.yaml:3:31: entry 'probe': function 'coil' is not one of holding, input, device_id");
    EXPECT_EQ(load_error(kHead + "probe: {address: 1, type: string, count: 4, min: 1, max: 2}\n"),
              "user.yaml:3:50: entry 'probe': min and max check numbers; use matches for text");
    EXPECT_EQ(load_error(kHead + "probe: {address: 1, min: 5}\n"), "user.yaml:3:8: entry 'probe': give both min and max");
    EXPECT_EQ(load_error(kHead + "probe: {address: 1, count: 2, value: 1}\n"),
              "user.yaml:3:28: entry 'probe': count applies to a string probe only");
    EXPECT_EQ(load_error(kHead + "probe: {address: 1, value: abc}\n"),
              "user.yaml:3:28: entry 'probe': value must be an integer, not 'abc'");
    EXPECT_EQ(load_error(kHead + "probe: {address: 1, type: string, count: 2, matches: \"(\"}\n").rfind(
                  "user.yaml:3:54: entry 'probe': matches: not a regular expression", 0),
              0u);
    EXPECT_EQ(load_error(kHead + "probe: {function: device_id, object: 0x88, value: x}\n"),
              "user.yaml:3:19: entry 'probe': a device_id probe needs the map's identification section (the request it "
              "sends)");
    EXPECT_EQ(load_error(kHead + "identification: {values: [{object: 1, variables: [ups.model]}]}\n"
                                 "probe: {function: device_id, address: 4, value: x}\n"),
              "user.yaml:4:39: entry 'probe': address does not apply to a device_id probe (it reads an object)");
    EXPECT_EQ(load_error(kHead + "probe: {address: 1, one_of: []}\n"), "user.yaml:3:29: entry 'probe': one_of must be a non-empty list");
    EXPECT_EQ(load_error(kHead + "probe: {address: 1, one_of: [1, 2]}\n"), "<loaded>");
}

TEST(ModbusProbe, ValuesChecksAndDescription) {
    const RegisterMap quint = resolve_map("phoenixcontact_quint");
    const auto regs = phoenix_part_number_regs(2320225'123456789ull);
    ProbeValue v = probe_value(*quint.probe, regs);
    EXPECT_EQ(v.text, "2320225123456789");
    EXPECT_TRUE(probe_fits(*quint.probe, v));
    EXPECT_FALSE(probe_fits(*quint.probe, probe_value(*quint.probe, phoenix_part_number_regs(2907067'000000000ull))))
        << "a QUINT4 is not this map's unit";
    EXPECT_EQ(probe_describe(*quint.probe, v),
              "input register 5 = 2320225123456789 matches ^(2320254|2320225|2320238|2320241)");

    const RegisterMap apc = resolve_map("apc_modbus");
    v = probe_value(*apc.probe, text_regs("Smart-UPS 750", 16));
    EXPECT_EQ(v.text, "Smart-UPS 750");
    EXPECT_TRUE(probe_fits(*apc.probe, v));
    EXPECT_FALSE(probe_fits(*apc.probe, probe_value(*apc.probe, text_regs("Back-UPS 700", 16))));

    const RegisterMap soc = resolve_map("socomec_jbus");
    EXPECT_TRUE(probe_fits(*soc.probe, probe_value(*soc.probe, std::vector<uint16_t>{515})));
    EXPECT_FALSE(probe_fits(*soc.probe, probe_value(*soc.probe, std::vector<uint16_t>{514})));
    EXPECT_EQ(probe_describe(*soc.probe, probe_value(*soc.probe, std::vector<uint16_t>{130})),
              "holding register 4096 = 130 (one of the map's values)");

    const RegisterMap hw = resolve_map("huawei_ups2000");
    const auto id = probe_value(*hw.probe, std::map<uint8_t, std::string>{{0x88, "1=UPS2000G;2=V2"}});
    ASSERT_TRUE(id);
    EXPECT_TRUE(probe_fits(*hw.probe, *id));
    EXPECT_FALSE(probe_fits(*hw.probe, *probe_value(*hw.probe, std::map<uint8_t, std::string>{{0x88, "1=UPS5000"}})));
    EXPECT_FALSE(probe_value(*hw.probe, std::map<uint8_t, std::string>{{0x87, "x"}})) << "object 0x88 missing";

    const RegisterMap range = load_map_text(kHead + "probe: {address: 2, type: s16, min: -5, max: 5}\n", "user.yaml");
    EXPECT_TRUE(probe_fits(*range.probe, probe_value(*range.probe, std::vector<uint16_t>{0xFFFB}))); // -5
    EXPECT_FALSE(probe_fits(*range.probe, probe_value(*range.probe, std::vector<uint16_t>{6})));
}

// Each built-in map's unit on its own slave: the probe names that map (and no earlier one fits).
TEST(ModbusProbe, TellsEachBuiltinMapsUnitApart) {
    for (const auto &c : probe_cases()) {
        SCOPED_TRACE(c.map);
        ModbusTcpSlave slave;
        serve(slave, c, c.slave);
        const auto t0 = std::chrono::steady_clock::now();
        const ProbeOutcome o = probe_tcp(slave.port(), 2000ms);
        EXPECT_TRUE(o.connected);
        EXPECT_EQ(o.map, c.map) << o.error;
        EXPECT_EQ(o.slave, c.slave);
        EXPECT_FALSE(o.how.empty());
        std::cout << "[ probe    ] " << c.map << ": " << seconds(t0) << " s (" << o.how << ")\n";
    }
}

TEST(ModbusProbe, FixedSlaveIdIsAskedForEveryMap) {
    const auto c = probe_cases()[2]; // the QUINT, set up at slave 7 instead of its 192
    ModbusTcpSlave slave;
    serve(slave, c, 7);
    const ProbeOutcome o = probe_tcp(slave.port(), 1000ms, 7);
    EXPECT_EQ(o.map, "phoenixcontact_quint") << o.error;
    EXPECT_EQ(o.slave, 7);
    EXPECT_EQ(probe_tcp(slave.port(), 500ms, 8).map, "") << "nobody at slave 8";
}

// A device that accepts the connection and never answers costs the timeout once, not per map.
TEST(ModbusProbe, SilentSlaveCostsTheTimeout) {
    ModbusTcpSlave slave;
    serve(slave, probe_cases()[0], 1);
    slave.misbehave(Misbehave::Silence);
    const auto t0 = std::chrono::steady_clock::now();
    const ProbeOutcome o = probe_tcp(slave.port(), 1000ms);
    const double took = seconds(t0);
    EXPECT_TRUE(o.connected);
    EXPECT_FALSE(o.answered);
    EXPECT_EQ(o.map, "");
    EXPECT_GE(took, 0.9);
    EXPECT_LE(took, 1.9); // the timeout per map would be 2 s or more
    std::cout << "[ probe    ] silent slave, timeout 1 s: " << took << " s\n";
}

// A device that ignores the first maps' requests (no answer, not even an exception), as some do:
// each map has its own share of the time, so the later map still finds it.
TEST(ModbusProbe, DeviceIgnoringEarlierMapsRequestsIsStillFound) {
    const auto cases = probe_cases();
    const auto socomec = std::find_if(cases.begin(), cases.end(), [](const auto &c) { return c.map == "socomec_jbus"; });
    ASSERT_NE(socomec, cases.end());
    ModbusTcpSlave slave;
    serve(slave, *socomec, socomec->slave);
    slave.ignore_reads_at(532); // the APC map's model register, asked first at slave 1
    const auto t0 = std::chrono::steady_clock::now();
    const ProbeOutcome o = probe_tcp(slave.port(), 2000ms);
    EXPECT_EQ(o.map, "socomec_jbus") << o.error;
    EXPECT_LE(seconds(t0), 2.5);
}

TEST(ModbusProbe, AnswersButNoMapFits) {
    ModbusTcpSlave slave;
    slave.set(1, 0, {0}); // 2000 registers of 0: the APC probe reads an empty model name
    const ProbeOutcome o = probe_tcp(slave.port(), 1000ms);
    EXPECT_TRUE(o.answered);
    EXPECT_EQ(o.map, "");
}

TEST(ModbusProbe, NothingListeningFailsAtOnce) {
    const uint16_t port = nutpp::testing::free_tcp_port(); // nothing listens there
    const auto t0 = std::chrono::steady_clock::now();
    const ProbeOutcome o = probe_tcp(port, 2000ms);
    EXPECT_FALSE(o.connected);
    EXPECT_FALSE(o.error.empty());
    EXPECT_LT(seconds(t0), 0.5);
}

// The same probe over RTU (a Huawei on its serial line): the library is not TCP-only.
TEST(ModbusProbe, RtuSlaveToo) {
    ModbusRtuSlave bus;
    const auto c = probe_cases()[1];
    for (const auto &[addr, words] : c.image) bus.set(1, addr, words);
    bus.set_identification(1, c.ident);
    ProbeRequest req;
    req.link.port = bus.slave_path();
    req.timeout = 2000ms;
    const ProbeOutcome o = probe_device(req);
    EXPECT_EQ(o.map, "huawei_ups2000") << o.error;
    EXPECT_EQ(o.how, "device identification object 0x88 field 1 \"UPS2000A\" (one of the map's values)");
}
