// The APC SMT750i worked example of ../shared/testdata/modbus/README.md as a register image
// (raw values inferred from NUT's dump tests/testdata/ddl/APC__Smart-UPS_750__apc_modbus__2.8.2__01.dev).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace nutpp::modbus::testing {

inline std::vector<uint16_t> text_regs(const std::string &s, size_t regs) {
    std::vector<uint16_t> out(regs, 0);
    for (size_t i = 0; i < s.size() && i / 2 < regs; ++i)
        out[i / 2] |= static_cast<uint16_t>(i % 2 == 0 ? uint8_t(s[i]) << 8 : uint8_t(s[i]));
    return out;
}

// {address, words}
using Image = std::vector<std::pair<uint16_t, std::vector<uint16_t>>>;

constexpr uint16_t kStatusOnline = 1u << 1, kStatusOnBattery = 1u << 2, kStatusHE = 1u << 13;

inline Image smt750i_image() {
    return {
        {0, {0, kStatusOnline | kStatusHE}},
        {2, {8}},                      // AcceptableInput
        {3, {0, 1}},                   // main outlet group on
        {23, {0x0104}},                // Passed, Source: Internal
        {128, {0, 6420, 51200, 859, 0, 9046, 0, 4774, 1328, 0, 2660, 0, 10, 0, 15296, 0, 6396, 8, 1602}},
        {151, {15385, 0, 0, 0xFFFE, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF}},
        {516, text_regs("UPS 09.8", 8)},
        {532, text_regs("Smart-UPS 750", 16)},
        {564, text_regs("AS1316113420", 8)},
        {588, {750, 500, 0, 4857, 0, 0, 0, 7775}},
        {596, text_regs("APCUPS", 8)},
        {604, text_regs("UPS Outlets", 8)},
        {612, text_regs("Outlet Group 1", 8)},
        {1026, {253, 208, 0, 180, 0, 0, 8, 0, 90, 0, 0, 8, 0, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0, 0xFFFF, 0xFFFF,
                0xFFFF, 0xFFFF}},
    };
}

} // namespace nutpp::modbus::testing

namespace nutpp::modbus::testing {

// Raw registers giving the values of NUT's UPS2000-G dump
// (tests/testdata/ddl/Huawei__UPS2000-G-3KRTS__huawei-ups2000__2.7.4.1__01.dev), by reversing the
// scaling of ../shared/testdata/modbus/huawei_ups2000_registers.csv.
inline Image ups2000_image() {
    return {
        {11000, {2254, 0, 0, 500, 2254, 0, 0, 500, 2201, 0, 0, 12, 0, 0, 500, 2, 0, 0, 3, 0, 0, 100, 0, 0, 2, 0, 0, 223}},
        {11043, {0, 0, 0, 0}},
        {12000, {821, 0, 3, 100, 0, 5502, 0, 6}},
        {12033, {9}},
        {19009, {30}},
    };
}

} // namespace nutpp::modbus::testing
