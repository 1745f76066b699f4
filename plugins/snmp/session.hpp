// One agent, one Net-SNMP single-session handle (snmp_sess_*: usable from whichever host thread runs
// the device, never shared between devices). GETs of many OIDs per PDU, SET, and errors classified
// into what the driver does about them (timeout, USM/auth failure, refused).
#pragma once

#include "convert.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace nutpp::snmp {

struct SessionConfig {
    std::string peer;        // Net-SNMP transport spec, e.g. "udp:127.0.0.1:161" or "udp6:[::1]:161"
    std::string agent;       // what log lines call the agent ("127.0.0.1:161")
    long version = 0;        // SNMP_VERSION_1 / _2c / _3
    std::string community;
    std::string secname, seclevel, authprotocol, privprotocol, authpassword, privpassword;
    int retries = 2;
    double timeout_s = 1.0;
    size_t max_oids = 24;    // varbinds per GET PDU
};

enum class SnmpResult { Ok, Timeout, AuthError, Refused, Error };

struct SnmpOutcome {
    SnmpResult result = SnmpResult::Ok;
    std::string detail; // for the log: the cause in words
};

class Session {
public:
    // Opens the session (for v3 this discovers the agent's engine ID: a round trip). On failure
    // returns null and fills `why`.
    static std::unique_ptr<Session> open(const SessionConfig &cfg, SnmpOutcome &why);
    ~Session();
    Session(const Session &) = delete;
    Session &operator=(const Session &) = delete;

    // Reads `oids` (numeric, leading dot); out[i] is oids[i]'s value (Kind::Missing when the agent
    // has no such object). Several PDUs of max_oids each; stops at the first timeout/auth error.
    SnmpOutcome get(const std::vector<std::string> &oids, std::vector<RawValue> &out);
    // SET one OID: type 'i' (INTEGER) or 's' (OCTET STRING).
    SnmpOutcome set(const std::string &oid, char type, const std::string &value);

    const SessionConfig &config() const { return cfg_; }

private:
    Session(SessionConfig cfg, void *handle) : cfg_(std::move(cfg)), handle_(handle) {}
    SnmpOutcome get_batch(const std::vector<std::string> &oids, size_t begin, size_t end,
                          std::vector<RawValue> &out);
    SessionConfig cfg_;
    void *handle_;
};

// Process-wide Net-SNMP set-up (library_init / library_deinit).
void snmp_library_init();
void snmp_library_deinit();

// Names accepted by the authprotocol / privprotocol keys, NULL-terminated (for --describe).
extern const char *const kAuthProtocols[];
extern const char *const kPrivProtocols[];

} // namespace nutpp::snmp
