#include "device_id.hpp"

#include <nutpp/support/text.hpp>

namespace nutpp::modbus {

namespace {
constexpr uint8_t kFunction = 0x2B;
constexpr uint8_t kMeiDeviceId = 0x0E;
constexpr size_t kMbapSize = 7;      // transaction, protocol, length (2 each), unit
constexpr size_t kPduHeader = 7;     // function, MEI, read code, conformity, more, next id, count

// The PDU (function code first) of an answer: Incomplete until every object has arrived; `used`
// is its length once whole.
DeviceIdAnswer parse_pdu(const uint8_t *pdu, size_t n, size_t &used) {
    DeviceIdAnswer a;
    if (n < 2) return a;
    if (pdu[0] == (kFunction | 0x80)) {
        used = 2;
        a.exception = pdu[1];
        a.state = DeviceIdAnswer::State::Complete;
        return a;
    }
    if (pdu[0] != kFunction) {
        a.state = DeviceIdAnswer::State::Bad;
        a.error = "answer has function " + std::to_string(pdu[0]) + ", not 0x2B";
        return a;
    }
    if (pdu[1] != kMeiDeviceId) {
        a.state = DeviceIdAnswer::State::Bad;
        a.error = "answer has MEI type " + std::to_string(pdu[1]) + ", not 0x0E";
        return a;
    }
    if (n < kPduHeader) return a;
    a.more = pdu[4] == 0xFF;
    a.next_object = pdu[5];
    const unsigned count = pdu[6];
    size_t at = kPduHeader;
    for (unsigned i = 0; i < count; ++i) {
        if (at + 2 > n) return a;
        const uint8_t id = pdu[at];
        const size_t len = pdu[at + 1];
        if (at + 2 + len > n) return a;
        a.objects[id].assign(reinterpret_cast<const char *>(pdu + at + 2), len);
        at += 2 + len;
    }
    used = at;
    a.state = DeviceIdAnswer::State::Complete;
    return a;
}
} // namespace

uint16_t modbus_crc16(const uint8_t *data, size_t n) {
    uint16_t crc = 0xFFFF;
    for (size_t i = 0; i < n; ++i) {
        crc ^= data[i];
        for (int b = 0; b < 8; ++b) crc = (crc & 1) ? static_cast<uint16_t>((crc >> 1) ^ 0xA001) : static_cast<uint16_t>(crc >> 1);
    }
    return crc;
}

DeviceIdAnswer parse_device_id_answer(const std::vector<uint8_t> &bytes, bool tcp, int slave) {
    DeviceIdAnswer bad;
    bad.state = DeviceIdAnswer::State::Bad;
    if (tcp) {
        if (bytes.size() < kMbapSize) return {};
        const size_t length = static_cast<size_t>(bytes[4]) << 8 | bytes[5]; // unit + PDU
        if (length < 2) {
            bad.error = "MBAP length " + std::to_string(length) + " is too short";
            return bad;
        }
        const size_t total = 6 + length;
        if (bytes.size() < total) return {};
        size_t used = 0;
        DeviceIdAnswer a = parse_pdu(bytes.data() + kMbapSize, total - kMbapSize, used);
        if (a.state == DeviceIdAnswer::State::Incomplete) {
            bad.error = "MBAP length " + std::to_string(length) + " ends inside the answer";
            return bad;
        }
        a.frame_size = total;
        return a;
    }
    if (bytes.empty()) return {};
    if (bytes[0] != slave) {
        bad.error = "answer from slave " + std::to_string(bytes[0]) + ", not " + std::to_string(slave);
        return bad;
    }
    size_t used = 0;
    DeviceIdAnswer a = parse_pdu(bytes.data() + 1, bytes.size() - 1, used);
    if (a.state != DeviceIdAnswer::State::Complete) return a;
    const size_t total = 1 + used + 2;
    if (bytes.size() < total) return DeviceIdAnswer{};
    const uint16_t crc = modbus_crc16(bytes.data(), total - 2);
    if (bytes[total - 2] != (crc & 0xFF) || bytes[total - 1] != (crc >> 8)) {
        bad.error = "answer CRC is wrong";
        return bad;
    }
    a.frame_size = total;
    return a;
}

std::map<std::string, std::string> split_id_fields(const std::string &text) {
    std::map<std::string, std::string> out;
    for (const std::string_view part : support::split(text, ";")) {
        const auto eq = part.find('=');
        if (eq == std::string_view::npos || eq == 0) continue;
        out.emplace(std::string(part.substr(0, eq)), std::string(part.substr(eq + 1)));
    }
    return out;
}

} // namespace nutpp::modbus
