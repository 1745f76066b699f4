// The whole-file configuration check (core/validate) as every program runs it, and the file checks
// made when running as root: the real binaries on files written here with explicit modes.
//   - a device key its plugin does not declare stops every program, not just upsdrvd (item 5);
//   - as root, a config or plugin someone else can change is refused; readable secrets warn (item 7);
//   - `upsdrvd --describe` never runs a plugin's constructors as root (item 7).
#include "process.hpp"
#include "wait_until.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <dlfcn.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <signal.h>

using namespace std::chrono_literals;
using nutpp::testing::CommandResult;
using nutpp::testing::run_command;
namespace fs = std::filesystem;

namespace {

constexpr int kConfigExit = 78; // config::kExitConfigError

std::string sim_dev() { return std::string(NUTPP_SIM_DATA_DIR) + "/cp1000avrlcd.dev"; }
std::string marker_plugin() { return std::string(NUTPP_FIXTURE_DIR) + "/nutpp-ctor_marker.so"; }

#define SKIP_UNLESS_ROOT()                                                                                  \
    if (::geteuid() != 0) GTEST_SKIP() << "needs root: the file checks only apply when running as root (CI " \
                                          "runs as root); NOT TESTED here"

// A private directory (0755, root's when we are root) removed at the end.
struct TempDir {
    fs::path path;
    TempDir() {
        char tmpl[] = "/tmp/nutpp-cfgcheck-XXXXXX";
        if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
        path = tmpl;
        fs::permissions(path, fs::perms(0755));
    }
    ~TempDir() {
        std::error_code ec;
        fs::permissions(path, fs::perms(0755), ec);
        fs::remove_all(path, ec);
    }
    std::string write(const std::string &name, const std::string &text, mode_t mode = 0644) const {
        const auto p = (path / name).string();
        std::ofstream(p) << text;
        if (::chmod(p.c_str(), mode) != 0) throw std::runtime_error("chmod failed");
        return p;
    }
};

// One sim device with the given extra lines, upsd on a free loopback port, one monitor.
std::string stack_config(const TempDir &d, uint16_t port, const std::string &device_extra) {
    return "state_dir: " + (d.path / "run").string() + "\nplugin_dir: " + NUTPP_PLUGIN_DIR_FOR_TESTS +
           "\ndevices:\n  demo:\n    driver: sim\n    port: " + sim_dev() + "\n" + device_extra +
           "server:\n  listen: [\"127.0.0.1:" + std::to_string(port) +
           "\"]\nusers:\n  mon: { password_file: pw, upsmon: primary }\n"
           "monitor:\n  monitors:\n    - { ups: demo@127.0.0.1:" + std::to_string(port) +
           ", power: 1, user: mon, password_file: pw, role: primary }\n  shutdowncmd: \"/bin/true\"\n";
}

bool something_listens(uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) == 0;
    ::close(fd);
    return ok;
}

bool contains(const std::string &hay, const std::string &needle) { return hay.find(needle) != std::string::npos; }

std::string read_all(const std::string &path) {
    std::ifstream f(path);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

} // namespace

// Item 5: before, upsd and upsmon ran on this file and `nutpp run` restarted upsdrvd forever (the
// run_command below timed out). Now nothing starts and the error names file:line:column.
TEST(ConfigCheck, NutppRunRefusesABadDeviceKeyAndStartsNothing) {
    TempDir d;
    d.write("pw", "secret\n", 0600);
    const uint16_t port = nutpp::testing::free_tcp_port();
    const auto cfg = d.write("nutpp.yaml", stack_config(d, port, "    pollintervall: 3\n"), 0600);
    const auto t0 = std::chrono::steady_clock::now();
    const CommandResult r = run_command({NUTPP_BIN, "run", "-f", cfg}, {}, 15s);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 10s);
    EXPECT_EQ(r.exit_code, kConfigExit) << r.err;
    EXPECT_TRUE(contains(r.err, cfg + ":7:5: devices.demo.pollintervall: unknown key for driver 'sim'")) << r.err;
    EXPECT_TRUE(contains(r.err, "did you mean 'pollinterval'")) << r.err;
    EXPECT_TRUE(contains(r.err, "nothing started")) << r.err;
    EXPECT_FALSE(contains(r.err, "nutpp: started")) << r.err;
    EXPECT_FALSE(something_listens(port));
}

