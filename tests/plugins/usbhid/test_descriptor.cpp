// The descriptor parser over every real descriptor in tests/testdata/hid, malformed input, and a
// deterministic mutation run (the quick in-CI cousin of the libFuzzer target).
#include <gtest/gtest.h>

#include <random>

#include "hid_descriptor.hpp"
#include "hid_usage_names.hpp"
#include "testdata.hpp"

using namespace nutpp::usbhid;
using namespace usbhid_test;

namespace {

bool has_path(const HidDescriptor &d, const std::string &p) {
    for (const auto &f : d.fields)
        if (path_string(f.path) == p) return true;
    return false;
}

} // namespace

TEST(HidDescriptor, EveryRealPowerDeviceDescriptorParses) {
    const auto names = descriptor_names();
    ASSERT_GE(names.size(), 10u);
    for (const auto &name : names) {
        SCOPED_TRACE(name);
        const auto d = parse_descriptor(load_descriptor(name));
        const bool megatec = name.find("megatec") != std::string::npos;
        EXPECT_EQ(d.is_power_device(), !megatec);
        if (megatec) continue;
        EXPECT_GT(d.fields.size(), 30u);
        EXPECT_TRUE(d.uses_report_ids);
        EXPECT_EQ(usage_name(d.applications.front()), "UPS");
        // Every Power Device has its charge and AC presence somewhere.
        bool charge = false, ac = false;
        for (const auto &f : d.fields) {
            charge |= f.usage() == make_usage(0x85, 0x66);
            ac |= f.usage() == make_usage(0x85, 0xd0);
        }
        EXPECT_TRUE(charge);
        EXPECT_TRUE(ac);
    }
}

TEST(HidDescriptor, KnownLayoutsOfTheCyberPower) {
    const auto d = parse_descriptor(load_descriptor("cps_cp1500pfclcd_0764-0501"));
    EXPECT_TRUE(has_path(d, "UPS.PowerSummary.RemainingCapacity"));
    EXPECT_TRUE(has_path(d, "UPS.PowerSummary.PresentStatus.ACPresent"));
    EXPECT_TRUE(has_path(d, "UPS.Output.DelayBeforeShutdown"));
    const ReportLayout *r8 = d.report(ReportType::Feature, 0x08);
    ASSERT_NE(r8, nullptr);
    EXPECT_EQ(r8->wire_bytes(true), 6u); // 08 64 dc 23 2c 01
    for (const auto &f : d.fields)
        if (path_string(f.path) == "UPS.PowerSummary.Voltage") {
            EXPECT_EQ(f.unit, 0x00f0d121u); // volt
            EXPECT_EQ(f.unit_exponent, 6);
        }
}

TEST(HidDescriptor, VendorCollectionKindsNumberRepeatedBlocks) {
    const auto d = parse_descriptor(load_descriptor("eaton_3s700_0463-ffff"));
    EXPECT_TRUE(has_path(d, "UPS.OutletSystem.Outlet.[1].PresentStatus.SwitchOn/Off"));
    EXPECT_TRUE(has_path(d, "UPS.OutletSystem.Outlet.[2].PresentStatus.SwitchOn/Off"));
}

// The README of the test data lists the devices whose buffers match the descriptor's sizes; the
// BK650M2's log holds short reads and 512-byte interrupt buffers instead.
TEST(HidDescriptor, ReportSizesEqualTheDevicesBuffers) {
    for (const char *name : {"apc_back-ups_cs500_051d-0002", "cps_cp1500pfclcd_0764-0501", "eaton_3s700_0463-ffff"}) {
        SCOPED_TRACE(name);
        const auto d = parse_descriptor(load_descriptor(name));
        for (const auto &row : load_reports(name)) {
            const ReportLayout *r = d.report(row.type, row.report_id);
            ASSERT_NE(r, nullptr) << row.path;
            EXPECT_EQ(r->wire_bytes(true), row.bytes.size()) << row.path;
        }
    }
}

