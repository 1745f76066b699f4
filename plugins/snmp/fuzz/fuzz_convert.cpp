// libFuzzer target for the value converter: every variable type, flag, encoding and conversion
// against arbitrary agent replies (any kind, any bytes, any integer). Must never crash, hang or
// trip the sanitizers; results must be printable-length bounded.
#include "convert.hpp"

#include <cstdint>
#include <cstring>
#include <string>

using namespace nutpp::snmp;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 12) return 0;
    static EnumTable table = [] {
        EnumTable t;
        t.by_key = {{"1", ""}, {"2", "OL"}, {"3", "OB LB"}, {"4", "RB"}, {"0", "alarm zero"}, {"7", "x"},
                    {"-1", "neg"}, {"ok", "OL"}, {"15", "BYPASS"}};
        return t;
    }();
    VarSpec v;
    v.name = "x";
    v.oid = ".1.3";
    v.type = static_cast<VarType>(data[0] % 7);
    v.encoding = (data[1] & 1) ? BitsEncoding::Octets : BitsEncoding::Chars;
    v.target = (data[1] & 2) ? BitsTarget::Status : BitsTarget::Alarm;
    v.neg_invalid = data[1] & 4;
    v.zero_invalid = data[1] & 8;
    v.convert = static_cast<Conversion>((data[1] >> 4) % 4);
    v.decimals = static_cast<int>(data[2] % 8) - 1;
    const double scales[] = {1, 0.1, 0.01, 10, 100, 0.001, -1, 1e9};
    v.scale = scales[data[3] % 8];
    v.table = (data[2] & 0x80) ? nullptr : &table;
    if (data[3] & 0x80) v.writable = Writable{(data[3] & 0x40) ? SetType::String : SetType::Integer, {}, {}, 0};
    RawValue raw;
    raw.kind = static_cast<RawValue::Kind>(data[4] % 8);
    int64_t n;
    std::memcpy(&n, data + 4, sizeof n);
    raw.integer = n;
    raw.octets.assign(reinterpret_cast<const char *>(data + 12), size - 12);
    nutpp::support::StatusSet status;
    auto c = convert_value(v, raw, status);
    if (c.usable && c.text.size() > 70000) __builtin_trap();
    std::string why;
    (void)set_payload(v, raw.octets, why);
    (void)apply_conversion(v.convert, raw.octets);
    return 0;
}
