#include "scan/usb.hpp"

#include "usb_device.hpp"
#include "vendor_quirks.hpp"

#include <stdexcept>

namespace nutpp::scan {

std::vector<UsbUps> scan_usb() {
    usbhid::UsbContext ctx; // throws std::runtime_error when libusb_init fails
    std::string error;
    const auto found = usbhid::list_candidates(ctx, error);
    if (!error.empty()) throw std::runtime_error(error);
    std::vector<UsbUps> out;
    for (const auto &c : found) {
        const auto *v = usbhid::find_vendor(c.info.vendor_id);
        out.push_back(UsbUps{c.info.vendor_id, c.info.product_id, v ? v->name : "", c.info.vendor, c.info.product,
                             c.info.serial, c.info.bus, c.info.device, c.info.busport, c.problem});
    }
    return out;
}

std::string regex_literal(const std::string &s) {
    std::string out;
    for (char c : s) {
        if (std::string_view(".[]{}()\\*+?^$|").find(c) != std::string_view::npos) out += '\\';
        out += c;
    }
    return out;
}

} // namespace nutpp::scan
