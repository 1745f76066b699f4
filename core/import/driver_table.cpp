#include "import/driver_table.hpp"

#include "common/strings.hpp"

#include <cstdio>
#include <filesystem>

namespace nutpp::import {

namespace {

using Kind = Converted::Kind;

// nutdrv_qx / blazer_ser protocol names our megatec engine speaks (Q1 family; Voltronic is
// detected by QPI); other Q1 dialects are refused rather than silently talked to as plain Q1.
Converted megatec_protocol(std::string_view v, const ConvertContext &) {
    for (const char *ok : {"megatec", "megatec/old", "q1", "voltronic", "mustek"})
        if (common::iequals(v, ok)) return {Kind::Implied, {}};
    return {Kind::Refuse, "the serial plugin speaks Megatec Q1 and Voltronic, not '" + std::string(v) + "'"};
}

// dummy-ups reads a relative file from NUT's config directory; the sim plugin resolves relative
// names against the YAML file's directory, so write the absolute name.
Converted dummy_port(std::string_view v, const ConvertContext &ctx) {
    const std::string s(v);
    if (s.empty() || s.front() == '/' || s.find('@') != std::string::npos) return {Kind::Carry, s};
    return {Kind::Carry, (std::filesystem::path(ctx.nut_dir) / s).lexically_normal().string()};
}

Converted ms_to_seconds(std::string_view v, const ConvertContext &) {
    long long ms = 0;
    if (!common::parse_int(v, ms) || ms < 0) return {Kind::Refuse, "'" + std::string(v) + "' is not milliseconds"};
    char buf[32];
    snprintf(buf, sizeof buf, "%g", double(ms) / 1000.0);
    return {Kind::Carry, buf};
}

Converted apc_porttype(std::string_view v, const ConvertContext &) {
    if (common::iequals(v, "tcp") || common::iequals(v, "serial") || common::iequals(v, "rtu"))
        return {Kind::Implied, {}}; // the modbus plugin tells TCP from RTU by the port
    return {Kind::Refuse, "porttype '" + std::string(v) + "' is not served by the modbus plugin"};
}

std::string qx_stays(std::string_view port, const SectionOptions &) {
    // nutdrv_qx also drives USB Q1 units (port = auto + vendorid ...): no nutpp plugin for those.
    if (port.starts_with("/dev/")) return {};
    return "nutdrv_qx on '" + std::string(port) + "' is a USB Q1 unit; nutpp's serial plugin drives serial ports only";
}

std::string apc_modbus_stays(std::string_view, const SectionOptions &options) {
    for (const auto &[k, v] : options)
        if (common::iequals(k, "porttype") && common::iequals(v, "usb"))
            return "apc_modbus over USB HID (porttype usb) has no nutpp transport";
    return {};
}

const OptionRule kUsbhid[] = {
    {"subdriver", nullptr, "the usbhid plugin picks the vendor mapping from the device's IDs", nullptr},
    {"pollfreq", nullptr, "the usbhid plugin reads every value on each poll (pollinterval)", nullptr},
};
const OptionRule kMegatec[] = {
    {"protocol", nullptr, nullptr, megatec_protocol},
};
const FixedKey kMegatecFixed[] = {{"protocol", "megatec"}};
const FixedKey kApcsmartFixed[] = {{"protocol", "apcsmart"}};
const OptionRule kApcModbus[] = {
    {"porttype", nullptr, nullptr, apc_porttype},
};
const FixedKey kApcModbusFixed[] = {{"map", "apc_modbus"}};
const FixedKey kHuaweiFixed[] = {{"map", "huawei_ups2000"}};
const FixedKey kGenericFixed[] = {{"map", "generic"}};
// NUT's socomec_jbus and phoenixcontact_modbus hard-code their line (JBUS 9600 8N1, slave 1; QUINT
// 115200 8E1, slave 192) and take no options; the maps carry the slave ids, the line is written out.
const FixedKey kSocomecFixed[] = {{"map", "socomec_jbus"}};
const FixedKey kQuintFixed[] = {{"map", "phoenixcontact_quint"}, {"ser_baud_rate", "115200"}, {"ser_parity", "E"}};
const OptionRule kGenericModbus[] = {
    {"response_timeout_ms", "response_timeout", nullptr, ms_to_seconds},
    {"response_timeout_s", "response_timeout", nullptr, nullptr},
};
const OptionRule kDummy[] = {
    {"port", "port", nullptr, dummy_port},
};

const DriverMapping kTable[] = {
    {"usbhid-ups", "usbhid", "USB HID power devices", {}, kUsbhid, nullptr},
    {"nutdrv_qx", "serial", "Megatec Q1 / Voltronic on a serial port", kMegatecFixed, kMegatec, qx_stays},
    {"blazer_ser", "serial", "Megatec Q1 on a serial port", kMegatecFixed, kMegatec, nullptr},
    {"apcsmart", "serial", "APC Smart protocol on a serial port", kApcsmartFixed, {}, nullptr},
    {"snmp-ups", "snmp", "SNMP v1/v2c/v3 agents", {}, {}, nullptr},
    {"apc_modbus", "modbus", "built-in map apc_modbus", kApcModbusFixed, kApcModbus, apc_modbus_stays},
    {"huawei-ups2000", "modbus", "built-in map huawei_ups2000", kHuaweiFixed, {}, nullptr},
    {"generic_modbus", "modbus", "built-in map generic (dry contacts)", kGenericFixed, kGenericModbus, nullptr},
    {"socomec_jbus", "modbus", "built-in map socomec_jbus (RTU 9600 8N1, slave 1)", kSocomecFixed, {}, nullptr},
    // NUT 2.8.0's driver serves the first-generation QUINT-UPS only (it checks that firmware); later
    // NUT also drives QUINT4 and TRIO units, which use other registers: the note says so.
    {"phoenixcontact_modbus", "modbus",
     "built-in map phoenixcontact_quint (first-generation QUINT-UPS/24DC, RTU 115200 8E1, slave 192; "
     "QUINT4 and TRIO units, served by NUT after 2.8.0, are not mapped yet)",
     kQuintFixed, {}, nullptr},
    {"dummy-ups", "sim", "simulation files and repeater", {}, kDummy, nullptr},
};

} // namespace

const DriverMapping *find_driver(std::string_view nut_driver) {
    for (const auto &d : kTable)
        if (nut_driver == d.nut_driver) return &d;
    return nullptr;
}

std::span<const DriverMapping> driver_table() { return kTable; }

} // namespace nutpp::import
