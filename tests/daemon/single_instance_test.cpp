// One instance per pid file: a second upsdrvd/upsd/upsmon on the same config is refused with the
// first one's PID before it touches any socket; the lock survives detaching; modes are explicit
// under umask 000; a symlink planted at the pid path is not followed. Runs as any user.
#include "daemon_fixture.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>

using namespace nutpp::testing;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

// Stay as we are, even as root, so these tests do not depend on an account.
std::string same_user() { return geteuid() == 0 ? "user: root\n" : ""; }

std::string slurp(const fs::path &p) {
    std::ifstream f(p);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

void expect_second_refused(const DaemonSandbox &box, const std::string &bin, const std::string &program,
                           pid_t first, const fs::path &pid_file) {
    const std::string before = slurp(pid_file);
    const auto r = run_command({bin, "-F", "-f", box.config()}, {}, 15s);
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find(program + " already running as PID " + std::to_string(first)), std::string::npos) << r.err;
    EXPECT_EQ(slurp(pid_file), before) << "the refused instance rewrote the pid file";
    EXPECT_EQ(owner_of(box.socket()).mode & 0777, 0660u) << "the first instance's socket is gone";
}

} // namespace

TEST(SingleInstance, SecondUpsdrvdUpsdUpsmonAreRefused) {
    DaemonSandbox box(same_user());
    Daemon drv = box.start(UPSDRVD_BIN, "upsdrvd");
    ASSERT_TRUE(wait_for(box.state_dir() / "upsdrvd.pid", 10s)) << box.log("upsdrvd");
    ASSERT_TRUE(wait_for(box.socket(), 10s)) << box.log("upsdrvd");
    expect_second_refused(box, UPSDRVD_BIN, "upsdrvd", drv.pid(), box.state_dir() / "upsdrvd.pid");
    EXPECT_TRUE(drv.running());

    Daemon upsd = box.start(UPSD_BIN, "upsd");
    ASSERT_TRUE(box.serves(10s)) << box.log("upsd");
    expect_second_refused(box, UPSD_BIN, "upsd", upsd.pid(), box.state_dir() / "upsd.pid");
    EXPECT_TRUE(box.serves(5s)) << "the first upsd stopped serving";

    Daemon mon = box.start(UPSMON_BIN, "upsmon");
    ASSERT_TRUE(wait_for(box.state_dir() / "upsmon.pid", 10s)) << box.log("upsmon");
    expect_second_refused(box, UPSMON_BIN, "upsmon", mon.pid(), box.state_dir() / "upsmon.pid");
    EXPECT_TRUE(mon.running());
}

// The lock is taken before detach() and must stay with the background child.
TEST(SingleInstance, LockSurvivesDetach) {
    DaemonSandbox box(same_user());
    const auto bg = run_command({UPSDRVD_BIN, "-f", box.config()}, {}, 10s); // background: parent exits
    ASSERT_EQ(bg.exit_code, 0) << bg.err;
    ASSERT_TRUE(wait_for(box.socket(), 10s));
    const long pid = std::stol(slurp(box.state_dir() / "upsdrvd.pid"));
    EXPECT_EQ(kill(static_cast<pid_t>(pid), 0), 0) << "the pid file names a process that is gone: " << pid;
    const auto r = run_command({UPSDRVD_BIN, "-F", "-f", box.config()}, {}, 10s);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("upsdrvd already running as PID " + std::to_string(pid)), std::string::npos) << r.err;
    EXPECT_TRUE(fs::exists(box.socket()));
    EXPECT_EQ(run_command({UPSDRVD_BIN, "-f", box.config(), "-c", "stop"}).exit_code, 0);
    for (int i = 0; i < 100 && kill(static_cast<pid_t>(pid), 0) == 0; ++i) std::this_thread::sleep_for(50ms);
    EXPECT_NE(kill(static_cast<pid_t>(pid), 0), 0) << "-c stop did not stop the background upsdrvd";
    EXPECT_FALSE(fs::exists(box.state_dir() / "upsdrvd.pid"));
    EXPECT_NE(run_command({UPSDRVD_BIN, "-f", box.config(), "-c", "stop"}).exit_code, 0) << "stopped twice?";
}

TEST(SingleInstance, ModesUnderUmask000) {
    DaemonSandbox box(same_user());
    Daemon drv = box.start(UPSDRVD_BIN, "upsdrvd", "umask 000; ");
    ASSERT_TRUE(wait_for(box.socket(), 10s)) << box.log("upsdrvd");
    ASSERT_TRUE(wait_for(box.state_dir() / "upsdrvd.pid", 10s));
    EXPECT_EQ(owner_of(box.state_dir()).mode, 0770u);
    EXPECT_EQ(owner_of(box.state_dir() / "upsdrvd.pid").mode, 0644u);
    EXPECT_EQ(owner_of(box.socket()).mode & 0777, 0660u);
}

TEST(SingleInstance, SymlinkAtPidPathIsNotFollowed) {
    DaemonSandbox box(same_user());
    fs::create_directory(box.state_dir());
    fs::permissions(box.state_dir(), fs::perms(0770));
    std::ofstream(box.dir() / "victim") << "precious\n";
    fs::create_symlink(box.dir() / "victim", box.state_dir() / "upsdrvd.pid");
    const auto r = run_command({UPSDRVD_BIN, "-F", "-f", box.config()}, {}, 10s);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("is a symbolic link: refusing to follow it"), std::string::npos) << r.err;
    EXPECT_EQ(slurp(box.dir() / "victim"), "precious\n");
    EXPECT_FALSE(fs::exists(box.socket())) << "sockets were created despite the error";
}