TEST(ConfigCheck, EveryDaemonRefusesABadDeviceKeyWithTheConfigStatus) {
    TempDir d;
    d.write("pw", "secret\n", 0600);
    const uint16_t port = nutpp::testing::free_tcp_port();
    const auto cfg = d.write("nutpp.yaml", stack_config(d, port, "    pollintervall: 3\n"), 0600);
    for (const char *bin : {UPSD_BIN, UPSMON_BIN, UPSDRVD_BIN}) {
        const CommandResult r = run_command({bin, "-F", "-f", cfg}, {}, 10s);
        EXPECT_EQ(r.exit_code, kConfigExit) << bin << "\n" << r.err;
        EXPECT_TRUE(contains(r.err, cfg + ":7:5: devices.demo.pollintervall: unknown key")) << bin << "\n" << r.err;
    }
    EXPECT_FALSE(something_listens(port));
    const CommandResult check = run_command({UPSDRVD_BIN, "--check-config", "-f", cfg});
    EXPECT_EQ(check.exit_code, kConfigExit) << check.err;
    // The same file without the typo passes the check.
    d.write("nutpp.yaml", stack_config(d, port, "    pollinterval: 3\n"), 0600);
    const CommandResult good = run_command({UPSDRVD_BIN, "--check-config", "-f", cfg});
    EXPECT_EQ(good.exit_code, 0) << good.err;
    EXPECT_EQ(good.out, cfg + ": OK\n");
}

// Item 5: a file that goes bad while the stack runs (checked fine at start, then edited) makes the
// restarted component exit with the config status; before, `nutpp run` restarted it forever with
// backoff. Now the whole stack stops and says why.
TEST(ConfigCheck, NutppRunStopsTheStackWhenAComponentRefusesTheConfig) {
    TempDir d;
    d.write("pw", "secret\n", 0600);
    const uint16_t port = nutpp::testing::free_tcp_port();
    const auto cfg = d.write("nutpp.yaml", stack_config(d, port, ""), 0600);
    const std::string log = (d.path / "nutpp.log").string();
    nutpp::testing::Daemon run({NUTPP_BIN, "run", "-f", cfg}, {}, log);
    const auto pid_of = [&](const std::string &program) -> pid_t {
        const std::string text = read_all(log), tag = "nutpp: started " + program + " (pid ";
        const auto at = text.find(tag);
        return at == std::string::npos ? -1 : pid_t(std::stol(text.substr(at + tag.size())));
    };
    // Everything up and past its own check before the file goes bad: upsd listening, and upsmon
    // running its loop (its "started" line comes at spawn, before it has read the file).
    const auto upsmon_ran = [&] { return contains(read_all(log), "UPS monitor: 1 monitors"); };
    nutpp::testing::wait_until([&] { return pid_of("upsmon") >= 0 && something_listens(port) && upsmon_ran(); }, 10s);
    ASSERT_TRUE(upsmon_ran()) << read_all(log);
    const pid_t upsdrvd = pid_of("upsdrvd");
    ASSERT_GT(upsdrvd, 0) << read_all(log);
    d.write("nutpp.yaml", stack_config(d, port, "    pollintervall: 3\n"), 0600);
    ::kill(upsdrvd, SIGKILL); // a crash: restarted after its backoff, and then it reads the bad file
    nutpp::testing::wait_until([&] { return !run.running(); }, 15s);
    EXPECT_FALSE(run.running()) << read_all(log);
    const std::string text = read_all(log);
    EXPECT_TRUE(contains(text, "nutpp: upsdrvd refused the configuration in " + cfg +
                                   " (exit status 78); stopping everything: fix the file, then start again"))
        << text;
    EXPECT_TRUE(contains(text, "devices.demo.pollintervall: unknown key")) << text;
    EXPECT_FALSE(something_listens(port)) << text; // upsd was stopped too
}

