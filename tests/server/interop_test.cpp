// Interop: Debian's real NUT 2.8.0 clients (upsc, upscmd, upsrw, PyNUT) against our upsd, which
// serves a real NUT dummy-ups driver socket (and, in yaml_mode_test.cpp, our upsdrvd). Where NUT's
// own upsd serves the same driver, the clients' output must be identical (descriptions excepted).
#include "upsd_fixture.hpp"
#include "wait_until.hpp"

#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <regex>
#include <sstream>
#include <thread>

using namespace std::chrono_literals;
using namespace nutpp::testing;

namespace {

bool have(const char *path) { return access(path, X_OK) == 0; }

class Interop : public ::testing::Test {
protected:
    void SetUp() override {
        if (!NutSandbox::available()) GTEST_SKIP() << "SKIPPED: " << NutSandbox::skip_reason();
        if (!have("/usr/bin/upsc") || !have("/usr/bin/upscmd") || !have("/usr/bin/upsrw"))
            GTEST_SKIP() << "SKIPPED: nut-client (upsc/upscmd/upsrw) not installed";
        sb_ = std::make_unique<NutSandbox>();
        ours_ = std::make_unique<OurUpsd>(*sb_);
    }
    std::string real_host() const { return "127.0.0.1:" + std::to_string(sb_->port()); }
    std::string our_host() const { return "127.0.0.1:" + std::to_string(ours_->port()); }
    std::unique_ptr<NutSandbox> sb_;
    std::unique_ptr<OurUpsd> ours_;
};

// upsrw's listing with the description line of each variable removed (ours are our own text).
std::string without_descriptions(const std::string &upsrw_out) {
    std::istringstream in(upsrw_out);
    std::string line, out;
    bool after_name = false;
    while (std::getline(in, line)) {
        if (after_name) {
            after_name = false;
            continue;
        }
        after_name = !line.empty() && line.front() == '[';
        out += line + "\n";
    }
    return out;
}

} // namespace

TEST_F(Interop, UpscShowsTheSameAsRealUpsd) {
    const auto real = sb_->run({"upsc", sb_->spec()});
    const auto ours = ours_->run({"upsc", ours_->spec()});
    ASSERT_EQ(ours.exit_code, 0) << ours.err;
    EXPECT_EQ(ours.out, real.out);
    EXPECT_NE(ours.out.find("ups.status: OL\n"), std::string::npos);
    EXPECT_EQ(ours_->run({"upsc", ours_->spec(), "ups.status"}).out, "OL\n");
}

TEST_F(Interop, UpscListsAndErrorsLikeRealUpsd) {
    for (const auto &args : std::vector<std::vector<std::string>>{{"-l"}, {"-L"}}) {
        auto a = args, b = args;
        a.push_back(real_host());
        b.push_back(our_host());
        a.insert(a.begin(), "upsc");
        b.insert(b.begin(), "upsc");
        const auto r = sb_->run(a), o = ours_->run(b);
        EXPECT_EQ(o.out, r.out) << args[0];
        EXPECT_EQ(o.exit_code, 0);
    }
    const auto r1 = ours_->run({"upsc", ours_->spec(), "no.such.var"});
    EXPECT_EQ(r1.exit_code, 1);
    EXPECT_NE(r1.err.find("Error: Variable not supported by UPS"), std::string::npos) << r1.err;
    const auto r2 = ours_->run({"upsc", "nosuchups@" + our_host()});
    EXPECT_EQ(r2.exit_code, 1);
    EXPECT_NE(r2.err.find("Error: Unknown UPS"), std::string::npos) << r2.err;
}

TEST_F(Interop, UpscClientListShowsLoggedInConnection) {
    EXPECT_EQ(ours_->run({"upsc", "-c", ours_->spec()}).out, "");
    RawConn mon(ours_->port());
    ASSERT_EQ(mon.ask("USERNAME monuser"), "OK");
    ASSERT_EQ(mon.ask("PASSWORD monpass"), "OK");
    ASSERT_EQ(mon.ask("LOGIN dummy"), "OK");
    const auto r = ours_->run({"upsc", "-c", ours_->spec()});
    EXPECT_EQ(r.out, "127.0.0.1\n");
    EXPECT_EQ(mon.ask("GET NUMLOGINS dummy"), "NUMLOGINS dummy 1");
    mon.close();
    // Gone from the list once upsd has seen the close (retried for up to 3 s).
    std::string listed;
    wait_until([&] { return (listed = ours_->run({"upsc", "-c", ours_->spec()}).out).empty(); }, 3s, 100ms);
    EXPECT_EQ(listed, "");
}

