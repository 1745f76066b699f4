// The exported descriptor of the serial plugin (nutpp-serial.so): Megatec/Q1 (NUT blazer_ser,
// nutdrv_qx serial) and APC Smart (NUT apcsmart) over a serial line.
#include <nutpp/driver.hpp>

#include "serial_driver.hpp"

namespace {

const char *const kProtocols[] = {"auto", "megatec", "apcsmart", nullptr};
const char *const kCablePower[] = {"normal", "reverse", "both", "none", nullptr};

const nutpp_config_key kKeys[] = {
    {"port", NUTPP_TYPE_STRING, nullptr, "Serial device the UPS is on, e.g. /dev/ttyS0 or /dev/ttyUSB0",
     NUTPP_KEY_REQUIRED, nullptr},
    {"protocol", NUTPP_TYPE_ENUM, "auto",
     "auto (try Megatec Q1, then APC Smart 'Y'), megatec (Q1 family, Voltronic detected by QPI) or apcsmart", 0,
     kProtocols},
    {"baud_rate", NUTPP_TYPE_INTEGER, "2400", "Line speed (both protocols use 2400 8N1 unless the unit says otherwise)",
     0, nullptr},
    {"cablepower", NUTPP_TYPE_ENUM, nullptr,
     "Modem lines that power the cable: normal (DTR on, RTS off), reverse, both, none; default normal for "
     "megatec, none for apcsmart",
     0, kCablePower},
    {"reply_timeout", NUTPP_TYPE_NUMBER, "1", "Seconds to wait for one reply before the poll fails (nutpp)", 0,
     nullptr},
    {"offdelay", NUTPP_TYPE_INTEGER, "30", "Megatec: seconds before shutdown.return/stayoff cut the output (12..600)",
     0, nullptr},
    {"ondelay", NUTPP_TYPE_INTEGER, "3", "Megatec: minutes before shutdown.return restores the output (0..9999)", 0,
     nullptr},
    {"norating", NUTPP_TYPE_BOOL, "false", "Megatec: do not ask for rating information ('F')", 0, nullptr},
    {"novendor", NUTPP_TYPE_BOOL, "false", "Megatec: do not ask for vendor information ('I')", 0, nullptr},
    {"apc_repeat_pause", NUTPP_TYPE_NUMBER, "1.6",
     "APC: seconds between the two halves of K/Z/^N commands (the UPS wants more than 1.5)", 0, nullptr},
};

const char *const kVariables[] = {
    "input.voltage", "input.voltage.fault", "output.voltage", "ups.load", "input.frequency", "battery.voltage",
    "ups.temperature", "ups.type", "ups.beeper.status", "ups.mfr", "ups.model", "ups.firmware", "ups.firmware.aux",
    "input.voltage.nominal", "input.current.nominal", "battery.voltage.nominal", "input.frequency.nominal",
    "ups.delay.shutdown", "ups.delay.start", "ups.firmware.old", "ups.serial", "ups.mfr.date",
    "output.voltage.nominal", "battery.date", "ups.id", "input.transfer.low", "input.transfer.high",
    "input.sensitivity", "battery.runtime.low", "battery.charge.restart", "battery.alarm.threshold",
    "ups.test.interval", "battery.packs", "input.voltage.maximum", "input.voltage.minimum", "output.current",
    "battery.charge", "battery.runtime", "input.quality", "input.transfer.reason", "ups.test.result", nullptr};

const char *const kCommands[] = {
    "test.battery.start.quick", "test.battery.start.deep", "test.battery.start", "test.battery.stop",
    "beeper.toggle", "beeper.enable", "beeper.disable", "shutdown.return", "shutdown.stayoff", "shutdown.stop",
    "load.off", "load.on", "test.panel.start", "test.failure.start", "calibrate.start", "calibrate.stop", nullptr};

} // namespace

extern "C" NUTPP_EXPORT const nutpp_driver_descriptor nutpp_driver_v1 = {
    sizeof(nutpp_driver_descriptor),
    NUTPP_ABI_MAJOR,
    NUTPP_ABI_MINOR,
    "org.nutpp.serial",
    "serial",
    "0.1.0",
    "nutpp project",
    "Serial UPSes: Megatec/Q1 family (NUT blazer_ser/nutdrv_qx) and APC Smart protocol (NUT apcsmart)",
    NUTPP_TRANSPORT_SERIAL,
    kKeys,
    static_cast<uint32_t>(sizeof kKeys / sizeof kKeys[0]),
    sizeof(nutpp_config_key),
    kVariables,
    kCommands,
    nullptr,
    nullptr,
    &nutpp::driver_ops<nutpp::serial::SerialDriver>,
};
