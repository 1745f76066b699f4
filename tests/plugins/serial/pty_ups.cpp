#include "pty_ups.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <termios.h>
#include <unistd.h>

#include <stdexcept>

namespace nutpp::serial::testing {

PtyUps::PtyUps(std::filesystem::path port_link) : port_(port_link.string()) { open_pty(); }

PtyUps::~PtyUps() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    close_pty();
}

void PtyUps::start() { thread_ = std::thread([this] { run(); }); }

void PtyUps::open_pty() {
    char name[256] = {};
    if (::openpty(&master_, &slave_, name, nullptr, nullptr) != 0) throw std::runtime_error("openpty failed");
    termios tio{};
    ::tcgetattr(slave_, &tio);
    ::cfmakeraw(&tio); // until the driver configures the line, no echo or CR translation either
    ::tcsetattr(slave_, TCSANOW, &tio);
    ::fcntl(master_, F_SETFL, ::fcntl(master_, F_GETFL) | O_NONBLOCK);
    // Not inherited by the upsdrvd the test forks: a copy of the master there would keep the pty
    // alive and "unplugging" would never hang the line up.
    ::fcntl(master_, F_SETFD, FD_CLOEXEC);
    ::fcntl(slave_, F_SETFD, FD_CLOEXEC);
    std::error_code ec;
    std::filesystem::remove(port_, ec);
    std::filesystem::create_symlink(name, port_);
}

void PtyUps::close_pty() {
    std::error_code ec;
    std::filesystem::remove(port_, ec);
    if (master_ >= 0) ::close(master_);
    if (slave_ >= 0) ::close(slave_);
    master_ = slave_ = -1;
}

void PtyUps::request(int op) {
    std::unique_lock lk(io_mu_);
    pending_op_ = op;
    io_cv_.wait_for(lk, std::chrono::seconds(5), [&] { return pending_op_ == 0; });
}

void PtyUps::disconnect() { request(1); }
void PtyUps::reconnect() { request(2); }

std::string PtyUps::received() const {
    std::lock_guard lk(io_mu_);
    return received_;
}

void PtyUps::clear_received() {
    std::lock_guard lk(io_mu_);
    received_.clear();
}

bool PtyUps::wait_received(const std::string &text, std::chrono::milliseconds timeout) const {
    std::unique_lock lk(io_mu_);
    return io_cv_.wait_for(lk, timeout, [&] { return received_.find(text) != std::string::npos; });
}

void PtyUps::reply(std::string_view bytes) {
    if (master_ < 0 || misbehaviour_ == Misbehaviour::Silent) return;
    size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(master_, bytes.data() + done, bytes.size() - done);
        if (n <= 0) return;
        done += static_cast<size_t>(n);
    }
}

void PtyUps::run() {
    char buf[256];
    while (!stop_) {
        {
            std::lock_guard lk(io_mu_);
            if (pending_op_ == 1) close_pty();
            if (pending_op_ == 2 && master_ < 0) open_pty();
            if (pending_op_) {
                pending_op_ = 0;
                io_cv_.notify_all();
            }
        }
        if (master_ < 0) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
            continue;
        }
        pollfd p{master_, POLLIN, 0};
        if (::poll(&p, 1, 10) <= 0 || !(p.revents & POLLIN)) continue;
        const ssize_t n = ::read(master_, buf, sizeof buf);
        if (n <= 0) continue;
        const std::string_view chunk(buf, static_cast<size_t>(n));
        {
            std::lock_guard lk(io_mu_);
            received_.append(chunk);
            io_cv_.notify_all();
        }
        on_bytes(chunk);
    }
}

} // namespace nutpp::serial::testing
