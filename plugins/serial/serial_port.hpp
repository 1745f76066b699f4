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

// Which modem lines power a cable: NUT's `cablepower` values (Megatec cables) and NUT apcsmart's
// `cable` choice (940-0024C is its default smart cable, 940-0095B the dual-mode one, which needs
// DTR raised and RTS lowered).
struct CableLines {
    const char *name;
    bool dtr;
    bool rts;
};
inline constexpr CableLines kCablePower[] = {
    {"normal", true, false}, {"reverse", false, true}, {"both", true, true}, {"none", false, false},
};
inline constexpr CableLines kApcCables[] = {
    {"940-0024C", false, false},
    {"940-0095B", true, false},
};
// The line settings for one protocol (`apcsmart` or not) from the optional `cablepower` and `cable`
// keys; throws nutpp::Error(NUTPP_E_CONFIG) for a name neither table knows, or both keys at once.
// Defaults: Megatec "normal", APC Smart no line raised.
LineSettings cable_lines(int baud, bool apcsmart, const std::string &cablepower, const std::string &cable);

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
