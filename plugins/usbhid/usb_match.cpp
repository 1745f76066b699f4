#include "usb_match.hpp"

#include <cstdio>
#include <stdexcept>

namespace nutpp::usbhid {

std::string hex4(uint16_t v) {
    char b[5];
    std::snprintf(b, sizeof b, "%04x", unsigned(v));
    return b;
}

namespace {

const char *const kStringKeys[] = {"vendor", "product", "serial"};

bool is_string_key(const std::string &k) {
    for (const char *s : kStringKeys)
        if (k == s) return true;
    return false;
}

} // namespace

void UsbMatcher::add(const std::string &key, const std::string &pattern) {
    try {
        rules_.push_back({key, pattern, std::regex(pattern, std::regex::extended | std::regex::icase)});
    } catch (const std::regex_error &e) {
        throw std::invalid_argument(key + ": invalid regular expression '" + pattern + "': " + e.what());
    }
}

bool UsbMatcher::needs_strings() const {
    for (const auto &r : rules_)
        if (is_string_key(r.key)) return true;
    return false;
}

bool UsbMatcher::has_vendor_rule() const {
    for (const auto &r : rules_)
        if (r.key == "vendorid") return true;
    return false;
}

bool UsbMatcher::rule_ok(const Rule &r, const UsbDeviceInfo &d) const {
    std::string value;
    if (r.key == "vendorid") value = hex4(d.vendor_id);
    else if (r.key == "productid") value = hex4(d.product_id);
    else if (r.key == "vendor") value = d.vendor;
    else if (r.key == "product") value = d.product;
    else if (r.key == "serial") value = d.serial;
    else if (r.key == "bus") value = d.bus;
    else if (r.key == "device") value = d.device;
    else if (r.key == "busport") value = d.busport;
    else return false;
    return std::regex_match(value, r.re);
}

bool UsbMatcher::matches_ids(const UsbDeviceInfo &d) const {
    for (const auto &r : rules_)
        if (!is_string_key(r.key) && !rule_ok(r, d)) return false;
    return true;
}

bool UsbMatcher::matches(const UsbDeviceInfo &d) const {
    for (const auto &r : rules_)
        if (!rule_ok(r, d)) return false;
    return true;
}

std::string UsbMatcher::describe() const {
    std::string s;
    for (const auto &r : rules_) s += (s.empty() ? "" : " ") + r.key + "=" + r.pattern;
    return s.empty() ? "any supported UPS" : s;
}

} // namespace nutpp::usbhid
