#include "server/descriptions.hpp"

#include "common/strings.hpp"

#include <array>

namespace nutpp::server {

namespace {

constexpr std::array<Description, 72> kVars{{
    {"battery.charge", "Battery charge level (% of full)"},
    {"battery.charge.low", "Charge level at which the UPS signals low battery (%)"},
    {"battery.charge.restart", "Charge needed before the UPS powers the load again (%)"},
    {"battery.charge.warning", "Charge level at which the UPS raises a warning (%)"},
    {"battery.current", "Current flowing into or out of the battery (A)"},
    {"battery.date", "Date the battery was installed or last replaced"},
    {"battery.mfr.date", "Date the battery was made"},
    {"battery.packs", "Number of battery packs"},
    {"battery.packs.bad", "Number of battery packs needing replacement"},
    {"battery.runtime", "Estimated runtime left on battery (s)"},
    {"battery.runtime.low", "Runtime left at which the UPS signals low battery (s)"},
    {"battery.temperature", "Battery temperature (degrees C)"},
    {"battery.type", "Battery technology"},
    {"battery.voltage", "Present battery voltage (V)"},
    {"battery.voltage.nominal", "Rated battery voltage (V)"},
    {"device.mfr", "Device maker"},
    {"device.model", "Device model"},
    {"device.serial", "Device serial number"},
    {"device.type", "Kind of device (ups, pdu, ...)"},
    {"device.uptime", "Time since the device started (s)"},
    {"driver.name", "Driver serving this device"},
    {"driver.version", "Version of the driver package"},
    {"driver.version.internal", "Internal version of the driver"},
    {"input.current", "Input current (A)"},
    {"input.frequency", "Frequency of the input line (Hz)"},
    {"input.frequency.nominal", "Rated input line frequency (Hz)"},
    {"input.sensitivity", "How sensitive the UPS is to input line disturbances"},
    {"input.transfer.high", "Input voltage above which the UPS moves to battery (V)"},
    {"input.transfer.low", "Input voltage below which the UPS moves to battery (V)"},
    {"input.transfer.reason", "Why the UPS last moved to battery"},
    {"input.voltage", "Voltage of the input line (V)"},
    {"input.voltage.maximum", "Highest input voltage seen (V)"},
    {"input.voltage.minimum", "Lowest input voltage seen (V)"},
    {"input.voltage.nominal", "Rated input voltage (V)"},
    {"output.current", "Output current (A)"},
    {"output.current.nominal", "Rated output current (A)"},
    {"output.frequency", "Frequency delivered to the load (Hz)"},
    {"output.frequency.nominal", "Rated output frequency (Hz)"},
    {"output.voltage", "Voltage delivered to the load (V)"},
    {"output.voltage.nominal", "Rated output voltage (V)"},
    {"ups.alarm", "Active alarms reported by the UPS"},
    {"ups.beeper.status", "Whether the UPS beeper is enabled"},
    {"ups.contacts", "State of the UPS dry contacts"},
    {"ups.date", "Date kept by the UPS clock"},
    {"ups.delay.reboot", "Delay before a reboot command takes effect (s)"},
    {"ups.delay.shutdown", "Delay before a delayed shutdown takes effect (s)"},
    {"ups.delay.start", "Delay before the load is powered again after a shutdown (s)"},
    {"ups.efficiency", "Power efficiency of the UPS (%)"},
    {"ups.firmware", "Firmware version of the UPS"},
    {"ups.firmware.aux", "Firmware version of the auxiliary board"},
    {"ups.id", "Name given to the UPS by its owner"},
    {"ups.load", "Load on the UPS (% of capacity)"},
    {"ups.mfr", "UPS maker"},
    {"ups.mfr.date", "Date the UPS was made"},
    {"ups.model", "UPS model"},
    {"ups.power", "Apparent power drawn by the load (VA)"},
    {"ups.power.nominal", "Rated apparent power (VA)"},
    {"ups.productid", "USB product identifier"},
    {"ups.realpower", "Real power drawn by the load (W)"},
    {"ups.realpower.nominal", "Rated real power (W)"},
    {"ups.serial", "UPS serial number"},
    {"ups.start.auto", "Whether the UPS powers on when mains returns"},
    {"ups.start.battery", "Whether the UPS may be started on battery"},
    {"ups.status", "UPS state flags (OL, OB, LB, ...)"},
    {"ups.temperature", "Temperature inside the UPS (degrees C)"},
    {"ups.test.date", "When the last self test ran"},
    {"ups.test.interval", "Time between automatic self tests (s)"},
    {"ups.test.result", "Outcome of the last self test"},
    {"ups.time", "Time kept by the UPS clock"},
    {"ups.timer.reboot", "Time left before a pending reboot (s)"},
    {"ups.timer.shutdown", "Time left before a pending shutdown (s)"},
    {"ups.timer.start", "Time left before the load is powered again (s)"},
}};

constexpr std::array<Description, 32> kCmds{{
    {"beeper.disable", "Switch the UPS beeper off"},
    {"beeper.enable", "Switch the UPS beeper on"},
    {"beeper.mute", "Silence the beeper until the next event"},
    {"beeper.off", "Switch the UPS beeper off (old name)"},
    {"beeper.on", "Switch the UPS beeper on (old name)"},
    {"beeper.toggle", "Flip the beeper between on and off"},
    {"bypass.start", "Put the load on bypass"},
    {"bypass.stop", "Take the load off bypass"},
    {"calibrate.start", "Begin a runtime calibration"},
    {"calibrate.stop", "End a runtime calibration"},
    {"driver.exit", "Make the driver exit"},
    {"driver.killpower", "Tell the driver to cut UPS power now"},
    {"driver.reload", "Make the driver re-read its configuration"},
    {"driver.reload-or-error", "Re-read the configuration, failing if a restart would be needed"},
    {"driver.reload-or-exit", "Re-read the configuration, exiting if a restart is needed"},
    {"load.off", "Cut power to the load at once"},
    {"load.off.delay", "Cut power to the load after a delay"},
    {"load.on", "Power the load at once"},
    {"load.on.delay", "Power the load after a delay"},
    {"reset.input.minmax", "Clear the recorded input voltage extremes"},
    {"reset.watchdog", "Restart the UPS watchdog timer"},
    {"shutdown.reboot", "Cut the load, then power it again"},
    {"shutdown.reboot.graceful", "Cut the load after a delay, then power it again"},
    {"shutdown.return", "Cut the load and power it again when mains returns"},
    {"shutdown.stayoff", "Cut the load and keep it off when mains returns"},
    {"shutdown.stop", "Cancel a pending shutdown"},
    {"test.battery.start", "Begin a battery self test"},
    {"test.battery.start.deep", "Begin a deep battery self test"},
    {"test.battery.start.quick", "Begin a quick battery self test"},
    {"test.battery.stop", "Cancel a running battery self test"},
    {"test.failure.start", "Simulate a mains failure"},
    {"test.panel.start", "Begin a front panel test"},
}};

template <size_t N>
std::string_view find(const std::array<Description, N> &table, std::string_view name) {
    if (common::starts_with_i(name, "upstream.")) name.remove_prefix(9);
    for (const auto &d : table)
        if (common::iequals(d.name, name)) return d.text;
    return kNoDescription;
}

} // namespace

std::string_view var_description(std::string_view var) { return find(kVars, var); }
std::string_view cmd_description(std::string_view cmd) { return find(kCmds, cmd); }

} // namespace nutpp::server
