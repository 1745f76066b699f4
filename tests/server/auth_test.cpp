// The password check off the event loop (core/server/auth.hpp) and the user list's per-user checks
// (users.hpp), in process: what a check costs for known and unknown users, fairness between
// addresses, and the throttle after repeated failures.
#include "crypt_hash.hpp"
#include "server/auth.hpp"
#include "server/users.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <sstream>
#include <string>
#include <vector>

using namespace std::chrono_literals;
using nutpp::common::EventLoop;
using nutpp::server::Authenticator;
using nutpp::server::PasswordCheck;
using nutpp::server::Users;

namespace {

Users users_with(const std::string &hash) {
    std::vector<nutpp::config::User> list(2);
    list[0].name = "plain";
    list[0].password = "plainpass";
    list[1].name = "hashed";
    list[1].password_hash = hash;
    return Users(list);
}

// Runs `loop` until `done` or the deadline.
void run_until(EventLoop &loop, const std::function<bool()> &done, std::chrono::milliseconds limit) {
    loop.add_timer(limit, [&] { loop.stop(); });
    const auto id = loop.add_timer(5ms, [&] { if (done()) loop.stop(); }, 5ms);
    loop.run();
    loop.cancel_timer(id);
}

} // namespace

TEST(Users, EveryCheckCostsOneHashWhenAnyUserHasOne) {
    const std::string hash = nutpp::testing::crypt_hash("secret", "$6$");
    ASSERT_FALSE(hash.empty());
    const Users users = users_with(hash);
    const PasswordCheck known = users.check_for("hashed");
    const PasswordCheck unknown = users.check_for("nobody");
    const PasswordCheck plain = users.check_for("plain");
    // Unknown and plain users are run through the hash too: same cost, no timing oracle.
    EXPECT_TRUE(known.costly());
    EXPECT_TRUE(unknown.costly());
    EXPECT_TRUE(plain.costly());
    EXPECT_EQ(unknown.hash, hash);
    EXPECT_TRUE(known.verify("secret"));
    EXPECT_FALSE(known.verify("Secret"));
    EXPECT_FALSE(unknown.verify("secret")); // the reference hash's password opens no other door
    EXPECT_FALSE(unknown.verify(""));
    EXPECT_TRUE(plain.verify("plainpass"));
    EXPECT_FALSE(plain.verify("secret"));
}

TEST(Users, PlainOnlyListsNeedNoHash) {
    std::vector<nutpp::config::User> list(1);
    list[0].name = "a";
    list[0].password = "pw";
    const Users users(list);
    EXPECT_FALSE(users.check_for("a").costly());
    EXPECT_FALSE(users.check_for("b").costly());
    EXPECT_TRUE(users.check_for("a").verify("pw"));
    EXPECT_FALSE(users.check_for("b").verify("pw"));
    // The comparison (digests, CRYPTO_memcmp) still tells prefixes, extensions and case apart.
    EXPECT_FALSE(users.check_for("a").verify("p"));
    EXPECT_FALSE(users.check_for("a").verify("pw "));
    EXPECT_FALSE(users.check_for("a").verify("PW"));
    EXPECT_FALSE(users.check_for("a").verify(""));
}

TEST(Users, AnUnusableHashNeverMatches) {
    std::vector<nutpp::config::User> list(1);
    list[0].name = "a";
    list[0].password_hash = "not-a-crypt-string";
    const Users users(list);
    EXPECT_FALSE(users.check_for("a").verify("not-a-crypt-string"));
    EXPECT_FALSE(users.check_for("a").verify(""));
}

// One worker, ten checks queued from one address, then one from another: the second address's
// check is served on the next turn, not after the ten.
TEST(Authenticator, TakesAddressesInTurn) {
    const std::string hash = nutpp::testing::crypt_hash("secret", "$6$", 200000); // ~0.1 s each: the queue is real
    ASSERT_FALSE(hash.empty());
    const Users users = users_with(hash);
    EventLoop loop;
    Authenticator auth(loop, 1);
    std::vector<std::string> order;
    for (int i = 0; i < 10; ++i)
        EXPECT_FALSE(auth.verify("10.0.0.1", "hashed", users.check_for("hashed"), "secret",
                                 [&](bool ok) { order.push_back(ok ? "a" : "a-denied"); }));
    EXPECT_FALSE(auth.verify("10.0.0.2", "hashed", users.check_for("hashed"), "secret",
                             [&](bool ok) { order.push_back(ok ? "b" : "b-denied"); }));
    run_until(loop, [&] { return order.size() == 11; }, 30s);
    ASSERT_EQ(order.size(), 11u);
    const auto b = std::find(order.begin(), order.end(), "b") - order.begin();
    EXPECT_LE(b, 2) << "the second address waited behind the first one's queue";
    EXPECT_EQ(std::count(order.begin(), order.end(), "a"), 10);
}

