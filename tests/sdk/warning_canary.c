/* Proves the header checks can fail: this compiles, but with a warning (unused variable) that the
 * checks' flags turn into an error. Its test is registered WILL_FAIL. */
#include <nutpp/driver.h>

int nutpp_canary(void);
int nutpp_canary(void) {
    int unused = NUTPP_ABI_MAJOR;
    return 0;
}
