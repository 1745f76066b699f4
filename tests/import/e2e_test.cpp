// `nutpp import` as a program: exit statuses, --check, and an imported site that runs. The imported
// YAML runs under `nutpp run` (upsdrvd with the sim plugin in place of the hardware, upsd, upsmon),
// and NUT 2.8.0's own upsmon logs in to it with a user imported from upsd.users.
#include "process.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>

#include <filesystem>
#include <fstream>
#include <thread>

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using nutpp::testing::Daemon;
using nutpp::testing::run_command;
using nutpp::testing::TempDir;

namespace {

std::string read_file(const std::string &p) {
    std::ifstream in(p);
    return {std::istreambuf_iterator<char>(in), {}};
}

// One request on a fresh connection; the first reply line ("" when nothing came within 2 s).
std::string query(uint16_t port, const std::string &line) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval tv{2, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::string out;
    if (::connect(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) == 0) {
        const std::string req = line + "\n";
        if (::write(fd, req.data(), req.size()) == ssize_t(req.size())) {
            char c;
            while (::read(fd, &c, 1) == 1 && c != '\n') out += c;
        }
    }
    ::close(fd);
    return out;
}

// NUT 2.8.0's upsmon forks (a root parent for the shutdown, a child that monitors): the child
// outlives a stopped parent, so it is found by the private NUT_CONFPATH this test gave it.
void stop_processes_with_env(const std::string &entry) {
    for (const auto &p : fs::directory_iterator("/proc")) {
        const std::string name = p.path().filename();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        std::ifstream in(p.path() / "environ");
        std::string env((std::istreambuf_iterator<char>(in)), {});
        if (env.find(std::string(1, '\0') + entry + std::string(1, '\0')) != std::string::npos ||
            env.rfind(entry + std::string(1, '\0'), 0) == 0)
            ::kill(pid_t(std::stol(name)), SIGTERM);
    }
}

bool wait_for(uint16_t port, const std::string &line, const std::string &want, std::chrono::seconds limit) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
        if (query(port, line).rfind(want, 0) == 0) return true;
        std::this_thread::sleep_for(100ms);
    }
    return false;
}

} // namespace

