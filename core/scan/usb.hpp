// USB HID UPSes for `nutpp scan -U`: the usbhid plugin's own device listing (vendor table, IDs,
// strings, bus and port), not a second copy of its detection.
#pragma once

#include <string>
#include <vector>

namespace nutpp::scan {

struct UsbUps {
    unsigned vendor_id = 0, product_id = 0;
    std::string vendor_name; // the vendor table's name for the vendor ID
    std::string vendor, product, serial; // USB strings ("" when unreadable)
    std::string bus, device, busport;
    std::string problem;                 // why the strings could not be read
};

// Throws std::runtime_error when libusb cannot be used at all.
std::vector<UsbUps> scan_usb();

// A value as a usbhid match key wants it: the plugin matches keys as whole-value regular
// expressions, so regex characters are escaped.
std::string regex_literal(const std::string &s);

} // namespace nutpp::scan
