// Function 0x2B (read device identification): the answer parser on whole, partial and broken
// frames (RTU and TCP), Huawei's field text, the map's `identification` section and its errors,
// and end to end on the RTU slave: the identity read at open, and a device that refuses 0x2B still
// monitored with the map's identity.
#include "device_id.hpp"
#include "apc_image.hpp"
#include "modbus_slave.hpp"
#include "register_map.hpp"
#include "upsdrvd_fixture.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

using namespace nutpp::modbus;
using namespace nutpp::modbus::testing;
using nutpp::testing::UpsdrvdProcess;
using namespace std::chrono_literals;

namespace {

// Huawei's answer: header, 0x87 = device count 1, 0x88 = the description text.
std::vector<uint8_t> huawei_pdu(const std::string &desc) {
    std::vector<uint8_t> pdu = {0x2B, 0x0E, 0x03, 0x03, 0x00, 0x00, 0x02, 0x87, 0x04, 0, 0, 0, 1, 0x88,
                                static_cast<uint8_t>(desc.size())};
    for (const char c : desc) pdu.push_back(static_cast<uint8_t>(c));
    return pdu;
}

std::vector<uint8_t> rtu(int slave, const std::vector<uint8_t> &pdu) {
    std::vector<uint8_t> f = {static_cast<uint8_t>(slave)};
    f.insert(f.end(), pdu.begin(), pdu.end());
    const uint16_t crc = modbus_crc16(f.data(), f.size());
    f.push_back(static_cast<uint8_t>(crc & 0xFF));
    f.push_back(static_cast<uint8_t>(crc >> 8));
    return f;
}

std::vector<uint8_t> tcp(int unit, const std::vector<uint8_t> &pdu, int length_adjust = 0) {
    const size_t len = pdu.size() + 1 + length_adjust;
    std::vector<uint8_t> f = {0x00, 0x07, 0x00, 0x00, static_cast<uint8_t>(len >> 8), static_cast<uint8_t>(len & 0xFF),
                              static_cast<uint8_t>(unit)};
    f.insert(f.end(), pdu.begin(), pdu.end());
    return f;
}

using State = DeviceIdAnswer::State;

} // namespace

TEST(ModbusDeviceId, CrcIsModbusCrc16) {
    // The CRC NUT's huawei-ups2000 sends with its identification request (0x31, 0x75).
    const uint8_t nut_request[] = {0x01, 0x2B, 0x0E, 0x03, 0x87};
    EXPECT_EQ(modbus_crc16(nut_request, sizeof nut_request), 0x7531); // sent as 0x31, 0x75
}

TEST(ModbusDeviceId, RtuAnswerWholeAndEveryPrefix) {
    const auto frame = rtu(1, huawei_pdu("1=UPS2000A;2=V2R1C1SPC40;3=P1.0-D1.0;4=2102310FGD"));
    for (size_t n = 0; n < frame.size(); ++n)
        EXPECT_EQ(parse_device_id_answer({frame.begin(), frame.begin() + n}, false, 1).state, State::Incomplete) << n;
    const auto a = parse_device_id_answer(frame, false, 1);
    ASSERT_EQ(a.state, State::Complete) << a.error;
    EXPECT_EQ(a.frame_size, frame.size());
    EXPECT_FALSE(a.more);
    ASSERT_EQ(a.objects.size(), 2u);
    EXPECT_EQ(a.objects.at(0x87), std::string("\0\0\0\1", 4));
    const auto fields = split_id_fields(a.objects.at(0x88));
    EXPECT_EQ(fields.at("1"), "UPS2000A");
    EXPECT_EQ(fields.at("4"), "2102310FGD");
}

TEST(ModbusDeviceId, RtuBrokenAnswersAreBad) {
    auto frame = rtu(1, huawei_pdu("1=UPS2000A"));
    frame.back() ^= 0xFF;
    const auto crc = parse_device_id_answer(frame, false, 1);
    EXPECT_EQ(crc.state, State::Bad);
    EXPECT_NE(crc.error.find("CRC"), std::string::npos);
    EXPECT_EQ(parse_device_id_answer(rtu(2, huawei_pdu("1=x")), false, 1).state, State::Bad); // other slave
    EXPECT_EQ(parse_device_id_answer(rtu(1, {0x03, 0x02, 0, 0}), false, 1).state, State::Bad); // other function
    EXPECT_EQ(parse_device_id_answer(rtu(1, {0x2B, 0x0D, 3}), false, 1).state, State::Bad);    // other MEI
}

TEST(ModbusDeviceId, ExceptionAnswer) {
    const auto a = parse_device_id_answer(rtu(1, {0xAB, 0x01}), false, 1);
    ASSERT_EQ(a.state, State::Complete);
    EXPECT_EQ(a.exception, 1);
    EXPECT_TRUE(a.objects.empty());
}

