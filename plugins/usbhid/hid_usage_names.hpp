// Names of HID usages on the Power Device (0x84) and Battery System (0x85) pages, as used in the
// dotted usage paths ("UPS.PowerSummary.RemainingCapacity") that NUT's usbhid-ups prints and that our
// mapping table is written in. Unknown usages print as 8 hex digits ("ff860016"), as NUT does.
#pragma once

#include <string>
#include <vector>

#include "hid_descriptor.hpp"

namespace nutpp::usbhid {

struct UsageName {
    Usage usage;
    const char *name;
};

// Name of one usage from the standard tables plus `extra` (a vendor's page), else hex.
std::string usage_name(Usage u, const std::vector<UsageName> &extra = {});
// "UPS.Outlet.[2].PresentStatus.SwitchOn/Off": a numbered sibling collection gets ".[n]" after it.
std::string path_string(const std::vector<PathNode> &path, const std::vector<UsageName> &extra = {});

} // namespace nutpp::usbhid
