// One register image per built-in map, as each unit identifies itself to the map's `probe`: the
// test slaves of the probe tests (tests/plugins/modbus) and of `nutpp scan --modbus_scan`
// (tests/scan) serve these.
#pragma once

#include "device_images.hpp"
#include "modbus_slave.hpp"

#include <string>
#include <vector>

namespace nutpp::modbus::testing {

// Input registers 5..8 of a Phoenix Contact unit: one number, register 8 most significant, whose
// first seven decimal digits are the part number (NUT phoenixcontact_modbus).
inline std::vector<uint16_t> phoenix_part_number_regs(uint64_t number) {
    return {static_cast<uint16_t>(number), static_cast<uint16_t>(number >> 16), static_cast<uint16_t>(number >> 32),
            static_cast<uint16_t>(number >> 48)};
}

struct ProbeCase {
    const char *map;
    int slave;
    Image image;
    std::string ident; // the 0x2B object 0x88 ("" = the device refuses 0x2B)
};

inline std::vector<ProbeCase> probe_cases() {
    Image quint = quint_image();
    quint.push_back({5, phoenix_part_number_regs(2320225'123456789ull)}); // a QUINT-UPS/24DC/24DC/10
    return {
        {"apc_modbus", 1, smt750i_image(), ""},                          // model "Smart-UPS 750" at 532
        {"huawei_ups2000", 1, ups2000_image(), "1=UPS2000A;2=V2R1C1SPC40;3=P1.0-D1.0;4=2102310FGD10K4000123"},
        {"phoenixcontact_quint", kQuintSlave, quint, ""},
        {"socomec_jbus", 1, socomec_image(), ""},                        // UPS code 130: DIGYS
    };
}

inline void serve(ModbusTcpSlave &s, const ProbeCase &c, int slave) {
    for (const auto &[addr, words] : c.image) s.set(slave, addr, words);
    if (!c.ident.empty()) s.set_identification(slave, c.ident);
}

} // namespace nutpp::modbus::testing
