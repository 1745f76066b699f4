// The primary + two secondaries scenario of e2e_test.cpp with each upsmon on its own "host": a
// network namespace the test creates, joined to the root namespace by a veth pair. upsd runs in
// the root namespace and listens on the host side of every pair, so it sees three client addresses.
#include "monitor_fixture.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <memory>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

using namespace std::chrono_literals;
using namespace nutpp::testing;

namespace {

const char *kUsers = "  monp: { password: pp, upsmon: primary }\n"
                     "  mons: { password: ss, upsmon: secondary }\n";

bool ip(const std::vector<std::string> &args, std::string *err = nullptr) {
    std::vector<std::string> argv = {"ip"};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto r = run_command(argv, {}, 10s);
    if (err && r.exit_code != 0) *err = r.err + r.out;
    return r.exit_code == 0;
}

// `ip netns add` on construction, `ip netns del` on destruction.
class NetNs {
public:
    explicit NetNs(std::string name) : name_(std::move(name)) {
        std::string err;
        if (!ip({"netns", "add", name_}, &err)) throw std::runtime_error("ip netns add " + name_ + ": " + err);
        made_ = true;
    }
    ~NetNs() {
        if (made_) ip({"netns", "del", name_});
    }
    NetNs(const NetNs &) = delete;
    NetNs &operator=(const NetNs &) = delete;
    const std::string &name() const { return name_; }

private:
    std::string name_;
    bool made_ = false;
};

// A veth pair: `host_if` stays in the root namespace, its peer moves into `ns`; a /30 between them.
class Veth {
public:
    Veth(const NetNs &ns, std::string host_if, const std::string &peer_if, std::string host_addr,
         std::string ns_addr)
        : host_if_(std::move(host_if)), host_addr_(std::move(host_addr)), ns_addr_(std::move(ns_addr)) {
        std::string err;
        if (!ip({"link", "add", host_if_, "type", "veth", "peer", "name", peer_if}, &err))
            throw std::runtime_error("ip link add " + host_if_ + ": " + err);
        made_ = true;
        const std::vector<std::string> in = {"netns", "exec", ns.name(), "ip"};
        auto in_ns = [&](std::vector<std::string> a) {
            a.insert(a.begin(), in.begin(), in.end());
            return a;
        };
        for (const auto &cmd : std::vector<std::vector<std::string>>{
                 {"link", "set", peer_if, "netns", ns.name()},
                 {"addr", "add", host_addr_ + "/30", "dev", host_if_},
                 {"link", "set", host_if_, "up"},
                 in_ns({"addr", "add", ns_addr_ + "/30", "dev", peer_if}),
                 in_ns({"link", "set", peer_if, "up"}),
                 in_ns({"link", "set", "lo", "up"})})
            if (!ip(cmd, &err)) throw std::runtime_error("ip " + cmd[0] + " " + cmd[1] + ": " + err);
    }
    ~Veth() {
        if (made_) ip({"link", "del", host_if_}); // also removes the peer (gone already if its netns was)
    }
    Veth(const Veth &) = delete;
    Veth &operator=(const Veth &) = delete;
    const std::string &host_addr() const { return host_addr_; }
    const std::string &ns_addr() const { return ns_addr_; }

private:
    std::string host_if_, host_addr_, ns_addr_;
    bool made_ = false;
};

// One simulated host: its namespace and the link to the root namespace. Members are destroyed in
// reverse order, so the link goes before the namespace, also when construction fails half way.
struct Host {
    // `net` is "a.b.c": the /30 a.b.c.0, host side a.b.c.1, namespace side a.b.c.2.
    Host(const std::string &ns_name, const std::string &ifbase, const std::string &net)
        : ns(ns_name), link(ns, ifbase + "h", ifbase + "n", net + ".1", net + ".2") {}
    NetNs ns;
    Veth link;
    std::vector<std::string> exec_prefix() const { return {"ip", "netns", "exec", ns.name()}; }
};

std::string seq_device(const std::string &name, const std::string &file) {
    return "  " + name + ":\n    driver: sim\n    port: " + file + "\n    mode: dummy-once\n    pollinterval: 0.2\n";
}

std::string mon(const std::string &ups, const std::string &addr, uint16_t port, bool primary) {
    return "{ ups: " + ups + "@" + addr + ":" + std::to_string(port) + ", power: 1" +
           (primary ? ", user: monp, password: pp, role: primary }" : ", user: mons, password: ss, role: secondary }");
}

// Client addresses from `LIST CLIENT <ups>`.
std::set<std::string> clients(uint16_t port, const std::string &ups) {
    RawConn c(port);
    std::set<std::string> out;
    if (!c.send("LIST CLIENT " + ups + "\n")) return out;
    std::istringstream in(c.read_quiet(300ms));
    const std::string prefix = "CLIENT " + ups + " ";
    for (std::string line; std::getline(in, line);)
        if (line.rfind(prefix, 0) == 0) out.insert(line.substr(prefix.size()));
    return out;
}

class MonitorNetNsE2E : public ::testing::Test {
protected:
    void SetUp() override {
        if (geteuid() != 0) GTEST_SKIP() << "SKIPPED: needs root to create network namespaces and veth links";
        if (run_command({"ip", "netns", "list"}, {}, 10s).exit_code != 0)
            GTEST_SKIP() << "SKIPPED: `ip netns` is unavailable (iproute2 missing or no netns support)";
        dir_ = make_temp_dir("upsmon-netns");
    }
    void TearDown() override {
        if (!dir_.empty()) std::filesystem::remove_all(dir_);
    }
    std::string dir_;
};

} // namespace

