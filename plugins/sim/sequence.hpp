// Plays the steps of a simulation file over time, the way dummy-ups walks its file:
//   - the first step applies at once; a step's TIMER pauses that many seconds, counted from when
//     the step was applied; at most one TIMER is crossed per call (TIMER 0 = "on the next poll");
//   - Mode::Once (dummy-once) stops after the last step;
//   - Mode::Loop (dummy-loop / dummy) starts again from the top after the last step. If the pass
//     that just ended applied something in this call, the restart waits for the next call (a file
//     without TIMER is thus re-applied once per poll, as dummy-ups re-reads it every cycle).
// Time is passed in, so the caller (and tests) own the clock. Nothing here sleeps.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <vector>

#include "dev_file.hpp"

namespace nutpp::sim {

class Sequence {
public:
    using Clock = std::chrono::steady_clock;
    using TimePoint = Clock::time_point;
    enum class Mode { Once, Loop };

    struct Event {
        enum class Kind { PassStart, Step };
        Kind kind;
        const Step *step; // Kind::Step only; points into the current file
    };

    explicit Sequence(Mode mode) : mode_(mode) {}

    // (Re)starts from the first step, due immediately. Keeps `file` alive while it is played.
    void restart(std::shared_ptr<const DevFile> file, TimePoint now);
    // What is due at `now`, in order, and advances past it. Empty when nothing is due.
    std::vector<Event> advance(TimePoint now);
    // When the next step is due; nullopt when nothing more will happen (Once mode finished).
    std::optional<TimePoint> next_deadline() const;
    bool finished() const { return finished_; }
    Mode mode() const { return mode_; }
    // Index of the next step to apply (tests, logs).
    size_t position() const { return pos_; }

private:
    Mode mode_;
    std::shared_ptr<const DevFile> file_;
    size_t pos_ = 0;
    TimePoint deadline_{};
    bool pass_start_pending_ = false;
    bool finished_ = true;
};

} // namespace nutpp::sim