TEST_F(Interop, UpscmdListAndRun) {
    const auto l = ours_->run({"upscmd", "-l", ours_->spec()});
    ASSERT_EQ(l.exit_code, 0) << l.err;
    EXPECT_EQ(l.out.rfind("Instant commands supported on UPS [dummy]:\n\nload.off - ", 0), 0u) << l.out;
    const auto ok = ours_->run({"upscmd", "-u", "admin", "-p", "adminpass", ours_->spec(), "load.off"});
    EXPECT_EQ(ok.exit_code, 0) << ok.err;
    EXPECT_NE(ok.err.find("OK"), std::string::npos) << ok.err;
    const auto bad = ours_->run({"upscmd", "-u", "admin", "-p", "wrongpass", ours_->spec(), "load.off"});
    EXPECT_EQ(bad.exit_code, 1);
    EXPECT_NE(bad.err.find("Unexpected response from upsd: ERR ACCESS-DENIED"), std::string::npos) << bad.err;
    const auto nocmd = ours_->run({"upscmd", "-u", "admin", "-p", "adminpass", ours_->spec(), "no.such.cmd"});
    EXPECT_NE(nocmd.err.find("ERR CMD-NOT-SUPPORTED"), std::string::npos) << nocmd.err;
    // -w: tracking; the driver's answer comes back through GET TRACKING.
    // dummy-ups answers load.off with TRACKING <id> 1 (unknown), so both servers end in ERR UNKNOWN.
    const auto w = ours_->run({"upscmd", "-w", "-u", "admin", "-p", "adminpass", ours_->spec(), "load.off"});
    const auto rw = sb_->run({"upscmd", "-w", "-u", "admin", "-p", "adminpass", sb_->spec(), "load.off"});
    EXPECT_EQ(w.exit_code, rw.exit_code) << w.err;
    EXPECT_EQ(w.err, rw.err);
    EXPECT_EQ(w.out, rw.out);
}

TEST_F(Interop, UpsrwListMatchesRealUpsdAndSetWorks) {
    const auto real = sb_->run({"upsrw", sb_->spec()});
    const auto ours = ours_->run({"upsrw", ours_->spec()});
    ASSERT_EQ(ours.exit_code, 0) << ours.err;
    EXPECT_EQ(without_descriptions(ours.out), without_descriptions(real.out));
    EXPECT_NE(ours.out.find("[ups.firmware]\n"), std::string::npos);

    const auto set = ours_->run({"upsrw", "-s", "ups.load=5", "-u", "admin", "-p", "adminpass", ours_->spec()});
    EXPECT_EQ(set.exit_code, 0) << set.err;
    std::string v;
    for (int i = 0; i < 30 && v != "5\n"; ++i, std::this_thread::sleep_for(100ms))
        v = ours_->run({"upsc", ours_->spec(), "ups.load"}).out;
    EXPECT_EQ(v, "5\n");
    const auto denied = ours_->run({"upsrw", "-s", "ups.load=6", "-u", "monuser", "-p", "monpass", ours_->spec()});
    EXPECT_EQ(denied.exit_code, 1);
    EXPECT_NE(denied.err.find("ERR ACCESS-DENIED"), std::string::npos) << denied.err;
    const auto nosuch = ours_->run({"upsrw", "-s", "no.such.var=1", "-u", "admin", "-p", "adminpass", ours_->spec()});
    EXPECT_NE(nosuch.err.find("ERR VAR-NOT-SUPPORTED"), std::string::npos) << nosuch.err;
}

TEST_F(Interop, SetTrackingReportsDriverResult) {
    RawConn c(ours_->port());
    ASSERT_EQ(c.ask("USERNAME admin"), "OK");
    ASSERT_EQ(c.ask("PASSWORD adminpass"), "OK");
    ASSERT_EQ(c.ask("SET TRACKING ON"), "OK");
    const std::string r = c.ask("SET VAR dummy ups.load \"3\"");
    std::smatch m;
    ASSERT_TRUE(std::regex_match(r, m, std::regex("OK TRACKING ([0-9A-F-]{36})"))) << r;
    std::string t;
    for (int i = 0; i < 30 && t != "SUCCESS"; ++i, std::this_thread::sleep_for(100ms)) t = c.ask("GET TRACKING " + m[1].str());
    EXPECT_EQ(t, "SUCCESS");
    EXPECT_EQ(c.ask("GET VAR dummy ups.load"), "VAR dummy ups.load \"3\"");
    EXPECT_EQ(c.ask("GET TRACKING 00000000-0000-4000-8000-000000000000"), "ERR UNKNOWN");
}

