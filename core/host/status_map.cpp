#include "host/status_map.hpp"

namespace nutpp::host {

using driver_socket::TrackingResult;

namespace {
// One row per status; NUT's driver maps "unknown command/variable" to STAT_*_UNKNOWN, bad arguments
// to STAT_*_INVALID, conversion problems to STAT_*_CONVERSION_FAILED, everything else to *_FAILED.
constexpr StatusInfo kTable[] = {
    {NUTPP_OK, "NUTPP_OK", TrackingResult::Handled, "", ""},
    {NUTPP_E_INVALID_ARG, "NUTPP_E_INVALID_ARG", TrackingResult::Invalid, "INVALID-ARGUMENT", "INVALID-VALUE"},
    {NUTPP_E_NO_MEMORY, "NUTPP_E_NO_MEMORY", TrackingResult::Failed, "INSTCMD-FAILED", "SET-FAILED"},
    {NUTPP_E_IO, "NUTPP_E_IO", TrackingResult::Failed, "INSTCMD-FAILED", "SET-FAILED"},
    {NUTPP_E_TIMEOUT, "NUTPP_E_TIMEOUT", TrackingResult::Failed, "INSTCMD-FAILED", "SET-FAILED"},
    {NUTPP_E_NO_DEVICE, "NUTPP_E_NO_DEVICE", TrackingResult::Failed, "INSTCMD-FAILED", "SET-FAILED"},
    {NUTPP_E_UNSUPPORTED, "NUTPP_E_UNSUPPORTED", TrackingResult::Unknown, "CMD-NOT-SUPPORTED", "VAR-NOT-SUPPORTED"},
    {NUTPP_E_CONVERSION, "NUTPP_E_CONVERSION", TrackingResult::ConversionFailed, "INVALID-ARGUMENT", "INVALID-VALUE"},
    {NUTPP_E_REJECTED, "NUTPP_E_REJECTED", TrackingResult::Failed, "INSTCMD-FAILED", "SET-FAILED"},
    {NUTPP_E_CONFIG, "NUTPP_E_CONFIG", TrackingResult::Failed, "INSTCMD-FAILED", "SET-FAILED"},
    {NUTPP_E_STATE, "NUTPP_E_STATE", TrackingResult::Failed, "INSTCMD-FAILED", "SET-FAILED"},
    {NUTPP_E_PERMISSION, "NUTPP_E_PERMISSION", TrackingResult::Failed, "INSTCMD-FAILED", "SET-FAILED"},
};
constexpr StatusInfo kUnknown = {NUTPP_E_IO, "unknown status", TrackingResult::Failed, "INSTCMD-FAILED",
                                 "SET-FAILED"};
} // namespace

const StatusInfo &status_info(int status) {
    for (const auto &row : kTable)
        if (static_cast<int>(row.status) == status) return row;
    return kUnknown;
}

} // namespace nutpp::host
