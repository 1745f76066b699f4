// libFuzzer target: the map loader on arbitrary YAML (must throw MapError or succeed, never crash),
// and the decoder of every built-in map on arbitrary register words.
#include "decoder.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

using namespace nutpp::modbus;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size == 0) return 0;
    const std::string text(reinterpret_cast<const char *>(data) + 1, size - 1);
    if (data[0] & 1) {
        try {
            const RegisterMap m = load_map_text(text, "fuzz");
            for (bool once : {false, true})
                for (const auto &b : plan_blocks(m, once)) {
                    if (b.count == 0 || b.count > m.max_block + 65) std::abort();
                    std::vector<uint16_t> words(b.count, 0xA5A5);
                    Reading r;
                    decode_block(m, b, words, r);
                }
        } catch (const MapError &) {
        }
        return 0;
    }
    // Register words from the input, cycled to fill each block of each built-in map.
    std::vector<uint16_t> pool;
    for (size_t i = 0; i + 1 < text.size(); i += 2)
        pool.push_back(static_cast<uint16_t>((uint8_t(text[i]) << 8) | uint8_t(text[i + 1])));
    if (pool.empty()) return 0;
    static const std::vector<RegisterMap> maps = [] {
        std::vector<RegisterMap> v;
        for (const auto &b : builtin_maps()) v.push_back(resolve_map(b.name));
        return v;
    }();
    for (const auto &m : maps) {
        Reading r;
        for (bool once : {false, true})
            for (const auto &b : plan_blocks(m, once)) {
                std::vector<uint16_t> words(b.count);
                for (size_t i = 0; i < words.size(); ++i) words[i] = pool[i % pool.size()];
                decode_block(m, b, words, r);
            }
        finish(m, r);
        for (const auto &[k, v] : r.vars)
            if (v.size() > 255) std::abort(); // NUT's value limit
    }
    return 0;
}
