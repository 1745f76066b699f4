// The parent side of an isolated device: upsdrvd keeps the device's VarStore (the one its driver
// socket serves, so upsd and NUT's upsd see no difference) and fills it from the worker's driver-
// protocol stream, the way upsd fills its own copy. Across worker restarts the store is kept, not
// cleared: a restarted worker's DUMPALL is applied over it, and what that dump no longer holds is
// removed at its DUMPDONE, so clients see a stale period and then fresh values, never the
// variables vanishing and reappearing.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/strings.hpp"
#include "store/var_store.hpp"

namespace nutpp::host {

class StoreMirror {
public:
    explicit StoreMirror(store::VarStore &store) : store_(store) {}

    struct Tracking {
        std::string id;
        int result = 0;
    };
    // A new worker is about to send its dump: names seen from now on are the live set.
    void begin_generation();
    // Applies one line from the worker. Returns a TRACKING report for the caller to route (it is
    // not put into the store: the worker's ids are the parent's, not upsd's). Unknown lines are
    // ignored (a newer worker may say more), malformed ones too: returns false for them.
    bool apply(const std::vector<std::string> &words, std::optional<Tracking> &tracking);
    // The worker has gone: its data is stale until the next worker's dump.
    void worker_gone() { store_.set_data_ok(false); }
    bool dump_done() const { return dump_done_; }

private:
    store::VarStore &store_;
    bool dump_done_ = false;
    std::set<std::string, common::ILess> seen_vars_, seen_cmds_;
};

} // namespace nutpp::host
