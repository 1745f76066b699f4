// Writes the udev rule for the usbhid plugin from vendor_table(): one line per vendor ID, giving
// the group the service runs as read/write access to the USB device node.
// Usage: usbhid_udev_rule <group> <output file>
#include <cstdio>
#include <fstream>

#include "vendor_quirks.hpp"

int main(int argc, char **argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s <group> <output file>\n", argv[0]);
        return 2;
    }
    std::ofstream out(argv[2]);
    out << "# nutpp usbhid plugin: access to USB HID UPSes for group '" << argv[1] << "'.\n"
        << "# Generated at build time from plugins/usbhid/vendor_quirks.cpp; do not edit.\n"
        << "# Install: copy to /etc/udev/rules.d/, then `udevadm control --reload-rules && "
           "udevadm trigger --subsystem-match=usb`.\n"
        << "ACTION!=\"add|change\", GOTO=\"nutpp_usbhid_end\"\n"
        << "SUBSYSTEM!=\"usb\", GOTO=\"nutpp_usbhid_end\"\n"
        << "ENV{DEVTYPE}!=\"usb_device\", GOTO=\"nutpp_usbhid_end\"\n";
    char id[5];
    for (const auto &v : nutpp::usbhid::vendor_table()) {
        std::snprintf(id, sizeof id, "%04x", unsigned(v.vendor_id));
        out << "# " << v.name << "\n"
            << "ATTR{idVendor}==\"" << id << "\", MODE=\"0660\", GROUP=\"" << argv[1] << "\"\n";
    }
    out << "LABEL=\"nutpp_usbhid_end\"\n";
    return out.good() ? 0 : 1;
}
