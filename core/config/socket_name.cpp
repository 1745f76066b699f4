#include "config/socket_name.hpp"

#include <string_view>

namespace nutpp::config {

std::string driver_socket_driver(const std::string &driver) {
    if (driver.find('/') == std::string::npos) return driver;
    std::string_view name(driver);
    name.remove_prefix(name.rfind('/') + 1);
    if (name.ends_with(".so")) name.remove_suffix(3);
    if (name.starts_with("nutpp-") && name.size() > 6) name.remove_prefix(6);
    return std::string(name);
}

std::string driver_socket_name(const std::string &driver, const std::string &device) {
    return driver_socket_driver(driver) + "-" + device;
}

} // namespace nutpp::config
