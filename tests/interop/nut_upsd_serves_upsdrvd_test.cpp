// Real NUT 2.8.0 upsd, given `[demo] driver = sim`, connects to <statepath>/sim-demo, which is our
// upsdrvd's driver socket; real upsc/upscmd/upsrw then see and drive our plugin. Skips loudly when
// Debian's NUT is not installed (.ci/setup installs it).
#include "upsdrvd_fixture.hpp"

#include <gtest/gtest.h>

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <fstream>
#include <thread>

using namespace std::chrono_literals;
using nutpp::testing::UpsdrvdProcess;

namespace {

// Debian's /sbin/upsd is a wrapper that refuses to run unless /etc/nut/nut.conf sets MODE.
const char *kUpsd = "/lib/nut/upsd";

int free_port() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a);
    socklen_t len = sizeof a;
    getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len);
    close(fd);
    return ntohs(a.sin_port);
}

struct Result {
    int code;
    std::string out; // stdout
    std::string err; // stderr
};

Result run(const std::string &cmd, const std::string &dir) {
    const std::string err_file = dir + "/cmd.err";
    FILE *p = popen((cmd + " 2>" + err_file).c_str(), "r");
    Result r{-1, {}, {}};
    if (!p) return r;
    std::array<char, 4096> buf{};
    size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
    const int st = pclose(p);
    r.code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    std::ifstream f(err_file);
    r.err.assign(std::istreambuf_iterator<char>(f), {});
    return r;
}

class RealNutUpsd : public ::testing::Test {
protected:
    void SetUp() override {
        if (access(kUpsd, X_OK) != 0 || access("/usr/bin/upsc", X_OK) != 0)
            GTEST_SKIP() << "SKIPPED: Debian's nut-server/nut-client are not installed (run .ci/setup)";
        port_ = free_port();
        drivers_.write_config("  demo:\n    driver: sim\n    port: " + std::string(NUTPP_SIM_DATA_DIR) +
                              "/cp1000avrlcd.dev\n    desc: \"nutpp sim\"\n");
        drivers_.start();
        drivers_.dump("sim", "demo"); // the socket is up
        conf_ = drivers_.dir() / "nut";
        std::filesystem::create_directories(conf_);
        write(conf_ / "upsd.conf", "LISTEN 127.0.0.1 " + std::to_string(port_) + "\n");
        write(conf_ / "ups.conf", "[demo]\n  driver = sim\n  port = unused\n  desc = \"served by real upsd\"\n");
        write(conf_ / "upsd.users", "[admin]\n  password = adminpass\n  actions = SET FSD\n  instcmds = ALL\n");
        for (auto f : {"upsd.conf", "ups.conf", "upsd.users"})
            std::filesystem::permissions(conf_ / f, std::filesystem::perms(0640));
        // upsd drops privileges to `nut` unless told otherwise; as root keep root so it can read our dirs.
        const std::string user = geteuid() == 0 ? " -u root" : "";
        const std::string cmd = "exec env NUT_CONFPATH=" + conf_.string() + " NUT_STATEPATH=" + drivers_.state_dir() +
                                " NUT_ALTPIDPATH=" + drivers_.state_dir() + " " + kUpsd + " -F" + user + " >" +
                                (drivers_.dir() / "upsd.log").string() + " 2>&1";
        upsd_pid_ = fork();
        if (upsd_pid_ == 0) {
            execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char *>(nullptr));
            _exit(127);
        }
        // Ready when upsc sees real data (not WAIT) from our driver through upsd.
        const auto deadline = std::chrono::steady_clock::now() + 20s;
        while (std::chrono::steady_clock::now() < deadline) {
            auto r = upsc("demo@127.0.0.1:" + std::to_string(port_) + " ups.status");
            if (r.code == 0 && r.out != "WAIT\n") return;
            std::this_thread::sleep_for(200ms);
        }
        FAIL() << "real upsd never served the device; upsd log:\n" << log("upsd.log");
    }
    void TearDown() override {
        if (upsd_pid_ > 0) {
            kill(upsd_pid_, SIGTERM);
            waitpid(upsd_pid_, nullptr, 0);
        }
    }
    static void write(const std::filesystem::path &p, const std::string &s) { std::ofstream(p) << s; }
    std::string log(const std::string &name) const {
        std::ifstream f(drivers_.dir() / name);
        return std::string(std::istreambuf_iterator<char>(f), {});
    }
    Result upsc(const std::string &args) { return run("upsc " + args, drivers_.dir().string()); }
    std::string target() const { return "demo@127.0.0.1:" + std::to_string(port_); }

    UpsdrvdProcess drivers_;
    std::filesystem::path conf_;
    int port_ = 0;
    pid_t upsd_pid_ = -1;
};

} // namespace

TEST_F(RealNutUpsd, UpscListsOurVariables) {
    auto r = upsc(target());
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("battery.charge: 100\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("device.model: CP1000AVRLCD\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("driver.name: sim\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("ups.status: OL\n"), std::string::npos) << r.out;
    auto l = upsc("-L 127.0.0.1:" + std::to_string(port_));
    EXPECT_EQ(l.out, "demo: served by real upsd\n");
}

TEST_F(RealNutUpsd, UpsrwSetsThroughOurPlugin) {
    auto list = run("upsrw " + target(), drivers_.dir().string());
    ASSERT_EQ(list.code, 0) << list.err;
    EXPECT_NE(list.out.find("[ups.delay.shutdown]"), std::string::npos) << list.out;
    auto set = run("upsrw -s ups.delay.shutdown=45 -u admin -p adminpass " + target(), drivers_.dir().string());
    ASSERT_EQ(set.code, 0) << set.err;
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    std::string v;
    while (std::chrono::steady_clock::now() < deadline) {
        v = upsc(target() + " ups.delay.shutdown").out;
        if (v == "45\n") break;
        std::this_thread::sleep_for(100ms);
    }
    EXPECT_EQ(v, "45\n");
    EXPECT_EQ(drivers_.dump("sim", "demo").vars.at("ups.delay.shutdown"), "45");
}

TEST_F(RealNutUpsd, UpscmdReachesOurPlugin) {
    auto list = run("upscmd -l " + target(), drivers_.dir().string());
    ASSERT_EQ(list.code, 0) << list.err;
    EXPECT_NE(list.out.find("load.off"), std::string::npos) << list.out;
    // -w waits for the TRACKING result our host sends: sim rejects load.off as dummy-ups does.
    auto cmd = run("upscmd -w -t 5 -u admin -p adminpass " + target() + " load.off", drivers_.dir().string());
    EXPECT_NE(cmd.err.find("ERR UNKNOWN"), std::string::npos)
        << "stdout: " << cmd.out << "\nstderr: " << cmd.err;
    EXPECT_TRUE(drivers_.wait_log("INSTCMD load.off failed: NUTPP_E_UNSUPPORTED")) << drivers_.log();
}

TEST_F(RealNutUpsd, DriverStopIsSeenAsDriverNotConnected) {
    drivers_.signal(SIGTERM);
    EXPECT_EQ(drivers_.wait_exit(10s), 0);
    const auto deadline = std::chrono::steady_clock::now() + 15s;
    Result r{};
    while (std::chrono::steady_clock::now() < deadline) {
        r = upsc(target() + " ups.status");
        if (r.err.find("Driver not connected") != std::string::npos) break;
        std::this_thread::sleep_for(200ms);
    }
    EXPECT_NE(r.err.find("Error: Driver not connected"), std::string::npos) << r.err;
}