TEST(HidDescriptor, MegatecOverHidIsNotAPowerDevice) {
    const auto d = parse_descriptor(load_descriptor("ppc_usb-ups_megatec-over-hid_06da-0003"));
    EXPECT_FALSE(d.is_power_device());
    EXPECT_EQ(usage_page(d.applications.at(0)), 0xffa0);
}

TEST(HidDescriptor, MalformedInputIsRejectedWithAReason) {
    struct Case {
        std::vector<uint8_t> bytes;
        const char *reason;
    };
    const Case cases[] = {
        {{}, "empty"},
        {{0x05, 0x84, 0x09, 0x04, 0xa1, 0x01}, "open collection"},
        {{0xc0}, "End Collection without"},
        {{0x26, 0xff}, "past the end"},
        {{0xb4}, "Pop without Push"},
        {{0x75, 0x40}, "above 32 bits"},
        {{0x85, 0x00}, "Report ID 0"},
        {{0x19, 0x01, 0x29, 0x00}, "bad usage range"},
        {{0x29, 0x05}, "without Usage Minimum"},
        {{0xfe, 0x10, 0x00}, "long item"},
        {{0x75, 0x20, 0x97, 0xff, 0xff, 0x00, 0x00, 0x09, 0x01, 0x81, 0x02}, "Report Count"},
    };
    for (const auto &c : cases) {
        try {
            parse_descriptor(c.bytes);
            ADD_FAILURE() << "accepted: " << c.reason;
        } catch (const HidParseError &e) {
            EXPECT_NE(std::string(e.what()).find(c.reason), std::string::npos) << e.what();
        }
    }
    std::vector<uint8_t> deep;
    for (int i = 0; i < 40; ++i) deep.insert(deep.end(), {0xa1, 0x00});
    EXPECT_THROW(parse_descriptor(deep), HidParseError);
}

TEST(HidDescriptor, OneByteLogicalMaximumOf255IsReadUnsigned) {
    // Logical Min 0, Logical Max 0xFF (one byte, -1 signed), 8-bit feature
    const std::vector<uint8_t> d = {0x05, 0x84, 0x09, 0x04, 0xa1, 0x01, 0x09, 0x30, 0x15, 0x00,
                                    0x25, 0xff, 0x75, 0x08, 0x95, 0x01, 0xb1, 0x02, 0xc0};
    const auto parsed = parse_descriptor(d);
    ASSERT_EQ(parsed.fields.size(), 1u);
    EXPECT_EQ(parsed.fields[0].logical_max, 255);
}

// Deterministic mutations of every real descriptor: flipped bits, changed bytes, truncations and
// insertions. The parser must either parse or throw HidParseError, within its limits.
TEST(HidDescriptor, MutatedDescriptorsNeverCrash) {
    std::mt19937 rng(20240601);
    size_t parsed = 0, rejected = 0;
    for (const auto &name : descriptor_names()) {
        const auto original = load_descriptor(name);
        for (int round = 0; round < 1500; ++round) {
            auto m = original;
            const int edits = 1 + int(rng() % 4);
            for (int e = 0; e < edits && !m.empty(); ++e) {
                const size_t at = rng() % m.size();
                switch (rng() % 4) {
                case 0: m[at] ^= uint8_t(1u << (rng() % 8)); break;
                case 1: m[at] = uint8_t(rng()); break;
                case 2: m.resize(at); break;
                case 3: m.insert(m.begin() + long(at), uint8_t(rng())); break;
                }
            }
            try {
                const auto d = parse_descriptor(m);
                EXPECT_LE(d.fields.size(), ParseLimits{}.max_fields);
                ++parsed;
            } catch (const HidParseError &) {
                ++rejected;
            }
        }
    }
    EXPECT_GT(parsed, 0u);
    EXPECT_GT(rejected, 0u);
}
