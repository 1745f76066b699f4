// The emulated CyberPower 0764:0501: the CP1500PFCLCD's real report descriptor and the GET_REPORT
// buffers of its NUT dump (tests/testdata/hid), with CP1000AVRLCD strings from the reference .dev.
#pragma once

#include "fake_usb_ups.hpp"
#include "testdata.hpp"
#include "upsdrvd_fixture.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

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

// The fake device, or nullptr with the reason (umockdev missing or not under umockdev-wrapper).
inline std::unique_ptr<FakeUsbUps> make_fake(FakeUsbUps::Config c, std::string &why) {
    try {
        return std::make_unique<FakeUsbUps>(std::move(c));
    } catch (const std::exception &e) {
        why = e.what();
        return nullptr;
    }
}

#define REQUIRE_FAKE(fake, config)                                                                \
    std::string why_;                                                                             \
    auto fake = make_fake(config, why_);                                                          \
    if (!fake) GTEST_SKIP() << "umockdev emulation unavailable (run under umockdev-wrapper): " << why_

// The upsdrvd device entry for the emulated CyberPower, named "cp".
inline std::string cyberpower_device_yaml(int pollinterval_s) {
    return "  cp:\n    driver: usbhid\n    port: auto\n    vendorid: \"0764\"\n    pollinterval: " +
           std::to_string(pollinterval_s) + "\n";
}

// Dumps device "cp" until `var` equals `want` or the timeout passes; returns the last value seen.
inline std::string wait_var(const nutpp::testing::UpsdrvdProcess &p, const std::string &var, const std::string &want,
                            std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string seen;
    do {
        try {
            const auto st = p.dump("usbhid", "cp");
            auto it = st.vars.find(var);
            seen = it == st.vars.end() ? "<unset>" : it->second;
            if (seen == want) break;
        } catch (const std::exception &) {
            seen = "<no socket>";
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    } while (std::chrono::steady_clock::now() < deadline);
    return seen;
}

} // namespace usbhid_test
