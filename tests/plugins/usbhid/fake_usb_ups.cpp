// fake_usb_ups.cpp: see fake_usb_ups.hpp. Adapted from the project's usb-emulation recipe
// (../shared/usb-emulation/fake_hid_ups.cpp), made generic over descriptor, IDs and reports.
#include "fake_usb_ups.hpp"

#include <umockdev.h>
#include <sys/ioctl.h>   // _IOR() etc., used by the USBDEVFS_* request numbers
#include <linux/usbdevice_fs.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

namespace {

std::vector<uint8_t> device_descriptor(const FakeUsbUps::Config& c) {
    return {18, 0x01, 0x10, 0x01, 0x00, 0x00, 0x00, 8,
            uint8_t(c.vendor_id), uint8_t(c.vendor_id >> 8), uint8_t(c.product_id), uint8_t(c.product_id >> 8),
            0x01, 0x00, c.i_manufacturer, c.i_product, c.i_serial, 1};
}

// Configuration 1: one HID interface with an interrupt IN endpoint 0x81 (wTotalLength 34).
std::vector<uint8_t> config_descriptor(const FakeUsbUps::Config& c) {
    const size_t n = c.report_descriptor.size();
    return {9, 0x02, 34, 0, 1, 1, 0, 0xE0, 0,
            9, 0x04, 0, 0, 1, 0x03, 0, 0, 0,
            9, 0x21, 0x10, 0x01, 0, 1, 0x22, uint8_t(n), uint8_t(n >> 8),
            7, 0x05, 0x81, 0x03, 8, 0, 10};
}

std::vector<uint8_t> string_descriptor(const FakeUsbUps::Config& c, uint8_t index) {
    if (index == 0) return {4, 0x03, 0x09, 0x04};   // supported LANGIDs: en-US
    auto it = c.strings.find(index);
    if (it == c.strings.end()) return {};
    const std::string* text = &it->second;
    std::vector<uint8_t> d{0, 0x03};
    for (char ch : *text) d.insert(d.end(), {uint8_t(ch), 0});
    d[0] = uint8_t(d.size());
    return d;
}

std::string hex(const uint8_t* p, size_t n) {
    std::string s;
    char b[3];
    for (size_t i = 0; i < n; ++i) std::snprintf(b, sizeof b, "%02x", p[i]), s += b;
    return s;
}

// ------------------------------------------------------- umockdev ioctl data
// A UMockdevIoctlData is a local copy of client memory; changes are written
// back into the client process when the ioctl is completed.
struct Unref {
    void operator()(UMockdevIoctlData* d) const { g_object_unref(d); }
};
using Data = std::unique_ptr<UMockdevIoctlData, Unref>;

// Follows the pointer stored at `offset` inside `parent` and copies `len` bytes
// from the client. The pointer in parent->data now points at the local copy.
Data resolve(UMockdevIoctlData* parent, size_t offset, size_t len) {
    GError* error = nullptr;
    Data d(umockdev_ioctl_data_resolve(parent, offset, len, &error));
    if (error) {
        g_warning("fake-hid-ups: reading client memory: %s", error->message);
        g_error_free(error);
    }
    return d;   // null for a NULL client pointer or on error
}

usbdevfs_urb* urb_of(const Data& d) { return reinterpret_cast<usbdevfs_urb*>(d->data); }

// In-flight URBs of one open file descriptor (the kernel keeps them per fd).
struct ClientUrbs {
    std::deque<Data> completed;      // reapable, oldest first
    std::deque<Data> interrupt_in;   // waiting for an input report
    bool idle = false;               // the last reap found nothing
};

ClientUrbs& urbs_of(UMockdevIoctlClient* client) {
    static const char kKey[] = "fake-hid-ups-urbs";
    auto* urbs = static_cast<ClientUrbs*>(g_object_get_data(G_OBJECT(client), kKey));
    if (!urbs) {
        urbs = new ClientUrbs;
        g_object_set_data_full(G_OBJECT(client), kKey, urbs,
                               [](gpointer p) { delete static_cast<ClientUrbs*>(p); });
    }
    return *urbs;
}

gboolean complete_eagain(gpointer client) {
    umockdev_ioctl_client_complete(static_cast<UMockdevIoctlClient*>(client), -1, EAGAIN);
    return G_SOURCE_REMOVE;
}

}  // namespace

