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

// The device whose plugin op this thread is running, nullptr outside plugin calls. The host sets it
// around every op (Device::timed_call); an [instance] service (driver.h THREADING) is allowed only
// when it names the same device. A thread-local instead of a thread id: any host thread may run an
// instance (a worker pool), as long as calls for one instance are serialized.
class CurrentDevice {
public:
    explicit CurrentDevice(Device *d);
    ~CurrentDevice();
    CurrentDevice(const CurrentDevice &) = delete;
    CurrentDevice &operator=(const CurrentDevice &) = delete;
    static Device *get();

private:
    Device *previous_;
};

// The table handed to create(); identical for every device (the ctx tells them apart).
nutpp_host_api make_host_api();

} // namespace nutpp::host
