// ups.status words as upsmon reads them, and which notify events their appearance/disappearance
// raises. Pure data + pure functions: no I/O, no clock.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace nutpp::monitor {

struct StatusFlags {
    bool ol = false, ob = false, lb = false, rb = false, fsd = false;
    bool cal = false, off = false, bypass = false, eco = false, alarm = false;
    bool over = false, trim = false, boost = false;
    std::vector<std::string> other; // unclassified words (e.g. WAIT), as received
    bool operator==(const StatusFlags &) const = default;
};

// One status word upsmon understands (case-insensitive, like NUT).
struct StatusWord {
    const char *word;
    bool StatusFlags::*flag; // nullptr: accepted silently (HB, CHRG, DISCHRG)
};
const std::vector<StatusWord> &status_words();

// Space-separated words -> flags. Never throws; junk lands in `other`.
StatusFlags parse_status(std::string_view status);

// True for upsd's placeholder "WAIT" (NUT's too): the driver was (re)connected and has not sent its
// data yet. It is no status of the UPS; upsmon keeps the last known one (see Upsmon::handle).
bool is_wait_placeholder(std::string_view status);

// Events raised when a flag turns on / off between two polls.
struct FlagEvent {
    bool StatusFlags::*flag;
    const char *on;        // event when the flag appears
    const char *off;       // event when it disappears; nullptr = none
    bool on_at_first_poll; // NUT: an initial OB notifies ONBATT, an initial OL does not notify ONLINE
};
const std::vector<FlagEvent> &flag_events();

struct Event {
    std::string type;  // ONBATT, NOTCAL, OTHER ...
    std::string extra; // second %s of the message (ALARM: ups.alarm, OTHER: the words)
    bool operator==(const Event &) const = default;
};

// Events for the move prev -> cur. `first` = no earlier status known for this UPS. REPLBATT is
// time-throttled and decided by the caller.
std::vector<Event> status_events(const StatusFlags &prev, const StatusFlags &cur, bool first);

} // namespace nutpp::monitor
