// The exported descriptor of the serial plugin (nutpp-serial.so): Megatec/Q1 (NUT blazer_ser,
// nutdrv_qx serial) and APC Smart (NUT apcsmart) over a serial line.
#include <nutpp/driver.hpp>

#include "serial_driver.hpp"

namespace {

const char *const kProtocols[] = {"auto", "megatec", "apcsmart", nullptr};
const char *const kCablePower[] = {"normal", "reverse", "both", "none", nullptr};
const char *const kSdTypes[] = {"0", "1", "2", "3", "4", "5", nullptr};

const nutpp_config_key kKeys[] = {
    {"port", NUTPP_TYPE_STRING, nullptr, "Serial device the UPS is on, e.g. /dev/ttyS0 or /dev/ttyUSB0",
     NUTPP_KEY_REQUIRED, nullptr, 0, 0},
    {"protocol", NUTPP_TYPE_ENUM, "auto",
     "auto (try Megatec Q1, then APC Smart 'Y'), megatec (Q1 family, Voltronic detected by QPI) or apcsmart", 0,
     kProtocols, 0, 0},
    {"baud_rate", NUTPP_TYPE_INTEGER, "2400", "Line speed (both protocols use 2400 8N1 unless the unit says otherwise)",
     0, nullptr, 0, 0},
    {"cablepower", NUTPP_TYPE_ENUM, nullptr,
     "Modem lines that power the cable: normal (DTR on, RTS off), reverse, both, none; default normal for "
     "megatec, none for apcsmart",
     0, kCablePower, 0, 0},
    // Ranges (NUTPP_KEY_RANGE) are checked by the host, with the config file's line, before create().
    {"reply_timeout", NUTPP_TYPE_NUMBER, "1", "Seconds to wait for one reply before the poll fails (nutpp)",
     NUTPP_KEY_RANGE, nullptr, 0.05, 3},
    {"offdelay", NUTPP_TYPE_INTEGER, "30", "Megatec: seconds before shutdown.return/stayoff cut the output (12..600)",
     NUTPP_KEY_RANGE, nullptr, 12, 600},
    {"ondelay", NUTPP_TYPE_INTEGER, "3", "Megatec: minutes before shutdown.return restores the output (0..9999)",
     NUTPP_KEY_RANGE, nullptr, 0, 9999},
    {"norating", NUTPP_TYPE_BOOL, "false", "Megatec: do not ask for rating information ('F')", 0, nullptr, 0, 0},
    {"novendor", NUTPP_TYPE_BOOL, "false", "Megatec: do not ask for vendor information ('I')", 0, nullptr, 0, 0},
    {"runtimecal", NUTPP_TYPE_STRING, nullptr,
     "Megatec: runtime,load,runtime,load (e.g. 240,100,720,50: 240 s at 100 %, 720 s at 50 %) to estimate "
     "battery.runtime and battery.charge as NUT's nutdrv_qx does",
     0, nullptr, 0, 0},
    {"chargetime", NUTPP_TYPE_INTEGER, "43200", "Megatec: seconds to recharge an empty battery (with runtimecal)", 0,
     nullptr, 0, 0},
    {"idleload", NUTPP_TYPE_NUMBER, "10", "Megatec: lowest load (%) the runtime estimate assumes (with runtimecal)",
     0, nullptr, 0, 0},
    {"battery_voltage_reports_one_pack", NUTPP_TYPE_BOOL, "false",
     "Megatec: the UPS reports one pack's voltage; multiply battery.voltage by battery.packs", 0, nullptr, 0, 0},
    {"cable", NUTPP_TYPE_STRING, nullptr,
     "APC: the cable, as NUT apcsmart: 940-0024C (default smart cable) or 940-0095B (dual-mode: DTR on, RTS off)",
     0, nullptr, 0, 0},
    {"sdtype", NUTPP_TYPE_ENUM, "0",
     "APC: shutdown.default method, as NUT apcsmart: 0 S on battery / @ on line, 1 S then @, 2 Z, 3 K, 4 CS hack, "
     "5 @",
     0, kSdTypes, 0, 0},
    {"advorder", NUTPP_TYPE_STRING, nullptr,
     "APC: shutdown.default tries these in turn until one works, as NUT apcsmart: digits 0 S, 1 @, 2 K, 3 Z, 4 CS "
     "hack (e.g. 104); 'no' = use sdtype",
     0, nullptr, 0, 0},
    {"awd", NUTPP_TYPE_STRING, nullptr,
     "APC: hard hibernate ('@') additional wake-up delay, 1..3 digits in 6-minute units (default 000)", 0, nullptr,
     0, 0},
    {"cshdelay", NUTPP_TYPE_STRING, nullptr, "APC: seconds between U and S in the CS hack (default 3.5)", 0,
     nullptr, 0, 0},
    {"confirm_window", NUTPP_TYPE_STRING, "3-15",
     "APC: shutdown.return(.grace), shutdown.stayoff and load.off act only when requested twice, the second "
     "time MIN-MAX seconds after the first (NUT apcsmart's rule); 'off' = act on the first request",
     0, nullptr, 0, 0},
    {"apc_repeat_pause", NUTPP_TYPE_NUMBER, "1.6",
     "APC: seconds between the two halves of K/Z/^N commands (the UPS wants more than 1.5)", 0, nullptr, 0, 0},
};

const char *const kVariables[] = {
    "input.voltage", "input.voltage.fault", "output.voltage", "ups.load", "input.frequency", "battery.voltage",
    "ups.temperature", "ups.type", "ups.beeper.status", "ups.mfr", "ups.model", "device.mfr", "device.model", "ups.firmware", "ups.firmware.aux",
    "input.voltage.nominal", "input.current.nominal", "battery.voltage.nominal", "input.frequency.nominal",
    "ups.delay.shutdown", "ups.delay.start", "ups.serial", "ups.mfr.date",
    "output.voltage.nominal", "battery.date", "ups.id", "input.transfer.low", "input.transfer.high",
    "input.sensitivity", "battery.runtime.low", "battery.charge.restart", "battery.alarm.threshold",
    "ups.test.interval", "battery.packs", "input.voltage.maximum", "input.voltage.minimum", "output.current",
    "battery.charge", "battery.runtime", "battery.voltage.low", "battery.voltage.high", "input.quality",
    "input.transfer.reason", "ups.test.result", nullptr};

const char *const kCommands[] = {
    "test.battery.start.quick", "test.battery.start.deep", "test.battery.start", "test.battery.stop",
    "beeper.toggle", "beeper.enable", "beeper.disable", "shutdown.return", "shutdown.stayoff", "shutdown.stop",
    "load.off", "load.on", "shutdown.return.grace", "shutdown.default", "test.panel.start", "test.failure.start",
    "calibrate.start", "calibrate.stop", nullptr};

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
    nullptr, // library_init_ex (ABI 1.2): none
};
