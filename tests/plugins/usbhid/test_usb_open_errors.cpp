// Why a UPS cannot be opened, told through the real path (upsdrvd -> plugin -> libusb -> usbdevfs
// ioctls answered by the emulated device): a node the service user may not open, usbhid refusing to
// let go of the interface, and an interface someone else has claimed.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "cyberpower_fixture.hpp"
#include "process.hpp"
#include "upsd_fixture.hpp" // read_file
#include "upsdrvd_fixture.hpp"

using namespace std::chrono_literals;
using namespace nutpp::testing;
using namespace usbhid_test;
namespace fs = std::filesystem;

namespace {

const char *const kRule = "62-nutpp-usbhid.rules";

// The log once the plugin's open error appears (upsdrvd keeps retrying, and logs each failure).
std::string wait_for(const UpsdrvdProcess &p, const std::string &text) {
    p.wait_log(text, 15s);
    return p.log();
}

} // namespace

TEST(UsbHidOpenErrors, KernelDriverThatWillNotDetachIsNamed) {
    auto c = cyberpower_config();
    c.detach_errno = EPERM; // usbhid stays bound: libusb_detach_kernel_driver fails
    REQUIRE_FAKE(fake, c);
    UpsdrvdProcess p;
    p.write_config(cyberpower_device_yaml(1));
    p.start();
    const std::string log = wait_for(p, "detaching it failed");
    EXPECT_NE(log.find("held by a kernel driver (usbhid) on interface 0"), std::string::npos) << log;
    EXPECT_NE(log.find("0764:0501"), std::string::npos) << log;
    EXPECT_TRUE(fake->kernel_driver_attached());
    EXPECT_TRUE(p.running()) << "an unopenable device is retried, not fatal";
}

TEST(UsbHidOpenErrors, InterfaceClaimedBySomeoneElseSaysBusy) {
    auto c = cyberpower_config();
    c.claim_busy = true; // USBDEVFS_CLAIMINTERFACE -> EBUSY although usbhid was detached
    REQUIRE_FAKE(fake, c);
    UpsdrvdProcess p;
    p.write_config(cyberpower_device_yaml(1));
    p.start();
    const std::string log = wait_for(p, "is busy");
    EXPECT_NE(log.find("interface 0 is claimed by a kernel driver or another program"), std::string::npos) << log;
    EXPECT_NE(log.find("LIBUSB_ERROR_BUSY"), std::string::npos) << log;
    EXPECT_EQ(log.find("permission denied"), std::string::npos) << "busy is not a permission problem:\n" << log;
    // The plugin gave usbhid back when it could not claim the interface.
    EXPECT_TRUE(fake->kernel_driver_attached());
}

// upsdrvd as `nobody` against a device node only root may open: libusb_open fails with
// LIBUSB_ERROR_ACCESS and the error says so, names the udev rule, where the build put it, and what to do.
TEST(UsbHidOpenErrors, PermissionDeniedNamesTheUdevRule) {
    if (geteuid() != 0) GTEST_SKIP() << "needs root to run upsdrvd as another user";
    REQUIRE_FAKE(fake, cyberpower_config());
    UpsdrvdProcess p;
    p.write_config(cyberpower_device_yaml(1));
    // nobody must reach the config, the state dir, and the emulated /sys (but not the node).
    fs::permissions(p.dir(), fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                 fs::perms::others_read | fs::perms::others_exec);
    // upsdrvd refuses a world-writable state_dir (anyone could replace its sockets): give it to nobody.
    const passwd *nobody = getpwnam("nobody");
    ASSERT_NE(nobody, nullptr);
    ASSERT_EQ(::chown(p.state_dir().c_str(), nobody->pw_uid, nobody->pw_gid), 0);
    fs::permissions(p.config_path(), fs::perms::owner_read | fs::perms::owner_write | fs::perms::others_read);
    // The testbed's /sys and /dev readable by all, as a real system's are; its directories also
    // writable, since umockdev's preload binds the emulated udev netlink socket inside them.
    const auto rwx = fs::perms::others_all;
    fs::permissions(fake->root_dir(), rwx, fs::perm_options::add);
    for (auto it = fs::recursive_directory_iterator(fake->root_dir()); it != fs::recursive_directory_iterator(); ++it) {
        if (it->is_symlink()) continue;
        if (it->is_directory()) fs::permissions(it->path(), rwx, fs::perm_options::add);
        else if (it->is_socket()) fs::permissions(it->path(), fs::perms::others_read | fs::perms::others_write, fs::perm_options::add);
        else fs::permissions(it->path(), fs::perms::others_read, fs::perm_options::add);
    }
    ASSERT_EQ(::chmod(fake->device_node().c_str(), 0600), 0) << fake->device_node();

    const std::string log_path = (p.dir() / "nobody.log").string();
    Daemon d({"setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--", UPSDRVD_BIN, "-F", "-f",
              p.config_path()},
             {}, log_path);
    std::string log;
    for (int i = 0; i < 150; ++i) {
        log = read_file(log_path);
        if (log.find(kRule) != std::string::npos || !d.running()) break;
        std::this_thread::sleep_for(100ms);
    }
    EXPECT_NE(log.find("permission denied: user 'nobody' may not open USB device 0764:0501"), std::string::npos)
        << log;
    EXPECT_NE(log.find("LIBUSB_ERROR_ACCESS"), std::string::npos) << log;
    EXPECT_NE(log.find(kRule), std::string::npos) << log;
    // Where the build wrote the rule (README: copy it from there to /etc/udev/rules.d/).
    EXPECT_NE(log.find(std::string("/etc/udev/rules.d/") + kRule), std::string::npos) << log;
    EXPECT_NE(log.find("copy it to /etc/udev/rules.d/"), std::string::npos) << log;
    EXPECT_TRUE(fs::exists(NUTPP_USBHID_UDEV_RULE_FOR_TESTS)) << "the rule the message names exists";
    EXPECT_NE(log.find(NUTPP_USBHID_UDEV_RULE_FOR_TESTS), std::string::npos) << log;
    if (auto at = log.find("permission denied"); at != std::string::npos)
        std::printf("the error: %s\n", log.substr(at, log.find('\n', at) - at).c_str());
    EXPECT_EQ(log.find("no USB UPS matches"), std::string::npos) << "the device was found, only not opened:\n" << log;
    d.stop();
}