// Item 7: before, each daemon accepted a world-writable file (and ran shutdowncmd from it as root).
TEST(FileTrust, GroupOrWorldWritableConfigIsRefusedByEveryProgramAsRoot) {
    SKIP_UNLESS_ROOT();
    TempDir d;
    d.write("pw", "secret\n", 0600);
    const uint16_t port = nutpp::testing::free_tcp_port();
    for (mode_t mode : {0666, 0620}) {
        const auto cfg = d.write("nutpp.yaml", stack_config(d, port, ""), mode);
        const std::string expected = cfg + " is writable by group/others; run: chmod go-w " + cfg;
        for (const std::vector<std::string> &argv :
             {std::vector<std::string>{UPSDRVD_BIN, "-F", "-f", cfg}, {UPSD_BIN, "-F", "-f", cfg},
              {UPSMON_BIN, "-F", "-f", cfg}, {NUTPP_BIN, "run", "-f", cfg}, {UPSDRVD_BIN, "-k", "-f", cfg}}) {
            const CommandResult r = run_command(argv, {}, 10s);
            EXPECT_EQ(r.exit_code, kConfigExit) << argv[0] << "\n" << r.err;
            EXPECT_TRUE(contains(r.err, expected)) << argv[0] << "\n" << r.err;
        }
    }
    EXPECT_FALSE(something_listens(port));
    // A directory above the file that others can write lets them swap it: refused too.
    const auto cfg = d.write("nutpp.yaml", stack_config(d, port, ""), 0600);
    fs::permissions(d.path, fs::perms(0777));
    const CommandResult r = run_command({UPSDRVD_BIN, "--check-config", "-f", cfg});
    EXPECT_EQ(r.exit_code, kConfigExit) << r.err;
    EXPECT_TRUE(contains(r.err, d.path.string() + " is writable by group/others; run: chmod go-w " + d.path.string()))
        << r.err;
    fs::permissions(d.path, fs::perms(0755));
    EXPECT_EQ(run_command({UPSDRVD_BIN, "--check-config", "-f", cfg}).exit_code, 0);
}

TEST(FileTrust, PluginOrPluginDirectoryOthersCanChangeIsNotLoadedAsRoot) {
    SKIP_UNLESS_ROOT();
    TempDir d;
    fs::create_directories(d.path / "plugins");
    fs::permissions(d.path / "plugins", fs::perms(0755));
    const auto so = (d.path / "plugins" / "nutpp-ctor_marker.so").string();
    fs::copy_file(marker_plugin(), so);
    ::chmod(so.c_str(), 0755);
    const auto describe = [&] { return run_command({UPSDRVD_BIN, "--describe", so}); };
    ASSERT_EQ(describe().exit_code, 0) << describe().err; // the copy itself is fine

    ::chmod(so.c_str(), 0757);
    CommandResult r = describe();
    EXPECT_NE(r.exit_code, 0);
    EXPECT_TRUE(contains(r.err, "refusing to load plugin '" + so + "' as root: " + so +
                                    " is writable by group/others; run: chmod go-w " + so))
        << r.err;
    ::chmod(so.c_str(), 0755);

    ASSERT_EQ(::chown(so.c_str(), 65534, 65534), 0);
    r = describe();
    EXPECT_NE(r.exit_code, 0);
    EXPECT_TRUE(contains(r.err, so + " is owned by uid 65534, not root; run: chown root " + so)) << r.err;
    ASSERT_EQ(::chown(so.c_str(), 0, 0), 0);

    fs::permissions(d.path / "plugins", fs::perms(0777));
    const std::string dir = (d.path / "plugins").string();
    r = describe();
    EXPECT_NE(r.exit_code, 0);
    EXPECT_TRUE(contains(r.err, dir + " is writable by group/others; run: chmod go-w " + dir)) << r.err;

    // The running daemon refuses it too (Plugin::load), with the same sentence in the device's error.
    const auto cfg = d.write("nutpp.yaml", "state_dir: " + (d.path / "run").string() +
                                               "\ndevices:\n  m:\n    driver: " + so + "\n    port: none\n");
    r = run_command({UPSDRVD_BIN, "-F", "-f", cfg}, {}, 10s);
    EXPECT_NE(r.exit_code, 0);
    EXPECT_TRUE(contains(r.err, "refusing to load plugin '" + so + "' as root: " + dir + " is writable")) << r.err;
}

