// Map tests without a slave: every block of a map decoded from a register image, and the text of a
// map loader error.
#pragma once

#include "apc_image.hpp"
#include "decoder.hpp"
#include "register_map.hpp"

#include <span>
#include <string>
#include <vector>

namespace nutpp::modbus::testing {

// Runs every block of `m` (static and per-poll) against `img`, the rest of the 64 Ki registers 0.
inline Reading read_image(const RegisterMap &m, const Image &img) {
    std::vector<uint16_t> regs(65536, 0);
    for (const auto &[addr, words] : img)
        for (size_t i = 0; i < words.size(); ++i) regs.at(addr + i) = words[i];
    Reading r;
    for (bool once : {true, false})
        for (const auto &b : plan_blocks(m, once))
            decode_block(m, b, std::span<const uint16_t>(regs).subspan(b.start, b.count), r);
    finish(m, r);
    return r;
}

// The loader's error for a user map text, or "<loaded>".
inline std::string load_error(const std::string &yaml) {
    try {
        load_map_text(yaml, "user.yaml");
    } catch (const MapError &e) {
        return e.what();
    }
    return "<loaded>";
}

} // namespace nutpp::modbus::testing
