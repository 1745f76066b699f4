// Real SNMP agents for the SNMP plugin tests, on loopback UDP: snmpsimd (Debian snmpsim) serving
// recordings (one community per .snmprec file) and Net-SNMP's snmpd with a private v3 user. Plus
// the reference peer: Debian's /lib/nut/snmp-ups 2.8.0 in dump mode (-d 1) against the same agent.
// Every process is started by PID and stopped by PID.
#pragma once

#include "process.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace nutpp::snmp::testing {

// A UDP port on 127.0.0.1 that was free a moment ago.
uint16_t free_udp_port();
// Empty when the tool is installed, else why not.
std::string missing_tools(const std::vector<std::string> &paths);

// snmpsimd on 127.0.0.1:<port> serving every *.snmprec of `data_dir` (copied to a private dir that
// user nobody can read; snmpsimd refuses to run as root). Returns once it answers.
class SnmpSim {
public:
    explicit SnmpSim(const std::vector<std::filesystem::path> &files);
    ~SnmpSim();
    uint16_t port() const { return port_; }
    std::string endpoint() const { return "127.0.0.1:" + std::to_string(port_); }
    std::string log() const;
    const std::filesystem::path &dir() const { return dir_; }

private:
    std::filesystem::path dir_;
    uint16_t port_ = 0;
    nutpp::testing::Daemon daemon_;
};

// Net-SNMP snmpd on 127.0.0.1:<port> with one v3 user (SHA-256 / AES-256, authPriv, read-write),
// its own config and persistent dir, no MIB files. `extra_config`: more snmpd.conf lines, e.g.
// `override OID TYPE VALUE` to serve UPS-MIB objects.
class Snmpd {
public:
    static constexpr const char *kUser = "nutppuser";
    static constexpr const char *kAuthPass = "authpass123";
    static constexpr const char *kPrivPass = "privpass123";
    explicit Snmpd(const std::string &extra_config = "");
    ~Snmpd();
    uint16_t port() const { return port_; }
    std::string endpoint() const { return "127.0.0.1:" + std::to_string(port_); }
    nutpp::testing::Daemon &process() { return daemon_; }
    std::string log() const;
    // snmpget -v3 (the test user) of one OID: the value text after "= TYPE: ", or "" on failure.
    std::string get(const std::string &oid) const;

private:
    std::filesystem::path dir_;
    uint16_t port_ = 0;
    nutpp::testing::Daemon daemon_;
};

// snmpget/snmpset -v2c with -Oqv output; "" on failure.
std::string snmp_get_v2c(const std::string &endpoint, const std::string &community, const std::string &oid);
bool snmp_set_v2c(const std::string &endpoint, const std::string &community, const std::string &oid, char type,
                  const std::string &value);

// NUT 2.8.0 snmp-ups -d 1 against `endpoint` with `community` and `mibs`: its variables (empty map
// when it detects nothing). `raw` gets stdout+stderr.
std::map<std::string, std::string> nut_snmp_ups_dump(const std::string &endpoint, const std::string &community,
                                                     const std::string &mibs, std::string &raw);

std::string slurp(const std::filesystem::path &p);

} // namespace nutpp::snmp::testing
