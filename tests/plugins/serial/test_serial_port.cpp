// SerialPort on a real pty: bounded reads, garbage flushing, and noticing that the device vanished.
#include "pty_ups.hpp"
#include "serial_port.hpp"

#include <nutpp/driver.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include <termios.h>

using namespace nutpp::serial;
using namespace std::chrono_literals;

namespace {

// Answers "PONG\r\n" to 'p', "ab" (no terminator) to 'h', and noise to 'g'.
class EchoDevice final : public nutpp::serial::testing::PtyUps {
public:
    explicit EchoDevice(std::filesystem::path p) : PtyUps(std::move(p)) { start(); }
    void on_bytes(std::string_view b) override {
        for (char c : b) {
            if (c == 'p') reply("PONG\r\n");
            if (c == 'h') reply("ab");
            if (c == 'g') reply(std::string(2000, 'x'));
        }
    }
};

struct PortTest : ::testing::Test {
    std::filesystem::path dir;
    void SetUp() override {
        char tmpl[] = "/tmp/nutpp-serial-port-XXXXXX";
        dir = mkdtemp(tmpl);
    }
    void TearDown() override { std::filesystem::remove_all(dir); }
};

} // namespace

TEST_F(PortTest, ReadsAReplyUpToItsTerminator) {
    EchoDevice dev(dir / "tty");
    SerialPort port;
    port.open(dev.port(), {});
    port.send("p");
    const Reply r = port.read_until("\r\n", 1s);
    EXPECT_EQ(r.status, ReadStatus::Ok);
    EXPECT_EQ(r.text, "PONG");
}

TEST_F(PortTest, SilenceAndMissingTerminatorTimeOutOnTime) {
    EchoDevice dev(dir / "tty");
    SerialPort port;
    port.open(dev.port(), {});
    auto t0 = std::chrono::steady_clock::now();
    Reply r = port.read_until("\r\n", 300ms);
    auto took = std::chrono::steady_clock::now() - t0;
    EXPECT_EQ(r.status, ReadStatus::Timeout);
    EXPECT_GE(took, 290ms);
    EXPECT_LT(took, 3s); // the timeout is honoured, not a speed figure: generous for a loaded CI host
    port.send("h");
    r = port.read_until("\r\n", 300ms);
    EXPECT_EQ(r.status, ReadStatus::Timeout);
    EXPECT_EQ(r.text, "ab"); // partial reply kept for the error text
}

TEST_F(PortTest, RunawayGarbageIsCappedAndDrained) {
    EchoDevice dev(dir / "tty");
    SerialPort port;
    port.open(dev.port(), {});
    port.send("g");
    const Reply r = port.read_until("\r\n", 1s, 100);
    EXPECT_EQ(r.status, ReadStatus::Timeout);
    EXPECT_EQ(r.text.size(), 100u);
    std::this_thread::sleep_for(100ms);
    EXPECT_GT(port.drain().size(), 0u);
    port.send("p");
    EXPECT_EQ(port.read_until("\r\n", 1s).text, "PONG");
}

TEST_F(PortTest, HangupIsReportedAsGoneAndReopenWorks) {
    EchoDevice dev(dir / "tty");
    SerialPort port;
    port.open(dev.port(), {});
    dev.disconnect();
    const Reply r = port.read_until("\r\n", 1s);
    EXPECT_EQ(r.status, ReadStatus::Gone);
    EXPECT_THROW(
        {
            SerialPort other;
            other.open(dev.port(), {});
        },
        nutpp::Error);
    dev.reconnect();
    port.open(dev.port(), {});
    port.send("p");
    EXPECT_EQ(port.read_until("\r\n", 1s).text, "PONG");
}

TEST_F(PortTest, SecondOpenOfALockedPortIsRefused) {
    EchoDevice dev(dir / "tty");
    SerialPort a, b;
    a.open(dev.port(), {});
    try {
        b.open(dev.port(), {});
        FAIL() << "second open succeeded";
    } catch (const nutpp::Error &e) {
        EXPECT_EQ(e.status(), NUTPP_E_PERMISSION);
    }
}

TEST(SerialPortConfig, UnsupportedBaudRateIsAConfigError) {
    SerialPort p;
    LineSettings s;
    s.baud = 1234;
    try {
        p.open("/dev/null", s);
        FAIL();
    } catch (const nutpp::Error &e) {
        EXPECT_EQ(e.status(), NUTPP_E_CONFIG);
    }
    EXPECT_EQ(baud_constant(9600), static_cast<unsigned>(B9600));
}

TEST_F(PortTest, HangupAfterTrafficFailsTheNextExchange) {
    EchoDevice dev(dir / "tty");
    SerialPort port;
    port.open(dev.port(), {});
    port.send("p");
    ASSERT_EQ(port.read_until("\r\n", 1s).text, "PONG");
    dev.disconnect();
    port.drain();
    bool threw = false;
    try {
        port.send("p");
    } catch (const nutpp::Error &e) {
        threw = true;
        EXPECT_EQ(e.status(), NUTPP_E_NO_DEVICE);
    }
    if (!threw) {
        EXPECT_EQ(port.read_until("\r\n", 500ms).status, ReadStatus::Gone);
    }
}
