// The ERR tokens upsd sends ("ERR <TOKEN>\n"). Kept as one const table so the spelling of every
// token lives in exactly one place and tests can check the table against NUT 2.8.0's list.
#pragma once

#include <array>
#include <string_view>

namespace nutpp::server {

enum class Err {
    AccessDenied,
    UnknownUps,
    VarNotSupported,
    CmdNotSupported,
    InvalidArgument,
    InstcmdFailed,
    SetFailed,
    Readonly,
    TooLong,
    FeatureNotSupported,
    FeatureNotConfigured,
    AlreadySslMode,
    DriverNotConnected,
    DataStale,
    AlreadyLoggedIn,
    AlreadySetPassword,
    AlreadySetUsername,
    UsernameRequired,
    PasswordRequired,
    UnknownCommand,
    InvalidValue,
    Unknown, // GET TRACKING result "driver did not know the command/variable"
    Failed,  // GET TRACKING result "driver failed"
};

struct ErrToken {
    Err code;
    std::string_view token; // what follows "ERR " on the wire
    std::string_view when;  // one line on when upsd sends it (for readers and logs)
};

inline constexpr std::array<ErrToken, 23> kErrTokens{{
    {Err::AccessDenied, "ACCESS-DENIED", "user unknown, wrong password, or right not granted"},
    {Err::UnknownUps, "UNKNOWN-UPS", "no such UPS in the configuration"},
    {Err::VarNotSupported, "VAR-NOT-SUPPORTED", "the driver does not publish this variable"},
    {Err::CmdNotSupported, "CMD-NOT-SUPPORTED", "the driver does not offer this instant command"},
    {Err::InvalidArgument, "INVALID-ARGUMENT", "wrong number or kind of arguments"},
    {Err::InstcmdFailed, "INSTCMD-FAILED", "the command could not be passed to the driver"},
    {Err::SetFailed, "SET-FAILED", "the value could not be passed to the driver"},
    {Err::Readonly, "READONLY", "the variable is not writable"},
    {Err::TooLong, "TOO-LONG", "the value is longer than the variable allows"},
    {Err::FeatureNotSupported, "FEATURE-NOT-SUPPORTED", "built without this feature"},
    {Err::FeatureNotConfigured, "FEATURE-NOT-CONFIGURED", "feature off (no certificate, tracking off)"},
    {Err::AlreadySslMode, "ALREADY-SSL-MODE", "STARTTLS on a connection that is already TLS"},
    {Err::DriverNotConnected, "DRIVER-NOT-CONNECTED", "the driver socket is not connected"},
    {Err::DataStale, "DATA-STALE", "the driver reported stale data or has been silent too long"},
    {Err::AlreadyLoggedIn, "ALREADY-LOGGED-IN", "second LOGIN on one connection"},
    {Err::AlreadySetPassword, "ALREADY-SET-PASSWORD", "second PASSWORD on one connection"},
    {Err::AlreadySetUsername, "ALREADY-SET-USERNAME", "second USERNAME on one connection"},
    {Err::UsernameRequired, "USERNAME-REQUIRED", "privileged command before USERNAME"},
    {Err::PasswordRequired, "PASSWORD-REQUIRED", "privileged command before PASSWORD"},
    {Err::UnknownCommand, "UNKNOWN-COMMAND", "unknown verb or empty line"},
    {Err::InvalidValue, "INVALID-VALUE", "value outside the variable's enum or range"},
    {Err::Unknown, "UNKNOWN", "tracked request the driver did not recognise"},
    {Err::Failed, "FAILED", "tracked request the driver could not carry out"},
}};

constexpr std::string_view token(Err e) {
    for (const auto &t : kErrTokens)
        if (t.code == e) return t.token;
    return "UNKNOWN";
}

} // namespace nutpp::server
