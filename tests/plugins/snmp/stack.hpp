// Our side of an SNMP test: the real upsdrvd running nutpp-snmp.so on `devices`, and the real upsd
// serving them on loopback TCP; variables read the way a NUT client reads them (upsc, GET VAR).
#pragma once

#include "upsd_fixture.hpp"
#include "upsdrvd_fixture.hpp"

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

namespace nutpp::snmp::testing {

inline const char *kUsers = "users:\n"
                            "  admin: { password: adminpass, actions: [set], instcmds: [all], upsmon: primary }\n";

class Stack {
public:
    explicit Stack(const std::string &devices, const std::string &extra_top = "") {
        drivers.write_config(devices, extra_top);
        drivers.start();
        const std::string dir = drivers.dir().string() + "/upsd";
        std::filesystem::create_directories(dir);
        upsd = std::make_unique<nutpp::testing::YamlUpsd>(
            dir, "state_dir: " + drivers.state_dir() + "\nplugin_dir: " + NUTPP_PLUGIN_DIR_FOR_TESTS +
                     "\nserver:\n  listen: [\"127.0.0.1:{PORT}\"]\n" + kUsers + extra_top + "devices:\n" + devices);
    }
    std::string logs() const { return "--- upsdrvd:\n" + drivers.log() + "--- upsd:\n" + upsd->log(); }

    // "VAR <ups> <var> "<value>"" -> value; anything else in angle brackets ("<ERR DATA-STALE>").
    std::string get(const std::string &ups, const std::string &var) const {
        nutpp::testing::RawConn c(upsd->port());
        if (!c.ok()) return "<no connection>";
        const std::string reply = c.ask("GET VAR " + ups + " " + var);
        const std::string prefix = "VAR " + ups + " " + var + " \"";
        if (reply.rfind(prefix, 0) != 0 || reply.size() < prefix.size() + 1 || reply.back() != '"')
            return "<" + reply + ">";
        return reply.substr(prefix.size(), reply.size() - prefix.size() - 1);
    }
    std::string wait(const std::string &ups, const std::string &var, const std::string &want,
                     std::chrono::milliseconds timeout = std::chrono::seconds(10)) const {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        std::string seen;
        do {
            seen = get(ups, var);
            if (seen == want) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        } while (std::chrono::steady_clock::now() < deadline);
        return seen;
    }
    // `upsc <ups>@127.0.0.1:<port>` as a map (empty when upsc fails).
    std::map<std::string, std::string> upsc(const std::string &ups) const {
        const auto r =
            nutpp::testing::run_command({UPSC_BIN, ups + "@127.0.0.1:" + std::to_string(upsd->port())});
        std::map<std::string, std::string> out;
        if (r.exit_code != 0) return out;
        std::istringstream in(r.out);
        std::string line;
        while (std::getline(in, line)) {
            const auto colon = line.find(": ");
            if (colon != std::string::npos) out[line.substr(0, colon)] = line.substr(colon + 2);
        }
        return out;
    }
    // One raw request as admin (LOGIN-less commands need USERNAME/PASSWORD first).
    std::string admin(const std::string &line) const {
        nutpp::testing::RawConn c(upsd->port());
        if (!c.ok()) return "<no connection>";
        c.ask("USERNAME admin");
        c.ask("PASSWORD adminpass");
        return c.ask(line);
    }

    nutpp::testing::UpsdrvdProcess drivers;
    std::unique_ptr<nutpp::testing::YamlUpsd> upsd;
};

} // namespace nutpp::snmp::testing
