// Our upsc/upscmd/upsrw next to Debian's NUT 2.8.0 clients, both talking to the same real NUT upsd +
// dummy-ups (NutSandbox): stdout, stderr and exit code must be identical (compare_clients), and the
// tests also check what that common output is, so two identical wrong answers do not pass.
// ctest runs each TEST in its own process with its own sandbox (~2 s), so one TEST covers a theme.
#include "compare.hpp"
#include "credentials.hpp"

#include <gtest/gtest.h>

#include <memory>

namespace t = nutpp::testing;
using t::compare_clients;
using t::NutSandbox;

namespace {

const std::string kInitSsl = "Init SSL without certificate database\n";

class SideBySide : public ::testing::Test {
protected:
    virtual t::NutSandboxOptions options() { return {}; }
    void SetUp() override {
        if (!t::nut_clients_available()) GTEST_SKIP() << t::clients_skip_reason();
        nut_ = std::make_unique<NutSandbox>(options());
    }
    std::string spec(const std::string &ups = "dummy") const {
        return ups + "@" + nut_->host() + ":" + std::to_string(nut_->port());
    }
    std::unique_ptr<NutSandbox> nut_;
};

class NoDriver : public SideBySide {
protected:
    t::NutSandboxOptions options() override {
        t::NutSandboxOptions o;
        o.start_drivers = false;
        return o;
    }
};

} // namespace

TEST_F(SideBySide, UpscListsAllVariables) {
    auto r = compare_clients(*nut_, "upsc", {spec()});
    EXPECT_EQ(r.ours.exit_code, 0);
    EXPECT_NE(r.ours.out.find("ups.status: OL\n"), std::string::npos) << r.ours.out;
    EXPECT_NE(r.ours.out.find("device.model: CP1000AVRLCD\n"), std::string::npos);
    EXPECT_EQ(r.ours.err, kInitSsl);
}

TEST_F(SideBySide, UpscSingleVariableAndVariableErrors) {
    auto r = compare_clients(*nut_, "upsc", {spec(), "ups.status"});
    EXPECT_EQ(r.ours.out, "OL\n");
    EXPECT_EQ(r.ours.exit_code, 0);
    r = compare_clients(*nut_, "upsc", {spec(), "UPS.STATUS"}); // names are case-insensitive
    EXPECT_EQ(r.ours.out, "OL\n");
    r = compare_clients(*nut_, "upsc", {spec(), "no.such.var"});
    EXPECT_EQ(r.ours.err, kInitSsl + "Error: Variable not supported by UPS\n");
    EXPECT_EQ(r.ours.exit_code, 1);
    r = compare_clients(*nut_, "upsc", {spec(), "nodots"});
    EXPECT_EQ(r.ours.err, kInitSsl + "Error: old-style variable names are not supported\n");
    EXPECT_EQ(r.ours.exit_code, 1);
    // Options after the first operand are operands (getopt stops there), here a dot-less "variable".
    r = compare_clients(*nut_, "upsc", {spec(), "-c"});
    EXPECT_EQ(r.ours.exit_code, 1);
}

TEST_F(SideBySide, UpscUnknownUps) {
    auto r = compare_clients(*nut_, "upsc", {spec("nosuchups")});
    EXPECT_EQ(r.ours.err, kInitSsl + "Error: Unknown UPS\n");
    EXPECT_EQ(r.ours.out, "");
    EXPECT_EQ(r.ours.exit_code, 1);
    r = compare_clients(*nut_, "upsc", {spec("nosuchups"), "ups.status"});
    EXPECT_EQ(r.ours.err, kInitSsl + "Error: Unknown UPS\n");
    r = compare_clients(*nut_, "upsc", {"-c", spec("nosuchups")});
    EXPECT_EQ(r.ours.exit_code, 1);
}

TEST_F(SideBySide, UpscListUpsesAndClients) {
    const std::string host = nut_->host_spec();
    auto r = compare_clients(*nut_, "upsc", {"-l", host});
    EXPECT_EQ(r.ours.out, "dummy\n");
    r = compare_clients(*nut_, "upsc", {"-L", host});
    EXPECT_EQ(r.ours.out, "dummy: nutpp test sandbox\n");
    r = compare_clients(*nut_, "upsc", {"-lL", host}); // combined flags: -L wins
    EXPECT_EQ(r.ours.out, "dummy: nutpp test sandbox\n");
    r = compare_clients(*nut_, "upsc", {"-c", "-l", host}); // -l wins over -c
    EXPECT_EQ(r.ours.out, "dummy\n");
    r = compare_clients(*nut_, "upsc", {"-c", spec()});
    EXPECT_EQ(r.ours.out, ""); // nobody logged in
    EXPECT_EQ(r.ours.exit_code, 0);
    r = compare_clients(*nut_, "upsc", {"-l", spec()}); // '@' in a host name: the resolver refuses it
    EXPECT_EQ(r.ours.err, "Error: No such host\n");
}

