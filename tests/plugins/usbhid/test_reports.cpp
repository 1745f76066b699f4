// Every GET_REPORT row in tests/testdata/hid/reports: the field at the row's place has NUT's path
// and decodes to NUT's value (nut_value), through the same UpsModel the plugin uses.
#include <gtest/gtest.h>

#include <sstream>

#include <cmath>

#include "hid_report.hpp"
#include "ups_model.hpp"
#include "testdata.hpp"

using namespace nutpp::usbhid;
using namespace usbhid_test;

namespace {

struct Device {
    const char *file;
    uint16_t vendor_id;
};

const Device kDevices[] = {
    {"apc_back-ups_bk650m2-ch_051d-0002", 0x051d},
    {"apc_back-ups_cs500_051d-0002", 0x051d},
    {"cps_cp1500pfclcd_0764-0501", 0x0764},
    {"eaton_3s700_0463-ffff", 0x0463},
};

} // namespace

// NUT 2.8.0's dumps spell usages it has no name for in hex ("ff86007c"); ours may name them now
// (as newer NUT does): the dump's path with such words replaced by our names.
std::string with_our_names(const std::string &nut_path, const VendorQuirks *quirks) {
    std::string out, word;
    std::istringstream in(nut_path);
    while (std::getline(in, word, '.')) {
        if (word.size() == 8 && word.find_first_not_of("0123456789abcdef") == std::string::npos)
            word = usage_name(Usage(std::stoul(word, nullptr, 16)),
                              quirks ? std::vector<UsageName>(quirks->usage_names.begin(), quirks->usage_names.end())
                                     : std::vector<UsageName>{});
        out += (out.empty() ? "" : ".") + word;
    }
    return out;
}

class ReportRows : public ::testing::TestWithParam<Device> {};

TEST_P(ReportRows, DecodedValuesEqualNutValue) {
    const Device dev = GetParam();
    UpsModel model(parse_descriptor(load_descriptor(dev.file)), find_vendor(dev.vendor_id));
    const auto rows = load_reports(dev.file);
    ASSERT_FALSE(rows.empty());
    for (const auto &row : rows) {
        SCOPED_TRACE(row.path + " report " + std::to_string(row.report_id));
        const HidField *field = nullptr;
        for (const auto &f : model.descriptor().fields)
            if (f.type == row.type && f.report_id == row.report_id && f.bit_offset == row.bit_offset &&
                f.bit_size == row.bit_size)
                field = &f;
        ASSERT_NE(field, nullptr);
        const std::string path = with_our_names(row.path, find_vendor(dev.vendor_id));
        EXPECT_EQ(model.path(*field), path);
        ASSERT_TRUE(model.apply(row.type, row.bytes));
        const auto v = model.value(path);
        ASSERT_TRUE(v.has_value());
        EXPECT_NEAR(*v, row.nut_value, 1e-9);
    }
}

INSTANTIATE_TEST_SUITE_P(RealDevices, ReportRows, ::testing::ValuesIn(kDevices),
                         [](const auto &info) {
                             std::string n = info.param.file;
                             for (char &c : n)
                                 if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                             return n;
                         });

TEST(ReportDecoding, AllOnesDelayIsMinusOneOrMinus60WithCyberPowerScaling) {
    UpsModel cps(parse_descriptor(load_descriptor("cps_cp1500pfclcd_0764-0501")), find_vendor(0x0764));
    for (const auto &f : cps.descriptor().fields)
        if (cps.path(f) == "UPS.Output.DelayBeforeShutdown") {
            const std::vector<uint8_t> buf = {f.report_id, 0xff, 0xff};
            EXPECT_NEAR(field_value(f, *read_logical(f, buf, true)), -60.0, 1e-9);
        }
}

TEST(ReportDecoding, ShortAndForeignBuffersAreRefused) {
    UpsModel cps(parse_descriptor(load_descriptor("cps_cp1500pfclcd_0764-0501")), find_vendor(0x0764));
    for (const auto &f : cps.descriptor().fields)
        if (cps.path(f) == "UPS.PowerSummary.RunTimeToEmpty") {
            const std::vector<uint8_t> short_buf = {0x08, 0x64, 0xdc};
            EXPECT_FALSE(read_logical(f, short_buf, true).has_value());
            const std::vector<uint8_t> other_id = {0x09, 0x64, 0xdc, 0x23, 0x2c, 0x01};
            EXPECT_FALSE(read_logical(f, other_id, true).has_value());
        }
}

TEST(ReportDecoding, WriteThenReadRoundTrips) {
    HidField f;
    f.report_id = 5;
    f.bit_offset = 3;
    f.bit_size = 12;
    f.logical_min = -100;
    f.logical_max = 1000;
    std::vector<uint8_t> buf(3, 0xff);
    ASSERT_TRUE(write_logical(f, buf, true, -42));
    EXPECT_EQ(buf[0], 5);
    EXPECT_EQ(*read_logical(f, buf, true), -42);
    EXPECT_EQ(buf[1] & 0x07, 0x07); // neighbouring bits kept
}
