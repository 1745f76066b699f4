#include "usb_device.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdio>
#include <stdexcept>

#include "vendor_quirks.hpp"

namespace nutpp::usbhid {

namespace {

constexpr unsigned kControlTimeoutMs = 2000;
constexpr uint8_t kHidClass = 3;
constexpr uint8_t kHidDescriptorType = 0x21, kReportDescriptorType = 0x22;
constexpr uint8_t kGetReport = 0x01, kSetReport = 0x09;
// bmRequestType values (direction | type | recipient), spelled out: libusb's enums do not mix in C++20.
constexpr uint8_t kStandardInterfaceIn = 0x81, kClassInterfaceIn = 0xa1, kClassInterfaceOut = 0x21;

std::string three_digits(unsigned v) {
    char b[8];
    std::snprintf(b, sizeof b, "%03u", v);
    return b;
}

std::string port_path(libusb_device *dev) {
    uint8_t ports[8];
    const int n = libusb_get_port_numbers(dev, ports, sizeof ports);
    if (n <= 0) return "";
    std::string s = std::to_string(libusb_get_bus_number(dev)) + "-";
    for (int i = 0; i < n; ++i) s += (i ? "." : "") + std::to_string(ports[i]);
    return s;
}

// What identifies a device before it is opened (the strings need an open handle).
UsbDeviceInfo ids_of(libusb_device *dev, const libusb_device_descriptor &dd) {
    UsbDeviceInfo info;
    info.vendor_id = dd.idVendor;
    info.product_id = dd.idProduct;
    info.bus = three_digits(libusb_get_bus_number(dev));
    info.device = three_digits(libusb_get_device_address(dev));
    info.busport = port_path(dev);
    return info;
}

std::string who_am_i() {
    const passwd *pw = getpwuid(geteuid());
    return pw ? std::string(pw->pw_name) : "uid " + std::to_string(geteuid());
}

// How to install the rule, in the words of the README: where the build writes it and where to copy.
std::string udev_rule_how_to() {
    return std::string("install the udev rule ") + kUdevRuleName + ": the build writes it to " +
           NUTPP_USBHID_UDEV_RULE_BUILD_PATH + " and `cmake --install` to " + NUTPP_USBHID_UDEV_RULE_INSTALL_DIR +
           "/; copy it to /etc/udev/rules.d/, run `udevadm control --reload-rules && udevadm trigger "
           "--subsystem-match=usb`, and run upsdrvd as a member of group '" + NUTPP_USBHID_UDEV_GROUP +
           "' (the rule's group)";
}

std::string node(const UsbDeviceInfo &d) { return "/dev/bus/usb/" + d.bus + "/" + d.device; }

std::string permission_hint(const UsbDeviceInfo &d) {
    return "permission denied: user '" + who_am_i() + "' may not open USB device " + hex4(d.vendor_id) + ":" +
           hex4(d.product_id) + " (" + node(d) + ", LIBUSB_ERROR_ACCESS); " + udev_rule_how_to();
}

} // namespace

std::string usb_busy_message(const UsbDeviceInfo &d, int interface, int libusb_error, bool detach_failed) {
    const std::string who = hex4(d.vendor_id) + ":" + hex4(d.product_id) + " (" + node(d) + ")";
    const std::string err = libusb_error_name(libusb_error);
    if (detach_failed && libusb_error == LIBUSB_ERROR_ACCESS)
        return "permission denied: a kernel driver (usbhid) holds interface " + std::to_string(interface) +
               " of USB device " + who + " and user '" + who_am_i() + "' may not detach it (" + err + "); " +
               udev_rule_how_to();
    if (detach_failed)
        return "USB device " + who + " is held by a kernel driver (usbhid) on interface " +
               std::to_string(interface) + " and detaching it failed (" + err +
               "); unbind it (echo the interface to /sys/bus/usb/drivers/usbhid/unbind) or unplug and replug";
    if (libusb_error == LIBUSB_ERROR_BUSY)
        return "USB device " + who + " is busy: interface " + std::to_string(interface) +
               " is claimed by a kernel driver or another program (NUT's usbhid-ups? another upsdrvd?) (" + err +
               "); stop it, or unbind the kernel driver from the interface";
    if (libusb_error == LIBUSB_ERROR_ACCESS)
        return "permission denied claiming interface " + std::to_string(interface) + " of USB device " + who +
               " (" + err + "); " + udev_rule_how_to();
    return "claiming interface " + std::to_string(interface) + " of USB device " + who + " failed: " + err;
}

UsbContext::UsbContext() {
    if (const int rc = libusb_init(&ctx_); rc != 0)
        throw std::runtime_error(std::string("libusb_init failed: ") + libusb_error_name(rc));
}

UsbContext::~UsbContext() { libusb_exit(ctx_); }

void UsbContext::handle_events() {
    timeval zero{0, 0};
    libusb_handle_events_timeout_completed(ctx_, &zero, nullptr);
}

std::unique_ptr<UsbHidDevice> UsbHidDevice::open(UsbContext &ctx, const UsbMatcher &m, const std::string &serial,
                                                 UsbFailure &failure) {
    libusb_device **list = nullptr;
    const ssize_t n = libusb_get_device_list(ctx.get(), &list);
    if (n < 0) {
        failure = {NUTPP_E_IO, std::string("listing USB devices failed: ") + libusb_error_name(int(n))};
        return nullptr;
    }
    std::unique_ptr<UsbHidDevice> found;
    failure = {NUTPP_E_NO_DEVICE, "no USB UPS matches " + m.describe() +
                                      (serial.empty() ? "" : " with serial " + serial)};
    for (ssize_t i = 0; i < n && !found; ++i) {
        libusb_device *dev = list[i];
        libusb_device_descriptor dd{};
        if (libusb_get_device_descriptor(dev, &dd) != 0) continue;
        const UsbDeviceInfo info = ids_of(dev, dd);
        if (!m.has_vendor_rule() && !find_vendor(dd.idVendor)) continue; // port: auto
        if (!m.matches_ids(info)) continue;

        libusb_device_handle *h = nullptr;
        const int rc = libusb_open(dev, &h);
        if (rc == LIBUSB_ERROR_ACCESS) {
            failure = {NUTPP_E_PERMISSION, permission_hint(info)};
            continue;
        }
        if (rc != 0) {
            failure = {NUTPP_E_IO, "opening USB device " + hex4(info.vendor_id) + ":" + hex4(info.product_id) +
                                       " failed: " + libusb_error_name(rc)};
            continue;
        }
        std::unique_ptr<UsbHidDevice> d(new UsbHidDevice(ctx, h));
        d->info_ = info;
        d->info_.vendor = d->string(dd.iManufacturer);
        d->info_.product = d->string(dd.iProduct);
        d->info_.serial = d->string(dd.iSerialNumber);
        if (!m.matches(d->info_)) continue;
        if (!serial.empty() && d->info_.serial != serial) continue; // a replug must be the same UPS
        if (auto err = d->claim(dev)) {
            failure = *err;
            continue;
        }
        found = std::move(d);
    }
    libusb_free_device_list(list, 1);
    return found;
}

std::vector<UsbCandidate> list_candidates(UsbContext &ctx, std::string &error) {
    libusb_device **list = nullptr;
    const ssize_t n = libusb_get_device_list(ctx.get(), &list);
    if (n < 0) {
        error = std::string("listing USB devices failed: ") + libusb_error_name(int(n));
        return {};
    }
    std::vector<UsbCandidate> out;
    for (ssize_t i = 0; i < n; ++i) {
        libusb_device *dev = list[i];
        libusb_device_descriptor dd{};
        if (libusb_get_device_descriptor(dev, &dd) != 0 || !find_vendor(dd.idVendor)) continue;
        UsbCandidate c{ids_of(dev, dd), {}};
        // Reading the strings needs the device open, not claimed: the kernel's usbhid (or a running
        // driver) keeps it.
        libusb_device_handle *h = nullptr;
        if (const int rc = libusb_open(dev, &h); rc == LIBUSB_ERROR_ACCESS) {
            c.problem = permission_hint(c.info);
        } else if (rc != 0) {
            c.problem = std::string("cannot open it: ") + libusb_error_name(rc);
        } else {
            const auto str = [h](uint8_t index) {
                unsigned char buf[256];
                const int len = index ? libusb_get_string_descriptor_ascii(h, index, buf, sizeof buf) : 0;
                return len > 0 ? std::string(reinterpret_cast<char *>(buf), size_t(len)) : std::string();
            };
            c.info.vendor = str(dd.iManufacturer);
            c.info.product = str(dd.iProduct);
            c.info.serial = str(dd.iSerialNumber);
            libusb_close(h);
        }
        out.push_back(std::move(c));
    }
    libusb_free_device_list(list, 1);
    return out;
}

// Finds the HID interface and its interrupt IN endpoint, takes it from the kernel's usbhid driver,
// claims it and reads the report descriptor.
std::optional<UsbFailure> UsbHidDevice::claim(libusb_device *dev) {
    libusb_config_descriptor *cfg = nullptr;
    if (const int rc = libusb_get_active_config_descriptor(dev, &cfg); rc != 0)
        return UsbFailure{NUTPP_E_IO, std::string("reading the configuration failed: ") + libusb_error_name(rc)};
    for (uint8_t i = 0; i < cfg->bNumInterfaces && interface_ < 0; ++i) {
        if (cfg->interface[i].num_altsetting < 1) continue;
        const libusb_interface_descriptor &alt = cfg->interface[i].altsetting[0];
        if (alt.bInterfaceClass != kHidClass) continue;
        interface_ = alt.bInterfaceNumber;
        for (uint8_t e = 0; e < alt.bNumEndpoints; ++e) {
            const auto &ep = alt.endpoint[e];
            if ((ep.bmAttributes & 3) == LIBUSB_TRANSFER_TYPE_INTERRUPT && (ep.bEndpointAddress & 0x80)) {
                ep_in_ = ep.bEndpointAddress;
                ep_size_ = ep.wMaxPacketSize ? ep.wMaxPacketSize : 8;
                break;
            }
        }
        // The HID class descriptor (in the interface's extra bytes) gives the report descriptor length.
        for (int p = 0; p + 9 <= alt.extra_length; p += alt.extra[p] ? alt.extra[p] : 9)
            if (alt.extra[p + 1] == kHidDescriptorType && alt.extra[p + 6] == kReportDescriptorType)
                report_descriptor_length_ = uint16_t(alt.extra[p + 7] | alt.extra[p + 8] << 8);
    }
    libusb_free_config_descriptor(cfg);
    const std::string who = hex4(info_.vendor_id) + ":" + hex4(info_.product_id);
    if (interface_ < 0) return UsbFailure{NUTPP_E_UNSUPPORTED, "USB device " + who + " has no HID interface"};

    if (libusb_kernel_driver_active(handle_, interface_) == 1) {
        const int rc = libusb_detach_kernel_driver(handle_, interface_);
        if (rc != 0)
            return UsbFailure{rc == LIBUSB_ERROR_ACCESS ? NUTPP_E_PERMISSION : NUTPP_E_IO,
                              usb_busy_message(info_, interface_, rc, true)};
        reattach_kernel_driver_ = true;
    }
    if (const int rc = libusb_claim_interface(handle_, interface_); rc != 0) {
        interface_claimed_ = false;
        return UsbFailure{rc == LIBUSB_ERROR_BUSY || rc == LIBUSB_ERROR_ACCESS ? NUTPP_E_PERMISSION : NUTPP_E_IO,
                          usb_busy_message(info_, interface_, rc, false)};
    }
    interface_claimed_ = true;
    std::vector<uint8_t> buf(report_descriptor_length_ ? report_descriptor_length_ : 4096);
    const int got = libusb_control_transfer(handle_, kStandardInterfaceIn,
                                            LIBUSB_REQUEST_GET_DESCRIPTOR, kReportDescriptorType << 8,
                                            uint16_t(interface_), buf.data(), uint16_t(buf.size()), kControlTimeoutMs);
    if (got <= 0)
        return UsbFailure{NUTPP_E_IO, "reading the HID report descriptor of " + who + " failed: " +
                                          (got < 0 ? libusb_error_name(got) : "empty")};
    buf.resize(size_t(got));
    report_descriptor_ = std::move(buf);
    return std::nullopt;
}

UsbHidDevice::~UsbHidDevice() {
    if (transfer_) {
        // Cancel and let the cancellation complete before freeing the transfer.
        if (transfer_active_ && libusb_cancel_transfer(transfer_) == 0)
            for (int i = 0; i < 100 && transfer_active_; ++i) {
                timeval tv{0, 10000};
                libusb_handle_events_timeout_completed(ctx_.get(), &tv, nullptr);
            }
        if (!transfer_active_) libusb_free_transfer(transfer_);
    }
    if (interface_ >= 0) {
        if (interface_claimed_) libusb_release_interface(handle_, interface_);
        if (reattach_kernel_driver_) libusb_attach_kernel_driver(handle_, interface_);
    }
    libusb_close(handle_);
}

int UsbHidDevice::get_report(ReportType type, uint8_t id, size_t length, std::vector<uint8_t> &out) {
    out.assign(length, 0);
    const int rc = libusb_control_transfer(
        handle_, kClassInterfaceIn, kGetReport,
        uint16_t(uint8_t(type) << 8 | id), uint16_t(interface_), out.data(), uint16_t(length), kControlTimeoutMs);
    if (rc < 0) return rc;
    out.resize(size_t(rc));
    return 0;
}

int UsbHidDevice::set_report(ReportType type, uint8_t id, std::span<const uint8_t> data) {
    std::vector<uint8_t> copy(data.begin(), data.end()); // libusb takes a non-const buffer
    const int rc = libusb_control_transfer(
        handle_, kClassInterfaceOut, kSetReport,
        uint16_t(uint8_t(type) << 8 | id), uint16_t(interface_), copy.data(), uint16_t(copy.size()), kControlTimeoutMs);
    return rc < 0 ? rc : 0;
}

std::string UsbHidDevice::string(int index) {
    if (index <= 0 || index > 255) return "";
    if (auto it = strings_.find(index); it != strings_.end()) return it->second;
    unsigned char buf[256];
    const int n = libusb_get_string_descriptor_ascii(handle_, uint8_t(index), buf, sizeof buf);
    std::string s = n > 0 ? std::string(reinterpret_cast<char *>(buf), size_t(n)) : "";
    while (!s.empty() && s.back() == ' ') s.pop_back(); // UPS firmware pads strings with blanks
    strings_[index] = s;
    return s;
}

bool UsbHidDevice::start_interrupt(ReportHandler on_report, ErrorHandler on_error) {
    if (!ep_in_) return false;
    on_report_ = std::move(on_report);
    on_error_ = std::move(on_error);
    transfer_ = libusb_alloc_transfer(0);
    if (!transfer_) return false;
    transfer_buffer_.assign(std::max<size_t>(ep_size_, 64), 0);
    libusb_fill_interrupt_transfer(transfer_, handle_, ep_in_, transfer_buffer_.data(), int(transfer_buffer_.size()),
                                   &UsbHidDevice::on_transfer, this, 0);
    transfer_active_ = libusb_submit_transfer(transfer_) == 0;
    return transfer_active_;
}

void LIBUSB_CALL UsbHidDevice::on_transfer(libusb_transfer *t) {
    auto *self = static_cast<UsbHidDevice *>(t->user_data);
    self->transfer_active_ = false;
    switch (t->status) {
    case LIBUSB_TRANSFER_COMPLETED:
        if (t->actual_length > 0) self->on_report_({t->buffer, size_t(t->actual_length)});
        self->transfer_active_ = libusb_submit_transfer(t) == 0;
        break;
    case LIBUSB_TRANSFER_CANCELLED: break;
    case LIBUSB_TRANSFER_NO_DEVICE: self->on_error_(LIBUSB_ERROR_NO_DEVICE); break;
    case LIBUSB_TRANSFER_TIMED_OUT: self->transfer_active_ = libusb_submit_transfer(t) == 0; break;
    default: self->on_error_(LIBUSB_ERROR_IO); break;
    }
}

} // namespace nutpp::usbhid
