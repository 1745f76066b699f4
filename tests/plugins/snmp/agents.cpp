#include "agents.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace fs = std::filesystem;
using nutpp::testing::Daemon;
using nutpp::testing::run_command;
using namespace std::chrono_literals;

namespace nutpp::snmp::testing {
namespace {

fs::path make_temp_dir(const std::string &prefix) {
    std::string tmpl = (fs::temp_directory_path() / (prefix + "XXXXXX")).string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    fs::permissions(tmpl, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                              fs::perms::others_read | fs::perms::others_exec);
    return tmpl;
}

void remove_dir(const fs::path &dir) {
    if (getenv("NUTPP_KEEP_SNMP_TEST_DIRS")) return;
    std::error_code ec;
    fs::remove_all(dir, ec);
}

} // namespace

std::string slurp(const fs::path &p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

uint16_t free_udp_port() {
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a);
    socklen_t len = sizeof a;
    getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len);
    close(fd);
    return ntohs(a.sin_port);
}

std::string missing_tools(const std::vector<std::string> &paths) {
    std::string out;
    for (const auto &p : paths)
        if (access(p.c_str(), X_OK) != 0) out += (out.empty() ? "" : ", ") + p;
    return out.empty() ? "" : "not installed: " + out + " (Debian packages snmp snmpd snmpsim nut-snmp)";
}

std::string snmp_get_v2c(const std::string &endpoint, const std::string &community, const std::string &oid) {
    auto r = run_command({"snmpget", "-v2c", "-c", community, "-Oqv", "-t", "1", "-r", "1", endpoint, oid}, {}, 10s);
    if (r.exit_code != 0) return "";
    std::string v = r.out;
    while (!v.empty() && (v.back() == '\n' || v.back() == '\r')) v.pop_back();
    return v;
}

bool snmp_set_v2c(const std::string &endpoint, const std::string &community, const std::string &oid, char type,
                  const std::string &value) {
    auto r = run_command({"snmpset", "-v2c", "-c", community, "-t", "1", "-r", "1", endpoint, oid,
                          std::string(1, type), value},
                         {}, 10s);
    return r.exit_code == 0;
}

SnmpSim::SnmpSim(const std::vector<fs::path> &files) : dir_(make_temp_dir("nutpp-snmpsim-")) {
    fs::create_directories(dir_ / "data");
    fs::create_directories(dir_ / "cache");
    fs::permissions(dir_ / "data", fs::perms::all & ~fs::perms::others_write & ~fs::perms::group_write);
    fs::permissions(dir_ / "cache", fs::perms::all); // snmpsimd drops to nobody and writes its index here
    for (const auto &f : files) {
        fs::copy_file(f, dir_ / "data" / f.filename(), fs::copy_options::overwrite_existing);
        fs::permissions(dir_ / "data" / f.filename(), fs::perms::all & ~fs::perms::others_write &
                                                          ~fs::perms::group_write & ~fs::perms::owner_exec &
                                                          ~fs::perms::group_exec & ~fs::perms::others_exec);
    }
    port_ = free_udp_port();
    daemon_ = Daemon({"snmpsimd", "--data-dir=" + (dir_ / "data").string(),
                      "--agent-udpv4-endpoint=127.0.0.1:" + std::to_string(port_), "--process-user=nobody",
                      "--process-group=nogroup", "--cache-dir=" + (dir_ / "cache").string()},
                     {}, (dir_ / "snmpsimd.log").string());
    // Ready when the first recording's sysObjectID (or anything) answers; snmpsimd indexes first.
    const std::string community = files.empty() ? "public" : files.front().stem().string();
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    while (std::chrono::steady_clock::now() < deadline) {
        auto r = run_command({"snmpgetnext", "-v2c", "-c", community, "-t", "0.5", "-r", "0", endpoint(), ".1"}, {},
                             5s);
        if (r.exit_code == 0 && !r.out.empty()) return;
        if (!daemon_.running()) break;
        std::this_thread::sleep_for(200ms);
    }
    throw std::runtime_error("snmpsimd did not start: " + log());
}

