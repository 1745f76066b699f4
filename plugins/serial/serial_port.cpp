#include "serial_port.hpp"

#include <strings.h>

#include <nutpp/driver.hpp>

#include <cerrno>
#include <cstring>
#include <thread>

#include <fcntl.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

namespace nutpp::serial {

namespace {

struct BaudRow {
    int rate;
    speed_t constant;
};

// The rates UPS serial protocols actually use (2400 is the classic default, newer units 9600+).
constexpr BaudRow kBaudRates[] = {
    {1200, B1200}, {2400, B2400}, {4800, B4800}, {9600, B9600}, {19200, B19200}, {38400, B38400},
    {57600, B57600}, {115200, B115200},
};

using Clock = std::chrono::steady_clock;

int remaining_ms(Clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return left <= 0 ? 0 : static_cast<int>(left);
}

std::string errno_text(const std::string &what, const std::string &path) {
    return what + " " + path + ": " + std::strerror(errno);
}

// Sets or clears one modem control line. Best effort: a pty or some adapters have no such lines,
// which is not a reason to refuse the port.
void set_modem_line(int fd, int line, bool on) {
    (void)::ioctl(fd, on ? TIOCMBIS : TIOCMBIC, &line);
}

} // namespace

unsigned baud_constant(int baud) {
    for (const auto &row : kBaudRates)
        if (row.rate == baud) return row.constant;
    return 0;
}

void SerialPort::open(const std::string &path, const LineSettings &settings) {
    close();
    const speed_t speed = baud_constant(settings.baud);
    if (speed == 0) throw Error(NUTPP_E_CONFIG, "unsupported baud rate " + std::to_string(settings.baud));

    // O_NONBLOCK: neither open() (waiting for carrier) nor read() may block; poll() does the waiting.
    const int fd = ::open(path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        const nutpp_status st = (errno == EACCES || errno == EPERM || errno == EBUSY) ? NUTPP_E_PERMISSION
                                                                                      : NUTPP_E_NO_DEVICE;
        throw Error(st, errno_text("cannot open", path));
    }
    // Two drivers talking on one line garble each other's replies: take an advisory lock.
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        ::close(fd);
        throw Error(NUTPP_E_PERMISSION, "port " + path + " is locked by another process");
    }
    termios tio{};
    if (::tcgetattr(fd, &tio) != 0) {
        const std::string msg = errno_text("not a serial line:", path);
        ::close(fd);
        throw Error(NUTPP_E_CONFIG, msg);
    }
    ::cfmakeraw(&tio);                       // no echo, no line editing, no CR/LF translation
    tio.c_cflag &= ~(CSIZE | PARENB | CSTOPB | CRTSCTS);
    tio.c_cflag |= CS8 | CLOCAL | CREAD;     // 8N1; CLOCAL: ignore carrier detect
    tio.c_iflag &= ~(IXON | IXOFF | IXANY);  // XON/XOFF would eat bytes of binary-ish replies
    tio.c_cc[VMIN] = 0;
    tio.c_cc[VTIME] = 0;
    ::cfsetispeed(&tio, speed);
    ::cfsetospeed(&tio, speed);
    if (::tcsetattr(fd, TCSANOW, &tio) != 0) {
        const std::string msg = errno_text("cannot configure", path);
        ::close(fd);
        throw Error(NUTPP_E_CONFIG, msg);
    }
    if (settings.dtr) set_modem_line(fd, TIOCM_DTR, *settings.dtr);
    if (settings.rts) set_modem_line(fd, TIOCM_RTS, *settings.rts);
    ::tcflush(fd, TCIOFLUSH); // whatever was queued before we configured the line is noise
    fd_ = fd;
    path_ = path;
}

