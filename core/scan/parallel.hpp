// Runs probe(i) for i in [0, n) on at most `parallel` threads, reporting progress (serialized).
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace nutpp::scan {

inline void parallel_for(size_t n, int parallel, const std::function<void(size_t)> &probe,
                         const std::function<void(size_t done, size_t total)> &progress) {
    std::atomic<size_t> next{0};
    size_t done = 0;
    std::mutex m;
    const auto worker = [&] {
        for (size_t i; (i = next.fetch_add(1)) < n;) {
            probe(i);
            std::lock_guard lock(m);
            ++done;
            if (progress) progress(done, n);
        }
    };
    std::vector<std::thread> threads;
    for (size_t i = 0; i < std::min(n, size_t(std::max(1, parallel))); ++i) threads.emplace_back(worker);
    for (auto &t : threads) t.join();
}

} // namespace nutpp::scan
