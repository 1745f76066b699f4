// upsdrvd -k (NUT's upsdrvctl shutdown): the last step of a system shutdown, against the pty UPS
// simulators. Each UPS must get its shutdown command, in sdorder, with sdcommands tried in turn,
// and APC's "send it twice" rule must not stand in the way (nobody is there to send it twice).
#include "apc_ups.hpp"
#include "e2e_support.hpp"
#include "megatec_ups.hpp"
#include "process.hpp"
#include "upsd_fixture.hpp"
#include "upsdrvd_fixture.hpp"

#include <gtest/gtest.h>

using namespace std::chrono_literals;
using namespace nutpp::testing;
using namespace nutpp::serial::testing;

namespace {

std::string apc(const std::string &name, const std::string &port, const std::string &extra = "") {
    return serial_device(name, port, "    protocol: apcsmart\n    apc_repeat_pause: 0.2\n" + extra);
}

} // namespace

TEST(KillPower, EveryUpsGetsItsShutdownInSdorder) {
    TempDir dir;
    ApcUps smart(dir / "ttyS0", 150ms);
    smart.set_power(ApcUps::Power::OnBattery);
    MegatecUps q1(dir / "ttyS1", santak_castle_c1k());
    UpsdrvdProcess p;
    // The Megatec unit goes first (sdorder 0) with NUT's default command; the APC one second with
    // sdcommands: its load-cutting K needs no second request here. "never" is skipped (-1).
    p.write_config(apc("smart", smart.port(), "    sdorder: 5\n    sdcommands: [shutdown.stayoff]\n") +
                   serial_device("q1", q1.port(), "    offdelay: 60\n    ondelay: 2\n") +
                   apc("never", (dir / "absent").string(), "    sdorder: -1\n"));
    std::string out;
    EXPECT_EQ(UpsdrvdProcess::run_sync("-k -f " + p.config_path(), out), 0) << out;
    EXPECT_EQ(q1.commands(), (std::vector<std::string>{"S01R0002"})) << out;
    EXPECT_EQ(smart.commands(), (std::vector<std::string>{"K"})) << out;
    const size_t first = out.find("device 'q1': UPS shutdown sent (shutdown.return)");
    const size_t second = out.find("device 'smart': UPS shutdown sent (shutdown.stayoff)");
    ASSERT_NE(first, std::string::npos) << out;
    ASSERT_NE(second, std::string::npos) << out;
    EXPECT_LT(first, second) << out;
    EXPECT_NE(out.find("device 'never': sdorder -1, not shut down"), std::string::npos) << out;
}

TEST(KillPower, TheDriversOwnMethodComesFirstAndFailuresAreReported) {
    TempDir dir;
    ApcUps smart(dir / "ttyS0", 150ms);
    smart.set_power(ApcUps::Power::OnBattery);
    UpsdrvdProcess p;
    // No sdcommands: shutdown.default, i.e. sdtype 0 on battery -> 'S'.
    p.write_config(apc("smart", smart.port()) +
                   apc("gone", (dir / "absent").string(), "    maxstartdelay: 1\n"));
    std::string out;
    EXPECT_EQ(UpsdrvdProcess::run_sync("-k -f " + p.config_path(), out), 1) << out; // "gone" failed
    EXPECT_EQ(smart.commands(), (std::vector<std::string>{"S"})) << out;
    EXPECT_NE(out.find("device 'smart': UPS shutdown sent (shutdown.default)"), std::string::npos) << out;
    EXPECT_NE(out.find("device 'gone': not up within 1 s; none of its shutdown commands"), std::string::npos) << out;
    EXPECT_NE(out.find("1 UPS(es) could not be shut down"), std::string::npos) << out;
    // A name that is not in the file is an error, not a silent success.
    EXPECT_EQ(UpsdrvdProcess::run_sync("-k -a smrat -f " + p.config_path(), out), 1) << out;
    EXPECT_NE(out.find("no device 'smrat'"), std::string::npos) << out;
    // One device by name, as `upsdrvctl shutdown <ups>`.
    EXPECT_EQ(UpsdrvdProcess::run_sync("-k -a smart -f " + p.config_path(), out), 0) << out;
    EXPECT_EQ(smart.commands(), (std::vector<std::string>{"S", "S"})) << out;
}

// etc/nutpp-shutdown, the systemd system-shutdown hook, with the build's binaries: it kills power
// only when upsmon's powerdown flag says this shutdown is a power failure's.
TEST(KillPower, ShutdownHookActsOnlyOnThePowerdownFlag) {
    TempDir dir;
    ApcUps smart(dir / "ttyS0", 150ms);
    smart.set_power(ApcUps::Power::OnBattery);
    UpsdrvdProcess p;
    const std::string flag = (dir / "killpower").string();
    p.write_config(apc("smart", smart.port()),
                   "monitor:\n  monitors:\n    - { ups: smart@localhost, user: u, password: p, role: primary }\n"
                   "  powerdownflag: " + flag + "\n  shutdowncmd: \"/bin/true\"\n");
    const std::string hook = (dir / "nutpp-shutdown").string();
    const std::string bin = std::filesystem::path(UPSDRVD_BIN).parent_path().string();
    const auto made = run_command({"/bin/sh", "-c",
                                   "sed -e 's|@SBINDIR@|" + bin + "|g' -e 's|@NUTPP_DEFAULT_CONFIG@|" +
                                       p.config_path() + "|g' " + NUTPP_SOURCE_DIR + "/etc/nutpp-shutdown > " + hook});
    ASSERT_EQ(made.exit_code, 0) << made.err;
    auto run_hook = [&] {
        const auto r = run_command({"/bin/sh", hook});
        return r.exit_code;
    };
    EXPECT_EQ(run_hook(), 0); // an ordinary shutdown: no flag, the UPS is left alone
    EXPECT_TRUE(smart.commands().empty());
    write_file(flag, "upsmon-shutdown-file\n");
    EXPECT_EQ(run_hook(), 0);
    EXPECT_EQ(smart.commands(), (std::vector<std::string>{"S"}));
}
