// The usbhid plugin's driver: matches and opens the UPS (open), reads the feature reports at the
// poll interval, handles interrupt input reports as soon as libusb's fds (watched by the host) are
// ready, and writes variables and commands with SET_REPORT.
#pragma once

#include <nutpp/driver.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ups_model.hpp"
#include "usb_device.hpp"
#include "usb_match.hpp"

namespace nutpp::usbhid {

class UsbHidDriver : public Driver {
public:
    UsbHidDriver(const nutpp_host_api *api, nutpp_host_ctx *ctx);
    ~UsbHidDriver() override;

    nutpp_status open() override;
    nutpp_status poll(uint32_t wake_reasons) override;
    nutpp_status instcmd(const char *cmd, const char *arg) override;
    nutpp_status setvar(const char *name, const char *value) override;
    void close() override;

private:
    nutpp_status read_features();
    nutpp_status read_feature_reports();
    void publish();
    void publish_status();
    void declare();
    void watch_libusb_fds();
    void on_input_report(std::span<const uint8_t> report);
    nutpp_status write_field(const HidField &field, double value);
    static void LIBUSB_CALL fd_added(int fd, short events, void *self);
    static void LIBUSB_CALL fd_removed(int fd, void *self);

    UsbMatcher matcher_;
    void check_delay_resolution(const char *setting, long seconds, const char *path_word);
    std::optional<long> offdelay_set_, ondelay_set_; // from the config (NUT's offdelay/ondelay)
    long offdelay_ = 20, ondelay_ = 30;               // in force: configured, else the vendor's default
    bool delays_chosen_ = false;                      // a replug keeps what SET VAR made them
    std::string serial_;                 // of the first device opened: a replug must match it
    std::unique_ptr<UsbContext> usb_;
    std::unique_ptr<UsbHidDevice> device_;
    std::unique_ptr<UpsModel> model_;
    std::vector<int> watched_;
    int device_error_ = 0;               // set by the interrupt callback (e.g. unplugged)
    std::vector<std::string> last_status_;
    // Input reports that arrived while a feature pass was reading (libusb runs the interrupt
    // callback inside a GET_REPORT's event loop): applied again after the pass, see read_features().
    bool reading_features_ = false;
    std::vector<std::vector<uint8_t>> input_during_features_;
};

} // namespace nutpp::usbhid