SnmpSim::~SnmpSim() {
    daemon_.stop();
    remove_dir(dir_);
}

std::string SnmpSim::log() const { return slurp(dir_ / "snmpsimd.log"); }

Snmpd::Snmpd(const std::string &extra_config) : dir_(make_temp_dir("nutpp-snmpd-")) {
    port_ = free_udp_port();
    std::ofstream(dir_ / "snmpd.conf") << "agentAddress udp:127.0.0.1:" << port_ << "\n"
                                       << "createUser " << kUser << " SHA256 \"" << kAuthPass << "\" AES256 \""
                                       << kPrivPass << "\"\n"
                                       << "createUser authuser SHA256 \"" << kAuthPass << "\" AES256 \"" << kPrivPass
                                       << "\"\n"
                                       << "createUser privuser SHA256 \"" << kAuthPass << "\" AES256 \"" << kPrivPass
                                       << "\"\n"
                                       << "rwuser " << kUser << " priv\nrouser authuser priv\nrouser privuser priv\n"
                                       << "sysServices 72\nsysName nutpp-v3-agent\nsysDescr nutpp test agent\n"
                                       << extra_config;
    daemon_ = Daemon({"snmpd", "-f", "-Lo", "-C", "-c", (dir_ / "snmpd.conf").string(), "-M", "/dev/null", "-m", ""},
                     {"SNMP_PERSISTENT_DIR=" + (dir_ / "persist").string()}, (dir_ / "snmpd.log").string());
    const auto deadline = std::chrono::steady_clock::now() + 15s;
    while (std::chrono::steady_clock::now() < deadline) {
        if (!get(".1.3.6.1.2.1.1.7.0").empty()) return;
        if (!daemon_.running()) break;
        std::this_thread::sleep_for(100ms);
    }
    throw std::runtime_error("snmpd did not start: " + log());
}

Snmpd::~Snmpd() {
    daemon_.signal(SIGCONT); // a test may have stopped it
    daemon_.stop();
    remove_dir(dir_);
}

std::string Snmpd::log() const { return slurp(dir_ / "snmpd.log"); }

std::string Snmpd::get(const std::string &oid) const {
    auto r = run_command({"snmpget", "-v3", "-l", "authPriv", "-u", kUser, "-a", "SHA-256", "-A", kAuthPass, "-x",
                          "AES-256", "-X", kPrivPass, "-Oqv", "-t", "1", "-r", "0", "-M", "/dev/null", endpoint(), oid},
                         {}, 10s);
    if (r.exit_code != 0) return "";
    std::string v = r.out;
    while (!v.empty() && (v.back() == '\n' || v.back() == '\r')) v.pop_back();
    return v;
}

std::map<std::string, std::string> nut_snmp_ups_dump(const std::string &endpoint, const std::string &community,
                                                     const std::string &mibs, std::string &raw) {
    const fs::path dir = make_temp_dir("nutpp-snmpups-");
    auto r = run_command({"/lib/nut/snmp-ups", "-s", "ref", "-x", "port=" + endpoint, "-x", "community=" + community,
                          "-x", "mibs=" + mibs, "-d", "1"},
                         {"NUT_STATEPATH=" + dir.string(), "NUT_ALTPIDPATH=" + dir.string()}, 60s);
    remove_dir(dir);
    raw = r.out + r.err;
    std::map<std::string, std::string> vars;
    if (r.exit_code != 0) return vars;
    std::istringstream in(r.out);
    std::string line;
    while (std::getline(in, line)) {
        const auto colon = line.find(": ");
        if (colon == std::string::npos || line.find(' ') < colon) continue; // banner lines
        // The dump escapes like the driver protocol (\#, \", \\); upsc shows the plain text.
        std::string value, v = line.substr(colon + 2);
        for (size_t i = 0; i < v.size(); ++i) {
            if (v[i] == '\\' && i + 1 < v.size()) ++i;
            value.push_back(v[i]);
        }
        vars[line.substr(0, colon)] = value;
    }
    return vars;
}

} // namespace nutpp::snmp::testing
