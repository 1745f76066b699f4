// The built plugin over time: .seq steps and loops, TIMER pacing, file changes on disk, and the
// power-failure sample sequence.
#include <poll.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "dev_file.hpp"
#include "sequence.hpp"
#include "sim_fixture.hpp"

using namespace nutpp::test;
using namespace std::chrono_literals;

TEST_F(SimPlugin, SeqStepsAdvanceAndLoop) {
    auto &inst = open(file("s.seq", "ups.status: OB\nbattery.charge: 50\nTIMER 0\nups.status: OL\n"
                                    "battery.charge: 60\nTIMER 0\n"));
    auto &h = host();
    EXPECT_EQ(h.status(), "OB");
    EXPECT_EQ(h.value("battery.charge"), "50");
    EXPECT_EQ(h.value("driver.parameter.mode"), "dummy-loop");
    ASSERT_EQ(inst.poll(NUTPP_WAKE_FIRST), NUTPP_OK);
    EXPECT_EQ(h.status(), "OL");
    EXPECT_EQ(h.value("battery.charge"), "60");
    ASSERT_EQ(inst.poll(), NUTPP_OK); // end of file: back to the top
    EXPECT_EQ(h.status(), "OB");
    ASSERT_EQ(inst.poll(), NUTPP_OK);
    EXPECT_EQ(h.status(), "OL");
    // The default "OL" never shows: open() commits the status once, after the file.
    EXPECT_EQ(h.status_history, (std::vector<std::string>{"OB", "OL", "OB", "OL"}));
}

TEST_F(SimPlugin, OnceModePlaysTimersThenStops) {
    auto &inst = open(file("t.dev", "ups.status: A\nTIMER 0\nups.status: B\n"));
    EXPECT_EQ(host().status(), "A");
    inst.poll();
    EXPECT_EQ(host().status(), "B");
    inst.poll();
    inst.poll();
    EXPECT_EQ(host().status(), "B");
    EXPECT_EQ(host().status_history, (std::vector<std::string>{"A", "B"}));
}

TEST_F(SimPlugin, TimerWaitsRealTimeAndShortensThePollInterval) {
    auto &inst = open(file("t.seq", "ups.status: OB\nTIMER 0.3\nups.status: OL\nTIMER 30\n"));
    auto &h = host();
    ASSERT_TRUE(h.poll_interval_ms.has_value());
    EXPECT_LE(*h.poll_interval_ms, 300u); // wake up when the TIMER expires, not at the 2 s default
    EXPECT_GE(*h.poll_interval_ms, 250u);
    inst.poll();
    EXPECT_EQ(h.status(), "OB"); // not yet
    std::this_thread::sleep_for(350ms);
    inst.poll();
    EXPECT_EQ(h.status(), "OL");
    EXPECT_EQ(*h.poll_interval_ms, 2000u); // 30 s to go: back to the base interval
}

TEST_F(SimPlugin, PollIntervalBaseComesFromConfig) {
    // The host's own key, when it passes it through config_get.
    auto &inst = open(file("p.seq", "ups.status: OB\nTIMER 0.2\nups.status: OL\nTIMER 5\n"), "",
                      {{"pollinterval", "0.5"}});
    EXPECT_LE(*host().poll_interval_ms, 200u);
    std::this_thread::sleep_for(250ms);
    inst.poll();
    EXPECT_EQ(host().status(), "OL");
    EXPECT_EQ(*host().poll_interval_ms, 500u);
}

TEST_F(SimPlugin, LoopModeReappliesTheFileOverSetvar) {
    auto &inst = open(file("l.seq", "ups.load: 10\n"));
    EXPECT_EQ(inst.setvar("ups.load", "99"), NUTPP_OK);
    EXPECT_EQ(host().value("ups.load"), "99");
    inst.poll();
    EXPECT_EQ(host().value("ups.load"), "10"); // dummy-ups re-reads the file every cycle
}