// Failures from one address: the first kFreeFailures are answered at once, later ones only after a
// delay; a success from that address clears the count; another address (for another user: the
// user's own count is the next test's) is not affected.
TEST(Authenticator, ThrottlesAnAddressAfterRepeatedFailures) {
    std::vector<nutpp::config::User> list(2);
    list[0].name = "u";
    list[0].password = "right";
    list[1].name = "v";
    list[1].password = "right";
    const Users users(list); // plain: answered at once unless throttled
    EventLoop loop;
    Authenticator auth(loop, 1);
    for (unsigned i = 0; i < Authenticator::kFreeFailures; ++i) {
        const auto v = auth.verify("10.0.0.9", "u", users.check_for("u"), "wrong", [](bool) {});
        ASSERT_TRUE(v.has_value()) << "failure " << i << " was delayed";
        EXPECT_FALSE(*v);
    }
    EXPECT_EQ(auth.failures("10.0.0.9"), Authenticator::kFreeFailures);
    // Now delayed, even with the right password.
    bool done = false, verdict = false;
    const auto started = std::chrono::steady_clock::now();
    EXPECT_FALSE(auth.verify("10.0.0.9", "u", users.check_for("u"), "right", [&](bool ok) {
        done = true;
        verdict = ok;
    }));
    // Another address is answered at once.
    const auto other = auth.verify("10.0.0.10", "v", users.check_for("v"), "right", [](bool) {});
    ASSERT_TRUE(other.has_value());
    EXPECT_TRUE(*other);
    run_until(loop, [&] { return done; }, 10s);
    ASSERT_TRUE(done);
    EXPECT_TRUE(verdict);
    EXPECT_GE(std::chrono::steady_clock::now() - started, Authenticator::kFirstDelay);
    EXPECT_EQ(auth.failures("10.0.0.9"), 0u) << "a success clears the address's count";
}

// Verdicts still queued when the authenticator goes are dropped, not delivered to a dead owner.
TEST(Authenticator, DestroyedWithWorkQueued) {
    const std::string hash = nutpp::testing::crypt_hash("secret", "$6$", 100000);
    const Users users = users_with(hash);
    EventLoop loop;
    int delivered = 0;
    {
        Authenticator auth(loop, 1);
        for (int i = 0; i < 5; ++i)
            auth.verify("10.0.0.1", "hashed", users.check_for("hashed"), "secret", [&](bool) { ++delivered; });
    }
    loop.add_timer(300ms, [&] { loop.stop(); });
    loop.run();
    EXPECT_EQ(delivered, 0);
}

