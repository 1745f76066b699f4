// The test host's own surface: a descriptor linked into the test (nutpp_th_link), simulated fd
// readiness and deferred polls, request_poll() from a plugin thread, calls out of order, and the
// breach list on the deliberately broken fixtures (the same engine as `upsdrvd --check`).
#include "th_support.hpp"

#include <cstring>
#include <thread>
#include <unistd.h>

using namespace th_test;

// A plugin written inline: watches one pipe, records what each poll() was told.
struct nutpp_instance {
    const nutpp_host_api *api;
    nutpp_host_ctx *h;
    int fds[2] = {-1, -1};
    uint32_t last_wake = 0;
    nutpp_fd_ready ready{-1, 0};
    uint32_t ready_count = 0;
};

namespace {

// What the last poll() was told (this test's plugin runs one instance at a time).
struct Seen {
    uint32_t wake = 0;
    uint32_t count = 0;
    nutpp_fd_ready ready{-1, 0};
} g_seen;

nutpp_status create(const nutpp_host_api *api, nutpp_host_ctx *h, nutpp_instance **out) {
    *out = new nutpp_instance{api, h};
    return NUTPP_OK;
}
nutpp_status open_(nutpp_instance *self) {
    if (pipe(self->fds) != 0) return NUTPP_E_IO;
    self->api->set_var(self->h, "ups.status", "OL");
    return self->api->watch_fd(self->h, self->fds[0], NUTPP_FD_READ);
}
nutpp_status poll_(nutpp_instance *self, uint32_t wake) {
    self->last_wake = wake;
    self->ready_count = self->api->ready_fds(self->h, &self->ready, 1);
    g_seen = {wake, self->ready_count, self->ready};
    if (wake & NUTPP_WAKE_TIMER) self->api->request_poll_after(self->h, 60000);
    return NUTPP_OK;
}
void close_(nutpp_instance *self) {
    for (int &fd : self->fds) {
        if (fd < 0) continue;
        self->api->unwatch_fd(self->h, fd);
        ::close(fd);
        fd = -1;
    }
}
void destroy(nutpp_instance *self) { delete self; }

const nutpp_driver_ops kOps = {sizeof(nutpp_driver_ops), create, open_, poll_, nullptr, nullptr, close_, destroy,
                               nullptr};
nutpp_driver_descriptor make_descriptor() {
    nutpp_driver_descriptor d{};
    d.struct_size = sizeof d;
    d.abi_major = NUTPP_ABI_MAJOR;
    d.abi_minor = NUTPP_ABI_MINOR;
    d.id = "org.nutpp.test.linked";
    d.name = "linked";
    d.version = "1";
    d.ops = &kOps;
    return d;
}
const nutpp_driver_descriptor kLinked = make_descriptor();

} // namespace

TEST(TestHostApi, LinkedDescriptorFdReadinessAndDeferredPolls) {
    Th th(nutpp_th_link(&kLinked, "linked"));
    nutpp_th *t = th.get();
    ASSERT_EQ(nutpp_th_create(t), NUTPP_OK) << report(t);
    ASSERT_EQ(nutpp_th_open(t), NUTPP_OK) << report(t);
    ASSERT_EQ(nutpp_th_watched_count(t), 1u);
    EXPECT_EQ(str(nutpp_th_status(t)), "OL");

    // Simulated readiness: poll() is woken with NUTPP_WAKE_FD and ready_fds() names the fd.
    int watched = -1;
    for (int fd = 0; fd < 1024 && watched < 0; ++fd)
        if (nutpp_th_watched_events(t, fd) == NUTPP_FD_READ) watched = fd;
    ASSERT_GE(watched, 0);
    ASSERT_EQ(nutpp_th_poll_fd(t, watched, NUTPP_FD_READ | NUTPP_FD_HANGUP), NUTPP_OK);
    EXPECT_EQ(g_seen.wake, uint32_t{NUTPP_WAKE_FD});
    EXPECT_EQ(g_seen.count, 1u);
    EXPECT_EQ(g_seen.ready.fd, watched);
    EXPECT_EQ(g_seen.ready.events, uint32_t{NUTPP_FD_READ | NUTPP_FD_HANGUP});

    // The timer poll arms a 60 s deferred poll; the test host fires it without waiting.
    ASSERT_EQ(nutpp_th_poll(t, NUTPP_WAKE_TIMER), NUTPP_OK);
    const int64_t left = nutpp_th_deferred_ms(t);
    EXPECT_GT(left, 50000);
    EXPECT_LE(left, 60000);
    EXPECT_EQ(nutpp_th_fire_deferred(t), NUTPP_OK);
    EXPECT_EQ(g_seen.wake, uint32_t{NUTPP_WAKE_DEFERRED});
    EXPECT_EQ(g_seen.count, 0u); // no fd in a poll without NUTPP_WAKE_FD
    EXPECT_EQ(nutpp_th_deferred_ms(t), -1);
    nutpp_th_close(t);
    EXPECT_EQ(nutpp_th_watched_count(t), 0u);
    nutpp_th_destroy(t);
    EXPECT_EQ(nutpp_th_breach_count(t), 0u) << report(t);
}