TEST(ImportCli, ExitStatusSaysWhetherEverythingWasCarried) {
    TempDir d;
    // Nothing to import: 2, and nothing on stdout.
    auto r = run_command({NUTPP_BIN, "import", d.path});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("no NUT configuration"), std::string::npos) << r.err;

    // Everything carried: 0, YAML on stdout.
    d.write("ups.conf", "[u]\n  driver = usbhid-ups\n  port = auto\n  vendorid = 0764\n");
    r = run_command({NUTPP_BIN, "import", d.path});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("driver: usbhid"), std::string::npos) << r.out;
    EXPECT_NE(r.err.find("everything was carried over"), std::string::npos) << r.err;

    // One option lost: 1, listed with file:line and why.
    d.write("ups.conf", "[u]\n  driver = usbhid-ups\n  port = auto\n  subdriver = apc\n");
    r = run_command({NUTPP_BIN, "import", d.path});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find(d.path + "/ups.conf:4: [u] 'subdriver': "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("1 item(s) not carried over"), std::string::npos) << r.err;

    // -o writes the file 0600 (it holds passwords); --check loads it.
    d.write("upsd.users", "[admin]\n  password = x\n  actions = SET\n");
    r = run_command({NUTPP_BIN, "import", d.path, "-o", d.path + "/out.yaml", "--check"});
    EXPECT_EQ(r.exit_code, 1) << r.err; // still the subdriver
    EXPECT_NE(r.err.find("loads"), std::string::npos) << r.err;
    struct stat st {};
    ASSERT_EQ(stat((d.path + "/out.yaml").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    EXPECT_NE(r.err.find("mkpasswd"), std::string::npos) << "hint to hash the plain password\n" << r.err;
}

TEST(ImportCli, CheckCatchesWhatOurLoaderRefuses) {
    TempDir d;
    // NUT refuses this too (MINSUPPLIES above what the MONITOR lines supply); the import carries the
    // lines as written and --check says no, naming the key.
    d.write("upsmon.conf", "MONITOR a@localhost 1 u p primary\nMINSUPPLIES 3\n");
    const auto r = run_command({NUTPP_BIN, "import", d.path, "--check"});
    EXPECT_EQ(r.exit_code, 78) << r.err;
    EXPECT_NE(r.err.find("does not load"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("minsupplies"), std::string::npos) << r.err;
}

TEST(ImportE2E, ImportedSiteRunsAndNutUpsmonLogsIn) {
    if (access("/lib/nut/upsmon", X_OK) != 0) GTEST_SKIP() << "SKIPPED: /lib/nut/upsmon (nut-client) not installed";
    if (run_command({"unshare", "-m", "true"}).exit_code != 0)
        GTEST_SKIP() << "SKIPPED: cannot make a private mount namespace (unshare -m needs root/CAP_SYS_ADMIN)";
    TempDir nut, out, client;
    const uint16_t port = nutpp::testing::free_tcp_port();
    const std::string p = std::to_string(port);
    fs::copy_file(NUTPP_SIM_DATA "/cp1000avrlcd.dev", nut.path + "/demo.dev");
    // A NUT server as it was configured: dummy-ups stands in for the hardware.
    nut.write("nut.conf", "MODE=netserver\n");
    nut.write("ups.conf", "user = root\nstatepath = " + out.path + "\npollinterval = 1\n"
                          "[demo]\n  driver = dummy-ups\n  port = demo.dev\n  desc = \"Imported demo\"\n");
    nut.write("upsd.conf", "LISTEN 127.0.0.1 " + p + "\nMAXAGE 15\n");
    nut.write("upsd.users", "[admin]\n  password = adminpass\n  actions = SET FSD\n  instcmds = ALL\n"
                            "[monp]\n  password = pp\n  upsmon primary\n"
                            "[mons]\n  password = spass\n  upsmon secondary\n");
    nut.write("upsmon.conf", "RUN_AS_USER root\nMONITOR demo@127.0.0.1:" + p + " 1 monp pp primary\n"
                             "MINSUPPLIES 1\nPOLLFREQ 1\nPOLLFREQALERT 1\nDEADTIME 5\n"
                             "SHUTDOWNCMD \"/bin/true\"\nPOWERDOWNFLAG " + out.path + "/killpower\n"
                             "NOTIFYFLAG ONBATT SYSLOG\n");
    const std::string yaml = out.path + "/nutpp.yaml";
    auto r = run_command({NUTPP_BIN, "import", nut.path, "-o", yaml, "--check"});
    ASSERT_EQ(r.exit_code, 0) << r.err << read_file(yaml);

    Daemon stack({NUTPP_BIN, "run", "-f", yaml}, {}, out.path + "/nutpp-run.log");
    ASSERT_TRUE(wait_for(port, "GET VAR demo ups.mfr", "VAR demo ups.mfr \"", 20s))
        << read_file(out.path + "/nutpp-run.log") << read_file(yaml);
    EXPECT_EQ(query(port, "GET UPSDESC demo"), "UPSDESC demo \"Imported demo\"");
    // Our upsmon (from the imported monitor section) logs in as monp.
    EXPECT_TRUE(wait_for(port, "GET NUMLOGINS demo", "NUMLOGINS demo 1", 20s)) << read_file(out.path + "/nutpp-run.log");

    // NUT's own upsmon, as a secondary with the imported user "mons". (NUT 2.8.0's upsmon sends the
    // password unquoted, so a password with a space would fail against NUT's upsd too.)
    client.write("upsmon.conf", "RUN_AS_USER root\nMONITOR demo@127.0.0.1:" + p + " 1 mons spass secondary\n"
                                "MINSUPPLIES 1\nPOLLFREQ 1\nSHUTDOWNCMD \"/bin/true\"\nPOWERDOWNFLAG " +
                                    client.path + "/killpower\n");
    {
        // Real upsmon always writes /run/nut/upsmon.pid: give it a private /run/nut.
        Daemon nut_upsmon({"unshare", "-m", "sh", "-c",
                           "mkdir -p /run/nut && mount -t tmpfs none /run/nut && exec /lib/nut/upsmon -F -D"},
                          {"NUT_CONFPATH=" + client.path, "NUT_STATEPATH=" + client.path},
                          client.path + "/nut-upsmon.log");
        EXPECT_TRUE(wait_for(port, "GET NUMLOGINS demo", "NUMLOGINS demo 2", 20s))
            << read_file(client.path + "/nut-upsmon.log") << read_file(out.path + "/nutpp-run.log");
        nut_upsmon.stop();
        stop_processes_with_env("NUT_CONFPATH=" + client.path);
    }
    EXPECT_TRUE(wait_for(port, "GET NUMLOGINS demo", "NUMLOGINS demo 1", 10s));
    stack.stop();
}
