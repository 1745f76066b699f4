// Test helpers for upsmon: a recording NOTIFYCMD and shutdowncmd (each line: epoch seconds, what),
// our upsmon binary as a child process on a YAML file, our upsdrvd(sim)+upsd pair.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "process.hpp"
#include "upsd_fixture.hpp"
#include "upsdrvd_fixture.hpp"

namespace nutpp::testing {

struct Record {
    double t = 0;
    std::string who;   // upsmon instance name
    std::string type;  // NOTIFYTYPE (events) or "SHUTDOWN-CMD"
    std::string ups;   // UPSNAME
    std::string msg;
};

// Scripts in `dir`: notify.sh <who> appends to events.log, shutdown.sh <who> to shutdown.log.
class Recorder {
public:
    explicit Recorder(std::string dir);
    std::string notifycmd(const std::string &who) const;
    std::string shutdowncmd(const std::string &who) const;
    std::vector<Record> events() const;
    std::vector<Record> events_of(const std::string &who) const;
    std::vector<Record> shutdowns() const;
    // Waits until `n` shutdowns were recorded.
    bool wait_shutdowns(size_t n, std::chrono::milliseconds timeout) const;
    bool wait_event(const std::string &who, const std::string &type, std::chrono::milliseconds timeout) const;
    const std::string &dir() const { return dir_; }

private:
    std::string dir_;
};

struct UpsmonOptions {
    std::string who;
    std::vector<std::string> monitors; // YAML flow maps, e.g. "{ ups: demo@127.0.0.1:1234, ... }"
    int minsupplies = 1;
    int hostsync = 8;
    int finaldelay = 0;
    int deadtime = 4;
    std::string extra; // more lines for the monitor section (indented by 2)
    int pollfreq = 1;  // pollfreq and pollfreqalert (push tests make polling too slow to matter)
    std::vector<std::string> launch_prefix; // argv put before upsmon's, e.g. {"ip", "netns", "exec", "ns1"}
};

// monitor section text with every notify type set to SYSLOG+EXEC (tests never wall).
std::string monitor_yaml(const UpsmonOptions &o, const Recorder &rec, const std::string &state_dir);

class UpsmonProcess {
public:
    UpsmonProcess(const UpsmonOptions &o, const Recorder &rec, const std::string &dir);
    ~UpsmonProcess() { d_.stop(); }
    std::string log() const;
    std::string config() const { return dir_ + "/nutpp.yaml"; }
    std::string flag() const { return dir_ + "/killpower"; }
    Daemon &process() { return d_; }

private:
    std::string dir_;
    Daemon d_;
};

// upsdrvd (sim plugin) + our upsd on YAML; `devices` is the devices: body. upsd listens on
// 127.0.0.1 and on each of `extra_listen` (IPv4 addresses), all on the same port.
class OurStack {
public:
    OurStack(const std::string &devices, const std::string &users, const std::vector<std::string> &extra_listen = {});
    uint16_t port() const { return upsd_->port(); }
    std::string dir() const { return drivers_.dir().string(); }
    YamlUpsd &upsd() { return *upsd_; }
    std::string query(const std::string &line);

private:
    UpsdrvdProcess drivers_;
    std::unique_ptr<YamlUpsd> upsd_;
};

std::string make_temp_dir(const std::string &tag);

// Time of the first record of `type` (-1 if none), and the types of records in order.
double first_time(const std::vector<Record> &rs, const std::string &type);
std::vector<std::string> types(const std::vector<Record> &rs);

// The checks of the primary + two secondaries scenario once all three have shut down (loopback and
// network-namespace variants): short outage without shutdown, secondaries before the primary, the
// primary within hostsync and without waiting for its timeout, the powerdown flag, every upsmon exited.
// `s1_dir` is the first secondary's directory (it must have no powerdown flag).
void expect_orderly_shutdown(const Recorder &rec, UpsmonProcess &up, UpsmonProcess &us1, UpsmonProcess &us2,
                             OurStack &stack, int hostsync, const std::string &s1_dir);

} // namespace nutpp::testing
