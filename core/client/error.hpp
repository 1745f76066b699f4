// Errors of the NUT network client. what() is the text libupsclient would print (upsc prints it as
// "Error: <what()>"), so tools built on this library match NUT's output byte for byte.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace nutpp::client {

class Error : public std::runtime_error {
public:
    Error(const std::string &message, std::string code = {}, std::string reply = {})
        : std::runtime_error(message), code(std::move(code)), reply(std::move(reply)) {}

    // The NUT ERR token ("VAR-NOT-SUPPORTED"), or "" for connection/protocol failures.
    std::string code;
    // The server line that caused the error, verbatim (e.g. "ERR ACCESS-DENIED"); upscmd/upsrw print
    // it as "Unexpected response from upsd: <reply>". Empty when no line was received.
    std::string reply;

    bool from_server() const { return !code.empty(); }
};

// libupsclient's message for a server ERR code; unknown codes -> "Unknown error".
std::string message_for(std::string_view err_code);

// Builds the Error for an "ERR <CODE> [extra...]" reply line (code = second word).
Error error_from_reply(std::string_view reply_line);

// libupsclient's texts for failures that are not server ERR replies.
namespace msg {
inline constexpr std::string_view no_such_host = "No such host";
inline constexpr std::string_view invalid_response = "Invalid response from server";
inline constexpr std::string_view server_disconnected = "Server disconnected";
inline constexpr std::string_view protocol_error = "Protocol error";
} // namespace msg

// "Connection failure: <strerror>", "Write error: <strerror>", "Read error: <strerror>".
Error connect_error(int errnum);
Error write_error(int errnum);
Error read_error(int errnum);

} // namespace nutpp::client
