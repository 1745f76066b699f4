#include "hid_report.hpp"

#include <algorithm>
#include <cmath>

namespace nutpp::usbhid {

std::optional<int64_t> read_logical(const HidField &f, std::span<const uint8_t> report, bool with_id) {
    const size_t skip = with_id ? 1 : 0;
    if (with_id && (report.empty() || report[0] != f.report_id)) return std::nullopt;
    if (f.bit_size == 0 || f.bit_size > 32) return std::nullopt;
    const uint64_t last_bit = uint64_t(f.bit_offset) + f.bit_size;
    if ((last_bit + 7) / 8 + skip > report.size()) return std::nullopt;
    uint64_t v = 0;
    for (uint32_t i = 0; i < f.bit_size; ++i) {
        const uint64_t bit = uint64_t(f.bit_offset) + i;
        if (report[skip + bit / 8] & (1u << (bit % 8))) v |= uint64_t(1) << i;
    }
    if (f.logical_min < 0 && (v & (uint64_t(1) << (f.bit_size - 1))))
        return int64_t(v) - (int64_t(1) << f.bit_size);
    return int64_t(v);
}

double to_physical(const HidField &f, int64_t logical) {
    if (!f.has_physical || f.physical_max <= f.physical_min || f.logical_max <= f.logical_min)
        return double(logical);
    const double factor = double(f.physical_max - f.physical_min) / double(f.logical_max - f.logical_min);
    const double v = double(logical - f.logical_min) * factor + double(f.physical_min);
    return std::clamp(v, double(f.physical_min), double(f.physical_max));
}

// Truncates towards zero as NUT's physical_to_logical() does (a CyberPower delay of 30 s with 60 s
// per logical step is written as 0 minutes, not rounded up to 1); the tiny margin only keeps
// floating-point noise (2.9999999) from losing a whole step.
int64_t to_logical(const HidField &f, double physical) {
    const bool scaled = f.has_physical && f.physical_max > f.physical_min && f.logical_max > f.logical_min;
    double steps = physical;
    if (scaled)
        steps = (physical - double(f.physical_min)) * double(f.logical_max - f.logical_min) /
                double(f.physical_max - f.physical_min);
    const double margin = 1e-9 * std::max(1.0, std::fabs(steps));
    int64_t r = int64_t(std::trunc(steps + (steps < 0 ? -margin : margin)));
    if (scaled) r += f.logical_min;
    if (f.logical_max > f.logical_min) return std::clamp(r, f.logical_min, f.logical_max);
    return r;
}

// Physical units one logical step stands for, in NUT's units (60 for CyberPower's delays).
double field_resolution(const HidField &f) { return std::fabs(field_value(f, f.logical_min + 1) - field_value(f, f.logical_min)); }

int unit_scale_exponent(const HidField &f) {
    if (f.unit_exponent == 0) return 0;
    const uint32_t system = f.unit & 0xf, length = (f.unit >> 4) & 0xf, mass = (f.unit >> 8) & 0xf;
    const bool cgs_energy_like = system == 1 && length == 2 && mass == 1;
    return f.unit_exponent - (cgs_energy_like ? 7 : 0);
}

double field_value(const HidField &f, int64_t logical) {
    return to_physical(f, logical) * std::pow(10.0, unit_scale_exponent(f));
}

int64_t field_logical(const HidField &f, double value) {
    return to_logical(f, value / std::pow(10.0, unit_scale_exponent(f)));
}

bool write_logical(const HidField &f, std::span<uint8_t> report, bool with_id, int64_t logical) {
    const size_t skip = with_id ? 1 : 0;
    if (f.bit_size == 0 || f.bit_size > 32) return false;
    const uint64_t last_bit = uint64_t(f.bit_offset) + f.bit_size;
    if ((last_bit + 7) / 8 + skip > report.size()) return false;
    if (with_id) report[0] = f.report_id;
    const uint64_t v = uint64_t(logical);
    for (uint32_t i = 0; i < f.bit_size; ++i) {
        const uint64_t bit = uint64_t(f.bit_offset) + i;
        uint8_t &byte = report[skip + bit / 8];
        const uint8_t mask = uint8_t(1u << (bit % 8));
        byte = (v >> i) & 1 ? uint8_t(byte | mask) : uint8_t(byte & ~mask);
    }
    return true;
}

} // namespace nutpp::usbhid
