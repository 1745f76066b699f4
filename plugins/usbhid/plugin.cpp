// The exported descriptor of the usbhid plugin (nutpp-usbhid.so): NUT's usbhid-ups on libusb-1.0.
#include <nutpp/driver.hpp>

#include "usbhid_driver.hpp"

namespace {

const nutpp_config_key kKeys[] = {
    {"port", NUTPP_TYPE_STRING, "auto", "'auto': the UPS is found by the match keys below (as usbhid-ups)", 0,
     nullptr, 0, 0},
    {"vendorid", NUTPP_TYPE_STRING, nullptr, "Regex on the USB vendor ID (4 hex digits, e.g. 0764)", 0, nullptr, 0, 0},
    {"productid", NUTPP_TYPE_STRING, nullptr, "Regex on the USB product ID (e.g. 0501)", 0, nullptr, 0, 0},
    {"vendor", NUTPP_TYPE_STRING, nullptr, "Regex on the USB manufacturer string", 0, nullptr, 0, 0},
    {"product", NUTPP_TYPE_STRING, nullptr, "Regex on the USB product string", 0, nullptr, 0, 0},
    {"serial", NUTPP_TYPE_STRING, nullptr, "Regex on the USB serial number string", 0, nullptr, 0, 0},
    {"bus", NUTPP_TYPE_STRING, nullptr, "Regex on the USB bus number (3 digits, e.g. 001)", 0, nullptr, 0, 0},
    {"device", NUTPP_TYPE_STRING, nullptr, "Regex on the USB device address (3 digits, e.g. 002)", 0, nullptr, 0, 0},
    {"busport", NUTPP_TYPE_STRING, nullptr, "Regex on the USB port path (e.g. 1-2.3)", 0, nullptr, 0, 0},
    {"offdelay", NUTPP_TYPE_INTEGER, nullptr,
     "Seconds before the UPS cuts the load on shutdown (ups.delay.shutdown); default 20, CyberPower 60", 0, nullptr,
     0, 0},
    {"ondelay", NUTPP_TYPE_INTEGER, nullptr,
     "Seconds before the UPS restores the load (ups.delay.start); default 30, CyberPower 120", 0, nullptr, 0, 0},
};

const char *const kCommands[] = {"beeper.enable", "beeper.disable", "beeper.mute", "test.battery.start.quick",
                                 "test.battery.start.deep", "test.battery.stop", "load.off.delay",
                                 "shutdown.return", "shutdown.stayoff", "shutdown.stop", nullptr};

} // namespace

extern "C" NUTPP_EXPORT const nutpp_driver_descriptor nutpp_driver_v1 = {
    sizeof(nutpp_driver_descriptor),
    NUTPP_ABI_MAJOR,
    NUTPP_ABI_MINOR,
    "org.nutpp.usbhid",
    "usbhid",
    "0.1.0",
    "nutpp project",
    "USB HID Power Device UPSes (APC, CyberPower, Eaton/MGE, Tripp Lite, Liebert, ...) over libusb-1.0",
    NUTPP_TRANSPORT_USB,
    kKeys,
    static_cast<uint32_t>(sizeof kKeys / sizeof kKeys[0]),
    sizeof(nutpp_config_key),
    nullptr, // variables: whatever the device's descriptor maps to
    kCommands,
    nullptr,
    nullptr,
    &nutpp::driver_ops<nutpp::usbhid::UsbHidDriver>,
    nullptr, // library_init_ex (ABI 1.2): none
};
