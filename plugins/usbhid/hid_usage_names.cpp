// Usage name tables, from the USB HID Usage Tables for Power Devices (pages 0x84 and 0x85).
#include "hid_usage_names.hpp"

#include <cstdio>

namespace nutpp::usbhid {

namespace {

constexpr Usage P(uint16_t id) { return make_usage(0x84, id); }
constexpr Usage B(uint16_t id) { return make_usage(0x85, id); }

const UsageName kStandardNames[] = {
    // Power Device page 0x84
    {P(0x01), "iName"}, {P(0x02), "PresentStatus"}, {P(0x03), "ChangedStatus"}, {P(0x04), "UPS"},
    {P(0x05), "PowerSupply"}, {P(0x10), "BatterySystem"}, {P(0x11), "BatterySystemID"},
    {P(0x12), "Battery"}, {P(0x13), "BatteryID"}, {P(0x14), "Charger"}, {P(0x15), "ChargerID"},
    {P(0x16), "PowerConverter"}, {P(0x17), "PowerConverterID"}, {P(0x18), "OutletSystem"},
    {P(0x19), "OutletSystemID"}, {P(0x1a), "Input"}, {P(0x1b), "InputID"}, {P(0x1c), "Output"},
    {P(0x1d), "OutputID"}, {P(0x1e), "Flow"}, {P(0x1f), "FlowID"}, {P(0x20), "Outlet"},
    {P(0x21), "OutletID"}, {P(0x22), "Gang"}, {P(0x23), "GangID"}, {P(0x24), "PowerSummary"},
    {P(0x25), "PowerSummaryID"}, {P(0x30), "Voltage"}, {P(0x31), "Current"}, {P(0x32), "Frequency"},
    {P(0x33), "ApparentPower"}, {P(0x34), "ActivePower"}, {P(0x35), "PercentLoad"},
    {P(0x36), "Temperature"}, {P(0x37), "Humidity"}, {P(0x38), "BadCount"},
    {P(0x40), "ConfigVoltage"}, {P(0x41), "ConfigCurrent"}, {P(0x42), "ConfigFrequency"},
    {P(0x43), "ConfigApparentPower"}, {P(0x44), "ConfigActivePower"}, {P(0x45), "ConfigPercentLoad"},
    {P(0x46), "ConfigTemperature"}, {P(0x47), "ConfigHumidity"}, {P(0x50), "SwitchOnControl"},
    {P(0x51), "SwitchOffControl"}, {P(0x52), "ToggleControl"}, {P(0x53), "LowVoltageTransfer"},
    {P(0x54), "HighVoltageTransfer"}, {P(0x55), "DelayBeforeReboot"}, {P(0x56), "DelayBeforeStartup"},
    {P(0x57), "DelayBeforeShutdown"}, {P(0x58), "Test"}, {P(0x59), "ModuleReset"},
    {P(0x5a), "AudibleAlarmControl"}, {P(0x60), "Present"}, {P(0x61), "Good"},
    {P(0x62), "InternalFailure"}, {P(0x63), "VoltageOutOfRange"}, {P(0x64), "FrequencyOutOfRange"},
    {P(0x65), "Overload"}, {P(0x66), "OverCharged"}, {P(0x67), "OverTemperature"},
    {P(0x68), "ShutdownRequested"}, {P(0x69), "ShutdownImminent"}, {P(0x6b), "SwitchOn/Off"},
    {P(0x6c), "Switchable"}, {P(0x6d), "Used"}, {P(0x6e), "Boost"}, {P(0x6f), "Buck"},
    {P(0x70), "Initialized"}, {P(0x71), "Tested"}, {P(0x72), "AwaitingPower"},
    {P(0x73), "CommunicationLost"}, {P(0xfd), "iManufacturer"}, {P(0xfe), "iProduct"},
    {P(0xff), "iSerialNumber"},
    // Battery System page 0x85
    {B(0x01), "SMBBatteryMode"}, {B(0x02), "SMBBatteryStatus"}, {B(0x03), "SMBAlarmWarning"},
    {B(0x04), "SMBChargerMode"}, {B(0x05), "SMBChargerStatus"}, {B(0x06), "SMBChargerSpecInfo"},
    {B(0x07), "SMBSelectorState"}, {B(0x08), "SMBSelectorPresets"}, {B(0x09), "SMBSelectorInfo"},
    {B(0x10), "OptionalMfgFunction1"}, {B(0x11), "OptionalMfgFunction2"},
    {B(0x12), "OptionalMfgFunction3"}, {B(0x13), "OptionalMfgFunction4"},
    {B(0x14), "OptionalMfgFunction5"}, {B(0x18), "ConnectionToSMBus"}, {B(0x19), "OutputConnection"},
    {B(0x1a), "ChargerConnection"}, {B(0x1b), "BatteryInsertion"}, {B(0x1c), "Usenext"},
    {B(0x1d), "OKToUse"}, {B(0x1e), "BatterySupported"}, {B(0x1f), "SelectorRevision"},
    {B(0x20), "ChargingIndicator"}, {B(0x28), "ManufacturerAccess"},
    {B(0x29), "RemainingCapacityLimit"}, {B(0x2a), "RemainingTimeLimit"}, {B(0x2b), "AtRate"},
    {B(0x2c), "CapacityMode"}, {B(0x2d), "BroadcastToCharger"}, {B(0x2e), "PrimaryBattery"},
    {B(0x2f), "ChargeController"}, {B(0x40), "TerminateCharge"}, {B(0x41), "TerminateDischarge"},
    {B(0x42), "BelowRemainingCapacityLimit"}, {B(0x43), "RemainingTimeLimitExpired"},
    {B(0x44), "Charging"}, {B(0x45), "Discharging"}, {B(0x46), "FullyCharged"},
    {B(0x47), "FullyDischarged"}, {B(0x48), "ConditioningFlag"}, {B(0x49), "AtRateOK"},
    {B(0x4a), "SMBErrorCode"}, {B(0x4b), "NeedReplacement"}, {B(0x60), "AtRateTimeToFull"},
    {B(0x61), "AtRateTimeToEmpty"}, {B(0x62), "AverageCurrent"}, {B(0x63), "Maxerror"},
    {B(0x64), "RelativeStateOfCharge"}, {B(0x65), "AbsoluteStateOfCharge"},
    {B(0x66), "RemainingCapacity"}, {B(0x67), "FullChargeCapacity"}, {B(0x68), "RunTimeToEmpty"},
    {B(0x69), "AverageTimeToEmpty"}, {B(0x6a), "AverageTimeToFull"}, {B(0x6b), "CycleCount"},
    {B(0x80), "BattPackModelLevel"}, {B(0x81), "InternalChargeController"},
    {B(0x82), "PrimaryBatterySupport"}, {B(0x83), "DesignCapacity"}, {B(0x84), "SpecificationInfo"},
    {B(0x85), "ManufacturerDate"}, {B(0x86), "SerialNumber"}, {B(0x87), "iManufacturerName"},
    {B(0x88), "iDevicename"}, {B(0x89), "iDeviceChemistry"}, {B(0x8a), "ManufacturerData"},
    {B(0x8b), "Rechargeable"}, {B(0x8c), "WarningCapacityLimit"}, {B(0x8d), "CapacityGranularity1"},
    {B(0x8e), "CapacityGranularity2"}, {B(0x8f), "iOEMInformation"}, {B(0xc0), "InhibitCharge"},
    {B(0xc1), "EnablePolling"}, {B(0xc2), "ResetToZero"}, {B(0xd0), "ACPresent"},
    {B(0xd1), "BatteryPresent"}, {B(0xd2), "PowerFail"}, {B(0xd3), "AlarmInhibited"},
    {B(0xd4), "ThermistorUnderRange"}, {B(0xd5), "ThermistorHot"}, {B(0xd6), "ThermistorCold"},
    {B(0xd7), "ThermistorOverRange"}, {B(0xd8), "VoltageOutOfRange"}, {B(0xd9), "CurrentOutOfRange"},
    {B(0xda), "CurrentNotRegulated"}, {B(0xdb), "VoltageNotRegulated"}, {B(0xdc), "MasterMode"},
    {B(0xf0), "ChargerSelectorSupport"}, {B(0xf1), "ChargerSpec"}, {B(0xf2), "Level2"},
    {B(0xf3), "Level3"},
};

const char *find(Usage u, const UsageName *begin, const UsageName *end) {
    for (const UsageName *n = begin; n != end; ++n)
        if (n->usage == u) return n->name;
    return nullptr;
}

} // namespace

std::string usage_name(Usage u, const std::vector<UsageName> &extra) {
    if (const char *n = find(u, extra.data(), extra.data() + extra.size())) return n;
    if (const char *n = find(u, std::begin(kStandardNames), std::end(kStandardNames))) return n;
    char hex[9];
    std::snprintf(hex, sizeof hex, "%08x", unsigned(u));
    return hex;
}

std::string path_string(const std::vector<PathNode> &path, const std::vector<UsageName> &extra) {
    std::string s;
    for (const auto &node : path) {
        if (!s.empty()) s += '.';
        s += usage_name(node.usage, extra);
        if (node.index >= 0) s += ".[" + std::to_string(node.index) + "]";
    }
    return s;
}

} // namespace nutpp::usbhid
