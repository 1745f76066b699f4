#include "usbhid_driver.hpp"

#include <poll.h>

#include <algorithm>
#include <cmath>

#include "hid_report.hpp"
#include "vendor_quirks.hpp"

namespace nutpp::usbhid {

namespace {

const char *const kMatchKeys[] = {"vendorid", "productid", "vendor", "product", "serial", "bus", "device", "busport"};

nutpp_status usb_status(int rc) {
    switch (rc) {
    case LIBUSB_ERROR_NO_DEVICE: return NUTPP_E_NO_DEVICE;
    case LIBUSB_ERROR_TIMEOUT: return NUTPP_E_TIMEOUT;
    case LIBUSB_ERROR_PIPE: return NUTPP_E_REJECTED; // the device stalled the request
    case LIBUSB_ERROR_ACCESS: return NUTPP_E_PERMISSION;
    default: return NUTPP_E_IO;
    }
}

} // namespace

UsbHidDriver::UsbHidDriver(const nutpp_host_api *api, nutpp_host_ctx *ctx) : Driver(api, ctx) {
    const std::string port = host().config_or("port", "auto");
    if (port != "auto" && !port.empty())
        host().debug("port '" + port + "' ignored: USB devices are found by the match keys (as NUT's usbhid-ups)");
    for (const char *key : kMatchKeys)
        if (auto v = host().config(key)) {
            try {
                matcher_.add(key, *v);
            } catch (const std::invalid_argument &e) {
                throw Error(NUTPP_E_CONFIG, e.what());
            }
        }
    if (auto v = host().config_number("offdelay")) offdelay_set_ = std::lround(*v);
    if (auto v = host().config_number("ondelay")) ondelay_set_ = std::lround(*v);
}

UsbHidDriver::~UsbHidDriver() { close(); }

nutpp_status UsbHidDriver::open() {
    usb_ = std::make_unique<UsbContext>(); // fresh context: enumerates anew after a replug
    UsbFailure failure;
    device_ = UsbHidDevice::open(*usb_, matcher_, serial_, failure);
    if (!device_) return host().fail(failure.status, failure.message);
    const auto &info = device_->info();
    HidDescriptor desc;
    try {
        desc = parse_descriptor(device_->report_descriptor());
    } catch (const HidParseError &e) {
        return host().fail(NUTPP_E_UNSUPPORTED, "USB device " + hex4(info.vendor_id) + ":" + hex4(info.product_id) +
                                                    ": unusable HID report descriptor: " + e.what());
    }
    if (!desc.is_power_device())
        return host().fail(NUTPP_E_UNSUPPORTED,
                           "USB device " + hex4(info.vendor_id) + ":" + hex4(info.product_id) +
                               " is a HID device but not a HID Power Device (no usage page 0x84/0x85 "
                               "application collection; e.g. Megatec Q1 over HID needs another driver)");
    const VendorQuirks *quirks = find_vendor(info.vendor_id);
    model_ = std::make_unique<UpsModel>(std::move(desc), quirks, info.product_id, info.product);
    if (!delays_chosen_) {
        offdelay_ = offdelay_set_.value_or(quirks ? quirks->default_offdelay : 20);
        ondelay_ = ondelay_set_.value_or(quirks ? quirks->default_ondelay : 30);
        delays_chosen_ = true;
        check_delay_resolution("offdelay", offdelay_, "DelayBeforeShutdown");
        check_delay_resolution("ondelay", ondelay_, "DelayBeforeStartup");
    }
    if (serial_.empty()) serial_ = info.serial;
    host().info("opened USB UPS " + hex4(info.vendor_id) + ":" + hex4(info.product_id) + " '" + info.product +
                "' serial '" + info.serial + "' on bus " + info.bus + " device " + info.device);

    const nutpp_status st = read_features();
    if (st != NUTPP_OK) return st;
    declare();
    publish();
    device_error_ = 0;
    if (device_->start_interrupt([this](auto r) { on_input_report(r); }, [this](int e) { device_error_ = e; })) {
        libusb_set_pollfd_notifiers(usb_->get(), &UsbHidDriver::fd_added, &UsbHidDriver::fd_removed, this);
        watch_libusb_fds();
    }
    return NUTPP_OK;
}

// NUT warns CyberPower users whose delays are not whole minutes; the descriptor says how coarse a
// delay field is, so any device counting in steps gets the warning: the UPS receives the delay
// truncated to a whole step (30 s on a 60 s step is 0: no delay at all).
void UsbHidDriver::check_delay_resolution(const char *setting, long seconds, const char *path_word) {
    for (const auto &f : model_->descriptor().fields) {
        if (f.type != ReportType::Feature || model_->path(f).find(path_word) == std::string::npos) continue;
        const double step = field_resolution(f);
        if (step <= 1 || seconds <= 0) return;
        const long s = std::lround(step);
        if (seconds % s == 0) return;
        host().warn(std::string(setting) + "=" + std::to_string(seconds) + ": this UPS counts " + path_word +
                    " in steps of " + std::to_string(s) + " s, so it gets " + std::to_string(seconds / s * s) +
                    " s; use a multiple of " + std::to_string(s));
        return;
    }
}

void UsbHidDriver::watch_libusb_fds() {
    const libusb_pollfd **fds = libusb_get_pollfds(usb_->get());
    if (!fds) return;
    for (const libusb_pollfd **p = fds; *p; ++p) fd_added((*p)->fd, (*p)->events, this);
    libusb_free_pollfds(fds);
}

void LIBUSB_CALL UsbHidDriver::fd_added(int fd, short events, void *user) {
    auto *self = static_cast<UsbHidDriver *>(user);
    uint32_t ev = 0;
    if (events & POLLIN) ev |= NUTPP_FD_READ;
    if (events & POLLOUT) ev |= NUTPP_FD_WRITE;
    if (self->host().watch(fd, ev) == NUTPP_OK &&
        std::find(self->watched_.begin(), self->watched_.end(), fd) == self->watched_.end())
        self->watched_.push_back(fd);
}

void LIBUSB_CALL UsbHidDriver::fd_removed(int fd, void *user) {
    auto *self = static_cast<UsbHidDriver *>(user);
    self->host().unwatch(fd);
    std::erase(self->watched_, fd);
}

// A GET_REPORT reply may have been made before an input report that libusb hands us inside the
// same transfer wait: the feature bytes are then older than the input report although they arrive
// after it, and applying them last would put back the old status (OB reported, OL shown until the
// next poll). So input reports seen during the pass are applied again at its end, and the status is
// published by the caller after that. A later change comes with a later input report of its own.
nutpp_status UsbHidDriver::read_features() {
    reading_features_ = true;
    input_during_features_.clear();
    const nutpp_status st = read_feature_reports();
    reading_features_ = false;
    for (const auto &report : input_during_features_) model_->apply(ReportType::Input, report);
    input_during_features_.clear();
    return st;
}

nutpp_status UsbHidDriver::read_feature_reports() {
    std::vector<uint8_t> buf;
    for (uint8_t id : model_->feature_reports()) {
        const ReportLayout *layout = model_->descriptor().report(ReportType::Feature, id);
        const int rc = device_->get_report(ReportType::Feature, id,
                                           layout->wire_bytes(model_->descriptor().uses_report_ids), buf);
        if (rc == LIBUSB_ERROR_PIPE) continue; // the firmware does not implement this report
        if (rc != 0) {
            if (rc == LIBUSB_ERROR_NO_DEVICE) host().data_stale("USB device disconnected");
            return host().fail(usb_status(rc), std::string("GET_REPORT ") + std::to_string(id) + ": " +
                                                   libusb_error_name(rc));
        }
        model_->apply(ReportType::Feature, buf);
    }
    return NUTPP_OK;
}

void UsbHidDriver::declare() {
    for (const auto &b : model_->variables()) {
        if (!b.row->writable || !b.field || b.field->type != ReportType::Feature) continue;
        if (b.row->conversion == Conversion::Enum) {
            std::vector<std::string> choices;
            for (const auto &t : b.row->texts) choices.push_back(t.text);
            host().declare(b.row->nut_name, NUTPP_TYPE_ENUM, true, 0, {}, choices);
            continue;
        }
        std::vector<nutpp_range> ranges;
        if (b.field->logical_max > b.field->logical_min) {
            const double lo = field_value(*b.field, b.field->logical_min);
            const double hi = field_value(*b.field, b.field->logical_max);
            ranges.push_back({int64_t(std::ceil(std::min(lo, hi))), int64_t(std::floor(std::max(lo, hi)))});
        }
        host().declare(b.row->nut_name, NUTPP_TYPE_INTEGER, true, 0, ranges);
    }
    // NUT's offdelay/ondelay live in the driver; the shutdown commands write them to the UPS.
    // (only when a command writes them, as NUT's HU_FLAG_ABSENT rows: a Back-UPS CS 500 has neither)
    if (model_->uses_delay(CommandValue::OffDelay))
        host().declare("ups.delay.shutdown", NUTPP_TYPE_INTEGER, true, 0, {{0, 65535}});
    if (model_->uses_delay(CommandValue::OnDelay))
        host().declare("ups.delay.start", NUTPP_TYPE_INTEGER, true, 0, {{0, 65535}});
    for (const auto &c : model_->commands()) host().command(c.c_str());
}

void UsbHidDriver::publish() {
    const auto &info = device_->info();
    const auto values = model_->nut_values([this](int i) { return device_->string(i); });
    auto has = [&](const char *n) {
        return std::any_of(values.begin(), values.end(), [&](const NutValue &v) { return v.name == n; });
    };
    for (const auto &v : values) {
        if (v.text) host().set(v.name.c_str(), *v.text);
        else host().set(v.name.c_str(), v.number, v.decimals);
    }
    // What the USB device descriptor says, where the report descriptor has nothing better.
    if (!has("ups.mfr") && !info.vendor.empty()) host().set("ups.mfr", info.vendor);
    if (!has("ups.model") && !info.product.empty()) host().set("ups.model", info.product);
    if (!has("ups.serial") && !info.serial.empty()) host().set("ups.serial", info.serial);
    host().set("ups.vendorid", hex4(info.vendor_id));
    host().set("ups.productid", hex4(info.product_id));
    if (model_->uses_delay(CommandValue::OffDelay)) host().set("ups.delay.shutdown", std::to_string(offdelay_));
    if (model_->uses_delay(CommandValue::OnDelay)) host().set("ups.delay.start", std::to_string(ondelay_));
    publish_status();
}

void UsbHidDriver::publish_status() {
    const auto tokens = model_->status_tokens();
    if (tokens == last_status_ && !last_status_.empty()) return;
    last_status_ = tokens;
    host().status(tokens);
}

void UsbHidDriver::on_input_report(std::span<const uint8_t> report) {
    if (!model_->apply(ReportType::Input, report)) return;
    if (reading_features_) { // published when the pass ends, after the older feature bytes
        input_during_features_.emplace_back(report.begin(), report.end());
        return;
    }
    publish_status(); // within the same wake-up as the interrupt transfer: no poll interval wait
    host().data_ok();
}

nutpp_status UsbHidDriver::poll(uint32_t wake_reasons) {
    if (!device_) return host().fail(NUTPP_E_STATE, "not open");
    if (wake_reasons & NUTPP_WAKE_FD) usb_->handle_events();
    if (device_error_) {
        host().data_stale("USB device lost");
        return host().fail(usb_status(device_error_), std::string("interrupt transfer: ") +
                                                          libusb_error_name(device_error_));
    }
    if (wake_reasons & (NUTPP_WAKE_TIMER | NUTPP_WAKE_REQUEST | NUTPP_WAKE_FIRST)) {
        if (const nutpp_status st = read_features(); st != NUTPP_OK) return st;
        publish();
    }
    return NUTPP_OK;
}

nutpp_status UsbHidDriver::write_field(const HidField &field, double value) {
    const auto buf = model_->set_report_buffer(field, value);
    if (!buf) return host().fail(NUTPP_E_CONVERSION, "value does not fit the report");
    const int rc = device_->set_report(ReportType::Feature, field.report_id, *buf);
    if (rc != 0) return host().fail(usb_status(rc), std::string("SET_REPORT: ") + libusb_error_name(rc));
    model_->apply(ReportType::Feature, *buf);
    return NUTPP_OK;
}

nutpp_status UsbHidDriver::instcmd(const char *cmd, const char *arg) {
    (void)arg;
    const auto steps = model_->command_steps(cmd);
    if (steps.empty()) return host().fail(NUTPP_E_UNSUPPORTED, std::string("unsupported command ") + cmd);
    for (const auto &s : steps) {
        double v = s.row->value;
        if (s.row->command_value == CommandValue::OffDelay) v = double(offdelay_);
        if (s.row->command_value == CommandValue::OnDelay) v = double(ondelay_);
        if (const nutpp_status st = write_field(*s.field, v); st != NUTPP_OK) return st;
    }
    publish();
    return NUTPP_OK;
}

nutpp_status UsbHidDriver::setvar(const char *name, const char *value) {
    const std::string n = name;
    if (n == "ups.delay.shutdown" || n == "ups.delay.start") {
        const bool off = n == "ups.delay.shutdown";
        if (!model_->uses_delay(off ? CommandValue::OffDelay : CommandValue::OnDelay))
            return host().fail(NUTPP_E_UNSUPPORTED, "variable not writable: " + n + " (no command of this UPS uses it)");
        (off ? offdelay_ : ondelay_) = std::stol(value);
        check_delay_resolution(off ? "ups.delay.shutdown" : "ups.delay.start", std::stol(value),
                               off ? "DelayBeforeShutdown" : "DelayBeforeStartup");
        host().set(name, std::string(value));
        return NUTPP_OK;
    }
    const Binding *b = model_->variable(n);
    if (!b || !b->row->writable || !b->field)
        return host().fail(NUTPP_E_UNSUPPORTED, "variable not writable: " + n);
    const auto v = model_->parse_setting(*b, value);
    if (!v) return host().fail(NUTPP_E_CONVERSION, std::string("bad value '") + value + "' for " + n);
    if (const nutpp_status st = write_field(*b->field, *v); st != NUTPP_OK) return st;
    // Read back what the UPS actually took, then publish that.
    if (const nutpp_status st = read_features(); st != NUTPP_OK) return st;
    publish();
    return NUTPP_OK;
}

void UsbHidDriver::close() {
    if (usb_) libusb_set_pollfd_notifiers(usb_->get(), nullptr, nullptr, nullptr);
    for (int fd : watched_) host().unwatch(fd);
    watched_.clear();
    device_.reset();
    model_.reset();
    usb_.reset();
    last_status_.clear();
}

} // namespace nutpp::usbhid