// Item 7: before, plain-text passwords in a file anyone can read passed silently.
TEST(FileTrust, SecretsInAFileOthersCanReadAreWarnedAbout) {
    TempDir d;
    const std::string text = "state_dir: " + (d.path / "run").string() +
                             "\ndevices:\n  m:\n    driver: " + marker_plugin() +
                             "\n    port: none\n    token: hunter2\nusers:\n  admin: { password: adminpass }\n";
    auto cfg = d.write("nutpp.yaml", text, 0644);
    CommandResult r = run_command({UPSDRVD_BIN, "--check-config", "-f", cfg});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(contains(r.err, "Warning: " + cfg + " is readable by others and holds secrets (users.admin.password at " +
                                    cfg + ":8:12, devices.m.token at " + cfg + ":6:5); run: chmod o-r " + cfg))
        << r.err;
    EXPECT_FALSE(contains(r.err, "hunter2")) << r.err;
    EXPECT_FALSE(contains(r.err, "adminpass")) << r.err;
    // Readable by its group only (root:nut 0640, say): no warning.
    cfg = d.write("nutpp.yaml", text, 0640);
    r = run_command({UPSDRVD_BIN, "--check-config", "-f", cfg});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_FALSE(contains(r.err, "readable by others")) << r.err;
    // upsd warns the same way at its start (it reads the same check).
    cfg = d.write("nutpp.yaml", text, 0644);
    r = run_command({UPSD_BIN, "-F", "-f", cfg, "-c", "stop"});
    EXPECT_FALSE(contains(r.err, "readable by others")) << "-c does not act on the file\n" << r.err;
}

// Item 7: before, `upsdrvd --describe` dlopen()ed the plugin as root, running its constructors.
TEST(Describe, NeverRunsPluginCodeAsRoot) {
    SKIP_UNLESS_ROOT();
    TempDir d; // 0755, root's: a process that dropped root cannot create files in it
    const std::string marker = (d.path / "ctor-ran").string();
    ::setenv("NUTPP_TEST_CTOR_MARKER", marker.c_str(), 1);
    // The fixture really has the side effect when loaded as root (so this test can fail).
    void *h = dlopen(marker_plugin().c_str(), RTLD_NOW | RTLD_LOCAL);
    ASSERT_NE(h, nullptr) << dlerror();
    dlclose(h);
    ::unsetenv("NUTPP_TEST_CTOR_MARKER");
    ASSERT_TRUE(contains(read_all(marker), "uid=0\n"));
    fs::remove(marker);

    const std::vector<std::string> env = {"NUTPP_TEST_CTOR_MARKER=" + marker};
    CommandResult r = run_command({UPSDRVD_BIN, "--describe", marker_plugin()}, env);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "plugin:      ctor_marker")) << r.out;
    EXPECT_TRUE(contains(r.out, "token (string, secret)")) << r.out;
    EXPECT_FALSE(fs::exists(marker)) << read_all(marker);

    // A plugin `nobody` cannot reach (a 0700 directory) is still described: opened as root, loaded
    // through the open file after the switch.
    fs::create_directories(d.path / "private");
    fs::permissions(d.path / "private", fs::perms(0700));
    const auto hidden = (d.path / "private" / "nutpp-ctor_marker.so").string();
    fs::copy_file(marker_plugin(), hidden);
    r = run_command({UPSDRVD_BIN, "--describe", hidden}, env);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "file:        " + hidden)) << r.out;
    EXPECT_FALSE(fs::exists(marker)) << read_all(marker);

    // The config check (run by every program at start) reads keys the same way.
    const auto cfg = d.write("nutpp.yaml", "state_dir: " + (d.path / "run").string() + "\ndevices:\n  m:\n    driver: " +
                                               marker_plugin() + "\n    port: none\n    tokn: x\n", 0600);
    r = run_command({UPSD_BIN, "-F", "-f", cfg}, env, 10s);
    EXPECT_EQ(r.exit_code, kConfigExit) << r.err;
    EXPECT_TRUE(contains(r.err, "did you mean 'token'")) << r.err;
    EXPECT_FALSE(fs::exists(marker)) << read_all(marker);
}
