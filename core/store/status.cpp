#include "store/status.hpp"

#include "common/strings.hpp"

#include <algorithm>

namespace nutpp::store {

const std::vector<std::string> &status_token_order() {
    static const std::vector<std::string> order = {"ALARM", "OL",  "OB", "DISCHRG", "CHRG",   "LB",
                                                   "HB",    "OVER", "RB", "TRIM",    "BOOST", "BYPASS",
                                                   "OFF",   "CAL", "FSD"};
    return order;
}

void StatusBatch::begin() {
    active_ = true;
    tokens_.clear();
    alarm_.clear();
}

void StatusBatch::set(const std::string &token) {
    for (auto &word : common::split_ws(token))
        if (std::find(tokens_.begin(), tokens_.end(), word) == tokens_.end()) tokens_.push_back(word);
}

void StatusBatch::alarm(const std::string &text) {
    const auto t = std::string(common::trim(text));
    if (t.empty()) return;
    if (!alarm_.empty()) alarm_ += ' ';
    alarm_ += t;
}

StatusBatch::Result StatusBatch::commit(bool ignorelb, const LowBatteryInputs &lb) {
    std::vector<std::string> tokens = tokens_;
    if (ignorelb) {
        tokens.erase(std::remove(tokens.begin(), tokens.end(), "LB"), tokens.end());
        const bool low_charge = lb.charge && lb.charge_low && *lb.charge < *lb.charge_low;
        const bool low_runtime = lb.runtime && lb.runtime_low && *lb.runtime < *lb.runtime_low;
        if (low_charge || low_runtime) tokens.push_back("LB");
    }
    tokens.erase(std::remove(tokens.begin(), tokens.end(), "ALARM"), tokens.end());
    if (!alarm_.empty()) tokens.insert(tokens.begin(), "ALARM");

    const auto &order = status_token_order();
    auto rank = [&](const std::string &t) {
        auto it = std::find(order.begin(), order.end(), t);
        return it == order.end() ? order.size() : static_cast<size_t>(it - order.begin());
    };
    std::stable_sort(tokens.begin(), tokens.end(),
                     [&](const std::string &a, const std::string &b) { return rank(a) < rank(b); });

    Result r;
    r.status = common::join(tokens, " ");
    if (!alarm_.empty()) r.alarm = alarm_;
    active_ = false;
    return r;
}

} // namespace nutpp::store
