// A device's descriptor bound to the mapping tables: which NUT variables, status flags and commands
// it has, the latest value of every field (from GET_REPORT and interrupt input reports), and the
// NUT values and SET_REPORT buffers derived from them. No I/O here: the plugin feeds it reports.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "hid_descriptor.hpp"
#include "nut_mapping.hpp"
#include "vendor_quirks.hpp"

namespace nutpp::usbhid {

struct Binding {
    const MappingRow *row;
    const HidField *field; // the Feature field of that path when there is one (SET_REPORT target)
};

// One NUT variable ready to publish: text, or a number with its decimals.
struct NutValue {
    std::string name;
    std::optional<std::string> text;
    double number = 0;
    int decimals = 0;
};

// Resolves a USB string descriptor index (for iProduct & co); empty when unknown.
using StringLookup = std::function<std::string(int index)>;

class UpsModel {
public:
    // `product_id` selects the vendor's per-product scales (0: none); `usb_product` is the USB device
    // descriptor's product string (the vendor's model name rule starts from it).
    UpsModel(HidDescriptor descriptor, const VendorQuirks *quirks, uint16_t product_id = 0,
             std::string usb_product = {});

    const HidDescriptor &descriptor() const { return desc_; }
    const VendorQuirks *quirks() const { return quirks_; }
    const std::string &path(const HidField &f) const { return paths_.at(&f); }

    const std::vector<Binding> &variables() const { return variables_; }
    const Binding *variable(const std::string &nut_name) const;
    std::vector<std::string> commands() const;
    // Feature report IDs that carry a mapped variable or status flag: what a poll reads.
    std::vector<uint8_t> feature_reports() const;

    // Stores the values of every field in this report buffer (report ID first if the device uses
    // IDs). Returns false when the descriptor has no such report.
    bool apply(ReportType type, std::span<const uint8_t> report);
    std::optional<double> value(const std::string &path) const;

    std::vector<NutValue> nut_values(const StringLookup &strings) const;
    std::vector<std::string> status_tokens() const;
    bool has_status() const { return !statuses_.empty(); }

    // Parses a NUT text value for a writable variable into the field's value (enum texts too).
    std::optional<double> parse_setting(const Binding &b, const std::string &text) const;
    // The whole Feature report with `field` set to `value`, other fields as last read.
    std::optional<std::vector<uint8_t>> set_report_buffer(const HidField &field, double value) const;
    // The writes of instant command `name` in order: (field, row); empty when unsupported.
    std::vector<Binding> command_steps(const std::string &name) const;
    // Whether a command of this device writes that delay (NUT publishes ups.delay.shutdown/start only
    // when the device has the field its commands write).
    bool uses_delay(CommandValue which) const;

private:
    void bind(std::span<const MappingRow> rows, bool generic);
    void apply_scale_quirks(std::vector<NutValue> &values) const;
    void apply_derived_quirks(std::vector<NutValue> &values, const StringLookup &strings) const;
    const HidField *field_for(const std::string &path) const;

    HidDescriptor desc_;
    const VendorQuirks *quirks_;
    uint16_t product_id_;
    std::string usb_product_;
    std::map<const HidField *, std::string> paths_;
    std::multimap<std::string, const HidField *> by_path_;
    std::vector<Binding> variables_;
    std::vector<Binding> statuses_;
    std::vector<Binding> command_rows_;
    std::map<std::string, double> values_;                              // by path
    std::map<std::pair<uint8_t, uint8_t>, std::vector<uint8_t>> raw_;  // last buffer per (type, id)
};

} // namespace nutpp::usbhid
