// The byte link a protocol engine talks through. SerialPort implements it over termios; tests and
// fuzz targets can implement it over a script. Every read is bounded by a timeout: an engine never
// waits forever on a silent UPS.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace nutpp::serial {

enum class ReadStatus {
    Ok,       // a whole reply (terminator seen, terminator stripped)
    Timeout,  // nothing, or no terminator, before the deadline; `partial` holds what came
    Gone,     // the device vanished (EOF/hangup/EIO): the port must be re-opened
};

struct Reply {
    ReadStatus status = ReadStatus::Timeout;
    std::string text;    // the reply without its terminator (Ok) or the partial bytes (Timeout)
};

class Link {
public:
    virtual ~Link() = default;
    // Writes all of `bytes` or throws nutpp::Error (NUTPP_E_IO / NUTPP_E_NO_DEVICE).
    virtual void send(std::string_view bytes) = 0;
    // Reads until `terminator` (a byte sequence, e.g. "\r" or "\r\n") or `timeout` passes, at most
    // `max_bytes` (a runaway stream of garbage ends the read as a timeout, not a huge buffer).
    virtual Reply read_until(std::string_view terminator, std::chrono::milliseconds timeout,
                             size_t max_bytes = 512) = 0;
    // Reads exactly one byte if one comes within `timeout` (APC's single-character answers and alerts).
    virtual Reply read_byte(std::chrono::milliseconds timeout) = 0;
    // Throws away whatever the device sent that nobody asked for (stale replies, line noise).
    virtual std::string drain() = 0;
    // Pause between bytes or commands, when a protocol needs it (APC's double K/Z).
    virtual void pause(std::chrono::milliseconds d) = 0;
};

} // namespace nutpp::serial
