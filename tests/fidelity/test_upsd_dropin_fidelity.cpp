// upsd drop-in mode against NUT 2.8.0's own upsd, on the same configuration files: Debian's
// packaged examples and files written the way people write them (comments, quoting, CRLF, LISTEN
// repeated, MAXAGE, CERTFILE, ALLOW_NO_DEVICE, unknown directives, a missing upsd.users). Each
// case starts both daemons in turn on the same directory and compares the start-up outcome
// (serving or exited) and the answers to a few requests per listener: LIST UPS (descriptions show
// the quoting rules), GET VAR (no driver runs: DRIVER-NOT-CONNECTED), and logins (upsd.users).
// A difference fails the test unless it is listed as deliberate with its reason.
#include "process.hpp"
#include "upsd_fixture.hpp"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

using namespace std::chrono_literals;
using nutpp::testing::Daemon;
using nutpp::testing::free_tcp_port;
namespace fs = std::filesystem;

namespace {

constexpr const char *kNutUpsd = "/lib/nut/upsd";

// One request sequence on one listener ("@P1@" or "@P2@"), answered line by line.
struct Probe {
    int listener = 1;
    std::vector<std::string> lines;
};

struct StartupCase {
    std::string name;
    std::map<std::string, std::string> files; // upsd.conf, ups.conf, upsd.users ... (@P1@/@P2@/@DIR@ replaced)
    std::vector<Probe> probes;
    std::string deliberate; // non-empty: the outcomes may differ, for this reason
};

struct Outcome {
    bool serving = false;
    std::vector<std::string> answers; // one per probe line
    std::string log;
};

std::string slurp(const std::string &path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string replace_all(std::string s, const std::string &from, const std::string &to) {
    for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
    return s;
}

// Runs one upsd binary on the case's files in a fresh directory; returns what it did.
Outcome run_one(const std::string &binary, const StartupCase &c) {
    char tmpl[] = "/tmp/nutpp-dropin-fid-XXXXXX";
    if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
    const std::string dir = tmpl;
    const std::string p1 = std::to_string(free_tcp_port()), p2 = std::to_string(free_tcp_port());
    fs::create_directories(dir + "/state");
    for (const auto &[name, text] : c.files) {
        std::ofstream(dir + "/" + name) << replace_all(replace_all(replace_all(text, "@P1@", p1), "@P2@", p2), "@DIR@", dir);
        fs::permissions(dir + "/" + name, fs::perms::owner_read | fs::perms::owner_write);
    }
    const std::vector<std::string> env{"NUT_CONFPATH=" + dir, "NUT_STATEPATH=" + dir + "/state",
                                       "NUT_ALTPIDPATH=" + dir + "/state"};
    std::vector<std::string> argv{binary, "-F"};
    if (::geteuid() == 0) argv.insert(argv.end(), {"-u", "root"});
    Outcome out;
    {
        Daemon d(argv, env, dir + "/log");
        const auto deadline = std::chrono::steady_clock::now() + 5s;
        while (std::chrono::steady_clock::now() < deadline && !out.serving) {
            if (!d.running()) break;
            nutpp::testing::RawConn probe(static_cast<uint16_t>(std::stoi(p1)), false, 200ms);
            out.serving = probe.ok();
            if (!out.serving) std::this_thread::sleep_for(50ms);
        }
        // NUT's upsd opens its listeners before it reads ups.conf and upsd.users, and only then
        // exits on what it finds there: serving means still running a while after the first connect.
        if (out.serving) {
            std::this_thread::sleep_for(1s);
            out.serving = d.running();
        }
        if (out.serving)
            for (const auto &p : c.probes) {
                nutpp::testing::RawConn conn(static_cast<uint16_t>(std::stoi(p.listener == 1 ? p1 : p2)));
                for (const auto &line : p.lines) {
                    if (!conn.ok()) {
                        out.answers.push_back("(no connection)");
                        continue;
                    }
                    // LIST replies span lines: read until the server stops sending.
                    conn.send(line + "\n");
                    std::string a = conn.read_quiet(150ms);
                    out.answers.push_back(a.empty() ? "(no answer)" : a);
                }
            }
        d.stop();
    }
    out.log = slurp(dir + "/log");
    fs::remove_all(dir);
    return out;
}

// Debian's packaged configuration files (nut-server/nut-client install them under /etc/nut as
// conffiles; the doc directory keeps copies). Empty when neither is there.
std::string debian_file(const std::string &name) {
    for (const std::string dir : {"/usr/share/doc/nut-server/", "/etc/nut/"})
        if (fs::exists(dir + name)) return slurp(dir + name);
    return {};
}

const std::vector<Probe> kBasicProbes{
    {1, {"LIST UPS", "GET VAR main ups.status", "GET VAR nosuch ups.status"}},
    {1, {"USERNAME monuser", "PASSWORD monpass", "LOGIN main"}},
    {1, {"USERNAME monuser", "PASSWORD wrong", "LOGIN main"}},
};

constexpr const char *kUsers = "[monuser]\n  password = monpass\n  upsmon primary\n"
                               "[admin]\n  password = \"a pass # with hash\"\n  actions = SET FSD\n  instcmds = ALL\n";

std::vector<StartupCase> cases() {
    const std::string one_ups = "[main]\n  driver = dummy-ups\n  port = main.dev\n  desc = \"Main UPS\"\n";
    std::vector<StartupCase> v;
    if (const std::string upsd = debian_file("upsd.conf"), ups = debian_file("ups.conf"), users = debian_file("upsd.users");
        !upsd.empty() && !ups.empty() && !users.empty()) {
        // As installed: no UPS in ups.conf, so both refuse to start (nothing listens on 3493).
        v.push_back({"debian_examples_verbatim", {{"upsd.conf", upsd}, {"ups.conf", ups}, {"upsd.users", users}}, {}, ""});
        // The examples plus what an admin adds first: one UPS, one LISTEN, one user.
        v.push_back({"debian_examples_filled_in",
                     {{"upsd.conf", upsd + "\nLISTEN 127.0.0.1 @P1@\n"},
                      {"ups.conf", ups + "\n" + one_ups},
                      {"upsd.users", users + "\n" + kUsers}},
                     kBasicProbes,
                     ""});
    }
    v.push_back({"comments_quoting_tabs",
                 {{"upsd.conf", "# upsd for the rack\n\tLISTEN  127.0.0.1\t@P1@   # loopback only\nMAXAGE 25\n"
                                "MAXCONN 64\n"},
                  {"ups.conf", "maxretry = 3\npollinterval = 2\n\n[main]\n\tdriver = dummy-ups # the sim\n"
                               "  port = \"main.dev\"\n  desc = \"Rack \\\"A\\\" UPS # 1\"\n"
                               "[spare]\n  driver = dummy-ups\n  port = spare.dev\n  desc = 'single quoted'\n"
                               "[escaped]\n  driver = dummy-ups\n  port = e.dev\n  desc = \"Rack \\\"B\\\" \\\\ UPS\"\n"},
                  {"upsd.users", kUsers}},
                 {{1, {"LIST UPS", "GET UPSDESC main", "GET UPSDESC spare", "GET UPSDESC escaped"}},
                  {1, {"USERNAME admin", "PASSWORD \"a pass # with hash\"", "LOGIN main"}},
                  {1, {"USERNAME monuser", "PASSWORD monpass", "LOGIN main"}}},
                 ""});
    v.push_back({"crlf_line_ends",
                 {{"upsd.conf", "LISTEN 127.0.0.1 @P1@\r\n"},
                  {"ups.conf", "[main]\r\n  driver = dummy-ups\r\n  port = main.dev\r\n  desc = \"Main UPS\"\r\n"},
                  {"upsd.users", "[monuser]\r\n  password = monpass\r\n  upsmon primary\r\n"}},
                 kBasicProbes,
                 ""});
    v.push_back({"listen_repeated_and_two_ports",
                 {{"upsd.conf", "LISTEN 127.0.0.1 @P1@\nLISTEN 127.0.0.1 @P1@\nLISTEN localhost @P1@\n"
                                "LISTEN 127.0.0.1 @P2@\n"},
                  {"ups.conf", one_ups},
                  {"upsd.users", kUsers}},
                 {{1, {"LIST UPS"}}, {2, {"LIST UPS", "GET VAR main ups.status"}}},
                 ""});
    v.push_back({"no_ups_without_allow_no_device",
                 {{"upsd.conf", "LISTEN 127.0.0.1 @P1@\n"}, {"ups.conf", "# nothing yet\n"}, {"upsd.users", kUsers}},
                 {},
                 ""});
    v.push_back({"allow_no_device",
                 {{"upsd.conf", "LISTEN 127.0.0.1 @P1@\nALLOW_NO_DEVICE true\n"},
                  {"ups.conf", "# nothing yet\n"},
                  {"upsd.users", kUsers}},
                 {{1, {"LIST UPS", "GET VAR main ups.status"}}},
                 ""});
    v.push_back({"unknown_directive_and_obsolete_acl",
                 {{"upsd.conf", "LISTEN 127.0.0.1 @P1@\nFROBNICATE yes\nACL all 0.0.0.0/0\nACCEPT all\n"},
                  {"ups.conf", one_ups},
                  {"upsd.users", kUsers}},
                 kBasicProbes,
                 ""});
    v.push_back({"missing_upsd_users",
                 {{"upsd.conf", "LISTEN 127.0.0.1 @P1@\n"}, {"ups.conf", one_ups}},
                 kBasicProbes,
                 ""});
    v.push_back({"missing_upsd_conf", {{"ups.conf", one_ups}, {"upsd.users", kUsers}}, {}, ""});
    v.push_back({"certfile_missing",
                 {{"upsd.conf", "LISTEN 127.0.0.1 @P1@\nCERTFILE @DIR@/nosuch.pem\n"},
                  {"ups.conf", one_ups},
                  {"upsd.users", kUsers}},
                 {{1, {"LIST UPS", "STARTTLS"}}},
                 "Debian's NUT is built with NSS and ignores CERTFILE as an unknown directive (serving without "
                 "TLS); NUT built with OpenSSL, as ours is, refuses to start when it cannot load it: TLS that is "
                 "silently off is worse"});
    v.push_back({"listen_unusable_address",
                 {{"upsd.conf", "LISTEN 192.0.2.1 @P1@\n"}, {"ups.conf", one_ups}, {"upsd.users", kUsers}},
                 {},
                 ""});
    v.push_back({"user_with_old_master_and_upsmon_slave",
                 {{"upsd.conf", "LISTEN 127.0.0.1 @P1@\n"},
                  {"ups.conf", one_ups},
                  {"upsd.users", "[old]\n  password = oldpass\n  upsmon master\n[sec]\n  password = secpass\n"
                                 "  upsmon slave\n"}},
                 {{1, {"USERNAME old", "PASSWORD oldpass", "LOGIN main", "MASTER main", "PRIMARY main"}},
                  {1, {"USERNAME sec", "PASSWORD secpass", "LOGIN main", "PRIMARY main"}}},
                 ""});
    return v;
}

std::string one_line(std::string s) {
    s = replace_all(std::move(s), "\n", "\\n");
    return s.size() > 70 ? s.substr(0, 67) + "..." : s;
}

} // namespace

TEST(DropInFidelity, SameStartupOutcomeAsNutUpsd) {
    if (access(kNutUpsd, X_OK) != 0) GTEST_SKIP() << "SKIPPED: NUT 2.8.0's upsd is not installed (nut-server)";
    const auto all = cases();
    ASSERT_GE(all.size(), 10u);
    size_t same = 0;
    for (const auto &c : all) {
        const Outcome nut = run_one(kNutUpsd, c);
        const Outcome ours = run_one(UPSD_BIN, c);
        std::string table = fmt::format("case {}: NUT {} / ours {}\n", c.name, nut.serving ? "serving" : "exited",
                                        ours.serving ? "serving" : "exited");
        bool equal = nut.serving == ours.serving && nut.answers == ours.answers;
        size_t i = 0;
        for (const auto &p : c.probes)
            for (const auto &line : p.lines) {
                const std::string a = i < nut.answers.size() ? nut.answers[i] : "-";
                const std::string b = i < ours.answers.size() ? ours.answers[i] : "-";
                table += fmt::format("  P{} {:<34} {} {:<40} | {}\n", p.listener, line, a == b ? "=" : "!", one_line(a),
                                     one_line(b));
                ++i;
            }
        std::cout << table;
        if (equal) {
            ++same;
            continue;
        }
        if (!c.deliberate.empty()) {
            std::cout << "  deliberate: " << c.deliberate << "\n";
            continue;
        }
        ADD_FAILURE() << table << "--- NUT upsd log ---\n" << nut.log << "--- our upsd log ---\n" << ours.log;
    }
    std::cout << same << " of " << all.size() << " configurations: same outcome and answers\n";
}
