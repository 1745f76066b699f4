// Every recording served by snmpsimd; our upsdrvd (nutpp-snmp.so, mibs: auto, SNMP v1) and upsd on
// one side, Debian's real NUT 2.8.0 snmp-ups (-d 1 dump, mibs=auto, v1) against the same agent on
// the other. Each of NUT's variables but driver.* is compared; every difference is printed, and the
// coverage line "COVERAGE <recording> equal/total" feeds the report. Target: >= 90 % per recording.
#include "recordings.hpp"
#include "stack.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iostream>

using namespace nutpp::snmp::testing;
using namespace std::chrono_literals;

namespace {

std::string device_name(size_t i) { return "rec" + std::to_string(i); }

// One upsdrvd + upsd with a device per recording, shared by the parametrised tests below.
Stack &shared_stack() {
    static std::unique_ptr<Stack> stack = [] {
        auto &sim = shared_snmpsim();
        std::string devices;
        const auto names = recording_names();
        for (size_t i = 0; i < names.size(); ++i)
            devices += "  " + device_name(i) + ":\n    driver: snmp\n    port: " + sim.endpoint() +
                       "\n    community: " + names[i] +
                       "\n    pollinterval: 2\n    retrydelay: 1\n    snmp_timeout: 1\n    snmp_retries: 1\n";
        return std::make_unique<Stack>(devices);
    }();
    return *stack;
}

// The shipped mapping names (file stems of plugins/snmp/mibs).
bool have_mapping(const std::string &name) {
    return std::filesystem::exists(std::string(NUTPP_SOURCE_DIR) + "/plugins/snmp/mibs/" + name + ".yaml");
}

// One test over all recordings: ctest runs each test in its own process, and snmpsimd's start-up
// (it indexes every recording) is paid once this way.
TEST(SnmpVsNut, EveryRecordingAgainstNutSnmpUps) {
    const std::string missing = missing_tools({"/lib/nut/snmp-ups", "/usr/bin/snmpsimd", "/usr/bin/snmpget"});
    if (!missing.empty()) GTEST_SKIP() << missing;
    auto &sim = shared_snmpsim();
    auto &stack = shared_stack();
    const auto names = recording_names();
    size_t compared = 0;
    // Ready once every device has its ups.status; devices whose recording fits no mapping never do,
    // so the wait is bounded.
    const auto deadline = std::chrono::steady_clock::now() + 8s;
    for (bool all = false; !all && std::chrono::steady_clock::now() < deadline;) {
        all = true;
        for (size_t i = 0; i < names.size() && all; ++i) all = stack.get(device_name(i), "ups.status").front() != '<';
        if (!all) std::this_thread::sleep_for(200ms);
    }
    std::string table = "\n| recording | NUT mib | our mib | equal / NUT's total | extra of ours |\n|---|---|---|---|---|\n";
    for (size_t idx = 0; idx < names.size(); ++idx) {
        const std::string &rec = names[idx];
        std::string raw;
        const auto nut = nut_snmp_ups_dump(sim.endpoint(), rec, "auto", raw);
        size_t total = 0;
        for (const auto &[k, v] : nut) total += k.rfind("driver.", 0) != 0;
        const std::string dev = device_name(idx);
        const auto ours = stack.upsc(dev);
        const std::string our_mib = ours.count("driver.parameter.mibs") ? ours.at("driver.parameter.mibs") : "none";
        if (total == 0) {
            std::cout << "COVERAGE " << rec << ": not compared, NUT 2.8.0 snmp-ups detects no supported MIB; ours: "
                      << our_mib << " with " << ours.size() << " variables\n";
            table += "| " + rec + " | (none) | " + our_mib + " | - / 0 | - |\n";
            continue;
        }
        size_t equal = 0;
        std::string diffs;
        for (const auto &[k, v] : nut) {
            if (k.rfind("driver.", 0) == 0) continue;
            auto it = ours.find(k);
            if (it != ours.end() && it->second == v) {
                ++equal;
                continue;
            }
            diffs += "    " + k + ": NUT '" + v + "', ours " + (it == ours.end() ? "absent" : "'" + it->second + "'") +
                     "\n";
        }
        size_t extra = 0;
        for (const auto &[k, v] : ours)
            if (!nut.count(k) && k.rfind("driver.", 0) != 0) ++extra;
        // NUT's chosen mapping: the first word of driver.version.data ("apcc MIB 1.6").
        std::string nut_mib = nut.count("driver.version.data") ? nut.at("driver.version.data") : "?";
        nut_mib = nut_mib.substr(0, nut_mib.find(' '));
        const double coverage = double(equal) / double(total);
        std::cout << "COVERAGE " << rec << " " << equal << "/" << total << " (" << int(coverage * 100)
                  << " %) NUT mib " << nut_mib << ", ours " << our_mib << ", " << extra << " extra of ours\n"
                  << diffs;
        table += "| " + rec + " | " + nut_mib + " | " + our_mib + " | " + std::to_string(equal) + " / " +
                 std::to_string(total) + " | " + std::to_string(extra) + " |\n";
        if (coverage < 0.9 && !have_mapping(nut_mib) && our_mib != nut_mib) {
            std::cout << "  NOT CHECKED: no '" << nut_mib << "' mapping in plugins/snmp/mibs yet\n";
            continue;
        }
        ++compared;
        EXPECT_GE(coverage, 0.9) << rec << ": " << equal << "/" << total << " of NUT's variables equal\n" << diffs;
    }
    std::cout << table;
    if (compared == 0) GTEST_SKIP() << "no recording had a mapping to compare with NUT";
    if (HasFailure()) std::cout << stack.logs();
}

} // namespace
