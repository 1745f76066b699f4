// Composition of ups.status from a driver's batch of tokens (NUT's status_init/status_set/
// alarm_set/status_commit), in one fixed order so the string never depends on call order.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace nutpp::store {

// What the host knows besides the tokens, for `ignorelb` (LB decided from the thresholds).
struct LowBatteryInputs {
    std::optional<double> charge, charge_low, runtime, runtime_low;
};

class StatusBatch {
public:
    void begin();
    void set(const std::string &token);   // duplicates ignored; whitespace-separated words split
    void alarm(const std::string &text);  // appended to ups.alarm, "; "-free: NUT joins with space
    bool active() const { return active_; }

    struct Result {
        std::string status;                // e.g. "ALARM OL CHRG RB"
        std::optional<std::string> alarm;  // ups.alarm value, or nullopt to delete it
    };
    // `ignorelb`: drop the device's LB and decide LB from the thresholds instead.
    Result commit(bool ignorelb, const LowBatteryInputs &lb);

private:
    bool active_ = false;
    std::vector<std::string> tokens_;
    std::string alarm_;
};

// The fixed token order (usbhid-ups' order, with ALARM first as NUT's driver core puts it);
// unknown tokens follow in the order they were set.
const std::vector<std::string> &status_token_order();

} // namespace nutpp::store