TEST(TestHostApi, RealWaitSeesAWritableFdAndRequestPollFromAThread) {
    // fd_events: instant commands write into its watched pipe or call request_poll() from a thread.
    Th th(nutpp_th_load((std::string(NUTPP_TEST_PLUGIN_DIR) + "/nutpp-fd_events.so").c_str(), "ev"));
    nutpp_th *t = th.get();
    nutpp_th_config(t, "pollinterval", "60");
    TH_START(t);
    uint32_t reasons = 0;
    ASSERT_EQ(nutpp_th_run(t, 50, &reasons), NUTPP_OK);
    EXPECT_EQ(reasons, 0u); // nothing happened: nothing was called
    ASSERT_EQ(nutpp_th_instcmd(t, "test.fd.write", nullptr), NUTPP_OK) << report(t);
    ASSERT_EQ(nutpp_th_run(t, 2000, &reasons), NUTPP_OK) << report(t);
    EXPECT_TRUE(reasons & NUTPP_WAKE_FD) << reasons;
    ASSERT_EQ(nutpp_th_instcmd(t, "test.request.poll", nullptr), NUTPP_OK) << report(t);
    reasons = 0;
    for (int i = 0; i < 20 && !(reasons & NUTPP_WAKE_REQUEST); ++i) ASSERT_EQ(nutpp_th_run(t, 100, &reasons), NUTPP_OK);
    EXPECT_TRUE(reasons & NUTPP_WAKE_REQUEST) << reasons;
    nutpp_th_destroy(t);
}

TEST(TestHostApi, StepsOutOfOrderAndBadPluginsAreErrorsNotCrashes) {
    Th th(nutpp_th_link(&kLinked, nullptr));
    EXPECT_EQ(nutpp_th_poll(th.get(), NUTPP_WAKE_TIMER), NUTPP_E_STATE);
    EXPECT_NE(std::string(nutpp_th_error(th.get())).find("open"), std::string::npos);
    EXPECT_EQ(nutpp_th_open(th.get()), NUTPP_E_STATE);

    Th bad(nutpp_th_load((std::string(NUTPP_TEST_PLUGIN_DIR) + "/nutpp-wrong_major.so").c_str(), nullptr));
    EXPECT_NE(std::string(nutpp_th_error(bad.get())).find("ABI major"), std::string::npos) << nutpp_th_error(bad.get());
    EXPECT_EQ(nutpp_th_create(bad.get()), NUTPP_E_STATE);
    EXPECT_EQ(nutpp_th_get(bad.get(), "ups.status"), nullptr);
    nutpp_th_free(nullptr);
}

// Each breach fixture, stepped on the test host: the breach is listed in plain words.
TEST(TestHostApi, BreachesOfTheFixturesAreListed) {
    const std::pair<const char *, const char *> cases[] = {
        {"breach_thread", "outside a call of this instance"},
        {"breach_fd_left", "still watched after close()"},
        {"breach_var_name", "'battery.chrage' is not a NUT variable"},
        {"breach_command", "'beeper.of' is not a NUT instant command"},
        {"breach_status", "'ONLINE' is not one NUT defines"},
        {"breach_long_value", "300 bytes long"},
        {"breach_slow_poll", "more than the budget"},
    };
    for (const auto &[fixture, words] : cases) {
        Th th(nutpp_th_load((std::string(NUTPP_TEST_PLUGIN_DIR) + "/nutpp-" + fixture + ".so").c_str(), nullptr));
        nutpp_th *t = th.get();
        nutpp_th_set_budget_ms(t, 100);
        TH_START(t);
        nutpp_th_poll(t, NUTPP_WAKE_TIMER);
        nutpp_th_close(t);
        nutpp_th_destroy(t);
        bool found = false;
        for (size_t i = 0; i < nutpp_th_breach_count(t); ++i) found |= std::strstr(nutpp_th_breach(t, i), words) != nullptr;
        EXPECT_TRUE(found) << fixture << "\n" << report(t);
    }
}
