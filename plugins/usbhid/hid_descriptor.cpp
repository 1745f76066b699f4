// HID report descriptor parser; see hid_descriptor.hpp for what it produces and guarantees.
#include "hid_descriptor.hpp"

#include <algorithm>
#include <map>
#include <string>
#include <utility>

namespace nutpp::usbhid {

namespace {

// Item types and tags from HID 1.11 section 6.2.2.
enum : uint8_t { kMain = 0, kGlobal = 1, kLocal = 2 };
enum : uint8_t { kInput = 0x8, kOutput = 0x9, kCollection = 0xA, kFeature = 0xB, kEndCollection = 0xC };
enum : uint8_t {
    kUsagePage = 0x0, kLogicalMin = 0x1, kLogicalMax = 0x2, kPhysicalMin = 0x3, kPhysicalMax = 0x4,
    kUnitExponent = 0x5, kUnit = 0x6, kReportSize = 0x7, kReportId = 0x8, kReportCount = 0x9,
    kPush = 0xA, kPop = 0xB
};
enum : uint8_t { kUsage = 0x0, kUsageMin = 0x1, kUsageMax = 0x2 };
constexpr uint8_t kLongItemPrefix = 0xFE;

// Global state (pushed and popped as a whole by Push/Pop items).
struct Globals {
    uint16_t usage_page = 0;
    int64_t logical_min = 0, logical_max = 0;
    int64_t physical_min = 0, physical_max = 0;
    bool physical_min_set = false, physical_max_set = false;
    int8_t unit_exponent = 0;
    uint32_t unit = 0;
    uint32_t report_size = 0;
    uint32_t report_count = 0;
    uint8_t report_id = 0;
    // Item sizes, to read a limit again as unsigned when the device wrote e.g. 0xFF meaning 255.
    uint8_t logical_max_size = 0, physical_max_size = 0;
};

// Local state, cleared after every main item.
struct Locals {
    std::vector<Usage> usages;
    bool have_min = false;
    Usage usage_min = 0;
};

uint32_t unsigned_value(const uint8_t *p, size_t n) {
    uint32_t v = 0;
    for (size_t i = 0; i < n; ++i) v |= uint32_t(p[i]) << (8 * i);
    return v;
}

int64_t signed_value(const uint8_t *p, size_t n) {
    const uint32_t u = unsigned_value(p, n);
    switch (n) {
    case 1: return int8_t(u);
    case 2: return int16_t(u);
    case 4: return int32_t(u);
    default: return 0;
    }
}

// Many UPS descriptors write Logical Maximum 255 as the one byte 0xFF (= -1 signed). HID says the
// limits are signed, but a maximum below the minimum can only mean the author meant unsigned.
int64_t fix_max(int64_t min, int64_t max, uint8_t size) {
    if (max >= min || size == 0 || size > 4) return max;
    return int64_t(uint64_t(max) & (size == 4 ? 0xffffffffull : ((1ull << (8 * size)) - 1)));
}

class Parser {
public:
    Parser(std::span<const uint8_t> bytes, const ParseLimits &limits) : bytes_(bytes), limits_(limits) {}

    HidDescriptor run() {
        if (bytes_.empty()) throw HidParseError("empty report descriptor");
        if (bytes_.size() > limits_.max_descriptor_bytes)
            throw HidParseError("report descriptor too long: " + std::to_string(bytes_.size()) + " bytes");
        size_t pos = 0;
        while (pos < bytes_.size()) pos = item_at(pos);
        if (!stack_.empty())
            throw HidParseError("report descriptor ends inside " + std::to_string(stack_.size()) +
                                " open collection(s)");
        for (const auto &[key, bits] : offsets_)
            out_.reports.push_back({ReportType(key.first), key.second, bits});
        return std::move(out_);
    }

private:
    size_t item_at(size_t pos) {
        const uint8_t prefix = bytes_[pos];
        if (prefix == kLongItemPrefix) { // long items carry no data we use; skip them whole
            if (pos + 2 >= bytes_.size()) throw error(pos, "truncated long item");
            const size_t end = pos + 3 + bytes_[pos + 1];
            if (end > bytes_.size()) throw error(pos, "truncated long item");
            return end;
        }
        static constexpr size_t kSizes[4] = {0, 1, 2, 4};
        const size_t size = kSizes[prefix & 3];
        if (pos + 1 + size > bytes_.size()) throw error(pos, "item runs past the end of the descriptor");
        const uint8_t *data = bytes_.data() + pos + 1;
        const uint8_t type = (prefix >> 2) & 3, tag = prefix >> 4;
        switch (type) {
        case kMain: main_item(pos, tag, unsigned_value(data, size)); break;
        case kGlobal: global_item(pos, tag, data, size); break;
        case kLocal: local_item(pos, tag, unsigned_value(data, size), size); break;
        default: break; // reserved item type: ignored, as the spec asks
        }
        return pos + 1 + size;
    }

