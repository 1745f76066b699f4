// The one table that maps a plugin's nutpp_status to NUT's vocabularies: the driver socket's
// TRACKING result and upsd's ERR tokens (for INSTCMD and SET), plus a printable name for logs.
#pragma once

#include <nutpp/driver.h>

#include "driver_socket/request.hpp"

namespace nutpp::host {

struct StatusInfo {
    nutpp_status status;
    const char *name;                         // "NUTPP_E_IO"
    driver_socket::TrackingResult tracking;   // NUT STAT_INSTCMD_* / STAT_SET_*
    const char *instcmd_err;                  // upsd ERR token for a failed INSTCMD
    const char *set_err;                      // upsd ERR token for a failed SET
};

// Unknown values (a misbehaving plugin) map to a generic failure row.
const StatusInfo &status_info(int status);

} // namespace nutpp::host