TEST(ModbusDeviceId, TcpAnswerAndMoreFollows) {
    std::vector<uint8_t> pdu = {0x2B, 0x0E, 0x01, 0x01, 0xFF, 0x02, 0x02, 0x00, 3, 'A', 'P', 'C', 0x01, 2, 'S', 'M'};
    const auto frame = tcp(1, pdu);
    EXPECT_EQ(parse_device_id_answer({frame.begin(), frame.end() - 1}, true, 1).state, State::Incomplete);
    const auto a = parse_device_id_answer(frame, true, 1);
    ASSERT_EQ(a.state, State::Complete) << a.error;
    EXPECT_TRUE(a.more);
    EXPECT_EQ(a.next_object, 2);
    EXPECT_EQ(a.objects.at(0x00), "APC");
    EXPECT_EQ(a.objects.at(0x01), "SM");
    // An MBAP length that ends inside an object is a broken frame, not a wait for more.
    EXPECT_EQ(parse_device_id_answer(tcp(1, pdu, -3), true, 1).state, State::Bad);
}

TEST(ModbusDeviceId, FieldText) {
    const auto f = split_id_fields("1=UPS2000A;;=x;2=;3=a=b;junk");
    EXPECT_EQ(f.at("1"), "UPS2000A");
    EXPECT_EQ(f.at("2"), "");
    EXPECT_EQ(f.at("3"), "a=b");
    EXPECT_EQ(f.size(), 3u);
}

TEST(ModbusDeviceId, MapSectionAndErrors) {
    const std::string head = "name: t\npoints:\n  - {variable: ups.load, address: 1}\n";
    const auto m = load_map_text(head + "identification:\n  read_code: 3\n  object: 0x87\n  values:\n"
                                        "    - {object: 0x88, field: \"1\", variables: [ups.model]}\n",
                                 "t.yaml");
    ASSERT_TRUE(m.identification);
    EXPECT_EQ(m.identification->read_code, 3);
    EXPECT_EQ(m.identification->object, 0x87);
    ASSERT_EQ(m.identification->values.size(), 1u);
    EXPECT_EQ(m.identification->values[0].field, "1");
    const struct {
        const char *yaml, *error;
    } bad[] = {
        {"identification:\n  read_code: 5\n  values: [{object: 1, variables: [a]}]\n", "t.yaml:5:14: read_code 5 is outside 1..4"},
        {"identification:\n  values: []\n", "t.yaml:5:11: values must be a non-empty list"},
        {"identification:\n  values: [{object: 1}]\n", "t.yaml:5:12: an identification value needs object and variables"},
        {"identification:\n  values: [{object: 1, variables: [a], fields: 2}]\n", "t.yaml:5:40: unknown key 'fields'"},
    };
    for (const auto &b : bad) {
        try {
            (void)load_map_text(head + b.yaml, "t.yaml");
            ADD_FAILURE() << "accepted: " << b.yaml;
        } catch (const MapError &e) {
            EXPECT_NE(std::string(e.what()).find(b.error), std::string::npos) << e.what();
        }
    }
}

namespace {
std::string huawei_device(const std::string &path) {
    return "  hw:\n    driver: modbus\n    map: huawei_ups2000\n    port: " + path +
           "\n    pollinterval: 0.2\n    response_timeout: 0.3\n";
}
std::string var(const UpsdrvdProcess &p, const std::string &name) {
    const auto deadline = std::chrono::steady_clock::now() + 8s;
    do {
        try {
            const auto st = p.dump("modbus", "hw", 2s);
            if (const auto it = st.vars.find("ups.status"); it != st.vars.end()) {
                const auto v = st.vars.find(name);
                return v == st.vars.end() ? "<unset>" : v->second;
            }
        } catch (const std::exception &) {
        }
        std::this_thread::sleep_for(30ms);
    } while (std::chrono::steady_clock::now() < deadline);
    return "<no data>";
}
} // namespace

TEST(ModbusDeviceId, HuaweiIdentityReadAtOpen) {
    ModbusRtuSlave bus;
    for (const auto &[a, w] : ups2000_image()) bus.set(1, a, w);
    bus.set_identification(1, "1=UPS2000A;2=V2R1C1SPC40;3=P1.0-D1.0;4=2102310FGD10K4000123");
    UpsdrvdProcess p;
    p.write_config(huawei_device(bus.slave_path()));
    p.start();
    EXPECT_EQ(var(p, "ups.model"), "UPS2000A") << p.log();
    EXPECT_EQ(var(p, "device.model"), "UPS2000A");
    EXPECT_EQ(var(p, "ups.firmware"), "V2R1C1SPC40");
    EXPECT_EQ(var(p, "ups.firmware.aux"), "P1.0-D1.0");
    EXPECT_EQ(var(p, "ups.serial"), "2102310FGD10K4000123");
    EXPECT_EQ(var(p, "device.serial"), "2102310FGD10K4000123");
}

TEST(ModbusDeviceId, DeviceRefusingIdentificationIsStillMonitored) {
    ModbusRtuSlave bus; // no identification set: the slave answers 0x2B with "illegal function"
    for (const auto &[a, w] : ups2000_image()) bus.set(1, a, w);
    UpsdrvdProcess p;
    p.write_config(huawei_device(bus.slave_path()));
    p.start();
    EXPECT_EQ(var(p, "ups.model"), "UPS2000") << p.log(); // the map's
    EXPECT_EQ(var(p, "ups.serial"), "<unset>");
    EXPECT_NE(var(p, "input.voltage"), "<unset>");
    EXPECT_NE(p.log().find("no device identification"), std::string::npos) << p.log();
    EXPECT_NE(p.log().find("Illegal function"), std::string::npos) << p.log();
}
