// Loading the real HID test data (tests/testdata/hid): .hex descriptors and reports/*.csv rows.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hid_descriptor.hpp"

namespace usbhid_test {

std::string hid_dir(); // tests/testdata/hid
std::vector<uint8_t> parse_hex(const std::string &text); // whitespace-separated hex bytes
std::vector<uint8_t> load_descriptor(const std::string &name); // "cps_cp1500pfclcd_0764-0501"
std::vector<std::string> descriptor_names(); // every *.hex, without extension

struct ReportRow {
    std::string path;
    nutpp::usbhid::ReportType type;
    uint8_t report_id;
    uint32_t bit_offset, bit_size;
    double nut_value;
    std::vector<uint8_t> bytes;
    std::string note;
};
std::vector<ReportRow> load_reports(const std::string &name); // reports/<name>_reports.csv

} // namespace usbhid_test
