// The emulated CyberPower 0764:0501: the CP1500PFCLCD's real report descriptor and the GET_REPORT
// buffers of its NUT dump (tests/testdata/hid), with CP1000AVRLCD strings from the reference .dev.
#pragma once

#include "fake_usb_ups.hpp"
#include "testdata.hpp"

namespace usbhid_test {

inline FakeUsbUps::Config cyberpower_config() {
    FakeUsbUps::Config c;
    c.vendor_id = 0x0764;
    c.product_id = 0x0501;
    // The report descriptor's string indexes: iProduct 1, iOEMInformation 3, iDeviceChemistry 4.
    c.strings = {{1, "CP1000AVRLCD"}, {2, "CRMLV2000234"}, {3, "CPS"}, {4, "PbAcid"}, {5, "CR01505B4"}};
    c.report_descriptor = load_descriptor("cps_cp1500pfclcd_0764-0501");
    for (const auto &row : load_reports("cps_cp1500pfclcd_0764-0501"))
        c.feature_reports[{uint8_t(row.type), row.report_id}] = row.bytes;
    return c;
}

} // namespace usbhid_test