LineSettings cable_lines(int baud, bool apcsmart, const std::string &cablepower, const std::string &cable) {
    if (!cablepower.empty() && !cable.empty()) throw Error(NUTPP_E_CONFIG, "give either cablepower or cable, not both");
    LineSettings s;
    s.baud = baud;
    const auto apply = [&](const auto &table, const std::string &name, const char *key) {
        for (const auto &c : table)
            if (::strcasecmp(name.c_str(), c.name) == 0) {
                s.dtr = c.dtr;
                s.rts = c.rts;
                return;
            }
        std::string known;
        for (const auto &c : table) known += std::string(known.empty() ? "" : ", ") + c.name;
        throw Error(NUTPP_E_CONFIG, std::string(key) + " '" + name + "' unknown; expected one of " + known);
    };
    if (!cable.empty()) apply(kApcCables, cable, "cable");
    else apply(kCablePower, cablepower.empty() ? std::string(apcsmart ? "none" : "normal") : cablepower, "cablepower");
    return s;
}

void SerialPort::close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

void SerialPort::send(std::string_view bytes) {
    if (fd_ < 0) throw Error(NUTPP_E_NO_DEVICE, "port not open");
    const auto deadline = Clock::now() + std::chrono::seconds(2);
    size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
        if (n > 0) {
            done += static_cast<size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno != EAGAIN) throw Error(NUTPP_E_NO_DEVICE, "device vanished: " + errno_text("write to", path_));
        // Output buffer full (flow stalled): wait for room, but not forever.
        pollfd p{fd_, POLLOUT, 0};
        if (::poll(&p, 1, remaining_ms(deadline)) <= 0)
            throw Error(NUTPP_E_TIMEOUT, "write to " + path_ + " timed out");
        if (p.revents & (POLLHUP | POLLERR)) throw Error(NUTPP_E_NO_DEVICE, path_ + ": device hung up");
    }
}

long SerialPort::read_some(char *buf, size_t n, int timeout_ms) {
    if (fd_ < 0) return -1;
    pollfd p{fd_, POLLIN, 0};
    int r;
    do r = ::poll(&p, 1, timeout_ms);
    while (r < 0 && errno == EINTR);
    if (r <= 0) return 0;
    const ssize_t got = ::read(fd_, buf, n);
    if (got > 0) return got;
    if (got < 0 && (errno == EAGAIN || errno == EINTR)) return 0;
    // EOF or EIO with POLLIN/POLLHUP set: the other end (adapter, pty master) is gone.
    return -1;
}

Reply SerialPort::read_until(std::string_view terminator, std::chrono::milliseconds timeout, size_t max_bytes) {
    Reply r;
    const auto deadline = Clock::now() + timeout;
    char c;
    // Byte at a time: the reply is short and we must not swallow the start of the next one.
    for (;;) {
        const long n = read_some(&c, 1, remaining_ms(deadline));
        if (n < 0) {
            r.status = ReadStatus::Gone;
            return r;
        }
        if (n == 1) {
            r.text.push_back(c);
            if (!terminator.empty() && r.text.size() >= terminator.size() &&
                std::string_view(r.text).substr(r.text.size() - terminator.size()) == terminator) {
                r.text.resize(r.text.size() - terminator.size());
                r.status = ReadStatus::Ok;
                return r;
            }
            if (r.text.size() >= max_bytes) return r; // runaway garbage: Timeout with partial text
            continue;
        }
        if (Clock::now() >= deadline) return r;
    }
}

Reply SerialPort::read_byte(std::chrono::milliseconds timeout) {
    Reply r;
    const auto deadline = Clock::now() + timeout;
    char c;
    for (;;) {
        const long n = read_some(&c, 1, remaining_ms(deadline));
        if (n < 0) {
            r.status = ReadStatus::Gone;
            return r;
        }
        if (n == 1) {
            r.text.assign(1, c);
            r.status = ReadStatus::Ok;
            return r;
        }
        if (Clock::now() >= deadline) return r;
    }
}

std::string SerialPort::drain() {
    std::string junk;
    char buf[256];
    // Bounded: a device spewing garbage without pause must not keep us here.
    for (int i = 0; i < 16; ++i) {
        const long n = read_some(buf, sizeof buf, 0);
        if (n <= 0) break;
        junk.append(buf, static_cast<size_t>(n));
    }
    return junk;
}

void SerialPort::pause(std::chrono::milliseconds d) { std::this_thread::sleep_for(d); }

} // namespace nutpp::serial