FakeUsbUps::FakeUsbUps(Config config) : config_(std::move(config)) {
    reports_ = config_.feature_reports;
    testbed_ = umockdev_testbed_new();   // private /sys + /dev, sets $UMOCKDEV_DIR
    // Only meaningful once a testbed exists: it checks that /sys is redirected.
    if (!umockdev_in_mock_environment()) {
        g_object_unref(testbed_);
        throw std::runtime_error("FakeUsbUps: not under umockdev-wrapper (LD_PRELOAD is missing)");
    }

    // The device in umockdev's record format (what `umockdev-record` prints for
    // a real device): P sysfs path, N /dev node (a plain file for "usb"),
    // E udev properties, A sysfs attributes (with the kernel's trailing "\n"),
    // H binary attribute in hex. libusb reads "descriptors" (device descriptor
    // followed by all configuration descriptors), busnum, devnum, speed and
    // bConfigurationValue; idVendor/idProduct are there for udev-based tools.
    record_ =
        "P: /devices/pci0000:00/0000:00:14.0/usb1/1-1\n"
        "N: bus/usb/001/002\n"
        "E: SUBSYSTEM=usb\n"
        "E: DEVTYPE=usb_device\n"
        "E: DEVNAME=/dev/bus/usb/001/002\n"
        "A: busnum=1\\n\n"
        "A: devnum=2\\n\n"
        "A: speed=12\\n\n"
        "A: bConfigurationValue=1\\n\n"
        "H: descriptors=" + hex(device_descriptor(config_).data(), 18) +
        hex(config_descriptor(config_).data(), 34) + "\n";

    GError* error = nullptr;
    handler_ = umockdev_ioctl_base_new();
    g_signal_connect(handler_, "handle-ioctl", G_CALLBACK(on_ioctl_cb), this);
    if (!umockdev_testbed_add_from_string(testbed_, record_.c_str(), &error) ||
        !umockdev_testbed_attach_ioctl(testbed_, "/dev/bus/usb/001/002", handler_, &error)) {
        std::string msg = std::string("FakeUsbUps: ") + error->message;
        g_error_free(error);
        g_object_unref(handler_);
        g_object_unref(testbed_);
        throw std::runtime_error(msg);
    }
}

FakeUsbUps::~FakeUsbUps() {
    g_signal_handlers_disconnect_by_data(handler_, this);
    g_object_unref(testbed_);   // deletes the temporary /sys + /dev tree
    g_object_unref(handler_);
}

void FakeUsbUps::send_input_report(const std::vector<uint8_t>& report) {
    std::lock_guard<std::mutex> lock(mutex_);
    queue_input_report(report);
}

void FakeUsbUps::queue_input_report(const std::vector<uint8_t>& report) {
    reports_[{1, report.at(0)}] = report;
    reports_[{3, report.at(0)}] = report;   // the feature view of the same status report
    pending_input_reports_.push_back(report);
}

void FakeUsbUps::set_feature_report(const std::vector<uint8_t>& report) {
    std::lock_guard<std::mutex> lock(mutex_);
    reports_[{3, report.at(0)}] = report;
}

std::vector<uint8_t> FakeUsbUps::feature_report(uint8_t id) const {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = reports_.find({3, id});
    return it == reports_.end() ? std::vector<uint8_t>{} : it->second;
}

std::vector<std::vector<uint8_t>> FakeUsbUps::set_reports() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return set_reports_;
}

