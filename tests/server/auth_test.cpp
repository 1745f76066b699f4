// The password check off the event loop (core/server/auth.hpp) and the user list's per-user checks
// (users.hpp), in process: what a check costs for known and unknown users, fairness between
// addresses, and the throttle after repeated failures.
#include "crypt_hash.hpp"
#include "server/auth.hpp"
#include "server/users.hpp"

#include <gtest/gtest.h>

#include <chrono>
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
// delay; a success from that address clears the count; another address is not affected.
TEST(Authenticator, ThrottlesAnAddressAfterRepeatedFailures) {
    std::vector<nutpp::config::User> list(1);
    list[0].name = "u";
    list[0].password = "right";
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
    const auto other = auth.verify("10.0.0.10", "u", users.check_for("u"), "right", [](bool) {});
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