TEST_F(SideBySide, MalformedOperandsAndOptions) {
    auto r = compare_clients(*nut_, "upsc", {});
    EXPECT_EQ(r.ours.err, "Error: invalid UPS definition.\nRequired format: upsname[@hostname[:port]]\n");
    EXPECT_EQ(r.ours.exit_code, 1);
    r = compare_clients(*nut_, "upsc", {"dummy@127.0.0.1:abc"});
    EXPECT_EQ(r.ours.exit_code, 1);
    r = compare_clients(*nut_, "upsc", {"-l", "127.0.0.1:99999"});
    EXPECT_EQ(r.ours.exit_code, 1);
    r = compare_clients(*nut_, "upsc", {"-l", "[::1"});
    EXPECT_NE(r.ours.err.find("Error: invalid hostname."), std::string::npos);
    r = compare_clients(*nut_, "upscmd", {"-l", "dummy@127.0.0.1:abc"});
    EXPECT_NE(r.ours.err.find("invalid UPS definition.  Required"), std::string::npos);
    r = compare_clients(*nut_, "upscmd", {"-u", "admin", "-p", "adminpass", "-t", "soon", "-w", spec(), "load.off"});
    EXPECT_EQ(r.ours.exit_code, 1);
    r = compare_clients(*nut_, "upscmd", {"-t", "99999999999", spec(), "load.off"});
    EXPECT_NE(r.ours.err.find("out of range"), std::string::npos);
    // A bad option: glibc's message on stderr, then our usage on stdout (text differs), exit 0.
    for (const std::string prog : {"upsc", "upscmd", "upsrw"}) {
        r = t::compare_usage(*nut_, prog, {"-x"});
        EXPECT_EQ(r.ours.exit_code, 0) << prog;
        EXPECT_EQ(r.ours.err, prog + ": invalid option -- 'x'\n");
    }
    r = t::compare_usage(*nut_, "upsrw", {"-s", "ups.load=1"}); // no UPS
    r = t::compare_usage(*nut_, "upscmd", {}); // upscmd without operands: usage, not an error
}

TEST_F(SideBySide, VersionAndHelpGoWhereNutPutsThem) {
    for (const char *prog : {"upsc", "upscmd", "upsrw"}) {
        auto ours = nut_->run({t::our_client(prog), "-V"});
        auto real = nut_->run({std::string("/usr/bin/") + prog, "-V"});
        EXPECT_EQ(ours.exit_code, real.exit_code);
        // NUT prints upsc's and upscmd's version on stderr, upsrw's on stdout; same for us.
        EXPECT_EQ(ours.out.empty(), real.out.empty()) << prog;
        EXPECT_EQ((ours.out + ours.err).rfind(std::string("Network UPS Tools ") + prog + " 2.8.0", 0), 0u)
            << prog << ": " << ours.out << ours.err;
        auto help = nut_->run({t::our_client(prog), "-h"});
        EXPECT_EQ(help.exit_code, 0);
        EXPECT_NE(help.out.find("usage: " + std::string(prog)), std::string::npos);
    }
}

TEST_F(SideBySide, ConnectionRefused) {
    const std::string dead = "dummy@127.0.0.1:" + std::to_string(t::free_tcp_port());
    const std::string refused = "Error: Connection failure: Connection refused\n";
    auto r = compare_clients(*nut_, "upsc", {dead});
    EXPECT_EQ(r.ours.err, refused);
    EXPECT_EQ(r.ours.exit_code, 1);
    r = compare_clients(*nut_, "upsc", {"-l", dead.substr(6)});
    EXPECT_EQ(r.ours.err, refused);
    r = compare_clients(*nut_, "upscmd", {"-l", dead});
    EXPECT_EQ(r.ours.err, refused);
    r = compare_clients(*nut_, "upscmd", {"-u", "admin", dead, "load.off"}); // no password prompt first
    EXPECT_EQ(r.ours.err, refused);
    r = compare_clients(*nut_, "upsrw", {dead});
    EXPECT_EQ(r.ours.err, refused);
    r = compare_clients(*nut_, "upsrw", {"-s", "ups.load=1", "-u", "admin", "-p", "adminpass", dead});
    EXPECT_EQ(r.ours.err, refused);
}

