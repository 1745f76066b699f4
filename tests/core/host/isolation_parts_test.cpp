// The parts of isolation: process that need no process: the worker's specification (a round trip
// keeps every DeviceConfig field) and the parent's store mirror (a restarted worker's dump replaces
// the previous one without clearing the store first).
#include "host/runner.hpp"
#include "host/store_mirror.hpp"
#include "host/worker_config.hpp"

#include "config/config.hpp"

#include <gtest/gtest.h>

using namespace nutpp;

TEST(WorkerSpec, RoundTripKeepsEveryField) {
    const auto cfg = config::load_string(R"(devices:
  u:
    driver: /opt/x/nutpp-thing.so
    port: "10.0.0.1:161"
    desc: "Rack \"A\""
    pollinterval: 0.5
    maxretry: 3
    retrydelay: 7
    poll_timeout: 2
    maxstartdelay: 40
    ignorelb: true
    sdorder: 2
    sdcommands: [shutdown.return, load.off]
    allow_killpower: yes
    nolock: true
    synchronous: yes
    debug_min: 2
    isolation: process
    memory_limit: 128M
    override.ups.mfr: Acme
    default.battery.charge: 50
    community: "se cret"
)",
                                         "spec.yaml");
    host::WorkerSpec in{cfg.devices.at(0), "/opt/x/nutpp-thing.so", true, 2};
    const std::string line = host::to_json_line(in);
    EXPECT_EQ(line.find('\n'), std::string::npos);
    const auto out = host::worker_spec_from_json(line);
    const auto &a = in.device, &b = out.device;
    EXPECT_EQ(a.name, b.name);
    EXPECT_EQ(a.where, b.where);
    EXPECT_EQ(a.driver, b.driver);
    EXPECT_EQ(a.port, b.port);
    EXPECT_EQ(a.desc, b.desc);
    EXPECT_EQ(a.pollinterval, b.pollinterval);
    EXPECT_EQ(a.maxretry, b.maxretry);
    EXPECT_EQ(a.retrydelay, b.retrydelay);
    EXPECT_EQ(a.poll_timeout, b.poll_timeout);
    EXPECT_EQ(a.maxstartdelay, b.maxstartdelay);
    EXPECT_EQ(a.ignorelb, b.ignorelb);
    EXPECT_EQ(a.sdorder, b.sdorder);
    EXPECT_EQ(a.sdcommands, b.sdcommands);
    EXPECT_EQ(a.allow_killpower, b.allow_killpower);
    EXPECT_EQ(a.nolock, b.nolock);
    EXPECT_EQ(a.synchronous, b.synchronous);
    EXPECT_EQ(a.debug_min, b.debug_min);
    EXPECT_EQ(a.isolation, b.isolation);
    EXPECT_EQ(a.memory_limit, b.memory_limit);
    ASSERT_EQ(a.all_keys.size(), b.all_keys.size());
    for (size_t i = 0; i < a.all_keys.size(); ++i) {
        EXPECT_EQ(a.all_keys[i].first, b.all_keys[i].first);
        EXPECT_EQ(a.all_keys[i].second.value, b.all_keys[i].second.value);
        EXPECT_EQ(a.all_keys[i].second.where, b.all_keys[i].second.where);
    }
    EXPECT_EQ(a.overrides.size(), b.overrides.size());
    EXPECT_EQ(a.defaults.size(), b.defaults.size());
    EXPECT_EQ(a.driver_keys.size(), b.driver_keys.size());
    EXPECT_EQ(b.driver_keys.at(0).second.value, "se cret");
    EXPECT_EQ(out.plugin_path, in.plugin_path);
    EXPECT_TRUE(out.shutdown_run);
    EXPECT_EQ(out.debug, 2);
    EXPECT_THROW(host::worker_spec_from_json("{\"device\": 1}"), std::runtime_error);
    EXPECT_THROW(host::worker_spec_from_json("not json"), std::runtime_error);
}

namespace {
void feed(host::StoreMirror &m, const std::vector<std::vector<std::string>> &lines) {
    std::optional<host::StoreMirror::Tracking> t;
    for (const auto &l : lines) m.apply(l, t);
}
} // namespace

