// Which USB device a configured UPS is: NUT's usbhid-ups matching rules. Every criterion is a
// POSIX extended regular expression matched case-insensitively against the whole value, so
// `serial: CRMLV2000234` or `busport: "1-2"` tells two identical UPSes apart.
#pragma once

#include <cstdint>
#include <optional>
#include <regex>
#include <string>
#include <vector>

namespace nutpp::usbhid {

// What we know about one USB device before or after opening it.
struct UsbDeviceInfo {
    uint16_t vendor_id = 0;
    uint16_t product_id = 0;
    std::string vendor;  // iManufacturer string ("" when not read / none)
    std::string product; // iProduct
    std::string serial;  // iSerialNumber
    std::string bus;     // "001" as NUT prints it
    std::string device;  // "002"
    std::string busport; // port path "1-2.3", "" when the platform has none
};

class UsbMatcher {
public:
    // One criterion: the config key it came from and its regex.
    struct Rule {
        std::string key;
        std::string pattern;
        std::regex re;
    };
    // Throws std::invalid_argument naming the key for a bad regex.
    void add(const std::string &key, const std::string &pattern);
    // Criteria that need the string descriptors (vendor, product, serial).
    bool needs_strings() const;
    // Matches everything but the strings (safe before opening the device).
    bool matches_ids(const UsbDeviceInfo &d) const;
    bool matches(const UsbDeviceInfo &d) const;
    // For error messages: "vendorid=0764 serial=ABC".
    std::string describe() const;
    // When no vendorid is configured, only vendors of the vendor table are considered (port: auto).
    bool has_vendor_rule() const;

private:
    bool rule_ok(const Rule &r, const UsbDeviceInfo &d) const;
    std::vector<Rule> rules_;
};

std::string hex4(uint16_t v);

} // namespace nutpp::usbhid