TEST_F(NoDriver, DriverNotConnected) {
    auto r = compare_clients(*nut_, "upsc", {spec()});
    EXPECT_EQ(r.ours.err, kInitSsl + "Error: Driver not connected\n");
    EXPECT_EQ(r.ours.exit_code, 1);
    r = compare_clients(*nut_, "upsc", {spec(), "ups.status"});
    EXPECT_EQ(r.ours.err, kInitSsl + "Error: Driver not connected\n");
    r = compare_clients(*nut_, "upsc", {"-l", nut_->host_spec()}); // the UPS is still configured
    EXPECT_EQ(r.ours.out, "dummy\n");
    r = compare_clients(*nut_, "upscmd", {"-l", spec()});
    EXPECT_EQ(r.ours.err, "Error: Driver not connected\n");
    r = compare_clients(*nut_, "upscmd", {"-u", "admin", "-p", "adminpass", "-w", spec(), "load.off"});
    EXPECT_EQ(r.ours.err, "Unexpected response from upsd: ERR DRIVER-NOT-CONNECTED\n");
    r = compare_clients(*nut_, "upsrw", {spec()});
    EXPECT_EQ(r.ours.err, "Error: Driver not connected\n");
    r = compare_clients(*nut_, "upsrw", {"-s", "ups.load=1", "-u", "admin", "-p", "adminpass", spec()});
    EXPECT_EQ(r.ours.err, "Unexpected response from upsd: ERR DRIVER-NOT-CONNECTED\n");
    EXPECT_EQ(r.ours.exit_code, 1);
}

TEST_F(SideBySide, UpscmdListAndCredentials) {
    auto r = compare_clients(*nut_, "upscmd", {"-l", spec()});
    EXPECT_EQ(r.ours.out, "Instant commands supported on UPS [dummy]:\n\nload.off - Turn off the load immediately\n");
    r = compare_clients(*nut_, "upscmd", {"-l", spec("nosuchups")});
    EXPECT_EQ(r.ours.err, "Error: Unknown UPS\n");
    r = compare_clients(*nut_, "upscmd", {"-u", "admin", "-p", "adminpass", spec(), "load.off"});
    EXPECT_EQ(r.ours.err, "OK\n");
    EXPECT_EQ(r.ours.exit_code, 0);
    r = compare_clients(*nut_, "upscmd", {"-u", "admin", "-p", "adminpass", spec(), "no.such.cmd"});
    EXPECT_EQ(r.ours.err, "Unexpected response from upsd: ERR CMD-NOT-SUPPORTED\n");
    EXPECT_EQ(r.ours.exit_code, 1);
    r = compare_clients(*nut_, "upscmd", {"-u", "admin", "-p", "wrongpass", spec(), "load.off"});
    EXPECT_EQ(r.ours.err, "Unexpected response from upsd: ERR ACCESS-DENIED\n");
    r = compare_clients(*nut_, "upscmd", {"-u", "monuser", "-p", "monpass", spec(), "load.off"});
    EXPECT_EQ(r.ours.err, "Unexpected response from upsd: ERR ACCESS-DENIED\n");
    r = compare_clients(*nut_, "upscmd", {"-uadmin", "-padminpass", spec("nosuchups"), "load.off"});
    EXPECT_EQ(r.ours.err, "Unexpected response from upsd: ERR UNKNOWN-UPS\n");
    r = t::compare_usage(*nut_, "upscmd", {"-u", "admin", "-p", "adminpass", spec()}); // no command
    EXPECT_EQ(r.ours.exit_code, 0);
    r = t::compare_usage(*nut_, "upscmd", {"-t"}); // missing option argument: glibc's message, usage, 0
    EXPECT_EQ(r.ours.err, "upscmd: option requires an argument -- 't'\n");
}

