// The C side of the host services: the nutpp_host_api table whose thunks forward into Device.
#pragma once

#include <nutpp/driver.h>

#include <memory>

namespace nutpp::host {
class Device;
}

// The opaque handle a plugin gets: just the way back to its Device.
struct nutpp_host_ctx {
    nutpp::host::Device *device;
};

namespace nutpp::host {

std::unique_ptr<nutpp_host_ctx> make_host_ctx(Device *d);
// The table handed to create(); identical for every device (the ctx tells them apart).
nutpp_host_api make_host_api();

} // namespace nutpp::host
