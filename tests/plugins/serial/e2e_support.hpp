// Helpers for the end-to-end tests: a temp dir per test, the real upsdrvd running nutpp-serial.so
// on a simulated UPS, and waiting on variables read over the driver socket.
#pragma once

#include "temp_dir.hpp"
#include "upsdrvd_fixture.hpp"

#include <chrono>
#include <fstream>
#include <map>
#include <string>
#include <thread>

namespace nutpp::serial::testing {

using nutpp::testing::UpsdrvdProcess;

inline std::string serial_device(const std::string &name, const std::string &port, const std::string &extra = "") {
    return "  " + name + ":\n    driver: serial\n    port: " + port +
           "\n    pollinterval: 0.3\n    retrydelay: 0.2\n    maxretry: 2\n    reply_timeout: 0.3\n" + extra;
}

// The variables of a NUT device dump (tests/testdata/ddl), without comments.
inline std::map<std::string, std::string> ddl_vars(const std::string &file) {
    std::ifstream in(std::string(NUTPP_TESTDATA_DIR) + "/ddl/" + file);
    std::map<std::string, std::string> out;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        const auto colon = line.find(": ");
        if (colon == std::string::npos) continue;
        out[line.substr(0, colon)] = line.substr(colon + 2);
    }
    return out;
}

// Polls until `var` equals `value` or the timeout passes; returns the last value seen.
inline std::string wait_var(const UpsdrvdProcess &p, const std::string &dev, const std::string &var,
                            const std::string &value, std::chrono::milliseconds timeout = std::chrono::seconds(8)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string seen;
    do {
        try {
            const auto st = p.dump("serial", dev, std::chrono::seconds(2));
            const auto it = st.vars.find(var);
            seen = it == st.vars.end() ? "<unset>" : it->second;
        } catch (const std::exception &e) {
            seen = std::string("<dump failed: ") + e.what() + ">";
        }
        if (seen == value) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(30));
    } while (std::chrono::steady_clock::now() < deadline);
    return seen;
}

inline bool wait_data_ok(const UpsdrvdProcess &p, const std::string &dev, bool want,
                         std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    do {
        try {
            if (p.dump("serial", dev, std::chrono::seconds(2)).data_ok == want) return true;
        } catch (const std::exception &) {
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(30));
    } while (std::chrono::steady_clock::now() < deadline);
    return false;
}

// Sends a request over the driver socket and returns the TRACKING result ("0" = done).
inline std::string tracked(const UpsdrvdProcess &p, const std::string &dev, const std::string &request) {
    const auto lines = driver_socket::exchange(p.socket("serial", dev), request + " TRACKING t1", "TRACKING",
                                               std::chrono::seconds(10));
    if (lines.empty()) return "<no reply>";
    const std::string &last = lines.back();
    return last.rfind("TRACKING t1 ", 0) == 0 ? last.substr(12) : "<" + last + ">";
}

using TempDir = nutpp::testing::TempDir;

} // namespace nutpp::serial::testing