namespace {

Users two_plain_users() {
    std::vector<nutpp::config::User> list(2);
    list[0].name = "admin";
    list[0].password = "right";
    list[1].name = "other";
    list[1].password = "right";
    return Users(list);
}

// Sends every spdlog line to a string for the test's lifetime.
class LogCapture {
public:
    LogCapture() : previous_(spdlog::default_logger()) {
        auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(text_);
        sink->set_pattern("%v");
        spdlog::set_default_logger(std::make_shared<spdlog::logger>("capture", sink));
    }
    ~LogCapture() { spdlog::set_default_logger(previous_); }
    std::string text() const { return text_.str(); }

private:
    std::shared_ptr<spdlog::logger> previous_;
    std::ostringstream text_;
};

size_t count_of(const std::string &text, const std::string &what) {
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

} // namespace

// Guessing one user's password from many addresses (one try each): after kFreeFailures the user's
// own count delays every further try for that user, from any new address; other users are not
// delayed; a success for the user clears its count.
TEST(Authenticator, ThrottlesAUserAcrossAddresses) {
    const Users users = two_plain_users();
    EventLoop loop;
    Authenticator auth(loop, 1);
    for (unsigned i = 0; i < Authenticator::kFreeFailures; ++i) {
        const auto v = auth.verify("10.1.0." + std::to_string(i), "admin", users.check_for("admin"), "guess", [](bool) {});
        ASSERT_TRUE(v.has_value()) << "failure " << i << " was delayed";
        EXPECT_FALSE(*v);
    }
    EXPECT_EQ(auth.user_failures("admin"), Authenticator::kFreeFailures);
    EXPECT_EQ(auth.failures("10.1.0.0"), 1u);
    // A fresh address, the same user: delayed (even with the right password).
    bool done = false, verdict = false;
    const auto started = std::chrono::steady_clock::now();
    EXPECT_FALSE(auth.verify("10.1.0.99", "admin", users.check_for("admin"), "right", [&](bool ok) {
        done = true;
        verdict = ok;
    }));
    // Another user from a fresh address: at once.
    const auto other = auth.verify("10.1.0.98", "other", users.check_for("other"), "right", [](bool) {});
    ASSERT_TRUE(other.has_value());
    EXPECT_TRUE(*other);
    run_until(loop, [&] { return done; }, 10s);
    ASSERT_TRUE(done);
    EXPECT_TRUE(verdict);
    EXPECT_GE(std::chrono::steady_clock::now() - started, Authenticator::kFirstDelay);
    EXPECT_EQ(auth.user_failures("admin"), 0u) << "a success clears the user's count";
}

// The user's count must not lock out where the user really logs in from: an address that logged
// in as that user before is only held to its own count.
TEST(Authenticator, UserThrottleSparesAnAddressThatLoggedInBefore) {
    const Users users = two_plain_users();
    EventLoop loop;
    Authenticator auth(loop, 1);
    ASSERT_EQ(auth.verify("127.0.0.1", "admin", users.check_for("admin"), "right", [](bool) {}), true);
    for (unsigned i = 0; i < Authenticator::kFreeFailures; ++i)
        auth.verify("10.2.0." + std::to_string(i), "admin", users.check_for("admin"), "guess", [](bool) {});
    EXPECT_EQ(auth.user_failures("admin"), Authenticator::kFreeFailures);
    // A stranger is delayed...
    EXPECT_FALSE(auth.verify("10.2.0.200", "admin", users.check_for("admin"), "guess", [](bool) {}).has_value());
    // ...the address that logged in before is not (and its success clears the user's count).
    const auto v = auth.verify("127.0.0.1", "admin", users.check_for("admin"), "right", [](bool) {});
    ASSERT_TRUE(v.has_value()) << "the address that logged in before was delayed by the user's count";
    EXPECT_TRUE(*v);
}

// Every failure names user and address; a flood from many addresses (each one's first failure)
// logs at most kLogBurst lines a window, and the next logged line says how many were left out.
TEST(Authenticator, FailureLogNamesUserAndAddressAndIsBounded) {
    LogCapture log;
    std::vector<nutpp::config::User> list(1);
    list[0].name = "admin";
    list[0].password = "right";
    const Users users(list);
    EventLoop loop;
    Authenticator auth(loop, 1);
    ASSERT_EQ(auth.verify("10.3.0.1", "admin", users.check_for("admin"), "guess", [](bool) {}), false);
    EXPECT_NE(log.text().find("Authentication failed for user admin from 10.3.0.1"), std::string::npos) << log.text();
    // Many users from many addresses, none of them delayed long enough to matter here: count lines.
    for (int i = 0; i < 300; ++i) {
        const std::string user = "user" + std::to_string(i);
        auth.verify("10.4." + std::to_string(i / 250) + "." + std::to_string(i % 250), user, users.check_for(user), "x",
                    [](bool) {});
    }
    EXPECT_EQ(count_of(log.text(), "Authentication failed"), Authenticator::kLogBurst) << log.text();
}

// The bound itself: `burst` lines a window, the rest counted and reported with the next line.
TEST(LogLimiter, AllowsABurstAWindowAndCountsTheRest) {
    nutpp::server::LogLimiter limit(3, std::chrono::seconds(60));
    const auto t0 = nutpp::server::LogLimiter::Clock::now();
    uint64_t left_out = 99;
    for (int i = 0; i < 3; ++i) {
        EXPECT_TRUE(limit.allow(t0 + std::chrono::seconds(i), left_out)) << i;
        EXPECT_EQ(left_out, 0u);
    }
    for (int i = 0; i < 7; ++i) EXPECT_FALSE(limit.allow(t0 + std::chrono::seconds(10 + i), left_out)) << i;
    EXPECT_TRUE(limit.allow(t0 + std::chrono::seconds(61), left_out));
    EXPECT_EQ(left_out, 7u);
    EXPECT_TRUE(limit.allow(t0 + std::chrono::seconds(62), left_out));
    EXPECT_EQ(left_out, 0u);
}
