// NutSandbox: a private, real NUT 2.8.0 server (Debian's /lib/nut/upsd + /lib/nut/dummy-ups) for
// interop tests. Everything lives in a fresh temp dir; upsd listens on a free 127.0.0.1 port.
//
//   TEST(MyInterop, Works) {
//       if (!nutpp::testing::NutSandbox::available()) GTEST_SKIP() << NutSandbox::skip_reason();
//       nutpp::testing::NutSandbox nut;                 // starts dummy-ups + upsd, waits until ready
//       auto reply = nut.query("GET VAR dummy ups.status");   // "VAR dummy ups.status \"OL\""
//       auto r = nut.run({"upsc", nut.spec(), "ups.status"}); // r.out == "OL\n"
//   }
//
// What you get by default (NutSandboxOptions{}):
//  * one UPS "dummy" = dummy-ups reading a copy of tests/support/data/cp1000avrlcd.dev (CyberPower
//    CP1000AVRLCD values, ups.status OL, instcmd load.off), desc "nutpp test sandbox";
//  * users admin/adminpass (actions = SET FSD, instcmds = ALL) and monuser/monpass (upsmon primary);
//  * NUT_CONFPATH = NUT_STATEPATH = NUT_ALTPIDPATH = dir(); driver sockets are dir()/dummy-ups-<ups>;
//  * the constructor returns once every UPS answers GET VAR <ups> ups.status with a value other than
//    WAIT (throws std::runtime_error with the logs if that does not happen within ready_timeout).
// Processes run in the foreground (-F), as root with "-u root" (NUT would otherwise switch to user
// "nut"); logs go to dir()/upsd.log and dir()/driver-<ups>.log. The destructor SIGTERMs exactly the
// PIDs it started and removes the temp dir (set NUTPP_KEEP_SANDBOX=1 to keep it for debugging).
// Several sandboxes may run at once (distinct dirs and ports).
#pragma once

#include "process.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace nutpp::testing {

// Credentials in the default upsd.users.
inline constexpr const char *kAdminUser = "admin";
inline constexpr const char *kAdminPass = "adminpass";
inline constexpr const char *kMonUser = "monuser";
inline constexpr const char *kMonPass = "monpass";

// The .dev file shipped with the tests (absolute path, baked in at build time).
std::string default_dev_file();
// The default upsd.users text described above.
std::string default_users();

struct NutDevice {
    std::string name = "dummy";
    std::string dev_file = default_dev_file(); // copied to dir()/<name>.dev (.seq files work too)
    std::string desc = "nutpp test sandbox";
    std::string extra_conf;                    // more "key = value" lines for this ups.conf section
    // Another NUT driver (e.g. "usbhid-ups", "nutdrv_qx", "apcsmart" from /lib/nut) reading `port`
    // instead of dummy-ups reading dev_file; driver_env is added to that driver's environment only
    // (e.g. UMOCKDEV_DIR and LD_PRELOAD so usbhid-ups sees an emulated device).
    std::string driver = "dummy-ups";
    std::string port;
    std::vector<std::string> driver_env;
};

struct NutSandboxOptions {
    std::vector<NutDevice> devices{NutDevice{}};
    std::string users = default_users();   // full upsd.users content
    std::string extra_upsd_conf;           // appended to upsd.conf (LISTEN lines are generated)
    bool listen_ipv6 = false;              // also "LISTEN ::1 <port>"
    bool start_drivers = true;             // false: upsd only (UPSes report DRIVER-NOT-CONNECTED)
    int debug = 0;                         // number of -D flags for upsd and drivers
    std::chrono::milliseconds ready_timeout = std::chrono::seconds(20);
};

class NutSandbox {
public:
    // True when the NUT binaries are installed; otherwise skip with skip_reason().
    static bool available();
    static std::string skip_reason();

    explicit NutSandbox(NutSandboxOptions options = {});
    ~NutSandbox();
    NutSandbox(const NutSandbox &) = delete;
    NutSandbox &operator=(const NutSandbox &) = delete;

    const std::string &dir() const { return dir_; }
    std::string host() const { return "127.0.0.1"; }
    uint16_t port() const { return port_; }
    const std::string &ups() const;                               // first device's name
    std::string spec(const std::string &ups = {}) const;          // "dummy@127.0.0.1:<port>"
    std::string host_spec() const;                                // "127.0.0.1:<port>" (upsc -l)
    std::string driver_socket(const std::string &ups = {}) const; // dir()/dummy-ups-<ups>
    // NUT_CONFPATH/NUT_STATEPATH/NUT_ALTPIDPATH (+ LANG=C, TZ=UTC) as "NAME=value" entries.
    std::vector<std::string> env() const;

    // One request line over a fresh plain TCP connection (does not use nutpp_client); returns the
    // first reply line without '\n', or "" if the server sent nothing within `timeout`.
    std::string query(std::string_view line, std::chrono::milliseconds timeout = std::chrono::seconds(5)) const;
    // Runs a command with env() added (e.g. {"upsc", spec(), "ups.status"}).
    CommandResult run(const std::vector<std::string> &argv,
                      std::chrono::milliseconds timeout = std::chrono::seconds(20)) const;

    void stop_driver(const std::string &ups = {});  // upsd then answers DRIVER-NOT-CONNECTED
    void start_driver(const std::string &ups = {});
    Daemon &driver(const std::string &ups = {});    // e.g. driver().signal(SIGSTOP) -> DATA-STALE
    Daemon &upsd() { return upsd_; }
    // Polls until every started driver's UPS reports a non-WAIT ups.status (or timeout).
    bool wait_ready(std::chrono::milliseconds timeout);

    std::string upsd_log() const;
    std::string driver_log(const std::string &ups = {}) const;

private:
    void write_configs();
    void start_upsd();
    const NutDevice &device(const std::string &ups) const;
    std::vector<std::string> daemon_flags() const;
    [[noreturn]] void fail(const std::string &why);

    NutSandboxOptions opt_;
    std::string dir_;
    uint16_t port_ = 0;
    Daemon upsd_;
    std::map<std::string, Daemon> drivers_;
};

} // namespace nutpp::testing
