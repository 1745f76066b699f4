// The exported descriptor of the modbus plugin (nutpp-modbus.so): Modbus RTU and TCP UPSes read
// through register maps (NUT apc_modbus, huawei-ups2000, socomec_jbus, phoenixcontact_modbus and
// generic_modbus as built-in maps,
// and user maps in YAML).
#include <nutpp/driver.hpp>

#include "modbus_driver.hpp"
#include "modbus_link.hpp"

namespace {

const char *const kParity[] = {"N", "E", "O", nullptr};

const nutpp_config_key kKeys[] = {
    {"port", NUTPP_TYPE_STRING, nullptr,
     "RTU: the serial device (/dev/ttyUSB0); TCP: host[:502], [IPv6]:port", NUTPP_KEY_REQUIRED, nullptr, 0, 0},
    {"map", NUTPP_TYPE_STRING, nullptr,
     "Register map: built-in apc_modbus, huawei_ups2000, socomec_jbus, phoenixcontact_quint or generic (NUT generic_modbus contacts, <state>_addr keys), or the path of a user map (YAML, see README)",
     NUTPP_KEY_REQUIRED, nullptr, 0, 0},
    {"slaveid", NUTPP_TYPE_INTEGER, nullptr, "Modbus slave (unit) id (default: the map's, 1 for most, 192 for phoenixcontact_quint; with map generic 5, as NUT generic_modbus)",
     NUTPP_KEY_RANGE, nullptr, 0, 247},
    {"rio_slave_id", NUTPP_TYPE_INTEGER, nullptr, "Same as slaveid (NUT generic_modbus's name)", NUTPP_KEY_RANGE,
     nullptr, 0, 247},
    {"response_timeout", NUTPP_TYPE_NUMBER, "0.5", "Seconds to wait for one answer", NUTPP_KEY_RANGE, nullptr,
     0.02, 10},
    {"retries", NUTPP_TYPE_INTEGER, "1",
     "Extra attempts of a request that timed out or came back corrupt, within one poll", NUTPP_KEY_RANGE, nullptr,
     0, 5},
    {"ser_baud_rate", NUTPP_TYPE_INTEGER, "9600", "RTU line speed", NUTPP_KEY_RANGE, nullptr, 300, 921600},
    {"ser_parity", NUTPP_TYPE_ENUM, "N", "RTU parity: N, E or O", 0, kParity, 0, 0},
    {"ser_data_bit", NUTPP_TYPE_INTEGER, "8", "RTU data bits", NUTPP_KEY_RANGE, nullptr, 5, 8},
    {"ser_stop_bit", NUTPP_TYPE_INTEGER, "1", "RTU stop bits", NUTPP_KEY_RANGE, nullptr, 1, 2},
    {"rs485", NUTPP_TYPE_BOOL, "false", "RTU: switch the serial driver into RS-485 mode (TIOCSRS485)", 0, nullptr, 0, 0},
    {"device_mfr", NUTPP_TYPE_STRING, nullptr, "ups.mfr / device.mfr when the map gives none", 0, nullptr, 0, 0},
    // NUT generic_modbus's dry-contact keys (map: generic), with its names and numbering.
    {"OL_addr", NUTPP_TYPE_INTEGER, nullptr, "map generic: address of the OL contact", NUTPP_KEY_RANGE, nullptr, 0, 65535},
    {"OL_regtype", NUTPP_TYPE_INTEGER, "1", "map generic: OL point type: 0 coil, 1 discrete input, 2 input register, 3 holding register (default: discrete input)", NUTPP_KEY_RANGE, nullptr, 0, 3},
    {"OL_noro", NUTPP_TYPE_INTEGER, "0", "map generic: 1 = OL is asserted when the point reads 0", NUTPP_KEY_RANGE, nullptr, 0, 1},
    {"OB_addr", NUTPP_TYPE_INTEGER, nullptr, "map generic: address of the OB contact", NUTPP_KEY_RANGE, nullptr, 0, 65535},
    {"OB_regtype", NUTPP_TYPE_INTEGER, "1", "map generic: OB point type: 0 coil, 1 discrete input, 2 input register, 3 holding register (default: discrete input)", NUTPP_KEY_RANGE, nullptr, 0, 3},
    {"OB_noro", NUTPP_TYPE_INTEGER, "0", "map generic: 1 = OB is asserted when the point reads 0", NUTPP_KEY_RANGE, nullptr, 0, 1},
    {"HB_addr", NUTPP_TYPE_INTEGER, nullptr, "map generic: address of the HB contact", NUTPP_KEY_RANGE, nullptr, 0, 65535},
    {"HB_regtype", NUTPP_TYPE_INTEGER, "1", "map generic: HB point type: 0 coil, 1 discrete input, 2 input register, 3 holding register (default: discrete input)", NUTPP_KEY_RANGE, nullptr, 0, 3},
    {"HB_noro", NUTPP_TYPE_INTEGER, "0", "map generic: 1 = HB is asserted when the point reads 0", NUTPP_KEY_RANGE, nullptr, 0, 1},
    {"LB_addr", NUTPP_TYPE_INTEGER, nullptr, "map generic: address of the LB contact", NUTPP_KEY_RANGE, nullptr, 0, 65535},
    {"LB_regtype", NUTPP_TYPE_INTEGER, "1", "map generic: LB point type: 0 coil, 1 discrete input, 2 input register, 3 holding register (default: discrete input)", NUTPP_KEY_RANGE, nullptr, 0, 3},
    {"LB_noro", NUTPP_TYPE_INTEGER, "0", "map generic: 1 = LB is asserted when the point reads 0", NUTPP_KEY_RANGE, nullptr, 0, 1},
    {"RB_addr", NUTPP_TYPE_INTEGER, nullptr, "map generic: address of the RB contact", NUTPP_KEY_RANGE, nullptr, 0, 65535},
    {"RB_regtype", NUTPP_TYPE_INTEGER, "1", "map generic: RB point type: 0 coil, 1 discrete input, 2 input register, 3 holding register (default: discrete input)", NUTPP_KEY_RANGE, nullptr, 0, 3},
    {"RB_noro", NUTPP_TYPE_INTEGER, "0", "map generic: 1 = RB is asserted when the point reads 0", NUTPP_KEY_RANGE, nullptr, 0, 1},
    {"CHRG_addr", NUTPP_TYPE_INTEGER, nullptr, "map generic: address of the CHRG contact", NUTPP_KEY_RANGE, nullptr, 0, 65535},
    {"CHRG_regtype", NUTPP_TYPE_INTEGER, "1", "map generic: CHRG point type: 0 coil, 1 discrete input, 2 input register, 3 holding register (default: discrete input)", NUTPP_KEY_RANGE, nullptr, 0, 3},
    {"CHRG_noro", NUTPP_TYPE_INTEGER, "0", "map generic: 1 = CHRG is asserted when the point reads 0", NUTPP_KEY_RANGE, nullptr, 0, 1},
    {"DISCHRG_addr", NUTPP_TYPE_INTEGER, nullptr, "map generic: address of the DISCHRG contact", NUTPP_KEY_RANGE, nullptr, 0, 65535},
    {"DISCHRG_regtype", NUTPP_TYPE_INTEGER, "1", "map generic: DISCHRG point type: 0 coil, 1 discrete input, 2 input register, 3 holding register (default: discrete input)", NUTPP_KEY_RANGE, nullptr, 0, 3},
    {"DISCHRG_noro", NUTPP_TYPE_INTEGER, "0", "map generic: 1 = DISCHRG is asserted when the point reads 0", NUTPP_KEY_RANGE, nullptr, 0, 1},
    {"FSD_addr", NUTPP_TYPE_INTEGER, nullptr, "map generic: address of the FSD contact", NUTPP_KEY_RANGE, nullptr, 0, 65535},
    {"FSD_regtype", NUTPP_TYPE_INTEGER, "0", "map generic: FSD point type: 0 coil, 1 discrete input, 2 input register, 3 holding register (default: coil)", NUTPP_KEY_RANGE, nullptr, 0, 3},
    {"FSD_noro", NUTPP_TYPE_INTEGER, "0", "map generic: 1 = FSD is asserted when the point reads 0", NUTPP_KEY_RANGE, nullptr, 0, 1},
    {"FSD_pulse_duration", NUTPP_TYPE_INTEGER, nullptr, "map generic: ms after which load.off releases the FSD output again", NUTPP_KEY_RANGE, nullptr, 0, 10000},
    {"device_model", NUTPP_TYPE_STRING, nullptr, "ups.model / device.model when the map gives none", 0, nullptr, 0, 0},
};

const char *const kVariables[] = {
    "ups.status", "ups.alarm", "battery.charge", "battery.runtime", "battery.voltage", "battery.temperature",
    "input.voltage", "output.voltage", "output.current", "output.frequency", "ups.load", "ups.realpower",
    "ups.power", "ups.delay.shutdown", "ups.delay.start", "ups.delay.reboot", "ups.model", "ups.serial",
    "ups.firmware",
    // Names of NUT 2.8.1+'s apc_modbus (nut-names since 2.8.1), which NUT 2.8.0's cmdvartab lacks:
    // the built-in apc_modbus map publishes them as that driver does.
    "battery.date.maintenance",
    "outlet.group.0.name", "outlet.group.0.status", "outlet.group.0.delay.shutdown", "outlet.group.0.delay.start",
    "outlet.group.0.delay.reboot",
    "outlet.group.1.name", "outlet.group.1.delay.shutdown", "outlet.group.1.delay.start", "outlet.group.1.delay.reboot",
    "outlet.group.1.timer.shutdown", "outlet.group.1.timer.start", "outlet.group.1.timer.reboot",
    "outlet.group.2.name", "outlet.group.2.delay.shutdown", "outlet.group.2.delay.start", "outlet.group.2.delay.reboot",
    "outlet.group.2.timer.shutdown", "outlet.group.2.timer.start", "outlet.group.2.timer.reboot",
    "outlet.group.3.name", "outlet.group.3.delay.shutdown", "outlet.group.3.delay.start", "outlet.group.3.delay.reboot",
    "outlet.group.3.timer.shutdown", "outlet.group.3.timer.start", "outlet.group.3.timer.reboot",
    nullptr};

const char *const kCommands[] = {"test.battery.start", "test.battery.stop", "load.off", "load.on",
                                 "shutdown.return", "shutdown.stayoff", "shutdown.reboot", "beeper.mute",
                                 "calibrate.start", "calibrate.stop", "bypass.start", "bypass.stop",
                                 "shutdown.default", nullptr};

// Process-wide state: the per-port locks every instance shares (devices on one bus or gateway).
nutpp::modbus::PortLocks *g_locks = nullptr;

nutpp_status library_init_ex(const nutpp_library_host *) {
    try {
        g_locks = new nutpp::modbus::PortLocks();
    } catch (...) {
        return NUTPP_E_NO_MEMORY;
    }
    nutpp::modbus::set_port_locks(g_locks);
    return NUTPP_OK;
}
int library_init(const char *) { return library_init_ex(nullptr) == NUTPP_OK ? 0 : -1; }
void library_deinit() {
    nutpp::modbus::set_port_locks(nullptr);
    delete g_locks;
    g_locks = nullptr;
}

} // namespace

extern "C" NUTPP_EXPORT const nutpp_driver_descriptor nutpp_driver_v1 = {
    .struct_size = sizeof(nutpp_driver_descriptor),
    .abi_major = NUTPP_ABI_MAJOR,
    .abi_minor = NUTPP_ABI_MINOR,
    .id = "org.nutpp.modbus",
    .name = "modbus",
    .version = "0.1.0",
    .vendor = "nutpp project",
    .description = "Modbus RTU/TCP UPSes through register maps (NUT apc_modbus, huawei-ups2000, socomec_jbus, phoenixcontact_modbus, generic_modbus; user maps in YAML)",
    .transports = NUTPP_TRANSPORT_MODBUS | NUTPP_TRANSPORT_SERIAL | NUTPP_TRANSPORT_NETWORK,
    .config_keys = kKeys,
    .config_key_count = static_cast<uint32_t>(sizeof kKeys / sizeof kKeys[0]),
    .config_key_size = sizeof(nutpp_config_key),
    .variables = kVariables,
    .commands = kCommands,
    .library_init = library_init,
    .library_deinit = library_deinit,
    .ops = &nutpp::driver_ops<nutpp::modbus::ModbusDriver>,
    .library_init_ex = library_init_ex,
};
