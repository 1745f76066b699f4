// A fake USB HID UPS on umockdev's ioctl emulation, for running the plugin through the unmodified
// system libusb (adapted from ../shared/usb-emulation, generalised): any VID:PID, strings and report
// descriptor, feature reports served by GET_REPORT and written by SET_REPORT, input reports queued
// for the interrupt IN endpoint 0x81. Works in this process and, through UMOCKDEV_DIR and
// LD_PRELOAD inherited by a child, for an upsdrvd child process.
//
// Rules (from the recipe): construct before any libusb_init() of this process, destroy after
// libusb_exit(); one instance at a time; the test runs under umockdev-wrapper.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

typedef struct _UMockdevTestbed UMockdevTestbed;
typedef struct _UMockdevIoctlBase UMockdevIoctlBase;
typedef struct _UMockdevIoctlClient UMockdevIoctlClient;

class FakeUsbUps {
public:
    struct Config {
        uint16_t vendor_id = 0x0764;
        uint16_t product_id = 0x0501;
        uint8_t i_manufacturer = 3, i_product = 1, i_serial = 2;   // CyberPower's string indexes
        std::map<uint8_t, std::string> strings;                   // string index -> text
        std::vector<uint8_t> report_descriptor;
        std::map<std::pair<uint8_t, uint8_t>, std::vector<uint8_t>> feature_reports; // (type, id) -> bytes
        // Misbehaviour, as the kernel shows it: USBDEVFS_DISCONNECT (detaching usbhid) fails with this
        // errno when non-zero; USBDEVFS_CLAIMINTERFACE answers EBUSY even with usbhid detached (another
        // program holds the interface).
        int detach_errno = 0;
        bool claim_busy = false;
        // A race a real UPS can produce: on the nth GET_REPORT of feature report `feature_id` the reply
        // is made, then `input` arrives on the interrupt pipe before the host reaps that reply, so
        // both are reapable together, the older feature bytes first.
        struct InputAfterReply {
            uint8_t feature_id = 0;
            int nth = 0;   // 0: off
            std::vector<uint8_t> input;
        } input_after_reply;
    };

    // Throws std::runtime_error when not running under umockdev-wrapper.
    explicit FakeUsbUps(Config config);
    ~FakeUsbUps();
    FakeUsbUps(const FakeUsbUps&) = delete;
    FakeUsbUps& operator=(const FakeUsbUps&) = delete;

    // Thread-safe; may be called while the code under test runs.
    void send_input_report(const std::vector<uint8_t>& report); // also updates the feature view
    void set_feature_report(const std::vector<uint8_t>& report);
    std::vector<uint8_t> feature_report(uint8_t id) const;
    std::vector<std::vector<uint8_t>> set_reports() const;     // every SET_REPORT received
    bool kernel_driver_attached() const;
    // Pulls the device: every usbdevfs ioctl on an open handle then fails with ENODEV (as the kernel's
    // after a disconnect) and the device leaves the testbed's /sys and /dev. replug() adds it again,
    // same descriptors, strings, reports and bus address, usbhid bound again.
    void unplug();
    void replug();
    std::string root_dir() const;
    std::string device_node() const;   // the emulated /dev/bus/usb/001/002, inside root_dir()

private:
    static int on_ioctl_cb(UMockdevIoctlBase*, UMockdevIoctlClient* client, void* self);
    bool on_ioctl(UMockdevIoctlClient* client);
    int control_request(uint8_t* buf, int buffer_length, int* actual);
    std::vector<uint8_t> get_report(uint8_t type, uint8_t id);   // caller holds mutex_
    bool set_report(uint8_t type, uint8_t id, const uint8_t* data, int len);
    void queue_input_report(const std::vector<uint8_t>& report);   // caller holds mutex_

    Config config_;
    UMockdevTestbed* testbed_ = nullptr;
    UMockdevIoctlBase* handler_ = nullptr;

    mutable std::mutex mutex_;
    std::map<std::pair<uint8_t, uint8_t>, std::vector<uint8_t>> reports_;
    std::vector<std::vector<uint8_t>> set_reports_;
    bool kernel_driver_attached_ = true;
    bool unplugged_ = false;
    std::string record_;   // the device in umockdev's record format
    std::deque<std::vector<uint8_t>> pending_input_reports_;
    int feature_gets_ = 0;   // GET_REPORTs of input_after_reply.feature_id so far
};
