// Test fixtures for our upsd: the real binary as a child process, either in NUT drop-in mode next
// to a NutSandbox (same dummy-ups driver socket as the real NUT upsd) or on a nutpp YAML file; plus
// a raw TCP client that sends exact bytes and collects exact reply bytes.
#pragma once

#include "nut_sandbox.hpp"
#include "process.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace nutpp::testing {

// Raw protocol client on 127.0.0.1 (or ::1).
class RawConn {
public:
    explicit RawConn(uint16_t port, bool ipv6 = false, std::chrono::milliseconds timeout = std::chrono::seconds(5));
    // From a chosen loopback source address (e.g. "127.0.0.2": all of 127/8 is local), to
    // 127.0.0.1: a second client address without a second host.
    // (A factory: a constructor taking a string would lose to the bool one for string literals.)
    static RawConn from(const std::string &source_v4, uint16_t port,
                        std::chrono::milliseconds timeout = std::chrono::seconds(5));
    ~RawConn();
    RawConn(RawConn &&o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
    RawConn(const RawConn &) = delete;
    bool ok() const { return fd_ >= 0; }
    int fd() const { return fd_; }
    bool send(std::string_view bytes);
    // Reads until `lines` newlines have arrived (or timeout); returns what arrived.
    std::string read_lines(size_t lines, std::chrono::milliseconds timeout = std::chrono::seconds(3));
    // Reads whatever arrives until `quiet` passes without new bytes.
    std::string read_quiet(std::chrono::milliseconds quiet = std::chrono::milliseconds(300));
    // send(line + "\n") then read one reply line.
    std::string ask(std::string_view line, std::chrono::milliseconds timeout = std::chrono::seconds(3));
    // True once the server closed the connection (reads EOF within timeout).
    bool closed_by_peer(std::chrono::milliseconds timeout = std::chrono::seconds(3));
    void close();

private:
    RawConn() = default;
    int fd_ = -1;
};

// Our upsd in NUT drop-in mode, using the sandbox's ups.conf and upsd.users and its driver sockets
// (NUT_STATEPATH = sandbox dir), on its own port and config dir.
class OurUpsd {
public:
    // extra_upsd_conf: more upsd.conf lines ("{PORT}" is replaced by this upsd's port).
    OurUpsd(const NutSandbox &sb, const std::string &extra_upsd_conf = "", bool wait_ready = true);
    ~OurUpsd();
    uint16_t port() const { return port_; }
    std::string spec(const std::string &ups = "dummy") const { return ups + "@127.0.0.1:" + std::to_string(port_); }
    const std::string &confdir() const { return conf_; }
    std::vector<std::string> env() const;
    CommandResult run(const std::vector<std::string> &argv) const { return run_command(argv, env()); }
    std::string log() const;
    Daemon &process() { return daemon_; }
    bool wait_ready(std::chrono::milliseconds timeout = std::chrono::seconds(15));

private:
    const NutSandbox &sb_;
    std::string conf_;
    uint16_t port_ = 0;
    Daemon daemon_;
};

class UpsdrvdProcess;
class YamlUpsd;

// The usual stack of a upsd test: `drivers` (not started) runs `devices` (the devices: body), and our
// upsd serves them from a YAML file of `top` (server/users sections, "{PORT}" for its port) and the
// same devices, in drivers.dir()/upsd. Returns once upsd answers `ready_device`'s ups.status
// (empty: does not wait); throws std::runtime_error with upsd's log when it does not in 10 s.
std::unique_ptr<YamlUpsd> start_yaml_stack(UpsdrvdProcess &drivers, const std::string &top,
                                           const std::string &devices, const std::string &ready_device = "demo");

// Our upsd on a nutpp YAML file (`yaml` written to dir/nutpp.yaml); port picked and written by the
// caller via {PORT} in the text.
class YamlUpsd {
public:
    YamlUpsd(const std::string &dir, const std::string &yaml_with_port_placeholder);
    ~YamlUpsd();
    uint16_t port() const { return port_; }
    std::string config() const { return dir_ + "/nutpp.yaml"; }
    std::string log() const;
    Daemon &process() { return daemon_; }
    bool wait_value(const std::string &ups, const std::string &var, std::chrono::milliseconds timeout);

private:
    std::string dir_;
    uint16_t port_ = 0;
    Daemon daemon_;
};

std::string read_file(const std::string &path);
void write_file(const std::string &path, const std::string &text);
// Resident set size of a process in KiB (from /proc), -1 if unknown.
long rss_kib(int pid);

} // namespace nutpp::testing
