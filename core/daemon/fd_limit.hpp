// One descriptor per client (upsd) or per device (upsdrvd: its driver socket, its eventfd, the
// plugin's port) and each client: thousands of them need more than the usual soft limit of 1024.
#pragma once

#include <cstdint>

namespace nutpp::daemon {

// Raises RLIMIT_NOFILE's soft limit to the hard limit (what an unprivileged process may take).
// Returns the soft limit in effect afterwards (0 if unknown); a failure leaves the limit as it was.
uint64_t raise_fd_limit();

} // namespace nutpp::daemon
