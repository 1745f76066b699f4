// The generic HID usage path -> NUT mapping, as data. One table, one row per (path, purpose):
//   Variable rows publish a field's value as a NUT variable (several rows may name the same
//     variable with different paths: the first path the device has wins, in table order);
//   Status rows turn a one-bit flag into a ups.status token;
//   Command rows are the SET_REPORT writes of an instant command (one row per step).
// Vendor quirk tables (vendor_quirks.hpp) add rows of the same shape in front of these.
#pragma once

#include <span>
#include <string>

#include <nutpp/support/enum_text.hpp>

namespace nutpp::usbhid {

enum class RowKind { Variable, Status, Command };

// How a field's value becomes the NUT text (and back for writable variables).
enum class Conversion {
    Number,        // the value, printed with `decimals`
    StringIndex,   // a USB string descriptor index: publish the string
    // APC's iProduct string "Back-UPS CS 500 FW:808.q8.I USB FW:q8" (string index, as StringIndex)
    // split the way NUT's apc-hid.c publishes it: model before " FW:", firmware after "FW:" (up to
    // " USB FW:"), auxiliary firmware after "USB FW:". A part that is not there is not published.
    ProductModelPart,
    ProductFirmwarePart,
    ProductFirmwareAuxPart,
    // HID date (day bits 0-4, month bits 5-8, years since 1980 from bit 9) as NUT prints it, "YYYY/MM/DD".
    Date,
    Enum,   // the row's `texts` (value -> NUT text, and back for writable variables); no text: unpublished
    Fixed,  // `fixed_text`, published whenever the device has the path (NUT's HU_FLAG_ABSENT defaults)
};

// The Conversion::Date text of a HID date value; "" for 0 (no date).
std::string hid_date_text(double value);

// The part of an APC product string named by `conversion` (one of the Product*Part values); "" if absent.
std::string apc_product_part(const std::string &product, Conversion conversion);

// Where a command step's value comes from.
enum class CommandValue {
    Constant,      // `value`
    OffDelay,      // the ups.delay.shutdown setting (NUT's offdelay, seconds)
    OnDelay,       // the ups.delay.start setting (NUT's ondelay, seconds)
};

struct MappingRow {
    RowKind kind;
    const char *hid_path;     // NUT's dotted usage path
    const char *nut_name;     // variable name, status token or command name
    Conversion conversion = Conversion::Number;
    int decimals = 0;         // Variable: digits after the point, as NUT prints it
    bool writable = false;    // Variable: SET VAR writes the field through SET_REPORT
    int status_when = 1;      // Status: the token is set while the flag has this value
    CommandValue command_value = CommandValue::Constant;
    double value = 0;         // Command: the value written (CommandValue::Constant)
    int step = 0;             // Command: order of the writes of one command
    std::span<const support::EnumText> texts = {}; // Conversion::Enum
    const char *fixed_text = nullptr;              // Conversion::Fixed
};

// A Conversion::Enum variable row (the common shape of vendor rows too).
constexpr MappingRow enum_var(const char *path, const char *nut, std::span<const support::EnumText> texts,
                              bool writable = false) {
    return {.kind = RowKind::Variable, .hid_path = path, .nut_name = nut, .conversion = Conversion::Enum,
            .writable = writable, .texts = texts};
}
// A Conversion::Fixed row: `text` while the device has `path` (NUT: HU_FLAG_ABSENT).
constexpr MappingRow fixed_var(const char *path, const char *nut, const char *text) {
    return {.kind = RowKind::Variable, .hid_path = path, .nut_name = nut, .conversion = Conversion::Fixed,
            .fixed_text = text};
}

// HID AudibleAlarmControl and Test values -> NUT's texts (usbhid-ups' beeper_info and test_read_info).
inline constexpr support::EnumText kHidBeeper[] = {{1, "disabled"}, {2, "enabled"}, {3, "muted"}};
inline constexpr support::EnumText kHidTestResults[] = {
    {1, "Done and passed"}, {2, "Done and warning"}, {3, "Done and error"},
    {4, "Aborted"},         {5, "In progress"},      {6, "No test initiated"}};
// usbhid-ups' yes_no_info and on_off_info.
inline constexpr support::EnumText kHidYesNo[] = {{0, "no"}, {1, "yes"}};
inline constexpr support::EnumText kHidOnOff[] = {{0, "off"}, {1, "on"}};

std::span<const MappingRow> generic_mapping();

} // namespace nutpp::usbhid