TEST_F(SimPlugin, ChangedFileIsReread) {
    const auto path = file("c.dev", "ups.load: 10\nups.status: OL\n");
    auto &inst = open(path);
    auto &h = host();
    inst.setvar("ups.load", "20");
    inst.poll();
    EXPECT_EQ(h.value("ups.load"), "20"); // unchanged file: the set value stays

    file("c.dev", "ups.load: 30\nups.status: OB\n"); // replaced (new inode)
    inst.poll();
    EXPECT_EQ(h.value("ups.load"), "30");
    EXPECT_EQ(h.status(), "OB");
    EXPECT_GE(h.logs_containing("changed on disk"), 1u);

    // Edited in place, same size: the modification time tells.
    {
        std::ofstream out(path, std::ios::trunc);
        out << "ups.load: 40\nups.status: OL\n";
    }
    std::filesystem::last_write_time(path, std::filesystem::last_write_time(path) + 2s);
    inst.poll();
    EXPECT_EQ(h.value("ups.load"), "40");
    EXPECT_EQ(h.status(), "OL");
    inst.poll();
    EXPECT_EQ(h.calls_starting("set_var ups.load"), 4u); // 10, 20, 30, 40: nothing re-sent needlessly
}

TEST_F(SimPlugin, VanishedFileKeepsDataUntilItReturns) {
    const auto path = file("v.dev", "ups.load: 10\n");
    auto &inst = open(path);
    std::filesystem::remove(path);
    EXPECT_EQ(inst.poll(), NUTPP_OK);
    EXPECT_EQ(inst.poll(), NUTPP_OK);
    EXPECT_EQ(host().value("ups.load"), "10");
    EXPECT_EQ(host().logs_containing("is gone"), 1u); // logged once
    file("v.dev", "ups.load: 11\n");
    EXPECT_EQ(inst.poll(), NUTPP_OK);
    EXPECT_EQ(host().value("ups.load"), "11");
}

TEST_F(SimPlugin, AlarmInstructionsAndAlarmVariable) {
    auto &inst = open(file("a.seq", "ups.status: OL\nALARM [UPS too warm to charge]\nALARM [fan]\nTIMER 0\n"
                                    "ALARM\nTIMER 0\nups.alarm: Replace battery!\nTIMER 0\nups.alarm:\nTIMER 0\n"));
    auto &h = host();
    EXPECT_EQ(h.value("ups.alarm"), "[UPS too warm to charge] [fan]");
    EXPECT_EQ(h.status(), "ALARM OL");
    EXPECT_EQ(h.decls["ups.alarm"].max_length, 32u);
    inst.poll();
    EXPECT_FALSE(h.has("ups.alarm"));
    EXPECT_EQ(h.status(), "OL");
    inst.poll();
    EXPECT_EQ(h.value("ups.alarm"), "Replace battery!");
    inst.poll();
    EXPECT_FALSE(h.has("ups.alarm"));
}

// The sample data shipped with the plugin.
TEST_F(SimPlugin, SampleDumpIsTheReferenceDevice) {
    const std::string ref = NUTPP_TESTDATA_DIR "/reference/cp1000avrlcd.dev";
    ASSERT_TRUE(std::filesystem::exists(ref)) << ref;
    EXPECT_EQ(read_text(data_dir() + "/cp1000avrlcd.dev"), read_text(ref));
}

