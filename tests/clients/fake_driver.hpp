// A minimal NUT driver for a real upsd: serves the driver socket protocol (DUMPALL, PING, SET/INSTCMD
// with TRACKING) on a Unix socket, with a fixed set of variables that dummy-ups cannot publish --
// ENUM and RANGE variables -- so upsrw's listing formats and tracked SUCCESS results can be compared
// against the real server. Every connection (upsd reconnects) gets its own thread; the destructor
// closes them all and joins. Tests of upsd's reconnect path can also hold the DUMPALL answer back
// (a driver still initialising) and drop the connections (a driver restart).
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace nutpp::testing {

class FakeDriver {
public:
    explicit FakeDriver(std::string socket_path);
    ~FakeDriver();
    FakeDriver(const FakeDriver &) = delete;
    FakeDriver &operator=(const FakeDriver &) = delete;

    // The DUMPALL answer (ends with DATAOK and DUMPDONE).
    static const char *dump();

    // While held, DUMPALL is answered only once release_dumps() is called.
    void hold_dumps();
    void release_dumps();
    // Closes every connection (upsd sees the driver go away and reconnects).
    void drop_connections();

private:
    void accept_loop();
    void serve(int fd);

    std::string path_;
    int listen_fd_ = -1;
    std::atomic<bool> stop_{false};
    std::thread acceptor_;
    std::mutex mu_;
    std::condition_variable released_;
    bool hold_ = false;
    std::vector<int> conns_;
    std::vector<std::thread> workers_;
};

} // namespace nutpp::testing
