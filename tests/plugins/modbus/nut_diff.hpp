// The differential harness shared by the tests against NUT 2.8.0's Modbus drivers: NUT's driver
// (Debian nut-modbus, under NUT's upsd in a NutSandbox, read with NUT's upsc) and our plugin
// (upsdrvd, read through its driver socket) read the same simulated slave; every variable is
// compared, and every difference must be listed with its reason in an explained-differences table,
// else the test fails.
#pragma once

#include "nut_sandbox.hpp"
#include "upsdrvd_fixture.hpp"

#include <map>
#include <string>
#include <vector>

namespace nutpp::modbus::testing {

// How one variable may differ between NUT's driver and ours, and why.
enum class Kind { Different, OnlyNut, OnlyOurs };
struct Explained {
    const char *map;
    const char *variable;
    Kind kind;
    const char *reason;
    // For Kind::Different: when set, the entry explains only the values it accepts (so another
    // difference in the same variable still fails).
    bool (*accept)(const std::string &nut, const std::string &ours) = nullptr;
};

// ups.status token sets: equal once duplicates are dropped (NUT 2.8.0's status_set keeps them).
bool same_tokens_without_duplicates(const std::string &nut, const std::string &ours);
// NUT's tokens plus OB = ours (socomec_jbus 2.8.0 sets a bare LB on battery).
bool ours_adds_ob(const std::string &nut, const std::string &ours);

using Vars = std::map<std::string, std::string>;

Vars upsc_vars(const nutpp::testing::NutSandbox &nut);

// What one comparison found, for the closing table.
struct DiffTally {
    std::map<std::string, std::string> verdict; // variable -> "equal" / "different: why" / ...
    int compared = 0, equal = 0, unexplained = 0;
};

// Compares one situation; every difference not in `table` for `map` is a test failure (ADD_FAILURE).
// ups.status is compared as a set of tokens (the host orders them as NUT's status list does; NUT's
// drivers in the order they call status_set); ups.alarm with our ", " separator read as NUT's " ".
void compare_vars(const std::string &map, const std::string &situation, const Vars &nut, const Vars &ours,
                  const std::vector<Explained> &table, DiffTally &tally);
// Prints the per-variable verdicts of a map.
void print_tally(const std::string &map, const DiffTally &tally);

} // namespace nutpp::modbus::testing
