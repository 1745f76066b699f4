// The driver socket served for real: a Server on a Unix socket in a temp dir, an event loop thread,
// and clients speaking the protocol over the socket.
#include "driver_socket/dump_client.hpp"
#include "driver_socket/server.hpp"

#include <gtest/gtest.h>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <future>
#include <mutex>
#include <thread>

using namespace nutpp;
using namespace std::chrono_literals;

namespace {

class SocketServerTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() / ("nutpp-sock-" + std::to_string(getpid()) + "-" +
                                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::create_directories(dir_);
        path_ = (dir_ / "sim-demo").string();
        store_ = std::make_unique<store::VarStore>([this] { loop_.post([this] { server_->broadcast_pending(); }); });
        store_->set("ups.status", "OL");
        store_->declare({"ups.id", store::FLAG_RW | store::FLAG_STRING, 16, {}, {}});
        store_->set("ups.id", "demo");
        store_->add_cmd("load.off");
        store_->set_data_ok(true);
        std::promise<void> ready;
        auto ready_f = ready.get_future();
        loop_thread_ = std::thread([this, &ready] {
            server_ = std::make_unique<driver_socket::Server>(loop_, path_, *store_, [this](const driver_socket::Request &r) {
                std::lock_guard lk(mu_);
                requests_.push_back(r);
            });
            ready.set_value();
            loop_.run();
            server_.reset();
        });
        ready_f.wait();
    }
    void TearDown() override {
        loop_.stop();
        loop_thread_.join();
        std::filesystem::remove_all(dir_);
    }

    int connect_client() {
        sockaddr_un a{};
        a.sun_family = AF_UNIX;
        std::strcpy(a.sun_path, path_.c_str());
        int fd = socket(AF_UNIX, SOCK_STREAM, 0);
        EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr *>(&a), sizeof a), 0);
        return fd;
    }
    static void send_raw(int fd, const std::string &s) { ASSERT_EQ(write(fd, s.data(), s.size()), (ssize_t)s.size()); }
    // Reads until `marker` appears in the accumulated text (or 3 s pass).
    static std::string read_until(int fd, const std::string &marker) {
        std::string got;
        const auto deadline = std::chrono::steady_clock::now() + 3s;
        while (got.find(marker) == std::string::npos && std::chrono::steady_clock::now() < deadline) {
            pollfd p{fd, POLLIN, 0};
            if (poll(&p, 1, 100) <= 0) continue;
            char buf[4096];
            ssize_t n = read(fd, buf, sizeof buf);
            if (n <= 0) break;
            got.append(buf, n);
        }
        return got;
    }

    std::filesystem::path dir_;
    std::string path_;
    common::EventLoop loop_;
    std::unique_ptr<store::VarStore> store_;
    std::unique_ptr<driver_socket::Server> server_;
    std::thread loop_thread_;
    std::mutex mu_;
    std::vector<driver_socket::Request> requests_;
};

} // namespace

TEST_F(SocketServerTest, DumpAllGivesStateThenDumpDone) {
    auto st = driver_socket::dump(path_);
    EXPECT_TRUE(st.data_ok);
    EXPECT_EQ(st.vars.at("ups.status"), "OL");
    EXPECT_EQ(st.vars.at("ups.id"), "demo");
    EXPECT_EQ(st.aux.at("ups.id"), 16);
    EXPECT_EQ(st.flags.at("ups.id"), (std::vector<std::string>{"RW", "STRING"}));
    EXPECT_EQ(st.commands, (std::vector<std::string>{"load.off"}));
    EXPECT_EQ(st.raw.back(), "DUMPDONE");
    EXPECT_EQ(st.raw[st.raw.size() - 2], "DATAOK");
}

TEST_F(SocketServerTest, SocketFileHasMode0660) {
    auto perms = std::filesystem::status(path_).permissions();
    using P = std::filesystem::perms;
    EXPECT_EQ(perms & P::all, P::owner_read | P::owner_write | P::group_read | P::group_write);
}

TEST_F(SocketServerTest, ChangesAreBroadcastAfterTheDump) {
    int fd = connect_client();
    send_raw(fd, "DUMPALL\n");
    read_until(fd, "DUMPDONE\n");
    store_->set("ups.status", "OB DISCHRG");
    store_->set_data_ok(false);
    auto got = read_until(fd, "DATASTALE\n");
    EXPECT_NE(got.find("SETINFO ups.status \"OB DISCHRG\"\n"), std::string::npos) << got;
    EXPECT_NE(got.find("DATASTALE\n"), std::string::npos);
    close(fd);
}

TEST_F(SocketServerTest, PingAndPipelinedRequestsAndCrLf) {
    int fd = connect_client();
    send_raw(fd, "PING\r\nping\nPING");
    auto got = read_until(fd, "PONG\nPONG\n");
    EXPECT_EQ(got, "PONG\nPONG\n");
    send_raw(fd, "\n");
    EXPECT_EQ(read_until(fd, "PONG\n"), "PONG\n");
    close(fd);
}

TEST_F(SocketServerTest, CommandsReachTheHandler) {
    int fd = connect_client();
    send_raw(fd, "INSTCMD load.off TRACKING 1234\nSET ups.id \"new value\"\nSET broken\nBOGUS words here\nPING\n");
    read_until(fd, "PONG\n");
    std::lock_guard lk(mu_);
    ASSERT_EQ(requests_.size(), 2u);
    EXPECT_EQ(requests_[0].kind, driver_socket::Request::Kind::InstCmd);
    EXPECT_EQ(*requests_[0].tracking, "1234");
    EXPECT_EQ(requests_[1].kind, driver_socket::Request::Kind::Set);
    EXPECT_EQ(*requests_[1].value, "new value");
    close(fd);
}

TEST_F(SocketServerTest, GarbageAndOverlongLinesDoNotHurtOtherClients) {
    int bad = connect_client();
    std::string garbage;
    for (int i = 0; i < 20000; ++i) garbage.push_back(static_cast<char>((i * 7919) % 256));
    send_raw(bad, garbage);
    send_raw(bad, std::string(100000, 'A') + "\n");
    send_raw(bad, "\"unterminated # quote\n");
    int good = connect_client();
    send_raw(good, "PING\n");
    EXPECT_EQ(read_until(good, "PONG\n"), "PONG\n");
    close(bad); // vanishes mid-stream
    auto st = driver_socket::dump(path_);
    EXPECT_EQ(st.vars.at("ups.status"), "OL");
    close(good);
}

TEST_F(SocketServerTest, ClientThatVanishesMidReplyIsDropped) {
    for (int i = 0; i < 200; ++i) store_->set("var." + std::to_string(i), std::string(200, 'v'));
    for (int i = 0; i < 20; ++i) {
        int fd = connect_client();
        send_raw(fd, "DUMPALL\n");
        close(fd);
    }
    auto st = driver_socket::dump(path_);
    EXPECT_EQ(st.vars.size(), 202u);
}
