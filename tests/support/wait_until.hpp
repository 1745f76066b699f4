// Waiting in a test for something another process or thread does: asking again and again until it
// holds, instead of one fixed sleep that is slow on an idle machine and too short on a loaded one.
#pragma once

#include <chrono>
#include <functional>
#include <thread>

namespace nutpp::testing {

// Asks `cond` every `step` until it is true or `timeout` has passed; after the timeout it is asked
// once more, so a slow last step still counts. Returns the last answer.
inline bool wait_until(const std::function<bool()> &cond, std::chrono::milliseconds timeout,
                       std::chrono::milliseconds step = std::chrono::milliseconds(50)) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
        if (cond()) return true;
        std::this_thread::sleep_for(step);
    }
    return cond();
}

} // namespace nutpp::testing
