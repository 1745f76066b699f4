// Interop both ways: our upsmon against Debian's real NUT 2.8.0 upsd (NutSandbox + dummy-ups), and
// the real NUT upsmon against our upsd. Skipped, loudly, where the NUT binaries are missing.
#include "monitor_fixture.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <thread>

using namespace std::chrono_literals;
using namespace nutpp::testing;


TEST(MonitorInterop, OurUpsmonAgainstRealUpsd) {
    if (!NutSandbox::available()) GTEST_SKIP() << "SKIPPED: " << NutSandbox::skip_reason();
    const std::string dir = make_temp_dir("upsmon-interop");
    const std::string seq = dir + "/fail.seq";
    // dummy-ups TIMERs are whole seconds; the last TIMER holds LB instead of looping back to OL.
    write_file(seq, "ups.status: OL\nTIMER 2\nups.status: OB DISCHRG\nTIMER 2\nups.status: OB DISCHRG LB\n"
                    "TIMER 300\nups.status: OB DISCHRG LB\nTIMER 600\n");
    NutSandboxOptions o;
    o.devices[0].dev_file = seq;
    NutSandbox sb(o);
    Recorder rec(dir);
    UpsmonOptions p{"ours", {"{ ups: " + sb.spec() + ", power: 1, user: monuser, password: monpass, role: primary }"},
                    1, 5, 0};
    UpsmonProcess up(p, rec, dir + "/p");
    ASSERT_TRUE(rec.wait_shutdowns(1, 30s)) << up.log() << sb.upsd_log();
    // NOTIFYCMD runs beside shutdowncmd, not before it: its line may land a moment later.
    for (const char *t : {"ONBATT", "LOWBATT", "FSD", "SHUTDOWN"})
        EXPECT_TRUE(rec.wait_event("ours", t, 5s)) << t << "\n" << up.log();
    EXPECT_NE(sb.query("GET VAR dummy ups.status").find("FSD"), std::string::npos) << "FSD set on the real upsd";
    EXPECT_EQ(read_file(up.flag()).rfind("upsmon-shutdown-file", 0), 0u);
    // NUT's upsd refuses our push extension (ERR UNKNOWN-COMMAND): upsmon polls, as above.
    EXPECT_NE(up.log().find("not offered by the server (ERR UNKNOWN-COMMAND)"), std::string::npos) << up.log();
    up.process().stop();
    std::filesystem::remove_all(dir);
}

TEST(MonitorInterop, RealUpsmonAgainstOurUpsd) {
    if (access("/lib/nut/upsmon", X_OK) != 0) GTEST_SKIP() << "SKIPPED: /lib/nut/upsmon (nut-client) not installed";
    // Real upsmon always writes /run/nut/upsmon.pid: give it a private /run/nut.
    if (run_command({"unshare", "-m", "sh", "-c", "mkdir -p /run/nut && mount -t tmpfs none /run/nut"}).exit_code != 0)
        GTEST_SKIP() << "SKIPPED: cannot make a private mount namespace (unshare -m needs root/CAP_SYS_ADMIN)";
    const std::string dir = make_temp_dir("upsmon-realnut");
    const std::string seq = dir + "/fail.seq";
    write_file(seq, "ups.status: OL\nTIMER 1.5\nups.status: OB DISCHRG\nTIMER 1.5\nups.status: OB DISCHRG LB\nTIMER 600\n");
    OurStack stack("  demo:\n    driver: sim\n    port: " + seq + "\n    mode: dummy-once\n    pollinterval: 0.2\n",
                   "  monp: { password: pp, upsmon: primary }\n");
    Recorder rec(dir);
    write_file(dir + "/upsmon.conf",
               "RUN_AS_USER root\n"
               "MONITOR demo@127.0.0.1:" + std::to_string(stack.port()) + " 1 monp pp primary\n"
               "MINSUPPLIES 1\nPOLLFREQ 1\nPOLLFREQALERT 1\nHOSTSYNC 5\nDEADTIME 5\nFINALDELAY 0\n"
               "POWERDOWNFLAG " + dir + "/killpower\n"
               "SHUTDOWNCMD \"" + rec.shutdowncmd("nut") + "\"\n"
               "NOTIFYCMD \"" + rec.notifycmd("nut") + "\"\n"
               "NOTIFYFLAG ONLINE SYSLOG+EXEC\nNOTIFYFLAG ONBATT SYSLOG+EXEC\nNOTIFYFLAG LOWBATT SYSLOG+EXEC\n"
               "NOTIFYFLAG FSD SYSLOG+EXEC\nNOTIFYFLAG SHUTDOWN SYSLOG+EXEC\nNOTIFYFLAG COMMBAD SYSLOG+EXEC\n"
               "NOTIFYFLAG COMMOK SYSLOG+EXEC\nNOTIFYFLAG NOCOMM SYSLOG+EXEC\n");
    chmod((dir + "/upsmon.conf").c_str(), 0600);
    Daemon nut({"unshare", "-m", "sh", "-c",
                "mkdir -p /run/nut && mount -t tmpfs none /run/nut && exec /lib/nut/upsmon -F -D"},
               {"NUT_CONFPATH=" + dir, "NUT_STATEPATH=" + dir}, dir + "/nut-upsmon.log");
    // While it runs, our upsd lists it like NUT's would.
    std::string n;
    for (int i = 0; i < 50 && n != "NUMLOGINS demo 1"; ++i, std::this_thread::sleep_for(100ms))
        n = stack.query("GET NUMLOGINS demo");
    EXPECT_EQ(n, "NUMLOGINS demo 1");
    ASSERT_TRUE(rec.wait_shutdowns(1, 30s)) << read_file(dir + "/nut-upsmon.log") << stack.upsd().log();
    for (const char *t : {"ONBATT", "LOWBATT", "SHUTDOWN"}) EXPECT_TRUE(rec.wait_event("nut", t, 5s)) << t;
    EXPECT_NE(stack.query("GET VAR demo ups.status").find("FSD"), std::string::npos) << "FSD set on our upsd";
    EXPECT_EQ(read_file(dir + "/killpower").rfind("upsmon-shutdown-file", 0), 0u);
    nut.stop();
    std::filesystem::remove_all(dir);
}