    HidParseError error(size_t pos, const std::string &what) const {
        return HidParseError("report descriptor byte " + std::to_string(pos) + ": " + what);
    }

    Usage full_usage(uint32_t value, size_t size) const {
        return size == 4 ? value : make_usage(g_.usage_page, uint16_t(value));
    }

    void global_item(size_t pos, uint8_t tag, const uint8_t *data, size_t size) {
        const uint32_t u = unsigned_value(data, size);
        switch (tag) {
        case kUsagePage: g_.usage_page = uint16_t(u); break;
        case kLogicalMin: g_.logical_min = signed_value(data, size); break;
        case kLogicalMax: g_.logical_max = signed_value(data, size), g_.logical_max_size = uint8_t(size); break;
        case kPhysicalMin: g_.physical_min = signed_value(data, size), g_.physical_min_set = true; break;
        case kPhysicalMax:
            g_.physical_max = signed_value(data, size), g_.physical_max_set = true;
            g_.physical_max_size = uint8_t(size);
            break;
        case kUnitExponent: g_.unit_exponent = int8_t((u & 0x8) ? int(u & 0xf) - 16 : int(u & 0xf)); break;
        case kUnit: g_.unit = u; break;
        case kReportSize:
            if (u > 32) throw error(pos, "Report Size " + std::to_string(u) + " above 32 bits");
            g_.report_size = u;
            break;
        case kReportCount:
            if (u > limits_.max_report_bits) throw error(pos, "Report Count " + std::to_string(u) + " too large");
            g_.report_count = u;
            break;
        case kReportId:
            if (u == 0 || u > 255) throw error(pos, "Report ID " + std::to_string(u) + " outside 1..255");
            g_.report_id = uint8_t(u);
            out_.uses_report_ids = true;
            break;
        case kPush:
            if (pushed_.size() >= limits_.max_push_depth) throw error(pos, "Push nested too deep");
            pushed_.push_back(g_);
            break;
        case kPop:
            if (pushed_.empty()) throw error(pos, "Pop without Push");
            g_ = pushed_.back();
            pushed_.pop_back();
            break;
        default: break;
        }
    }

    void local_item(size_t pos, uint8_t tag, uint32_t value, size_t size) {
        auto add = [&](Usage u) {
            if (l_.usages.size() >= limits_.max_usages_per_item) throw error(pos, "too many usages");
            l_.usages.push_back(u);
        };
        switch (tag) {
        case kUsage: add(full_usage(value, size)); break;
        case kUsageMin: l_.usage_min = full_usage(value, size), l_.have_min = true; break;
        case kUsageMax: {
            if (!l_.have_min) throw error(pos, "Usage Maximum without Usage Minimum");
            const Usage max = full_usage(value, size);
            if (max < l_.usage_min || max - l_.usage_min >= limits_.max_usages_per_item)
                throw error(pos, "bad usage range");
            for (Usage u = l_.usage_min;; ++u) {
                add(u);
                if (u == max) break;
            }
            l_.have_min = false;
            break;
        }
        default: break; // designators, strings, delimiters: not used by Power Devices
        }
    }

