// The generic mapping table. Paths are the ones the HID Power Device class defines and that
// UPSes of many vendors use; a device nobody tested still gets every variable whose path it has.
#include "nut_mapping.hpp"

#include <cmath>
#include <cstdio>

namespace nutpp::usbhid {

namespace {

using K = RowKind;
using C = Conversion;
using V = CommandValue;

constexpr MappingRow var(const char *path, const char *nut, int decimals = 0, C conv = C::Number) {
    return {K::Variable, path, nut, conv, decimals, false, 1, V::Constant, 0, 0};
}
constexpr MappingRow rw(const char *path, const char *nut) {
    return {K::Variable, path, nut, C::Number, 0, true, 1, V::Constant, 0, 0};
}
constexpr MappingRow test_result(const char *path) { return enum_var(path, "ups.test.result", kHidTestResults); }
constexpr MappingRow beeper(const char *path) { return enum_var(path, "ups.beeper.status", kHidBeeper, true); }
constexpr MappingRow flag(const char *path, const char *token, int when = 1) {
    return {K::Status, path, token, C::Number, 0, false, when, V::Constant, 0, 0};
}
constexpr MappingRow cmd(const char *path, const char *name, double value, int step = 0,
                         V source = V::Constant) {
    return {K::Command, path, name, C::Number, 0, false, 1, source, value, step};
}

const MappingRow kGeneric[] = {
    // battery.*
    var("UPS.PowerSummary.RemainingCapacity", "battery.charge"),
    var("UPS.BatterySystem.Battery.RemainingCapacity", "battery.charge"),
    var("UPS.Battery.RemainingCapacity", "battery.charge"),
    rw("UPS.PowerSummary.RemainingCapacityLimit", "battery.charge.low"),
    rw("UPS.Battery.RemainingCapacityLimit", "battery.charge.low"),
    var("UPS.PowerSummary.WarningCapacityLimit", "battery.charge.warning"),
    var("UPS.PowerSummary.RunTimeToEmpty", "battery.runtime"),
    var("UPS.BatterySystem.Battery.RunTimeToEmpty", "battery.runtime"),
    var("UPS.Battery.RunTimeToEmpty", "battery.runtime"),
    rw("UPS.PowerSummary.RemainingTimeLimit", "battery.runtime.low"),
    rw("UPS.Battery.RemainingTimeLimit", "battery.runtime.low"),
    var("UPS.PowerSummary.Voltage", "battery.voltage", 1),
    var("UPS.BatterySystem.Battery.Voltage", "battery.voltage", 1),
    var("UPS.Battery.Voltage", "battery.voltage", 1),
    var("UPS.PowerSummary.ConfigVoltage", "battery.voltage.nominal"),
    var("UPS.BatterySystem.Battery.ConfigVoltage", "battery.voltage.nominal"),
    var("UPS.Battery.ConfigVoltage", "battery.voltage.nominal"),
    var("UPS.PowerSummary.iDeviceChemistry", "battery.type", 0, C::StringIndex),
    var("UPS.BatterySystem.Battery.Temperature", "battery.temperature", 1),
    // input.* / output.*
    var("UPS.Input.Voltage", "input.voltage", 1),
    var("UPS.PowerConverter.Input.Voltage", "input.voltage", 1),
    var("UPS.Input.ConfigVoltage", "input.voltage.nominal"),
    var("UPS.Input.Frequency", "input.frequency", 1),
    var("UPS.PowerConverter.Input.Frequency", "input.frequency", 1),
    rw("UPS.Input.LowVoltageTransfer", "input.transfer.low"),
    rw("UPS.PowerConverter.Output.LowVoltageTransfer", "input.transfer.low"),
    rw("UPS.Input.HighVoltageTransfer", "input.transfer.high"),
    rw("UPS.PowerConverter.Output.HighVoltageTransfer", "input.transfer.high"),
    var("UPS.Output.Voltage", "output.voltage", 1),
    var("UPS.PowerConverter.Output.Voltage", "output.voltage", 1),
    var("UPS.Output.ConfigVoltage", "output.voltage.nominal"),
    var("UPS.Output.Frequency", "output.frequency", 1),
    var("UPS.Output.Current", "output.current", 2),
    // ups.*
    var("UPS.PowerSummary.iManufacturer", "ups.mfr", 0, C::StringIndex),
    var("UPS.iManufacturer", "ups.mfr", 0, C::StringIndex),
    var("UPS.PowerSummary.iProduct", "ups.model", 0, C::StringIndex),
    var("UPS.iProduct", "ups.model", 0, C::StringIndex),
    var("UPS.PowerSummary.iSerialNumber", "ups.serial", 0, C::StringIndex),
    var("UPS.iSerialNumber", "ups.serial", 0, C::StringIndex),
    var("UPS.Output.PercentLoad", "ups.load"),
    var("UPS.PowerSummary.PercentLoad", "ups.load"),
    var("UPS.PowerConverter.PercentLoad", "ups.load"),
    var("UPS.Output.ConfigApparentPower", "ups.power.nominal"),
    var("UPS.Flow.ConfigApparentPower", "ups.power.nominal"),
    var("UPS.Output.ConfigActivePower", "ups.realpower.nominal"),
    var("UPS.PowerConverter.ConfigActivePower", "ups.realpower.nominal"),
    var("UPS.Output.ActivePower", "ups.realpower"),
    var("UPS.Output.ApparentPower", "ups.power"),
    var("UPS.Output.DelayBeforeShutdown", "ups.timer.shutdown"),
    var("UPS.PowerSummary.DelayBeforeShutdown", "ups.timer.shutdown"),
    var("UPS.Output.DelayBeforeStartup", "ups.timer.start"),
    var("UPS.PowerSummary.DelayBeforeStartup", "ups.timer.start"),
    var("UPS.Output.DelayBeforeReboot", "ups.timer.reboot"),
    test_result("UPS.BatterySystem.Battery.Test"),
    test_result("UPS.Battery.Test"),
    test_result("UPS.Output.Test"),
    beeper("UPS.PowerSummary.AudibleAlarmControl"),
    beeper("UPS.AudibleAlarmControl"),
    beeper("UPS.BatterySystem.Battery.AudibleAlarmControl"),
    var("UPS.PowerSummary.Temperature", "ups.temperature", 1),

    // ups.status flags, wherever the device puts its PresentStatus
    flag("UPS.PowerSummary.PresentStatus.ACPresent", "OL"),
    flag("UPS.PowerSummary.PresentStatus.ACPresent", "OB", 0),
    flag("UPS.PresentStatus.ACPresent", "OL"),
    flag("UPS.PresentStatus.ACPresent", "OB", 0),
    flag("UPS.PowerSummary.ACPresent", "OL"),
    flag("UPS.PowerSummary.ACPresent", "OB", 0),
    flag("UPS.PowerSummary.PresentStatus.Discharging", "DISCHRG"),
    flag("UPS.PresentStatus.Discharging", "DISCHRG"),
    flag("UPS.PowerSummary.Discharging", "DISCHRG"),
    flag("UPS.PowerSummary.PresentStatus.Charging", "CHRG"),
    flag("UPS.PresentStatus.Charging", "CHRG"),
    flag("UPS.PowerSummary.Charging", "CHRG"),
    flag("UPS.PowerSummary.PresentStatus.BelowRemainingCapacityLimit", "LB"),
    flag("UPS.PowerSummary.BelowRemainingCapacityLimit", "LB"),
    flag("UPS.PowerSummary.PresentStatus.RemainingTimeLimitExpired", "LB"),
    flag("UPS.PowerSummary.PresentStatus.ShutdownImminent", "LB"),
    flag("UPS.PowerSummary.ShutdownImminent", "LB"),
    flag("UPS.PowerSummary.PresentStatus.Overload", "OVER"),
    flag("UPS.PresentStatus.Overload", "OVER"),
    flag("UPS.Output.Overload", "OVER"),
    flag("UPS.PowerSummary.PresentStatus.NeedReplacement", "RB"),
    flag("UPS.PresentStatus.NeedReplacement", "RB"),
    flag("UPS.PowerConverter.Input.PresentStatus.Boost", "BOOST"),
    flag("UPS.Output.Boost", "BOOST"),
    flag("UPS.PowerConverter.Input.PresentStatus.Buck", "TRIM"),
    flag("UPS.Output.Buck", "TRIM"),

    // instant commands
    cmd("UPS.PowerSummary.AudibleAlarmControl", "beeper.enable", 2),
    cmd("UPS.PowerSummary.AudibleAlarmControl", "beeper.disable", 1),
    cmd("UPS.PowerSummary.AudibleAlarmControl", "beeper.mute", 3),
    cmd("UPS.AudibleAlarmControl", "beeper.enable", 2),
    cmd("UPS.AudibleAlarmControl", "beeper.disable", 1),
    cmd("UPS.AudibleAlarmControl", "beeper.mute", 3),
    cmd("UPS.BatterySystem.Battery.Test", "test.battery.start.quick", 1),
    cmd("UPS.BatterySystem.Battery.Test", "test.battery.start.deep", 2),
    cmd("UPS.BatterySystem.Battery.Test", "test.battery.stop", 3),
    cmd("UPS.Battery.Test", "test.battery.start.quick", 1),
    cmd("UPS.Battery.Test", "test.battery.start.deep", 2),
    cmd("UPS.Battery.Test", "test.battery.stop", 3),
    cmd("UPS.Output.Test", "test.battery.start.quick", 1),
    cmd("UPS.Output.Test", "test.battery.start.deep", 2),
    cmd("UPS.Output.Test", "test.battery.stop", 3),
    cmd("UPS.Output.DelayBeforeShutdown", "load.off.delay", 0, 0, V::OffDelay),
    cmd("UPS.PowerSummary.DelayBeforeShutdown", "load.off.delay", 0, 0, V::OffDelay),
    cmd("UPS.Output.DelayBeforeShutdown", "shutdown.stop", -1),
    cmd("UPS.PowerSummary.DelayBeforeShutdown", "shutdown.stop", -1),
    // shutdown.return: restart ondelay after the power returns, then cut the load after offdelay
    cmd("UPS.Output.DelayBeforeStartup", "shutdown.return", 0, 0, V::OnDelay),
    cmd("UPS.PowerSummary.DelayBeforeStartup", "shutdown.return", 0, 0, V::OnDelay),
    cmd("UPS.Output.DelayBeforeShutdown", "shutdown.return", 0, 1, V::OffDelay),
    cmd("UPS.PowerSummary.DelayBeforeShutdown", "shutdown.return", 0, 1, V::OffDelay),
    // shutdown.stayoff: no restart (-1), then cut the load after offdelay
    cmd("UPS.Output.DelayBeforeStartup", "shutdown.stayoff", -1, 0),
    cmd("UPS.PowerSummary.DelayBeforeStartup", "shutdown.stayoff", -1, 0),
    cmd("UPS.Output.DelayBeforeShutdown", "shutdown.stayoff", 0, 1, V::OffDelay),
    cmd("UPS.PowerSummary.DelayBeforeShutdown", "shutdown.stayoff", 0, 1, V::OffDelay),
};

} // namespace

std::string hid_date_text(double value) {
    const long v = std::lround(value);
    if (v <= 0) return {};
    char buf[32]; // room for any long, so the compiler can see nothing is cut
    std::snprintf(buf, sizeof buf, "%04ld/%02ld/%02ld", 1980 + (v >> 9), (v >> 5) & 0x0f, v & 0x1f);
    return buf;
}

std::string apc_product_part(const std::string &product, Conversion conversion) {
    auto trim = [](std::string t) {
        while (!t.empty() && t.back() == ' ') t.pop_back();
        while (!t.empty() && t.front() == ' ') t.erase(0, 1);
        return t;
    };
    const auto fw = product.find("FW:");
    const auto usb = product.find("USB FW:");
    switch (conversion) {
    case Conversion::ProductModelPart: return trim(product.substr(0, fw));
    case Conversion::ProductFirmwarePart:
        if (fw == std::string::npos || fw == usb + 4) return {};
        return trim(product.substr(fw + 3, usb == std::string::npos ? std::string::npos : usb - fw - 3));
    case Conversion::ProductFirmwareAuxPart:
        return usb == std::string::npos ? std::string{} : trim(product.substr(usb + 7));
    default: return product;
    }
}

std::span<const MappingRow> generic_mapping() { return kGeneric; }

} // namespace nutpp::usbhid
