// Reading and writing one field's value in a report buffer (as GET_REPORT returns it: report ID
// first when the device uses IDs), with HID's logical -> physical scaling.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "hid_descriptor.hpp"

namespace nutpp::usbhid {

// The field's logical value: its bits, little-endian, sign-extended when its logical minimum is
// negative. nullopt when the buffer is too short to hold the field (devices do send short reports)
// or starts with another report ID.
std::optional<int64_t> read_logical(const HidField &f, std::span<const uint8_t> report, bool with_id);

// Logical to physical value. When physical limits are absent (or both 0) HID says physical equals
// logical; otherwise linear between the limits, clamped to them.
double to_physical(const HidField &f, int64_t logical);
// And back, truncated towards zero like NUT (not rounded) and clamped to the logical range.
int64_t to_logical(const HidField &f, double physical);

// Power of ten the unit exponent stands for. HID's "SI linear" system measures in centimetres and
// grams, so a volt, watt or volt-ampere (g*cm^2/...) is 10^-7 of the SI unit and devices write Unit
// Exponent 7 to mean plain volts (5 = 1/100 V). An exponent of 0 means "not given": the value is
// taken as is, which is how the many descriptors that name a unit without an exponent are meant.
int unit_scale_exponent(const HidField &f);
// The value in NUT's units: physical value times the unit exponent's scale.
double field_value(const HidField &f, int64_t logical);
// Inverse of field_value, for SET_REPORT.
int64_t field_logical(const HidField &f, double value);
// What one logical step is worth in NUT's units (e.g. 60 s for a delay counted in minutes).
double field_resolution(const HidField &f);

// Stores `logical` in the field's bits of `report` (sized by the caller to the report's length).
// False when the field does not fit in the buffer.
bool write_logical(const HidField &f, std::span<uint8_t> report, bool with_id, int64_t logical);

} // namespace nutpp::usbhid
