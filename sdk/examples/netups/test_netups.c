/*
 * test_netups.c: the netups example on the SDK's test host against its simulated device
 * (netups_sim.c): first answer at open, a reply read through the watched socket, an instant
 * command, stale data when the device goes silent (simulated time: the reply deadline is fired
 * without waiting for it), recovery, and a lost connection that the host reopens.
 * usage: test_netups <path to nutpp-netups.so>
 */
#include "netups_sim.h"

#include <nutpp/testhost.h>

#include <stdio.h>
#include <string.h>

static int failures;
#define CHECK(cond)                                                                               \
    do {                                                                                          \
        if (!(cond)) {                                                                            \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);              \
            failures++;                                                                           \
        }                                                                                         \
    } while (0)
#define CHECK_STR(actual, expected) CHECK((actual) != NULL && strcmp((actual), (expected)) == 0)

static int is_var(nutpp_th *th, const char *name, const char *value) {
    const char *v = nutpp_th_get(th, name);
    return v != NULL && strcmp(v, value) == 0;
}

/* One poll interval as upsdrvd runs it: the timer poll sends the request, then the answer arrives
 * on the watched socket (nutpp_th_run waits for it, for real, up to 2 s). */
static nutpp_status interval(nutpp_th *th) {
    uint32_t reasons = 0;
    nutpp_status st = nutpp_th_poll(th, NUTPP_WAKE_TIMER);
    if (st != NUTPP_OK || !nutpp_th_is_open(th)) return st;
    return nutpp_th_run(th, 2000, &reasons);
}

