// NUT's vocabulary, for the contract checks (host/harness): the variable and instant command names
// of NUT's cmdvartab (names only, read from the copy in tests/testdata at build time) and the
// ups.status tokens NUT clients understand.
#pragma once

#include <string_view>

namespace nutpp::host {

// A NUT variable name. Indexes are accepted in place of NUT's generic forms: "outlet.1.voltage"
// and "input.L1-N.voltage" are checked as "outlet.voltage" and "input.voltage" (cmdvartab lists
// the unindexed names only).
bool is_nut_variable(std::string_view name);
bool is_nut_command(std::string_view name);
// A token of ups.status that NUT defines (OL, OB, LB, ... TEST).
bool is_nut_status_token(std::string_view token);
// NUT's marker for names that are not (yet) standard: "experimental.*".
bool is_experimental_name(std::string_view name);

} // namespace nutpp::host
