#include "client/error.hpp"

#include "common/parseconf.hpp"

#include <cstring>

namespace nutpp::client {

namespace {

struct ErrText {
    std::string_view code;    // token after "ERR" on the wire
    std::string_view message; // libupsclient's upscli_strerror() text
};

// NUT's upsd_errlist (code -> client error number) joined with upscli_errlist (number -> text).
// INVALID-ARGUMENT is not in NUT 2.8.0's code table (it would print "Unknown error"); we map it to
// the text NUT has for that error number, as nut-reference.md 1.6 asks.
constexpr ErrText kErrTexts[] = {
    {"VAR-NOT-SUPPORTED", "Variable not supported by UPS"},
    {"UNKNOWN-UPS", "Unknown UPS"},
    {"ACCESS-DENIED", "Access denied"},
    {"PASSWORD-REQUIRED", "Password required"},
    {"PASSWORD-INCORRECT", "Password incorrect"},
    {"MISSING-ARGUMENT", "Missing argument"},
    {"DATA-STALE", "Data stale"},
    {"VAR-UNKNOWN", "Variable unknown"},
    {"ALREADY-LOGGED-IN", "Already logged in"},
    {"ALREADY-SET-PASSWORD", "Already set password"},
    {"UNKNOWN-TYPE", "Unknown variable type"},
    {"UNKNOWN-VAR", "Unknown variable"},
    {"READONLY", "Read-only variable"},
    {"TOO-LONG", "New value is too long"},
    {"INVALID-VALUE", "Invalid value for variable"},
    {"SET-FAILED", "Set command failed"},
    {"UNKNOWN-INSTCMD", "Unknown instant command"},
    {"INSTCMD-FAILED", "Instant command failed"},
    {"CMD-NOT-SUPPORTED", "Instant command not supported"},
    {"INVALID-USERNAME", "Invalid username"},
    {"ALREADY-SET-USERNAME", "Already set username"},
    {"UNKNOWN-COMMAND", "Unknown command"},
    {"INVALID-PASSWORD", "Invalid password"},
    {"USERNAME-REQUIRED", "Username required"},
    {"DRIVER-NOT-CONNECTED", "Driver not connected"},
    {"INVALID-ARGUMENT", "Invalid argument"},
};

std::string with_errno(std::string_view prefix, int errnum) {
    return std::string(prefix) + std::strerror(errnum);
}

} // namespace

std::string message_for(std::string_view err_code) {
    for (const auto &e : kErrTexts)
        if (e.code == err_code) return std::string(e.message);
    return "Unknown error";
}

Error error_from_reply(std::string_view reply_line) {
    const auto line = common::tokenize_line(reply_line);
    std::string code = (!line.error && line.words.size() >= 2) ? line.words[1] : std::string();
    if (code.empty()) return Error(std::string(msg::invalid_response), {}, std::string(reply_line));
    std::string text = message_for(code);
    return Error(text, std::move(code), std::string(reply_line));
}

Error connect_error(int errnum) { return Error(with_errno("Connection failure: ", errnum)); }
Error write_error(int errnum) { return Error(with_errno("Write error: ", errnum)); }
Error read_error(int errnum) { return Error(with_errno("Read error: ", errnum)); }

} // namespace nutpp::client