TEST(StoreMirror, AppliesTheDriverProtocolAndReconcilesARestartedWorkersDump) {
    store::VarStore s;
    host::StoreMirror m(s);
    m.begin_generation();
    feed(m, {{"SETINFO", "ups.status", "OL"},
             {"SETINFO", "ups.delay.shutdown", "20"},
             {"SETFLAGS", "ups.delay.shutdown", "RW", "NUMBER"},
             {"SETINFO", "old.var", "1"},
             {"SETINFO", "input.sensitivity", "high"},
             {"ADDENUM", "input.sensitivity", "high"},
             {"ADDENUM", "input.sensitivity", "low"},
             {"ADDRANGE", "ups.delay.shutdown", "0", "600"},
             {"ADDCMD", "load.off"},
             {"ADDCMD", "beeper.off"},
             {"DATAOK"},
             {"DUMPDONE"}});
    EXPECT_EQ(s.value("ups.status"), "OL");
    EXPECT_TRUE(s.data_ok());
    EXPECT_EQ(s.get("ups.delay.shutdown")->flags, store::FLAG_RW | store::FLAG_NUMBER);
    EXPECT_EQ(s.get("ups.delay.shutdown")->ranges.size(), 1u);
    feed(m, {{"DELENUM", "input.sensitivity", "low"}});
    EXPECT_EQ(s.get("input.sensitivity")->enums, std::vector<std::string>{"high"});

    m.worker_gone();
    EXPECT_FALSE(s.data_ok());
    EXPECT_EQ(s.value("ups.status"), "OL"); // kept while stale: no vanishing variables

    // The next worker no longer has old.var nor beeper.off: removed at its DUMPDONE, not before.
    s.drain();
    m.begin_generation();
    feed(m, {{"SETINFO", "ups.status", "OB"}, {"SETINFO", "ups.delay.shutdown", "20"},
             {"SETINFO", "input.sensitivity", "high"}, {"ADDCMD", "load.off"}});
    EXPECT_TRUE(s.value("old.var"));
    feed(m, {{"DATAOK"}, {"DUMPDONE"}});
    EXPECT_FALSE(s.value("old.var"));
    EXPECT_FALSE(s.has_cmd("beeper.off"));
    EXPECT_TRUE(s.has_cmd("load.off"));
    EXPECT_EQ(s.value("ups.status"), "OB");
    EXPECT_TRUE(s.data_ok());
    // The changes went out as protocol lines, with no DELINFO of a variable that stayed.
    const auto lines = s.drain();
    for (const auto &l : lines) EXPECT_EQ(l.find("DELINFO ups.status"), std::string::npos) << l;
    EXPECT_NE(std::find(lines.begin(), lines.end(), "DELINFO old.var"), lines.end());

    std::optional<host::StoreMirror::Tracking> t;
    EXPECT_TRUE(m.apply({"TRACKING", "w7", "3"}, t));
    ASSERT_TRUE(t);
    EXPECT_EQ(t->id, "w7");
    EXPECT_EQ(t->result, 3);
    EXPECT_FALSE(m.apply({"SETAUX", "x", "notanumber"}, t));
    EXPECT_TRUE(m.apply({"SOMETHINGNEW", "x"}, t)); // a newer worker may say more
}

TEST(Isolation, AutoIsolatesPluginsFromOutsidePluginDirOnly) {
    config::DeviceConfig d;
    d.driver = "sim";
    EXPECT_FALSE(host::runs_isolated(d, "/usr/lib/nutpp/drivers"));
    d.driver = "/usr/lib/nutpp/drivers/nutpp-sim.so";
    EXPECT_FALSE(host::runs_isolated(d, "/usr/lib/nutpp/drivers"));
    EXPECT_FALSE(host::runs_isolated(d, "/usr/lib/nutpp/drivers/"));
    d.driver = "/opt/vendor/nutpp-thing.so";
    EXPECT_TRUE(host::runs_isolated(d, "/usr/lib/nutpp/drivers"));
    d.isolation = config::Isolation::InProcess;
    EXPECT_FALSE(host::runs_isolated(d, "/usr/lib/nutpp/drivers"));
    d.driver = "sim";
    d.isolation = config::Isolation::Process;
    EXPECT_TRUE(host::runs_isolated(d, "/usr/lib/nutpp/drivers"));
}
