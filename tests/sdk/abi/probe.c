/* The ABI probe: one exported function whose parameters reach every type of <nutpp/driver.h>, so
 * `abidw` records all of them (structs field by field, enums value by value) from this object's
 * debug info. Compiled as C99 on purpose: the header's static size asserts (C11) would stop a
 * patched header before the layout comparison could say what is wrong with it. */
#include <nutpp/driver.h>

NUTPP_EXPORT void nutpp_abi_probe(const nutpp_driver_descriptor *d, const nutpp_library_host *l,
                                  const nutpp_var_decl *v, const nutpp_cmd_decl *c, const nutpp_fd_ready *f,
                                  nutpp_status s, nutpp_type t, nutpp_log_level lv);
NUTPP_EXPORT void nutpp_abi_probe(const nutpp_driver_descriptor *d, const nutpp_library_host *l,
                                  const nutpp_var_decl *v, const nutpp_cmd_decl *c, const nutpp_fd_ready *f,
                                  nutpp_status s, nutpp_type t, nutpp_log_level lv) {
    (void)d, (void)l, (void)v, (void)c, (void)f, (void)s, (void)t, (void)lv;
}
