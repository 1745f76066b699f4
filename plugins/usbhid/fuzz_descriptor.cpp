// libFuzzer target: the first byte picks how much of the input is the descriptor; the rest is fed
// as report buffers of every type to the model built on it. Any crash, leak or UB is a finding.
#include <cstddef>
#include <cstdint>

#include "hid_descriptor.hpp"
#include "ups_model.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    using namespace nutpp::usbhid;
    if (size < 2) return 0;
    const size_t split = 1 + (size_t(data[0]) * (size - 1)) / 255;
    try {
        HidDescriptor d = parse_descriptor({data + 1, split - 1});
        UpsModel model(std::move(d), find_vendor(0x0764));
        std::span<const uint8_t> rest(data + split, size - split);
        for (auto t : {ReportType::Input, ReportType::Feature, ReportType::Output}) model.apply(t, rest);
        (void)model.status_tokens();
        (void)model.nut_values([](int) { return std::string("x"); });
        for (const auto &b : model.variables())
            if (b.field) (void)model.set_report_buffer(*b.field, 1.0);
    } catch (const HidParseError &) {
    }
    return 0;
}