TEST_F(Interop, PyNutGetsTheSameAnswers) {
    if (run_command({"/usr/bin/python3", "-c", "import PyNUT"}).exit_code != 0)
        GTEST_SKIP() << "SKIPPED: python3-nut (PyNUT) not installed";
    const std::string script = R"(
import sys, PyNUT
port = int(sys.argv[1])
def show(label, f):
    try: print(label, '->', repr(f()))
    except Exception as e: print(label, '-> raised', type(e).__name__, e)
anon = PyNUT.PyNUTClient(host='127.0.0.1', port=port)
show('GetUPSList', anon.GetUPSList)
v = anon.GetUPSVars('dummy')
print('GetUPSVars', len(v), v[b'ups.status'], sorted(v.items())[:3])
show('GetUPSVars nosuch', lambda: anon.GetUPSVars('nosuchups'))
show('GetUPSCommands', lambda: anon.GetUPSCommands('dummy'))
show('GetRWVars', lambda: len(anon.GetRWVars('dummy')))
show('help', anon.help)
show('ListClients', lambda: anon.ListClients('dummy'))
show('anon SetRWVar', lambda: anon.SetRWVar('dummy', 'ups.load', '1'))
admin = PyNUT.PyNUTClient(host='127.0.0.1', port=port, login='admin', password='adminpass')
show('admin SetRWVar', lambda: admin.SetRWVar('dummy', 'ups.load', '1'))
show('admin SetRWVar nosuch', lambda: admin.SetRWVar('dummy', 'no.such.var', '1'))
show('admin RunUPSCommand nosuch', lambda: admin.RunUPSCommand('dummy', 'no.such.cmd'))
show('admin SetRWVar back', lambda: admin.SetRWVar('dummy', 'ups.load', '0'))
bad = PyNUT.PyNUTClient(host='127.0.0.1', port=port, login='admin', password='wrong')
show('wrong password', lambda: bad.SetRWVar('dummy', 'ups.load', '1'))
)";
    write_file(sb_->dir() + "/pynut.py", script);
    const auto real = run_command({"/usr/bin/python3", sb_->dir() + "/pynut.py", std::to_string(sb_->port())});
    const auto ours = run_command({"/usr/bin/python3", sb_->dir() + "/pynut.py", std::to_string(ours_->port())});
    ASSERT_EQ(ours.exit_code, 0) << ours.err;
    EXPECT_EQ(ours.out, real.out);
    EXPECT_NE(ours.out.find("admin SetRWVar -> 'OK'"), std::string::npos) << ours.out;
    EXPECT_NE(ours.out.find("ERR ACCESS-DENIED"), std::string::npos) << ours.out;
}

TEST_F(Interop, DriverGoneThenBackAndStale) {
    sb_->stop_driver();
    RawConn c(ours_->port());
    std::string r;
    for (int i = 0; i < 50 && r != "ERR DRIVER-NOT-CONNECTED"; ++i, std::this_thread::sleep_for(100ms))
        r = c.ask("GET VAR dummy ups.status");
    EXPECT_EQ(r, "ERR DRIVER-NOT-CONNECTED");
    EXPECT_EQ(c.ask("GET UPSDESC dummy"), "UPSDESC dummy \"nutpp test sandbox\""); // no driver needed
    sb_->start_driver();
    EXPECT_TRUE(ours_->wait_ready(10s)) << ours_->log();
    EXPECT_EQ(c.ask("GET VAR dummy ups.status"), "VAR dummy ups.status \"OL\"");
}

TEST(InteropStale, SilentDriverIsStaleAfterMaxage) {
    if (!NutSandbox::available()) GTEST_SKIP() << "SKIPPED: " << NutSandbox::skip_reason();
    NutSandbox sb;
    OurUpsd ours(sb, "MAXAGE 3\n");
    RawConn c(ours.port());
    ASSERT_EQ(c.ask("GET VAR dummy ups.status"), "VAR dummy ups.status \"OL\"");
    sb.driver().signal(SIGSTOP);
    std::string r;
    for (int i = 0; i < 80 && r != "ERR DATA-STALE"; ++i, std::this_thread::sleep_for(100ms))
        r = c.ask("GET VAR dummy ups.status");
    EXPECT_EQ(r, "ERR DATA-STALE");
    EXPECT_EQ(c.ask("LIST VAR dummy"), "ERR DATA-STALE"); // before SIGCONT: a live driver refreshes at once
    sb.driver().signal(SIGCONT);
    for (int i = 0; i < 80 && r != "VAR dummy ups.status \"OL\""; ++i, std::this_thread::sleep_for(100ms))
        r = c.ask("GET VAR dummy ups.status");
    EXPECT_EQ(r, "VAR dummy ups.status \"OL\"");
}