    void main_item(size_t pos, uint8_t tag, uint32_t value) {
        switch (tag) {
        case kCollection: open_collection(pos, value); break;
        case kEndCollection:
            if (stack_.empty()) throw error(pos, "End Collection without Collection");
            stack_.pop_back();
            break;
        case kInput: add_fields(pos, ReportType::Input, value); break;
        case kOutput: add_fields(pos, ReportType::Output, value); break;
        case kFeature: add_fields(pos, ReportType::Feature, value); break;
        default: break;
        }
        l_ = Locals{};
    }

    void open_collection(size_t pos, uint32_t kind) {
        if (stack_.size() >= limits_.max_collection_depth) throw error(pos, "collections nested too deep");
        const Usage usage = l_.usages.empty() ? 0 : l_.usages.front();
        // Collection kinds 0x80..0xFF are vendor-defined; UPS firmware (MGE/Eaton) uses them to
        // number repeated blocks (Outlet 1, Outlet 2, Event 1..5). NUT prints them as ".[n]".
        const int16_t index = kind >= 0x80 && kind <= 0xff ? int16_t(kind - 0x80) : int16_t(-1);
        stack_.push_back({usage, index});
        if (stack_.size() == 1) out_.applications.push_back(usage);
    }

    void add_fields(size_t pos, ReportType type, uint32_t flags) {
        const auto key = std::make_pair(uint8_t(type), g_.report_id);
        uint32_t &offset = offsets_[key];
        const uint64_t bits = uint64_t(g_.report_size) * g_.report_count;
        if (offset + bits > limits_.max_report_bits) throw error(pos, "report longer than the limit");
        // Fields without usages are padding. Constant fields with usages are kept: several UPSes
        // (CyberPower) flag real read-only values as Constant, and NUT reads them too.
        if (!l_.usages.empty() && g_.report_size > 0) {
            if (out_.fields.size() + g_.report_count > limits_.max_fields) throw error(pos, "too many fields");
            const std::vector<PathNode> &base = stack_;
            for (uint32_t i = 0; i < g_.report_count; ++i) {
                HidField f;
                f.path = base;
                // A variable item gives each field its own usage; when the list is shorter, the
                // last usage repeats (HID 1.11 6.2.2.8). Array items all carry the first usage.
                const Usage u =
                    (flags & 0x02) ? l_.usages[std::min<size_t>(i, l_.usages.size() - 1)] : l_.usages.front();
                f.path.push_back({u, -1});
                f.type = type;
                f.report_id = g_.report_id;
                f.bit_offset = offset + i * g_.report_size;
                f.bit_size = g_.report_size;
                f.logical_min = g_.logical_min;
                f.logical_max = fix_max(g_.logical_min, g_.logical_max, g_.logical_max_size);
                f.physical_min = g_.physical_min;
                f.physical_max = fix_max(g_.physical_min, g_.physical_max, g_.physical_max_size);
                f.has_physical = g_.physical_min_set && g_.physical_max_set &&
                                 !(g_.physical_min == 0 && g_.physical_max == 0);
                f.unit_exponent = g_.unit_exponent;
                f.unit = g_.unit;
                f.flags = flags;
                out_.fields.push_back(std::move(f));
            }
        }
        offset += uint32_t(bits);
    }

    std::span<const uint8_t> bytes_;
    ParseLimits limits_;
    HidDescriptor out_;
    Globals g_;
    Locals l_;
    std::vector<Globals> pushed_;
    std::vector<PathNode> stack_; // open collections, outermost first
    std::map<std::pair<uint8_t, uint8_t>, uint32_t> offsets_;
};

} // namespace

const ReportLayout *HidDescriptor::report(ReportType type, uint8_t id) const {
    for (const auto &r : reports)
        if (r.type == type && r.report_id == id) return &r;
    return nullptr;
}

bool HidDescriptor::is_power_device() const {
    return std::any_of(applications.begin(), applications.end(), [](Usage u) {
        return usage_page(u) == 0x84 || usage_page(u) == 0x85;
    });
}

HidDescriptor parse_descriptor(std::span<const uint8_t> bytes, const ParseLimits &limits) {
    return Parser(bytes, limits).run();
}

} // namespace nutpp::usbhid
