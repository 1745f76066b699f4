#include "recordings.hpp"

#include <algorithm>
#include <fstream>
#include <memory>
#include <sstream>

namespace fs = std::filesystem;

namespace nutpp::snmp::testing {
namespace {

fs::path snmprec_dir() { return fs::path(NUTPP_TESTDATA_DIR) / "snmp" / "snmprec"; }

// upsOutputSource.0, upsConfigAudibleStatus.0 and upsShutdownAfterDelay.0 become writable (snmpsim
// writecache variation).
fs::path write_rw_recording() {
    const fs::path out = fs::temp_directory_path() / ("nutpp-ietfrw-" + std::to_string(getpid())) / "ietfrw.snmprec";
    fs::create_directories(out.parent_path());
    std::ifstream in(snmprec_dir() / "eaton-93e-80.snmprec");
    std::ofstream o(out);
    std::string line;
    while (std::getline(in, line)) {
        const auto bar = line.find('|');
        const std::string oid = line.substr(0, bar);
        if (oid == "1.3.6.1.2.1.33.1.4.1.0" || oid == "1.3.6.1.2.1.33.1.9.8.0" || oid == "1.3.6.1.2.1.33.1.8.2.0") {
            const auto bar2 = line.find('|', bar + 1);
            o << oid << "|" << line.substr(bar + 1, bar2 - bar - 1) << ":writecache|value=" << line.substr(bar2 + 1)
              << "\n";
        } else {
            o << line << "\n";
        }
    }
    return out;
}

} // namespace

std::vector<std::string> recording_names() {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto &e : fs::directory_iterator(snmprec_dir(), ec))
        if (e.path().extension() == ".snmprec") out.push_back(e.path().stem().string());
    std::sort(out.begin(), out.end());
    return out;
}

SnmpSim &shared_snmpsim() {
    static std::unique_ptr<SnmpSim> sim = [] {
        std::vector<fs::path> files;
        for (const auto &n : recording_names()) files.push_back(snmprec_dir() / (n + ".snmprec"));
        const fs::path rw = write_rw_recording();
        files.insert(files.begin(), rw);
        auto s = std::make_unique<SnmpSim>(files);
        std::error_code ec;
        fs::remove_all(rw.parent_path(), ec);
        return s;
    }();
    return *sim;
}

} // namespace nutpp::snmp::testing