// As MonitorE2E.PrimaryAndTwoSecondaries, but each upsmon runs in its own network namespace.
TEST_F(MonitorNetNsE2E, PrimaryAndTwoSecondariesInNetNs) {
    const std::string pid = std::to_string(getpid());
    std::vector<std::unique_ptr<Host>> hosts;
    try {
        for (int i = 0; i < 3; ++i)
            hosts.push_back(std::make_unique<Host>("nutpp-" + pid + "-" + std::to_string(i),
                                                   "nv" + pid + std::to_string(i),
                                                   "10." + std::to_string(200 + i) + "." +
                                                       std::to_string(getpid() % 250)));
    } catch (const std::exception &e) {
        GTEST_SKIP() << "SKIPPED: could not set up network namespaces: " << e.what();
    }
    // Longer initial OL than the loopback test so all three logins can be seen before LB.
    const std::string seq = dir_ + "/fail.seq";
    write_file(seq, "ups.status: OL\nbattery.charge: 100\n"
                    "TIMER 4\nups.status: OB DISCHRG\nbattery.charge: 80\n"
                    "TIMER 2.5\nups.status: OL CHRG\n"
                    "TIMER 3\nups.status: OB DISCHRG\nbattery.charge: 50\n"
                    "TIMER 2\nups.status: OB DISCHRG LB\nbattery.charge: 5\n"
                                              "TIMER 600\n");
    std::vector<std::string> listen;
    for (const auto &h : hosts) listen.push_back(h->link.host_addr());
    OurStack stack(seq_device("demo", seq), kUsers, listen);
    Recorder rec(dir_);
    const int hostsync = 8;
    UpsmonOptions p{"primary", {mon("demo", hosts[0]->link.host_addr(), stack.port(), true)}, 1, hostsync, 1};
    p.launch_prefix = hosts[0]->exec_prefix();
    UpsmonOptions s1{"sec1", {mon("demo", hosts[1]->link.host_addr(), stack.port(), false)}, 1, hostsync, 0};
    s1.launch_prefix = hosts[1]->exec_prefix();
    UpsmonOptions s2{"sec2", {mon("demo", hosts[2]->link.host_addr(), stack.port(), false)}, 1, hostsync, 0};
    s2.launch_prefix = hosts[2]->exec_prefix();
    UpsmonProcess up(p, rec, dir_ + "/p"), us1(s1, rec, dir_ + "/s1"), us2(s2, rec, dir_ + "/s2");

    // Three hosts, three distinct client addresses: the namespace sides of the veth pairs.
    const std::set<std::string> want_clients = {hosts[0]->link.ns_addr(), hosts[1]->link.ns_addr(),
                                                hosts[2]->link.ns_addr()};
    std::set<std::string> seen;
    for (int i = 0; i < 40 && seen != want_clients; ++i, std::this_thread::sleep_for(100ms))
        seen = clients(stack.port(), "demo");
    EXPECT_EQ(seen, want_clients) << up.log() << us1.log() << us2.log() << stack.upsd().log();

    ASSERT_TRUE(rec.wait_shutdowns(3, 30s)) << up.log() << us1.log() << us2.log() << stack.upsd().log();
    expect_orderly_shutdown(rec, up, us1, us2, stack, hostsync, dir_ + "/s1");
}
