// Modbus function 0x2B / MEI 0x0E, "read device identification": frames and the answer's objects.
// libmodbus 3.1 has no call for it and its receive code cannot size this answer (it takes the
// first data byte for a length), so the link sends the request with modbus_send_raw_request and
// reads the answer itself; this file is the I/O-free part: how long an answer is, whether it is
// whole and correct, and what objects it holds. A map's `identification` section says which
// objects (or `key=value;` fields inside one, Huawei's way) feed which variables.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace nutpp::modbus {

// The Modbus CRC-16 of an RTU frame (polynomial 0xA001, initial 0xFFFF), low byte sent first.
uint16_t modbus_crc16(const uint8_t *data, size_t n);

struct DeviceIdAnswer {
    enum class State { Incomplete, Complete, Bad } state = State::Incomplete;
    size_t frame_size = 0;            // bytes of the whole frame once known (Complete)
    int exception = 0;                // Modbus exception code when the device refused
    bool more = false;                // "more follows": ask again from next_object
    uint8_t next_object = 0;
    std::map<uint8_t, std::string> objects;
    std::string error;                // why Bad
};

// Parses what has arrived so far of one answer. `tcp`: a Modbus TCP frame (MBAP header, no CRC);
// else RTU (slave address first, CRC last). `slave` is the id the request went to.
DeviceIdAnswer parse_device_id_answer(const std::vector<uint8_t> &bytes, bool tcp, int slave);

// Splits Huawei's "1=UPS2000A;2=V2R1C1SPC40;..." description into its fields.
std::map<std::string, std::string> split_id_fields(const std::string &text);

} // namespace nutpp::modbus