int main(int argc, char **argv) {
    char port[32];
    size_t i;
    netups_sim *dev = netups_sim_start();
    nutpp_th *th;
    if (argc != 2 || !dev) {
        fprintf(stderr, "usage: %s PLUGIN.so (and a free loopback port)\n", argv[0]);
        return 2;
    }
    snprintf(port, sizeof port, "127.0.0.1:%d", netups_sim_port(dev));
    th = nutpp_th_load(argv[1], "netups");
    nutpp_th_config(th, "port", port);
    nutpp_th_config(th, "reply_timeout", "0.5");
    nutpp_th_config(th, "maxretry", "3"); /* a timeout leaves the device open (stale) until the 3rd */

    CHECK(nutpp_th_create(th) == NUTPP_OK);
    CHECK(nutpp_th_open(th) == NUTPP_OK);
    /* open() did the first exchange: the data is there at once. */
    CHECK_STR(nutpp_th_status(th), "OL");
    CHECK_STR(nutpp_th_get(th, "battery.charge"), "100");
    CHECK(nutpp_th_watched_events(th, 0) == 0 && nutpp_th_watched_count(th) == 1);
    CHECK(nutpp_th_poll(th, NUTPP_WAKE_FIRST) == NUTPP_OK);

    /* A timer poll sends, the answer comes through the watched fd. */
    netups_sim_set(dev, "OB,DISCHRG", 80);
    CHECK(interval(th) == NUTPP_OK);
    CHECK(nutpp_th_has_status(th, "OB") && nutpp_th_has_status(th, "DISCHRG"));
    CHECK_STR(nutpp_th_get(th, "battery.charge"), "80");
    CHECK(nutpp_th_data_ok(th));

    /* The instant command is sent; its OK and the result arrive later, through poll(). */
    CHECK(nutpp_th_instcmd(th, "test.battery.start.quick", NULL) == NUTPP_OK);
    CHECK(interval(th) == NUTPP_OK);
    CHECK(netups_sim_tests_run(dev) == 1);
    /* The OK and the next status may come in separate reads on a busy machine: wait (bounded). */
    for (i = 0; i < 10 && !is_var(th, "ups.test.result", "Done and passed"); i++) nutpp_th_run(th, 500, NULL);
    CHECK_STR(nutpp_th_get(th, "ups.test.result"), "Done and passed");

    /* Silent device: the reply deadline (request_poll_after) passes. Fired by the test host at once,
     * as if the time had passed: stale, with the reason; the device stays open (maxretry 3). */
    netups_sim_silent(dev, 1);
    CHECK(nutpp_th_poll(th, NUTPP_WAKE_TIMER) == NUTPP_OK);
    CHECK(nutpp_th_deferred_ms(th) >= 0);
    CHECK(nutpp_th_fire_deferred(th) == NUTPP_E_TIMEOUT);
    CHECK(!nutpp_th_data_ok(th));
    CHECK(nutpp_th_data_stale_reports(th) == 1);
    CHECK(strstr(nutpp_th_stale_reason(th), "no answer within 500 ms") != NULL);
    CHECK(nutpp_th_is_open(th));

    /* It answers again: fresh data, without a reconnect. */
    netups_sim_silent(dev, 0);
    netups_sim_set(dev, "OL,CHRG", 85);
    CHECK(nutpp_th_poll(th, NUTPP_WAKE_TIMER) == NUTPP_E_TIMEOUT); /* nothing new has arrived yet */
    {
        /* On a busy machine the answer to a request sent before the silence can still be in the
         * socket, and it comes first with the old status: wait (bounded) for the new one. */
        uint32_t reasons = 0, seen = 0;
        for (i = 0; i < 10 && !nutpp_th_has_status(th, "CHRG"); i++) {
            CHECK(nutpp_th_run(th, 2000, &reasons) == NUTPP_OK);
            seen |= reasons;
        }
        CHECK(seen & NUTPP_WAKE_FD);
    }
    CHECK(nutpp_th_data_ok(th));
    CHECK(nutpp_th_has_status(th, "CHRG"));

    /* Unplugged: the socket reports the loss, the plugin says why, the host closes the device. */
    netups_sim_unplug(dev);
    {
        /* The reset, then maxretry failed polls; how many reads that takes depends on the timing. */
        int saw_no_device = 0;
        for (i = 0; i < 20 && nutpp_th_is_open(th); i++)
            if (nutpp_th_run(th, 500, NULL) == NUTPP_E_NO_DEVICE) saw_no_device = 1;
        CHECK(saw_no_device);
    }
    CHECK(!nutpp_th_data_ok(th));
    CHECK(strstr(nutpp_th_stale_reason(th), "connection") != NULL);
    /* upsdrvd's reopen after its backoff, stepped by hand: refused while unplugged, fine after. */
    for (i = 0; i < 3 && nutpp_th_is_open(th); i++) nutpp_th_poll(th, NUTPP_WAKE_TIMER);
    CHECK(!nutpp_th_is_open(th));
    CHECK(nutpp_th_watched_count(th) == 0);
    CHECK(nutpp_th_open(th) == NUTPP_E_NO_DEVICE);
    netups_sim_plug(dev);
    CHECK(nutpp_th_open(th) == NUTPP_OK);
    CHECK(nutpp_th_poll(th, NUTPP_WAKE_FIRST) == NUTPP_OK);
    CHECK(nutpp_th_data_ok(th));
    CHECK_STR(nutpp_th_get(th, "battery.charge"), "85");

    nutpp_th_destroy(th);
    for (i = 0; i < nutpp_th_breach_count(th); i++) fprintf(stderr, "breach: %s\n", nutpp_th_breach(th, i));
    CHECK(nutpp_th_breach_count(th) == 0);
    if (failures) {
        fprintf(stderr, "%s", nutpp_th_dump(th));
        for (i = 0; i < nutpp_th_log_count(th); i++) fprintf(stderr, "log: %s\n", nutpp_th_log_line(th, i, NULL, NULL));
    }
    nutpp_th_free(th);
    netups_sim_stop(dev);
    printf("%s\n", failures ? "FAIL" : "PASS");
    return failures ? 1 : 0;
}