TEST_F(SideBySide, UpscmdPromptsWhenCredentialsMissing) {
    // stdin is /dev/null and there is no terminal: the prompts show, the answers are empty.
    auto r = compare_clients(*nut_, "upscmd", {spec(), "load.off"});
    EXPECT_EQ(r.ours.out, "Username (" + nutpp::clients::default_username() + "): ");
    EXPECT_EQ(r.ours.err, "Error reading from stdin!\n");
    EXPECT_EQ(r.ours.exit_code, 1);
    r = compare_clients(*nut_, "upscmd", {"-u", "admin", spec(), "load.off"});
    EXPECT_EQ(r.ours.err, "Password: Unexpected response from upsd: ERR PASSWORD-REQUIRED\n");
}

TEST_F(SideBySide, UpscmdWaitsForTrackedResult) {
    // dummy-ups does not implement load.off: the tracked result is ERR UNKNOWN (exit 0, as NUT).
    auto r = compare_clients(*nut_, "upscmd", {"-u", "admin", "-p", "adminpass", "-w", spec(), "load.off"});
    EXPECT_EQ(r.ours.err, "ERR UNKNOWN\n");
    EXPECT_EQ(r.ours.exit_code, 0);
    r = compare_clients(*nut_, "upscmd", {"-u", "admin", "-p", "adminpass", "-w", "-t", "0", spec(), "load.off"});
    EXPECT_EQ(r.ours.err, "Can't receive status tracking information: timeout\n");
    EXPECT_EQ(r.ours.exit_code, 1);
    r = compare_clients(*nut_, "upscmd", {"-uadmin", "-pwrongpass", "-w", spec(), "load.off"});
    EXPECT_EQ(r.ours.err, "Unexpected response from upsd: ERR ACCESS-DENIED\n");
}

TEST_F(SideBySide, UpsrwListsSettableVariables) {
    auto r = compare_clients(*nut_, "upsrw", {spec()});
    EXPECT_NE(r.ours.out.find("[battery.charge]\nBattery charge (percent of full)\nType: NUMBER\nValue: 100\n\n"),
              std::string::npos) << r.ours.out;
    EXPECT_NE(r.ours.out.find("Type: STRING\nMaximum length: 32\n"), std::string::npos);
    EXPECT_EQ(r.ours.err, "");
    r = compare_clients(*nut_, "upsrw", {"-l", spec()});
    EXPECT_EQ(r.ours.exit_code, 0);
    r = compare_clients(*nut_, "upsrw", {spec("nosuchups")});
    EXPECT_EQ(r.ours.err, "Error: Unknown UPS\n");
    EXPECT_EQ(r.ours.exit_code, 1);
}

TEST_F(SideBySide, UpsrwSetsVariables) {
    const std::vector<std::string> admin{"-u", "admin", "-p", "adminpass"};
    auto with = [&](std::vector<std::string> args) {
        args.insert(args.begin() + 2, admin.begin(), admin.end());
        return args;
    };
    auto r = compare_clients(*nut_, "upsrw", with({"-s", "ups.load=5", spec()}));
    EXPECT_EQ(r.ours.err, "OK\n");
    EXPECT_EQ(r.ours.exit_code, 0);
    r = compare_clients(*nut_, "upsrw", with({"-s", "ups.load=7", "-w", spec()}));
    EXPECT_EQ(r.ours.err, "SUCCESS\n");
    EXPECT_EQ(nut_->query("GET VAR dummy ups.load"), "VAR dummy ups.load \"7\""); // it really was set
    r = compare_clients(*nut_, "upsrw", with({"-s", "no.such.var=1", spec()}));
    EXPECT_EQ(r.ours.err, "Unexpected response from upsd: ERR VAR-NOT-SUPPORTED\n");
    EXPECT_EQ(r.ours.exit_code, 1);
    r = compare_clients(*nut_, "upsrw", with({"-s", "driver.name=x", "-w", spec()}));
    EXPECT_EQ(r.ours.err, "Unexpected response from upsd: ERR READONLY\n");
    r = compare_clients(*nut_, "upsrw", {"-s", "ups.load=1", "-u", "admin", "-p", "wrongpass", spec()});
    EXPECT_EQ(r.ours.err, "Unexpected response from upsd: ERR ACCESS-DENIED\n");
    r = compare_clients(*nut_, "upsrw", {"-s", "ups.load=1", "-u", "admin", spec()}); // password prompt
    EXPECT_EQ(r.ours.err, "Password: Unexpected response from upsd: ERR PASSWORD-REQUIRED\n");
    EXPECT_EQ(nut_->query("GET VAR dummy ups.load"), "VAR dummy ups.load \"7\""); // refused ones changed nothing
}
