/* The v1.0 ABI layouts, field by field, as literal offsets (C11). Compiled against the current header
 * AND against the verbatim 1.0 header (tests/sdk/abi_1_0): both must give the same numbers, which
 * proves that 1.2's int32_t fields (were enum types) and appended fields moved nothing. Also compiled
 * for ILP32 (clang -m32 / armhf, freestanding) when clang is available. Only v1.0 names are used
 * here, so this file compiles against every 1.x header. */
#include <nutpp/driver.h>

#include <stddef.h>
#include <stdint.h>

#if UINTPTR_MAX == 0xffffffffffffffffu
#define AT(lp64, ilp32) (lp64)
#else
#define AT(lp64, ilp32) (ilp32)
#endif
#define OFF(type, field, lp64, ilp32)                                                             \
    _Static_assert(offsetof(type, field) == AT(lp64, ilp32), #type "." #field " moved")
#define SIZE(type, lp64, ilp32) _Static_assert(sizeof(type) >= AT(lp64, ilp32), #type " shrank")

/* An enum-typed field and the int32_t that replaced it have the same size and alignment. */
_Static_assert(sizeof(nutpp_type) == sizeof(int32_t) && _Alignof(nutpp_type) == _Alignof(int32_t),
               "nutpp_type is not int32_t-sized");

OFF(nutpp_config_key, name, 0, 0);
OFF(nutpp_config_key, type, 8, 4);
OFF(nutpp_config_key, default_value, 16, 8);
OFF(nutpp_config_key, description, 24, 12);
OFF(nutpp_config_key, flags, 32, 16);
OFF(nutpp_config_key, enum_values, 40, 20);
#if NUTPP_ABI_MINOR < 2 /* 1.2 appends min/max (below) */
SIZE(nutpp_config_key, 48, 24);
#endif

OFF(nutpp_range, min, 0, 0);
OFF(nutpp_range, max, 8, 8);
_Static_assert(sizeof(nutpp_range) == 16, "nutpp_range is frozen at 16 bytes");

OFF(nutpp_var_decl, struct_size, 0, 0);
OFF(nutpp_var_decl, name, 8, 4);
OFF(nutpp_var_decl, type, 16, 8);
OFF(nutpp_var_decl, flags, 20, 12);
OFF(nutpp_var_decl, max_length, 24, 16);
OFF(nutpp_var_decl, ranges, 32, 20);
OFF(nutpp_var_decl, range_count, 40, 24);
OFF(nutpp_var_decl, enum_values, 48, 28);
SIZE(nutpp_var_decl, 56, 32);

OFF(nutpp_cmd_decl, struct_size, 0, 0);
OFF(nutpp_cmd_decl, name, 8, 4);
OFF(nutpp_cmd_decl, flags, 16, 8);
SIZE(nutpp_cmd_decl, 24, 12);

#define HOST_FN(field, index) OFF(nutpp_host_api, field, 8 + 8 * (index), 8 + 4 * (index))
OFF(nutpp_host_api, struct_size, 0, 0);
OFF(nutpp_host_api, abi_major, 4, 4);
OFF(nutpp_host_api, abi_minor, 6, 6);
HOST_FN(set_var, 0);
HOST_FN(set_var_number, 1);
HOST_FN(delete_var, 2);
HOST_FN(declare_var, 3);
HOST_FN(declare_cmd, 4);
HOST_FN(remove_cmd, 5);
HOST_FN(status_begin, 6);
HOST_FN(status_set, 7);
HOST_FN(alarm_set, 8);
HOST_FN(status_commit, 9);
HOST_FN(report_data_ok, 10);
HOST_FN(report_data_stale, 11);
HOST_FN(config_get, 12);
HOST_FN(config_get_number, 13);
HOST_FN(set_poll_interval, 14);
HOST_FN(watch_fd, 15);
HOST_FN(unwatch_fd, 16);
HOST_FN(request_poll, 17);
HOST_FN(log, 18);
HOST_FN(set_error, 19);
HOST_FN(get_extension, 20);
SIZE(nutpp_host_api, 176, 92);

#define OPS_FN(field, index) OFF(nutpp_driver_ops, field, 8 + 8 * (index), 4 + 4 * (index))
OFF(nutpp_driver_ops, struct_size, 0, 0);
OPS_FN(create, 0);
OPS_FN(open, 1);
OPS_FN(poll, 2);
OPS_FN(instcmd, 3);
OPS_FN(setvar, 4);
OPS_FN(close, 5);
OPS_FN(destroy, 6);
OPS_FN(get_extension, 7);
SIZE(nutpp_driver_ops, 72, 36);

OFF(nutpp_driver_descriptor, struct_size, 0, 0);
OFF(nutpp_driver_descriptor, abi_major, 4, 4);
OFF(nutpp_driver_descriptor, abi_minor, 6, 6);
OFF(nutpp_driver_descriptor, id, 8, 8);
OFF(nutpp_driver_descriptor, name, 16, 12);
OFF(nutpp_driver_descriptor, version, 24, 16);
OFF(nutpp_driver_descriptor, vendor, 32, 20);
OFF(nutpp_driver_descriptor, description, 40, 24);
OFF(nutpp_driver_descriptor, transports, 48, 28);
OFF(nutpp_driver_descriptor, config_keys, 56, 32);
OFF(nutpp_driver_descriptor, config_key_count, 64, 36);
OFF(nutpp_driver_descriptor, config_key_size, 68, 40);
OFF(nutpp_driver_descriptor, variables, 72, 44);
OFF(nutpp_driver_descriptor, commands, 80, 48);
OFF(nutpp_driver_descriptor, library_init, 88, 52);
OFF(nutpp_driver_descriptor, library_deinit, 96, 56);
OFF(nutpp_driver_descriptor, ops, 104, 60);
SIZE(nutpp_driver_descriptor, 112, 64);

/* The frozen-size macros of the header under test agree with the offsets above (in the 1.0 header
 * they were computed, in 1.2 they are literals; the numbers must be the same). */
_Static_assert(NUTPP_DESCRIPTOR_V1_0_SIZE == AT(112, 64), "NUTPP_DESCRIPTOR_V1_0_SIZE");
_Static_assert(NUTPP_OPS_V1_0_SIZE == AT(72, 36), "NUTPP_OPS_V1_0_SIZE");
_Static_assert(NUTPP_CONFIG_KEY_V1_0_SIZE == AT(48, 24), "NUTPP_CONFIG_KEY_V1_0_SIZE");

/* The v1.2 appendices sit right after the v1.0 ends. */
#if NUTPP_ABI_MINOR >= 2
OFF(nutpp_host_api, get_poll_interval, 176, 92);
OFF(nutpp_host_api, request_poll_after, 184, 96);
OFF(nutpp_host_api, ready_fds, 192, 100);
OFF(nutpp_driver_descriptor, library_init_ex, 112, 64);
OFF(nutpp_library_host, struct_size, 0, 0);
OFF(nutpp_library_host, abi_major, 4, 4);
OFF(nutpp_library_host, abi_minor, 6, 6);
OFF(nutpp_library_host, plugin_path, 8, 8);
OFF(nutpp_library_host, log, 16, 12);
OFF(nutpp_library_host, set_error, 24, 16);
OFF(nutpp_config_key, min, 48, 24);
OFF(nutpp_config_key, max, 56, 32);
SIZE(nutpp_config_key, 64, 40);
_Static_assert(NUTPP_CONFIG_KEY_V1_2_SIZE == AT(64, 40), "NUTPP_CONFIG_KEY_V1_2_SIZE");
OFF(nutpp_fd_ready, fd, 0, 0);
OFF(nutpp_fd_ready, events, 4, 4);
#endif

int nutpp_abi_layout_check(void);
int nutpp_abi_layout_check(void) { return NUTPP_ABI_MINOR; }
