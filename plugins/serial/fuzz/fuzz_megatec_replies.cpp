// libFuzzer target: every Megatec reply parser on arbitrary bytes. They must never crash, and a
// Q1 reply they accept must have produced the fields the table promises.
#include "megatec_proto.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

using namespace nutpp::serial::megatec;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const std::string_view reply(reinterpret_cast<const char *>(data), size);
    std::string error;
    if (const auto r = parse_q1(reply, error)) {
        // Accepted: exactly 46 bytes, and at least the two bit-derived variables were published.
        if (reply.size() != kQ1ReplyLength || r->values.size() < 2) std::abort();
        if (!error.empty()) std::abort();
    } else if (error.empty()) {
        std::abort(); // a rejection always explains itself
    }
    (void)parse_rating(reply);
    (void)parse_ident(reply);
    for (const auto &v : kVariants) (void)parse_variant(v, reply);
    (void)is_refusal(reply, "Q1");
    return 0;
}