void FakeUsbUps::unplug() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        unplugged_ = true;
    }
    umockdev_testbed_remove_device(testbed_, "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-1");
}

void FakeUsbUps::replug() {
    GError* error = nullptr;
    umockdev_testbed_detach_ioctl(testbed_, "/dev/bus/usb/001/002", nullptr);
    {
        std::lock_guard<std::mutex> lock(mutex_);
        unplugged_ = false;
        kernel_driver_attached_ = true;
        pending_input_reports_.clear();
    }
    if (!umockdev_testbed_add_from_string(testbed_, record_.c_str(), &error) ||
        !umockdev_testbed_attach_ioctl(testbed_, "/dev/bus/usb/001/002", handler_, &error)) {
        std::string msg = std::string("FakeUsbUps::replug: ") + error->message;
        g_error_free(error);
        throw std::runtime_error(msg);
    }
}

bool FakeUsbUps::kernel_driver_attached() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return kernel_driver_attached_;
}

// Reports are returned with their report ID as first byte, like the device does; unknown ones stall.
std::vector<uint8_t> FakeUsbUps::get_report(uint8_t type, uint8_t id) {
    auto it = reports_.find({type, id});
    if (it == reports_.end() && type == 1) it = reports_.find({3, id});
    return it == reports_.end() ? std::vector<uint8_t>{} : it->second;
}

// Feature reports the device has are writable with their own length (the UPS takes the value).
bool FakeUsbUps::set_report(uint8_t type, uint8_t id, const uint8_t* data, int len) {
    auto it = reports_.find({3, id});
    if (type != 3 || it == reports_.end() || len != int(it->second.size()) || data[0] != id) return false;
    it->second.assign(data, data + len);
    set_reports_.emplace_back(data, data + len);
    return true;
}

// ---------------------------------------------------------- control requests
int FakeUsbUps::control_request(uint8_t* buf, int buffer_length, int* actual) {
    const uint8_t request_type = buf[0], request = buf[1];
    const uint16_t value = buf[2] | buf[3] << 8, index = buf[4] | buf[5] << 8;
    const int length = std::min(buf[6] | buf[7] << 8, buffer_length - 8);
    uint8_t* data = buf + 8;   // data stage follows the 8-byte setup packet
    std::vector<uint8_t> reply;
    *actual = 0;

    std::lock_guard<std::mutex> lock(mutex_);
    switch (request_type << 8 | request) {
    case 0x8006:   // GET_DESCRIPTOR (standard, device)
        if (value >> 8 == 0x01) reply = device_descriptor(config_);
        if (value == 0x0200) reply = config_descriptor(config_);
        if (value >> 8 == 0x03) reply = string_descriptor(config_, value & 0xff);
        break;
    case 0x8106:   // GET_DESCRIPTOR (standard, interface): HID class descriptors
        if (index == 0 && value == 0x2100) {
            const auto c = config_descriptor(config_);
            reply.assign(c.begin() + 18, c.begin() + 27);
        }
        if (index == 0 && value == 0x2200) reply = config_.report_descriptor;
        break;
    case 0xA101:   // HID GET_REPORT, wValue = report type << 8 | report ID
        if (index == 0) reply = get_report(value >> 8, value & 0xff);
        if (const auto& race = config_.input_after_reply;
            race.nth > 0 && value == (0x0300 | race.feature_id) && ++feature_gets_ == race.nth)
            queue_input_report(race.input);   // after the reply above was made from the old bytes
        break;
    case 0x2109:   // HID SET_REPORT
        if (index != 0 || !set_report(value >> 8, value & 0xff, data, length)) return -EPIPE;
        *actual = length;
        return 0;
    case 0x210A:   // HID SET_IDLE
        return index == 0 ? 0 : -EPIPE;
    }
    if (reply.empty()) return -EPIPE;   // unsupported request: STALL

    *actual = std::min(int(reply.size()), length);   // IN: short replies are fine
    std::memcpy(data, reply.data(), *actual);
    return 0;
}

