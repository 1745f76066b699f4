// The vendor quirk tables. Usage IDs of vendor pages come from the descriptors and NUT dumps in
// tests/testdata/hid (see the tests that check every row against NUT's decoded paths).
#include "vendor_quirks.hpp"

namespace nutpp::usbhid {

namespace {

constexpr Usage mge(uint16_t id) { return make_usage(0xffff, id); }

// ---- APC (051d): Back-UPS and Smart-UPS
const MappingRow kApcRows[] = {
    {RowKind::Variable, "UPS.PowerSummary.iVersion", "ups.firmware", Conversion::StringIndex},
};

// ---- CyberPower (0764)
const MappingRow kCyberPowerRows[] = {
    // CyberPower puts the firmware version string in iOEMInformation's neighbour and the battery
    // date string nowhere; NUT shows the OEM string as battery.mfr.date, and so do we.
    {RowKind::Variable, "UPS.PowerSummary.iOEMInformation", "battery.mfr.date", Conversion::StringIndex},
};
const LogicalLimitFix kCyberPowerLimits[] = {
    // Output.Voltage inherits LogicalMin/Max 136..142 from HighVoltageTransfer (CP1500PFCLCD).
    {"UPS.Output.Voltage", 0, 511},
    {"UPS.Input.Voltage", 0, 511},
};

// ---- Eaton / MGE (0463): MGE's vendor page 0xffff
const UsageName kMgeNames[] = {
    {mge(0x05), "USB"}, {mge(0x14), "Inverter"}, {mge(0x1c), "HistorySystem"}, {mge(0x1e), "Event"},
    {mge(0x1f), "EventID"}, {mge(0x22), "OverallAlarm"}, {mge(0x41), "ConverterType"},
    {mge(0x4a), "ShortCircuit"}, {mge(0x4d), "RemainingCapacityLimitSetting"}, {mge(0x74), "VoltageTooHigh"},
    {mge(0x75), "VoltageTooLow"}, {mge(0x94), "Mode"}, {mge(0x95), "Country"}, {mge(0x98), "Code"},
    {mge(0xe5), "System"}, {mge(0xe9), "Status"}, {mge(0xf0), "iModel"}, {mge(0xf1), "iVersion"},
    {mge(0xf4), "iReferenceNumber"},
};
const MappingRow kMgeRows[] = {
    {RowKind::Variable, "UPS.PowerSummary.iModel", "ups.model", Conversion::StringIndex},
    {RowKind::Variable, "UPS.Flow.[4].ConfigApparentPower", "ups.power.nominal"},
    {RowKind::Variable, "UPS.Flow.[4].ConfigVoltage", "output.voltage.nominal"},
    {RowKind::Variable, "UPS.Flow.[4].ConfigFrequency", "output.frequency.nominal"},
};

} // namespace

const VendorQuirks kVendors[] = {
    {0x051d, "APC", kApcRows, {}, {}, false, true},
    {0x0764, "CyberPower", kCyberPowerRows, {}, kCyberPowerLimits, true, false},
    {0x0463, "MGE/Eaton", kMgeRows, kMgeNames, {}, false, false},
    // Tripp Lite and Liebert: the generic Power Device paths cover what their descriptors carry
    // (checked for the Liebert GXT4); they are listed for matching and the udev rule.
    {0x09ae, "Tripp Lite", {}, {}, {}, false, false},
    {0x10af, "Liebert", {}, {}, {}, false, false},
};

std::span<const VendorQuirks> vendor_table() { return kVendors; }

const VendorQuirks *find_vendor(uint16_t vendor_id) {
    for (const auto &v : kVendors)
        if (v.vendor_id == vendor_id) return &v;
    return nullptr;
}

} // namespace nutpp::usbhid
