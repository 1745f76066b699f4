// HID report descriptor parser (HID 1.11 section 6.2.2), written for UPS Power Devices.
//
// It turns the descriptor bytes into a flat list of report fields, each with its full usage path
// (the usages of the enclosing collections plus its own), its place in the report (report type,
// report ID, bit offset, bit size) and its scaling (logical/physical limits, unit exponent).
// Everything is bounds-checked: a malformed descriptor gives HidParseError, never a read past the
// buffer, unbounded memory or a crash (the fuzz target and the mutation test hold it to that).
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace nutpp::usbhid {

// A 32-bit usage: page in the high 16 bits, id in the low 16 (HID's "extended usage").
using Usage = uint32_t;
constexpr Usage make_usage(uint16_t page, uint16_t id) { return (uint32_t(page) << 16) | id; }
constexpr uint16_t usage_page(Usage u) { return uint16_t(u >> 16); }
constexpr uint16_t usage_id(Usage u) { return uint16_t(u & 0xffff); }

// wValue high byte of GET_REPORT/SET_REPORT uses the same numbers.
enum class ReportType : uint8_t { Input = 1, Output = 2, Feature = 3 };

class HidParseError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// One element of a collection path. `index` is the number a vendor-defined collection kind
// (0x80 + n) gives a repeated block (Outlet 1, Outlet 2), -1 for ordinary collections and fields.
struct PathNode {
    Usage usage = 0;
    int16_t index = -1;
    auto operator<=>(const PathNode &) const = default;
};

struct HidField {
    std::vector<PathNode> path; // application collection first, the field's own usage last
    ReportType type = ReportType::Feature;
    uint8_t report_id = 0;      // 0: the device uses no report IDs
    uint32_t bit_offset = 0;    // from the first data byte (after the report ID byte, if any)
    uint32_t bit_size = 0;      // 1..32
    int64_t logical_min = 0;
    int64_t logical_max = 0;
    int64_t physical_min = 0;
    int64_t physical_max = 0;
    bool has_physical = false;  // both physical limits were given and are not both 0
    int8_t unit_exponent = 0;   // -8..7
    uint32_t unit = 0;
    uint32_t flags = 0;         // main item data: bit0 constant, bit1 variable, bit2 relative

    Usage usage() const { return path.empty() ? 0 : path.back().usage; }
    bool is_variable() const { return flags & 0x02; }
};

// Bytes a report occupies on the wire, report ID byte included.
struct ReportLayout {
    ReportType type;
    uint8_t report_id;
    uint32_t bits; // data bits, without the ID byte
    uint32_t wire_bytes(bool with_id) const { return (bits + 7) / 8 + (with_id ? 1 : 0); }
};

struct HidDescriptor {
    std::vector<HidField> fields;
    std::vector<ReportLayout> reports;
    std::vector<Usage> applications; // usages of the top-level collections
    bool uses_report_ids = false;

    const ReportLayout *report(ReportType type, uint8_t id) const;
    // True when some top-level collection is a Power Device page (0x84) or Battery System (0x85)
    // usage: what NUT's usbhid-ups and we accept.
    bool is_power_device() const;
};

// Limits that keep a hostile descriptor from making us allocate without end.
struct ParseLimits {
    size_t max_descriptor_bytes = 16384;
    size_t max_fields = 8192;
    size_t max_collection_depth = 32;
    size_t max_push_depth = 16;
    size_t max_usages_per_item = 1024;
    uint32_t max_report_bits = 8 * 4096;
};

HidDescriptor parse_descriptor(std::span<const uint8_t> bytes, const ParseLimits &limits = {});

} // namespace nutpp::usbhid
