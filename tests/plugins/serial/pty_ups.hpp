// A simulated serial UPS on a real pseudo-terminal pair. The driver opens `port()` (a symlink to the
// pty's slave side, so a "re-enumerated" device comes back under the same name); the simulator
// answers on the master side from its own thread. Subclasses implement the protocol.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace nutpp::serial::testing {

enum class Misbehaviour {
    None,
    Silent,    // reads everything, answers nothing
    Garbage,   // answers line noise instead of replies
    Truncated, // answers cut-off replies
};

class PtyUps {
public:
    explicit PtyUps(std::filesystem::path port_link);
    virtual ~PtyUps();
    PtyUps(const PtyUps &) = delete;
    PtyUps &operator=(const PtyUps &) = delete;

    const std::string &port() const { return port_; }
    void misbehave(Misbehaviour m) { misbehaviour_ = m; }
    // Unplugs the device: the pty is hung up and the port name disappears.
    void disconnect();
    // Plugs it back in: a fresh pty under the same port name.
    void reconnect();
    // Everything the driver sent, as received (for asserting the wire form of commands).
    std::string received() const;
    void clear_received();
    // Waits until `text` has been received (true) or the timeout passed.
    bool wait_received(const std::string &text, std::chrono::milliseconds timeout = std::chrono::seconds(5)) const;

protected:
    // Called on the simulator thread with each chunk the driver wrote. Answer with reply().
    virtual void on_bytes(std::string_view bytes) = 0;
    void reply(std::string_view bytes);
    Misbehaviour misbehaviour() const { return misbehaviour_; }
    // Protects subclass state touched by both the test thread and the simulator thread.
    mutable std::mutex state_mu_;

    void start(); // subclasses call this at the end of their constructor

private:
    void open_pty();
    void close_pty();
    void run();
    void request(int op); // 1 disconnect, 2 reconnect; performed by the simulator thread

    std::string port_;
    int master_ = -1;
    int slave_ = -1; // kept open by us so the master never sees EIO before the driver opens
    std::atomic<Misbehaviour> misbehaviour_{Misbehaviour::None};
    std::atomic<bool> stop_{false};
    std::thread thread_;

    mutable std::mutex io_mu_;
    mutable std::condition_variable io_cv_;
    int pending_op_ = 0;
    std::string received_;
};

} // namespace nutpp::serial::testing
