// One way of producing a simulated device's data: from a file (FileSim) or from a remote NUT server
// (Repeater). SimDriver picks one from the config and forwards the plugin ops to it.
#pragma once

#include <nutpp/driver.h>

#include <cstdint>

namespace nutpp::sim {

class SimMode {
public:
    virtual ~SimMode() = default;
    virtual nutpp_status open() = 0;
    virtual nutpp_status poll(uint32_t wake_reasons) = 0;
    virtual nutpp_status instcmd(const char *cmd, const char *arg) = 0;
    virtual nutpp_status setvar(const char *name, const char *value) = 0;
    virtual void close() = 0;
};

} // namespace nutpp::sim
