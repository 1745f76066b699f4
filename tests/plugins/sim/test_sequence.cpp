// The step player, on an injected clock.
#include <gtest/gtest.h>

#include "sequence.hpp"

using namespace nutpp::sim;
using namespace std::chrono_literals;

namespace {

using TP = Sequence::TimePoint;
const TP t0 = TP{} + 1000s; // any fixed origin

std::shared_ptr<const DevFile> file(const std::string &text) { return std::make_shared<const DevFile>(parse_dev(text)); }

// The ups.status values applied by a batch of events ("|" marks a pass start).
std::string applied(const std::vector<Sequence::Event> &events) {
    std::string out;
    for (const auto &e : events) {
        if (e.kind == Sequence::Event::Kind::PassStart) {
            out += "|";
            continue;
        }
        for (const auto &it : e.step->items) out += (out.empty() || out.back() == '|' ? "" : ",") + it.value;
    }
    return out;
}

const char *kSeq = "ups.status: OB\nTIMER 5\nups.status: OL\nTIMER 10\n";

} // namespace

TEST(Sequence, LoopFollowsTimersAndWraps) {
    Sequence s(Sequence::Mode::Loop);
    s.restart(file(kSeq), t0);
    EXPECT_EQ(applied(s.advance(t0)), "|OB");
    EXPECT_EQ(s.next_deadline(), t0 + 5s);
    EXPECT_EQ(applied(s.advance(t0 + 4999ms)), "");
    EXPECT_EQ(applied(s.advance(t0 + 5s)), "OL");
    EXPECT_EQ(s.next_deadline(), t0 + 15s); // counted from when the step was applied
    EXPECT_EQ(applied(s.advance(t0 + 14s)), "");
    // The last (empty) step ends the pass; nothing was applied in this call, so it wraps at once.
    EXPECT_EQ(applied(s.advance(t0 + 15s)), "|OB");
    EXPECT_EQ(s.next_deadline(), t0 + 20s);
    EXPECT_EQ(applied(s.advance(t0 + 20s)), "OL");
    EXPECT_FALSE(s.finished());
}

TEST(Sequence, LatePollAppliesOneStepAndTimesFromThen) {
    Sequence s(Sequence::Mode::Loop);
    s.restart(file(kSeq), t0);
    s.advance(t0);
    // 100 s late: only the next step, and its TIMER counts from now (dummy-ups does the same).
    EXPECT_EQ(applied(s.advance(t0 + 100s)), "OL");
    EXPECT_EQ(s.next_deadline(), t0 + 110s);
}

TEST(Sequence, OnceStopsAfterTheLastStep) {
    Sequence s(Sequence::Mode::Once);
    s.restart(file(kSeq), t0);
    EXPECT_EQ(applied(s.advance(t0)), "|OB");
    EXPECT_EQ(applied(s.advance(t0 + 5s)), "OL");
    EXPECT_EQ(applied(s.advance(t0 + 15s)), ""); // the empty tail
    EXPECT_TRUE(s.finished());
    EXPECT_FALSE(s.next_deadline().has_value());
    EXPECT_EQ(applied(s.advance(t0 + 1000s)), "");
}

TEST(Sequence, OnceWithoutTimersFinishesAtOpen) {
    Sequence s(Sequence::Mode::Once);
    s.restart(file("ups.load: 1\nups.status: OL\n"), t0);
    EXPECT_EQ(applied(s.advance(t0)), "|1,OL");
    EXPECT_TRUE(s.finished());
}

TEST(Sequence, LoopWithoutTimersReappliesOncePerCall) {
    Sequence s(Sequence::Mode::Loop);
    s.restart(file("ups.load: 1\n"), t0);
    EXPECT_EQ(applied(s.advance(t0)), "|1");
    EXPECT_EQ(applied(s.advance(t0)), "|1"); // next poll: again, and only once
    EXPECT_EQ(applied(s.advance(t0 + 1ms)), "|1");
    EXPECT_EQ(s.next_deadline(), t0 + 1ms);
}

TEST(Sequence, TimerZeroAdvancesOneStepPerCall) {
    Sequence s(Sequence::Mode::Loop);
    s.restart(file("ups.status: A\nTIMER 0\nups.status: B\nTIMER 0\nups.status: C\n"), t0);
    EXPECT_EQ(applied(s.advance(t0)), "|A");
    EXPECT_EQ(applied(s.advance(t0)), "B");
    // C is the last step: applied, then the pass ends and the restart waits for the next call.
    EXPECT_EQ(applied(s.advance(t0)), "C");
    EXPECT_EQ(applied(s.advance(t0)), "|A");
}

TEST(Sequence, EmptyFilesNeverSpin) {
    Sequence loop(Sequence::Mode::Loop);
    loop.restart(file(""), t0);
    EXPECT_EQ(applied(loop.advance(t0)), "||");
    Sequence loop2(Sequence::Mode::Loop);
    loop2.restart(file("TIMER 0\nTIMER 0\n"), t0);
    for (int i = 0; i < 10; ++i) loop2.advance(t0); // bounded work per call
    Sequence once(Sequence::Mode::Once);
    once.restart(file(""), t0);
    once.advance(t0);
    EXPECT_TRUE(once.finished());
}

TEST(Sequence, RestartGoesBackToTheTop) {
    Sequence s(Sequence::Mode::Once);
    s.restart(file(kSeq), t0);
    s.advance(t0);
    s.advance(t0 + 5s);
    EXPECT_EQ(s.position(), 2u);
    s.restart(file("ups.status: OFF\n"), t0 + 6s);
    EXPECT_EQ(applied(s.advance(t0 + 6s)), "|OFF");
    EXPECT_TRUE(s.finished());
}

TEST(Sequence, FractionalTimers) {
    Sequence s(Sequence::Mode::Loop);
    s.restart(file("ups.status: A\nTIMER 0.25\nups.status: B\n"), t0);
    s.advance(t0);
    EXPECT_EQ(s.next_deadline(), t0 + 250ms);
}
