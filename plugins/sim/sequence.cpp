#include "sequence.hpp"

namespace nutpp::sim {

void Sequence::restart(std::shared_ptr<const DevFile> file, TimePoint now) {
    file_ = std::move(file);
    pos_ = 0;
    deadline_ = now;
    pass_start_pending_ = true;
    finished_ = !file_ || file_->steps.empty();
}

std::vector<Sequence::Event> Sequence::advance(TimePoint now) {
    std::vector<Event> out;
    if (finished_ || now < deadline_) return out;
    const auto &steps = file_->steps;
    bool applied_something = false;
    bool wrapped = false;
    for (;;) {
        if (pos_ == steps.size()) { // end of the file
            if (mode_ == Mode::Once) {
                finished_ = true;
                break;
            }
            pos_ = 0;
            pass_start_pending_ = true;
            // One pass per call at most: a file without TIMER must not spin here.
            if (applied_something || wrapped) {
                deadline_ = now;
                break;
            }
            wrapped = true;
        }
        if (pos_ == 0 && pass_start_pending_) {
            out.push_back({Event::Kind::PassStart, nullptr});
            pass_start_pending_ = false;
        }
        const Step &step = steps[pos_++];
        out.push_back({Event::Kind::Step, &step});
        applied_something = applied_something || !step.items.empty();
        if (step.timer_seconds) {
            deadline_ = now + std::chrono::duration_cast<Clock::duration>(
                                  std::chrono::duration<double>(*step.timer_seconds));
            break;
        }
    }
    return out;
}

std::optional<Sequence::TimePoint> Sequence::next_deadline() const {
    if (finished_) return std::nullopt;
    return deadline_;
}

} // namespace nutpp::sim
