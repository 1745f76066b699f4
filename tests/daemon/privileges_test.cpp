// Started as root, upsdrvd and upsd switch to the configured service account (every thread), the
// state directory and driver sockets let that account work, upsd reconnects to a restarted upsdrvd
// and `upsd -c stop` still works. Needs root: skipped loudly otherwise.
#include "daemon_fixture.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <fstream>
#include <thread>

using namespace nutpp::testing;
using namespace std::chrono_literals;

namespace {

class Privileges : public ::testing::Test {
protected:
    void SetUp() override {
        if (geteuid() != 0) GTEST_SKIP() << "SKIPPED: needs root to test switching to a service account";
        auto a = test_account();
        if (!a) GTEST_SKIP() << "SKIPPED: neither nut:nut nor nobody:nogroup exists here";
        acct_ = *a;
        box_ = std::make_unique<DaemonSandbox>("user: " + acct_.user + "\ngroup: " + acct_.group + "\n");
    }
    void expect_all_threads_are_account(pid_t pid) {
        const auto ids = thread_ids(pid);
        ASSERT_FALSE(ids.empty()) << "process " << pid << " is gone";
        for (const auto &[uid, gid] : ids) {
            EXPECT_EQ(uid, acct_.uid) << "a thread of " << pid << " is not the service user";
            EXPECT_EQ(gid, acct_.gid) << "a thread of " << pid << " is not the service group";
        }
    }
    TestAccount acct_{};
    std::unique_ptr<DaemonSandbox> box_;
};

} // namespace

TEST_F(Privileges, UpsdrvdSwitchesEveryThreadToUserAndGroup) {
    Daemon drv = box_->start(UPSDRVD_BIN, "upsdrvd");
    ASSERT_TRUE(wait_for(box_->socket(), 10s)) << box_->log("upsdrvd");
    std::this_thread::sleep_for(300ms); // the device thread is running by now
    expect_all_threads_are_account(drv.pid());
    EXPECT_GE(thread_ids(drv.pid()).size(), 2u) << "expected the device thread too";
    const Owner dir = owner_of(box_->state_dir());
    EXPECT_EQ(dir.mode, 0770u);
    EXPECT_EQ(dir.uid, 0u);
    EXPECT_EQ(dir.gid, acct_.gid);
    const Owner sock = owner_of(box_->socket());
    EXPECT_EQ(sock.mode & 0777, 0660u);
    EXPECT_EQ(sock.gid, acct_.gid);
    const Owner pid = owner_of(box_->state_dir() / "upsdrvd.pid");
    EXPECT_EQ(pid.mode, 0644u);
    EXPECT_NE(box_->log("upsdrvd").find("running as user " + acct_.user), std::string::npos) << box_->log("upsdrvd");
}

TEST_F(Privileges, UpsdAsUserServesAcrossUpsdrvdRestartAndStops) {
    Daemon drv = box_->start(UPSDRVD_BIN, "upsdrvd");
    ASSERT_TRUE(wait_for(box_->socket(), 10s)) << box_->log("upsdrvd");
    Daemon upsd = box_->start(UPSD_BIN, "upsd");
    ASSERT_TRUE(box_->serves(10s)) << box_->log("upsd");
    expect_all_threads_are_account(upsd.pid());

    // A restarted upsdrvd makes a new socket; upsd, no longer root, must be able to connect to it.
    drv.stop();
    ASSERT_FALSE(std::filesystem::exists(box_->socket()));
    drv = box_->start(UPSDRVD_BIN, "upsdrvd2");
    ASSERT_TRUE(wait_for(box_->socket(), 10s)) << box_->log("upsdrvd2");
    EXPECT_TRUE(box_->serves(15s)) << box_->log("upsd");
    EXPECT_EQ(box_->log("upsd").find("Permission denied"), std::string::npos) << box_->log("upsd");

    // -c stop reads the (root-written, 0644) pid file and signals the unprivileged upsd.
    const auto r = run_command({UPSD_BIN, "-f", box_->config(), "-c", "stop"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    for (int i = 0; i < 100 && upsd.running(); ++i) std::this_thread::sleep_for(50ms);
    EXPECT_FALSE(upsd.running()) << "upsd -c stop did not stop it";
    EXPECT_FALSE(std::filesystem::exists(box_->state_dir() / "upsd.pid"))
        << "the unprivileged upsd could not remove its pid file from the 0770 root:group state_dir";
}

// NUT's -u overrides the YAML user (here root in the file, the account on the command line).
TEST_F(Privileges, UpsdDashUOverridesTheConfig) {
    DaemonSandbox box("user: root\n");
    Daemon drv = box.start(UPSDRVD_BIN, "upsdrvd");
    ASSERT_TRUE(wait_for(box.socket(), 10s)) << box.log("upsdrvd");
    EXPECT_EQ(thread_ids(drv.pid()).front().first, 0u) << "user: root must keep root";
    // The state_dir made by a root upsdrvd is 0770 root:root here, so open it for the account.
    ASSERT_EQ(chown(box.state_dir().c_str(), 0, acct_.gid), 0);
    Daemon upsd({"/bin/sh", "-c", std::string("exec ") + UPSD_BIN + " -F -u " + acct_.user + " -f " + box.config()},
                {}, (box.dir() / "upsd.log").string());
    ASSERT_TRUE(box.serves(10s)) << box.log("upsd");
    EXPECT_EQ(thread_ids(upsd.pid()).front().first, acct_.uid);
}

TEST_F(Privileges, MissingConfiguredUserIsAnError) {
    DaemonSandbox box("user: nutpp-no-such-user\n");
    const auto r = run_command({UPSDRVD_BIN, "-F", "-f", box.config()}, {}, 10s);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("user 'nutpp-no-such-user' does not exist"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(box.socket()));
}
