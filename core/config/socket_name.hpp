// The driver socket's name, "<driver>-<device>" in state_dir: NUT's rule (drivers/upsdrvctl, upsd's
// statepath lookup), kept so NUT's upsd can serve upsdrvd and our upsd can serve NUT's drivers.
// One function for upsdrvd (which serves it), `upsdrvd --dump` and upsd (which connect to it); it
// depends only on the configured `driver` value, never on the loaded plugin: upsd loads no plugin.
#pragma once

#include <string>

namespace nutpp::config {

// `driver` as configured: a bare name ("sim", "usbhid-ups") is used as is; a path
// ("/opt/x/nutpp-foo.so") contributes its file name without ".so" and without the "nutpp-" prefix
// ("foo"), which is also the name the plugin would have if it were installed in plugin_dir.
std::string driver_socket_driver(const std::string &driver);
std::string driver_socket_name(const std::string &driver, const std::string &device);

} // namespace nutpp::config
