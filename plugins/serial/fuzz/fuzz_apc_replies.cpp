// libFuzzer target: every APC Smart reply parser on arbitrary bytes (value conversion for every
// table row, status byte, state registers, 'a' command set, ^Z capabilities in each locale, alert stripping).
#include "apc_proto.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

using namespace nutpp::serial::apc;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const std::string_view reply(reinterpret_cast<const char *>(data), size);
    for (const auto &q : kQueries) (void)convert(q, reply);
    std::string error;
    if (const auto s = parse_status(reply, error)) {
        if (s->set.tokens().empty()) std::abort(); // every accepted byte yields at least OL, OB or OFF
    }
    (void)parse_protocol_info(reply);
    if (const auto v = parse_register(reply)) {
        nutpp::support::StatusSet set;
        for (const auto &reg : kStateRegisters) apply_register(reg, *v, set);
        if (set.tokens().size() > 2) std::abort(); // BYPASS and OFF, each at most once
    }
    for (char locale : {'D', 'I', 'A', 'M', '\0'}) {
        std::string cap_error;
        const auto caps = parse_capabilities(reply, locale, cap_error);
        for (const auto &[cmd, values] : caps)
            for (const auto &v : values)
                if (v.empty() || v.size() > 9) std::abort();
    }
    (void)strip_alerts(reply, true);
    (void)strip_alerts(reply, false);
    return 0;
}
