// One SNMP device: the Net-SNMP session, the chosen mapping, and the poll that turns a few multi-OID
// GETs into NUT variables, ups.status and ups.alarm.
#pragma once

#include "catalog.hpp"
#include "session.hpp"

#include <nutpp/driver.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace nutpp::snmp {

class SnmpDriver : public nutpp::Driver {
public:
    SnmpDriver(const nutpp_host_api *api, nutpp_host_ctx *h);
    ~SnmpDriver() override;
    nutpp_status open() override;
    nutpp_status poll(uint32_t why) override;
    nutpp_status instcmd(const char *cmd, const char *arg) override;
    nutpp_status setvar(const char *name, const char *value) override;
    void close() override;

private:
    // Reads the entries with index in `which` and publishes what they give.
    SnmpOutcome refresh(bool include_static, bool include_slow);
    nutpp_status failed(const SnmpOutcome &o);
    void declare_writables_and_commands(const std::vector<RawValue> &cmd_values);
    const Command *command(const std::string &name) const;

    SessionConfig scfg_;
    std::string mibs_ = "auto", trap_listen_;
    MappingList candidates_; // user file(s) first, then the shipped ones, by detect_order
    double pollfreq_s_ = 30;

    std::unique_ptr<Session> session_;
    std::shared_ptr<const Mapping> mapping_;
    std::vector<std::string> published_cmds_;
    std::set<std::string> absent_;            // OIDs the agent lacked at open: not polled
    std::map<std::string, std::string> last_; // what we last published, to send only changes
    std::chrono::steady_clock::time_point last_full_{};
    bool registered_trap_ = false;
    const nutpp_host_api *api_;
    nutpp_host_ctx *h_;
};

} // namespace nutpp::snmp
