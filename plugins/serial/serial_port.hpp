// A serial line opened the way UPS protocols want it: raw 8N1 at a given baud rate, no flow control,
// DTR/RTS set explicitly (some cables take power from them, some UPSes reset when they move), and
// reads that never block longer than asked (poll() on a non-blocking fd).
#pragma once

#include "link.hpp"

#include <optional>
#include <string>

namespace nutpp::serial {

struct LineSettings {
    int baud = 2400;
    std::optional<bool> dtr; // unset: leave as the OS set it
    std::optional<bool> rts;
};

// Maps a numeric rate to a termios speed constant; 0 if unsupported.
unsigned baud_constant(int baud);

class SerialPort final : public Link {
public:
    SerialPort() = default;
    ~SerialPort() override { close(); }
    SerialPort(const SerialPort &) = delete;
    SerialPort &operator=(const SerialPort &) = delete;

    // Opens and configures `path`; throws nutpp::Error with NUTPP_E_NO_DEVICE (absent),
    // NUTPP_E_PERMISSION (access denied or locked by another process) or NUTPP_E_CONFIG.
    void open(const std::string &path, const LineSettings &settings);
    void close();
    bool is_open() const { return fd_ >= 0; }
    int fd() const { return fd_; }

    void send(std::string_view bytes) override;
    Reply read_until(std::string_view terminator, std::chrono::milliseconds timeout, size_t max_bytes = 512) override;
    Reply read_byte(std::chrono::milliseconds timeout) override;
    std::string drain() override;
    void pause(std::chrono::milliseconds d) override;

private:
    // One poll()+read() step; returns bytes read (0 on timeout), -1 when the device is gone.
    long read_some(char *buf, size_t n, int timeout_ms);
    int fd_ = -1;
    std::string path_;
};

} // namespace nutpp::serial
