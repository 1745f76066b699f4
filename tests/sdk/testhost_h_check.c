/* <nutpp/testhost.h> compiles on its own, warning-free, as C and as C++ (the installed surface of
 * the test host is plain C). */
#include <nutpp/testhost.h>

int nutpp_testhost_h_check(void);
int nutpp_testhost_h_check(void) { return (int)sizeof(nutpp_th *) + (int)NUTPP_WAKE_FD; }
