// One opened USB HID UPS on libusb-1.0: finding it by the match rules, claiming its HID interface,
// reading its report descriptor and strings, GET_REPORT/SET_REPORT, and the interrupt IN pipe as an
// asynchronous transfer whose completion runs inside handle_events() (called when the host's fd
// watch on libusb's pollfds fires). Each instance owns its own libusb context: no shared state.
#pragma once

#include <libusb.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nutpp/driver.h>

#include "hid_descriptor.hpp"
#include "usb_match.hpp"

namespace nutpp::usbhid {

// An error with the status the plugin should return and a message for the user.
struct UsbFailure {
    nutpp_status status;
    std::string message;
};

class UsbContext {
public:
    UsbContext();
    ~UsbContext();
    UsbContext(const UsbContext &) = delete;
    UsbContext &operator=(const UsbContext &) = delete;
    libusb_context *get() const { return ctx_; }
    // Runs completed transfers' callbacks without blocking.
    void handle_events();

private:
    libusb_context *ctx_ = nullptr;
};

class UsbHidDevice {
public:
    using ReportHandler = std::function<void(std::span<const uint8_t>)>;
    using ErrorHandler = std::function<void(int libusb_error)>;

    // Finds and opens the first device matching `m` (and, after a replug, with `serial`). Only
    // vendors of the vendor table are considered unless a vendorid rule is given. On failure returns
    // nullptr and fills `failure` (permission problems name the udev rule to install).
    static std::unique_ptr<UsbHidDevice> open(UsbContext &ctx, const UsbMatcher &m,
                                              const std::string &serial, UsbFailure &failure);
    ~UsbHidDevice();
    UsbHidDevice(const UsbHidDevice &) = delete;
    UsbHidDevice &operator=(const UsbHidDevice &) = delete;

    const UsbDeviceInfo &info() const { return info_; }
    const std::vector<uint8_t> &report_descriptor() const { return report_descriptor_; }

    // GET_REPORT into `out` (resized to what the device sent); returns a libusb error code or 0.
    int get_report(ReportType type, uint8_t id, size_t length, std::vector<uint8_t> &out);
    int set_report(ReportType type, uint8_t id, std::span<const uint8_t> data);
    // USB string descriptor `index` (cached); "" when absent.
    std::string string(int index);

    // Submits the interrupt IN transfer; it resubmits itself after each report.
    bool start_interrupt(ReportHandler on_report, ErrorHandler on_error);
    bool has_interrupt_endpoint() const { return ep_in_ != 0; }

private:
    UsbHidDevice(UsbContext &ctx, libusb_device_handle *h) : ctx_(ctx), handle_(h) {}
    std::optional<UsbFailure> claim(libusb_device *dev);
    static void LIBUSB_CALL on_transfer(libusb_transfer *t);

    UsbContext &ctx_;
    libusb_device_handle *handle_;
    UsbDeviceInfo info_;
    int interface_ = -1;
    bool reattach_kernel_driver_ = false;
    bool interface_claimed_ = false;
    uint8_t ep_in_ = 0;
    uint16_t ep_size_ = 8;
    uint16_t report_descriptor_length_ = 0;
    std::vector<uint8_t> report_descriptor_;
    std::map<int, std::string> strings_;
    libusb_transfer *transfer_ = nullptr;
    std::vector<uint8_t> transfer_buffer_;
    bool transfer_active_ = false;
    ReportHandler on_report_;
    ErrorHandler on_error_;
};

// A USB device the vendor table says may be a UPS (what `port: auto` would consider), for
// `nutpp scan -U`: its IDs, bus and port, and its strings when it can be opened.
struct UsbCandidate {
    UsbDeviceInfo info;
    std::string problem; // why the strings could not be read ("" when they were)
};
// Every such device on the system; `error` is set (and nothing returned) when listing fails.
std::vector<UsbCandidate> list_candidates(UsbContext &ctx, std::string &error);

// The udev rule file name installed from etc/ (generated from vendor_table()).
inline constexpr const char *kUdevRuleName = "62-nutpp-usbhid.rules";

// The error when the HID interface is held by a kernel driver (detach failed) or by someone else
// (claim failed, e.g. LIBUSB_ERROR_BUSY): says which it is and, where it is a permission problem
// (as for libusb_open's LIBUSB_ERROR_ACCESS), names the udev rule, where the build put it and what to do.
std::string usb_busy_message(const UsbDeviceInfo &d, int interface, int libusb_error, bool detach_failed);

} // namespace nutpp::usbhid
