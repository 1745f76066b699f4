/*
 * test_minimal.c: unit test of the minimal plugin with the SDK's test host (<nutpp/testhost.h>),
 * in plain C with no test framework: each CHECK prints what failed and the test exits non-zero.
 * usage: test_minimal <path to nutpp-minimal.so>   (CMake passes it; see CMakeLists.txt)
 */
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

int main(int argc, char **argv) {
    size_t i;
    nutpp_th *th;
    if (argc != 2) {
        fprintf(stderr, "usage: %s PLUGIN.so\n", argv[0]);
        return 2;
    }
    th = nutpp_th_load(argv[1], "myups");

    /* A config the host refuses never reaches create(). */
    nutpp_th_config(th, "voltage", "lots");
    CHECK(nutpp_th_create(th) == NUTPP_E_CONFIG);
    CHECK(strstr(nutpp_th_error(th), "voltage") != NULL);
    nutpp_th_free(th);

    th = nutpp_th_load(argv[1], "myups");
    nutpp_th_config(th, "voltage", "120");
    CHECK(nutpp_th_create(th) == NUTPP_OK);
    CHECK(nutpp_th_open(th) == NUTPP_OK);
    CHECK(nutpp_th_poll(th, NUTPP_WAKE_FIRST) == NUTPP_OK);

    /* What it published, with the host's own additions (driver.*, device.* mirrors). */
    CHECK_STR(nutpp_th_get(th, "input.voltage"), "120.0");
    CHECK_STR(nutpp_th_get(th, "battery.charge"), "100");
    CHECK_STR(nutpp_th_status(th), "OL");
    CHECK_STR(nutpp_th_get(th, "driver.parameter.voltage"), "120");
    CHECK(nutpp_th_declared_type(th, "ups.delay.shutdown") == NUTPP_TYPE_INTEGER);
    CHECK(nutpp_th_is_writable(th, "ups.delay.shutdown"));
    CHECK(nutpp_th_has_command(th, "test.battery.start.quick"));
    CHECK(nutpp_th_data_ok(th));

    /* SET and INSTCMD go through the host's checks first, as from upsrw / upscmd. */
    CHECK(nutpp_th_setvar(th, "ups.delay.shutdown", "60") == NUTPP_OK);
    CHECK_STR(nutpp_th_get(th, "ups.delay.shutdown"), "60");
    CHECK(nutpp_th_setvar(th, "ups.delay.shutdown", "9999") == NUTPP_E_INVALID_ARG); /* out of range */
    CHECK(nutpp_th_instcmd(th, "test.battery.start.quick", NULL) == NUTPP_OK);
    CHECK_STR(nutpp_th_get(th, "ups.test.result"), "Done and passed");
    CHECK(nutpp_th_instcmd(th, "load.off", NULL) == NUTPP_E_UNSUPPORTED); /* never declared */

    nutpp_th_close(th);
    CHECK(!nutpp_th_is_open(th));
    nutpp_th_destroy(th);

    /* The contract: nothing the plugin did breaks a rule of <nutpp/driver.h>. */
    for (i = 0; i < nutpp_th_breach_count(th); i++) fprintf(stderr, "breach: %s\n", nutpp_th_breach(th, i));
    CHECK(nutpp_th_breach_count(th) == 0);
    if (failures) {
        fprintf(stderr, "%s", nutpp_th_dump(th));
        for (i = 0; i < nutpp_th_log_count(th); i++) fprintf(stderr, "log: %s\n", nutpp_th_log_line(th, i, NULL, NULL));
    }
    nutpp_th_free(th);
    printf("%s\n", failures ? "FAIL" : "PASS");
    return failures ? 1 : 0;
}
