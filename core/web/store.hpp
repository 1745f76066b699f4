// What upsweb knows about every UPS: the last variables read from upsd, whether that read worked,
// and a short history for the page's chart. The collector writes it; HTTP handlers, the event
// stream and MQTT read it. Each update is compared with the previous state and turned into
// change events, so every output sees the same changes in the same order.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace nutpp::web {

using WallClock = std::chrono::system_clock;
using SteadyClock = std::chrono::steady_clock;

// One sample of the values the page charts (NaN when the UPS does not report one).
struct Sample {
    double t = 0;                 // unix seconds
    double charge = 0, load = 0, runtime = 0, input_voltage = 0;
};

struct UpsData {
    std::string name;
    std::string desc;
    std::vector<std::pair<std::string, std::string>> vars; // upsd's order
    // The NUT error name of the last read ("DATA-STALE", "DRIVER-NOT-CONNECTED", ...) or of the
    // connection ("UNREACHABLE"); empty when the last read worked.
    std::string error;
    bool ever_read = false;
    SteadyClock::time_point updated{};      // last successful read
    WallClock::time_point updated_wall{};
    std::deque<Sample> history;             // oldest first, at most one hour

    const std::string *find(std::string_view var) const;
    std::string status() const; // ups.status or ""
};

// One change, as the event stream and MQTT publish it.
struct Event {
    enum class Kind { Variable, Status, Comm, Removed };
    Kind kind = Kind::Variable;
    uint64_t seq = 0;
    std::string ups;
    std::string name;     // Variable: the variable
    std::string value;    // Variable/Status: new value ("" = gone); Comm: error name or "" (ok)
    std::string old;      // previous value
    double time = 0;      // unix seconds
};
const char *to_string(Event::Kind k); // "variable", "status", "comm", "removed"

class Store {
public:
    using Listener = std::function<void(const std::vector<Event> &)>;
    static constexpr std::chrono::seconds kHistorySpan{3600};
    static constexpr size_t kHistoryMax = 720; // one hour at one sample per 5 s

    // Listeners are called in the writer's thread, outside the lock, in update order. They must
    // not block (queue and return).
    void subscribe(Listener l);

    // A successful read of `ups`: its variables as upsd listed them.
    void update(const std::string &ups, const std::string &desc,
                std::vector<std::pair<std::string, std::string>> vars);
    // A failed read (NUT error name, e.g. DATA-STALE); the last values stay for the page.
    void set_error(const std::string &ups, const std::string &error);
    // The set of served UPSes: the others are dropped (Removed events).
    void retain(const std::vector<std::string> &names);

    // Current state without history (name order), and one UPS's chart samples.
    std::vector<UpsData> snapshot() const;
    std::optional<UpsData> get(const std::string &ups) const;
    std::deque<Sample> history(const std::string &ups) const;
    std::vector<std::string> names() const;
    uint64_t last_seq() const;

    // Exporter health.
    void count_scrape_error();
    uint64_t scrape_errors() const;

private:
    void emit(std::vector<Event> evs);
    Event make(Event::Kind k, const std::string &ups, std::string name, std::string value, std::string old);

    mutable std::mutex mu_;
    std::mutex emit_mu_; // keeps listener calls in seq order when several threads write
    std::map<std::string, UpsData> ups_;
    uint64_t seq_ = 0;
    uint64_t scrape_errors_ = 0;
    std::vector<Listener> listeners_;
};

// The chart sample of a variable set (missing values NaN).
Sample sample_of(const std::vector<std::pair<std::string, std::string>> &vars, double t);
double unix_now();

} // namespace nutpp::web