// ------------------------------------------------------------ usbdevfs ioctls
int FakeUsbUps::on_ioctl_cb(UMockdevIoctlBase*, UMockdevIoctlClient* client, void* self) {
    return static_cast<FakeUsbUps*>(self)->on_ioctl(client);
}

// Runs on umockdev's worker thread, one ioctl at a time. Must complete every
// request with umockdev_ioctl_client_complete(client, result, errno).
bool FakeUsbUps::on_ioctl(UMockdevIoctlClient* client) {
    const unsigned long request = umockdev_ioctl_client_get_request(client);
    UMockdevIoctlData* arg = umockdev_ioctl_client_get_arg(client);   // the raw ioctl argument
    ClientUrbs& urbs = urbs_of(client);
    long result = 0;
    int err = 0;
    auto fail = [&](int e) { result = -1; err = e; };

    bool gone;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        gone = unplugged_;
    }
    if (gone) {   // disconnected: the kernel fails every usbdevfs ioctl of a stale handle
        umockdev_ioctl_client_complete(client, -1, ENODEV);
        return true;
    }

    switch (request) {
    case USBDEVFS_SUBMITURB: {   // every libusb transfer, synchronous ones included
        Data urb_data = resolve(arg, 0, sizeof(usbdevfs_urb));
        if (!urb_data) { fail(EFAULT); break; }
        usbdevfs_urb* urb = urb_of(urb_data);
        // Copy the transfer buffer too: urb->buffer then points at the local copy.
        Data buffer = resolve(urb_data.get(), offsetof(usbdevfs_urb, buffer), urb->buffer_length);
        if (!buffer) { fail(EFAULT); break; }

        if (urb->type == USBDEVFS_URB_TYPE_CONTROL && urb->endpoint == 0) {
            uint8_t* setup = static_cast<uint8_t*>(urb->buffer);   // 8-byte setup packet + data
            if (urb->buffer_length < 8 || urb->buffer_length < 8 + (setup[6] | setup[7] << 8)) {
                fail(EINVAL);   // the kernel rejects these at submit time, too
                break;
            }
            // The device answers at once; the URB becomes reapable.
            urb->status = control_request(setup, urb->buffer_length, &urb->actual_length);
            urbs.completed.push_back(std::move(urb_data));
        } else if (urb->type == USBDEVFS_URB_TYPE_INTERRUPT && urb->endpoint == 0x81) {
            urbs.interrupt_in.push_back(std::move(urb_data));   // until an input report exists
        } else {
            fail(EINVAL);
        }
        break;
    }
    case USBDEVFS_REAPURBNDELAY: {   // libusb polls with this; it never uses blocking REAPURB
        {
            std::lock_guard<std::mutex> lock(mutex_);
            while (!urbs.interrupt_in.empty() && !pending_input_reports_.empty()) {
                const std::vector<uint8_t>& report = pending_input_reports_.front();
                usbdevfs_urb* urb = urb_of(urbs.interrupt_in.front());
                urb->actual_length = std::min(int(report.size()), urb->buffer_length);
                std::memcpy(urb->buffer, report.data(), urb->actual_length);
                urb->status = 0;
                urbs.completed.push_back(std::move(urbs.interrupt_in.front()));
                urbs.interrupt_in.pop_front();
                pending_input_reports_.pop_front();
            }
        }
        if (urbs.completed.empty()) {
            // The fake node is a plain file, so libusb's poll() never blocks and
            // libusb reaps in a busy loop while a transfer is pending. Answer
            // the second and later empty reaps in a row after 1 ms instead.
            if (std::exchange(urbs.idle, true)) {
                GSource* timer = g_timeout_source_new(1);
                g_source_set_callback(timer, complete_eagain, g_object_ref(client), g_object_unref);
                g_source_attach(timer, g_main_context_get_thread_default());   // the worker's
                g_source_unref(timer);
                return true;   // completed later
            }
            fail(EAGAIN);
            break;
        }
        urbs.idle = false;
        // The argument is a `void **`: hand back the client's address of the URB.
        Data slot = resolve(arg, 0, sizeof(void*));
        if (!slot) { fail(EFAULT); break; }
        umockdev_ioctl_data_set_ptr(slot.get(), 0, urbs.completed.front().get());
        urbs.completed.pop_front();
        break;
    }
    case USBDEVFS_DISCARDURB: {   // cancellation and timeouts; the argument is the URB address
        const unsigned long addr = *reinterpret_cast<unsigned long*>(arg->data);
        auto it = std::find_if(urbs.interrupt_in.begin(), urbs.interrupt_in.end(),
                               [&](const Data& d) { return d->client_addr == addr; });
        if (it == urbs.interrupt_in.end()) { fail(EINVAL); break; }   // already completed
        urb_of(*it)->status = -ENOENT;   // killed; reaped like any other URB
        urb_of(*it)->actual_length = 0;
        urbs.completed.push_back(std::move(*it));
        urbs.interrupt_in.erase(it);
        break;
    }
    case USBDEVFS_GETDRIVER: {   // libusb_kernel_driver_active()
        Data d = resolve(arg, 0, sizeof(usbdevfs_getdriver));
        if (!d) { fail(EFAULT); break; }
        auto* gd = reinterpret_cast<usbdevfs_getdriver*>(d->data);
        std::lock_guard<std::mutex> lock(mutex_);
        if (gd->interface != 0) fail(EINVAL);
        else if (!kernel_driver_attached_) fail(ENODATA);
        else std::strcpy(gd->driver, "usbhid");
        break;
    }
    case USBDEVFS_IOCTL: {   // libusb_detach_kernel_driver() / libusb_attach_kernel_driver()
        Data d = resolve(arg, 0, sizeof(usbdevfs_ioctl));
        if (!d) { fail(EFAULT); break; }
        auto* io = reinterpret_cast<usbdevfs_ioctl*>(d->data);
        const unsigned code = unsigned(io->ioctl_code);
        std::lock_guard<std::mutex> lock(mutex_);
        if (io->ifno != 0) {
            fail(EINVAL);
        } else if (code == USBDEVFS_DISCONNECT) {   // unbind usbhid
            if (config_.detach_errno) fail(config_.detach_errno);
            else if (kernel_driver_attached_) kernel_driver_attached_ = false;
            else fail(ENODATA);                   // libusb: LIBUSB_ERROR_NOT_FOUND
        } else if (code == USBDEVFS_CONNECT) {      // rebind; the kernel returns 1 when bound
            kernel_driver_attached_ = true;
            result = 1;
        } else {
            fail(ENOTTY);
        }
        break;
    }
    case USBDEVFS_CLAIMINTERFACE: {
        Data d = resolve(arg, 0, sizeof(unsigned));
        if (!d) { fail(EFAULT); break; }
        std::lock_guard<std::mutex> lock(mutex_);
        if (*reinterpret_cast<unsigned*>(d->data) != 0) fail(ENOENT);
        else if (kernel_driver_attached_ || config_.claim_busy) fail(EBUSY);   // as the kernel while someone owns it
        break;
    }
    case USBDEVFS_RELEASEINTERFACE:
        break;
    default:   // e.g. GET_CAPABILITIES, DISCONNECT_CLAIM: libusb falls back
        fail(ENOTTY);
    }

    umockdev_ioctl_client_complete(client, result, err);
    return true;   // handled
}

std::string FakeUsbUps::root_dir() const { return umockdev_testbed_get_root_dir(testbed_); }

std::string FakeUsbUps::device_node() const { return root_dir() + "/dev/bus/usb/001/002"; }