TEST_F(SimPlugin, PowerFailSequenceGoesOnBatteryToLowBatteryAndBack) {
    using nutpp::sim::Sequence;
    std::string error;
    int err = 0;
    auto dev = nutpp::sim::load_dev_file(data_dir() + "/cp1000avrlcd.dev", error, err);
    auto seq = nutpp::sim::load_dev_file(data_dir() + "/cp1000avrlcd-powerfail.seq", error, err);
    ASSERT_TRUE(dev && seq) << error;
    EXPECT_TRUE(seq->issues.empty());
    // The first step is the whole dump.
    ASSERT_EQ(seq->steps[0].items.size(), dev->steps[0].items.size());
    for (size_t i = 0; i < dev->steps[0].items.size(); ++i) {
        EXPECT_EQ(seq->steps[0].items[i].name, dev->steps[0].items[i].name);
        EXPECT_EQ(seq->steps[0].items[i].value, dev->steps[0].items[i].value);
    }

    // Play it on a fake clock and look at the state after each step.
    std::map<std::string, std::string> state;
    Sequence s(Sequence::Mode::Loop);
    const auto t0 = Sequence::TimePoint{} + 100s;
    s.restart(std::make_shared<const nutpp::sim::DevFile>(std::move(*seq)), t0);
    auto at = [&](std::chrono::seconds t) {
        for (const auto &e : s.advance(t0 + t))
            if (e.step)
                for (const auto &it : e.step->items) state[it.name] = it.value;
        return state["ups.status"];
    };
    auto num = [&](const char *n) { return std::stod(state.at(n)); };
    EXPECT_EQ(at(0s), "OL");
    EXPECT_EQ(num("battery.charge"), 100);
    EXPECT_EQ(at(4s), "OB DISCHRG");
    double last_charge = num("battery.charge"), last_runtime = num("battery.runtime");
    for (auto t : {8s, 12s, 16s}) {
        EXPECT_EQ(at(t), "OB DISCHRG");
        EXPECT_LT(num("battery.charge"), last_charge);
        EXPECT_LT(num("battery.runtime"), last_runtime);
        last_charge = num("battery.charge");
        last_runtime = num("battery.runtime");
        EXPECT_GE(num("battery.charge"), num("battery.charge.low"));
    }
    EXPECT_EQ(at(20s), "OB DISCHRG LB");
    EXPECT_LT(num("battery.charge"), num("battery.charge.low"));
    EXPECT_LT(num("battery.runtime"), num("battery.runtime.low"));
    EXPECT_EQ(at(24s), "OL CHRG");
    EXPECT_EQ(at(28s), "OL CHRG");
    EXPECT_EQ(at(32s), "OL CHRG");
    EXPECT_EQ(at(36s), "OL");
    EXPECT_EQ(num("battery.charge"), 100);
    EXPECT_EQ(at(40s), "OL"); // looped back to the top
    EXPECT_EQ(at(44s), "OB DISCHRG");
}

TEST_F(SimPlugin, PowerFailSequenceRunsInThePlugin) {
    auto &inst = open(data_dir() + "/cp1000avrlcd-powerfail.seq");
    EXPECT_EQ(host().status(), "OL");
    EXPECT_EQ(host().value("driver.parameter.mode"), "dummy-loop");
    EXPECT_FALSE(host().poll_interval_ms.has_value()); // first TIMER (4 s) > 2 s: base interval kept
    inst.poll();
    EXPECT_EQ(host().status(), "OL"); // the first TIMER is 4 s
}

// The file's directory is watched with inotify through watch_fd: the fd becomes readable as soon as
// the file is rewritten or replaced, so the host wakes poll() at once (not at the next interval).
TEST_F(SimPlugin, FileChangeWakesThroughTheWatchedFd) {
    const auto path = file("w.dev", "ups.load: 10\nups.status: OL\n");
    auto &inst = open(path);
    auto &h = host();
    int fd = -1;
    for (const auto &c : h.calls)
        if (c.rfind("watch_fd ", 0) == 0) fd = std::stoi(c.substr(9));
    ASSERT_GE(fd, 0) << "sim did not watch an fd (inotify unavailable?)";
    auto readable = [&](int timeout_ms) {
        pollfd p{fd, POLLIN, 0};
        return ::poll(&p, 1, timeout_ms) == 1 && (p.revents & POLLIN);
    };
    inst.poll(NUTPP_WAKE_TIMER);
    EXPECT_FALSE(readable(50)) << "readable with no change";

    file("w.dev", "ups.load: 30\nups.status: OB\n"); // replaced
    ASSERT_TRUE(readable(2000)) << "no inotify event for a replaced file";
    inst.poll(NUTPP_WAKE_FD);
    EXPECT_EQ(h.value("ups.load"), "30");
    EXPECT_FALSE(readable(50)) << "poll() did not drain the events";

    {
        std::ofstream out(path, std::ios::trunc); // rewritten in place
        out << "ups.load: 400\nups.status: OL\n"; // another size: no mtime-granularity race
    }
    ASSERT_TRUE(readable(2000)) << "no inotify event for a file rewritten in place";
    inst.poll(NUTPP_WAKE_FD);
    EXPECT_EQ(h.value("ups.load"), "400");

    inst.close();
    EXPECT_EQ(h.calls_starting("unwatch_fd " + std::to_string(fd)), 1u);
}
