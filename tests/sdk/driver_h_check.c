/* driver.h must compile on its own (first include, nothing before it) as strict C99 and as C++20,
 * warning-free under -Wall -Wextra -pedantic -Werror, and survive a second include. The function
 * below expands the header's macros, which a bare include would not check. */
#include <nutpp/driver.h>
#include <nutpp/driver.h>

int nutpp_header_check(const nutpp_host_api *api, const nutpp_driver_descriptor *d);

int nutpp_header_check(const nutpp_host_api *api, const nutpp_driver_descriptor *d) {
    int score = 0;
    if (NUTPP_HOST_HAS(api, get_extension)) score += 1;
    if (NUTPP_HAS_FIELD(d, nutpp_driver_descriptor, ops)) score += 2;
    if (NUTPP_DESCRIPTOR_V1_0_SIZE <= sizeof(nutpp_driver_descriptor)) score += 4;
    if (NUTPP_OPS_V1_0_SIZE <= sizeof(nutpp_driver_ops)) score += 8;
    if (NUTPP_CONFIG_KEY_V1_0_SIZE <= sizeof(nutpp_config_key)) score += 16;
    return score + NUTPP_ABI_MAJOR + NUTPP_ABI_MINOR + (int)sizeof(NUTPP_DRIVER_SYMBOL);
}
