// Register images of the Socomec JBUS and Phoenix Contact QUINT maps (values chosen by hand from the
// register facts in ../shared/testdata/modbus/), shared by the unit tests, the differential tests
// against NUT's drivers and bench/modbus_poll.
#pragma once

#include "apc_image.hpp"

namespace nutpp::modbus::testing {

// "AB12345678" with the low byte of each register first, as Socomec stores it.
inline std::vector<uint16_t> socomec_serial(const std::string &s) {
    std::vector<uint16_t> out(5, 0);
    for (size_t i = 0; i < s.size() && i < 10; ++i)
        out[i / 2] |= static_cast<uint16_t>(i % 2 == 0 ? uint8_t(s[i]) : uint8_t(s[i]) << 8);
    return out;
}

// A DIGYS (code 130), 6 kVA, single phase, on mains: clock 12:34:56 on 2026/12/05.
inline Image socomec_image() {
    return {
        {0x1000, {130, 60, 0}},
        {0x1003, socomec_serial("AB12345678")},
        {0x10E0, {230, 230, 50, 50, 0, 0, 0, 0, 170, 20}},
        {0x1360, {(34 << 8) | 56, (5 << 8) | 12, 12 << 8, 26}},
        {0x1020, {0x000F, 0x0C01, 1, 0, 0x1000, 0}},
        {0x1040, {0, 0, 0, 0}},
        // load L1, L2, L3 (0xFFFF: single phase), total, charge, capacity, bypass V x3, output V x3,
        // 3 unused, output current x3, bypass Hz*10, output Hz*10, battery V*10, -, ambient degC,
        // runtime min (0xFFFF on mains), battery A*10
        {0x1060, {37, 0xFFFF, 0xFFFF, 0, 98, 655, 229, 0, 0, 230, 0, 0, 0, 0, 0, 12, 0xFFFF, 0xFFFF, 499, 500, 2725,
                  0, 24, 0xFFFF, 15}},
    };
}

// The three-phase variant (a DELPHYS MX): per-phase loads, voltages and currents.
inline Image socomec_3ph_image() {
    Image img = socomec_image();
    img.push_back({0x1000, {515, 200}});
    img.push_back({0x1060, {31, 33, 35, 33}});
    img.push_back({0x1066, {229, 230, 231, 230, 231, 232}});
    img.push_back({0x106F, {10, 11, 12}});
    return img;
}

inline constexpr int kQuintSlave = 192;

// QUINT-UPS/24DC input registers: on mains and charging, 24.312 V out, 87 %, 26.870 V battery at
// 298 K (25 degC), 1500 s runtime, 2.350 A out, capacity 13 (x10).
inline Image quint_image() {
    return {
        {29697, {0, 0, 1}},
        {29745, {24312}},
        {29749, {87, 25, 0, 0, 0}},
        {29792, {26870, 298, 0, 1500, 0, 0, 2350, 0, 13, 0}},
        {29840, {0}},
    };
}

} // namespace nutpp::modbus::testing
