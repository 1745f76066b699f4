/*
 * nutpp/testhost.h: a host for unit tests of a driver plugin, without upsdrvd, sockets or upsd.
 *
 * Plain C (C99), usable from C and C++ and from any test framework; link libnutpp-testhost
 * (CMake: nutpp::testhost; pkg-config: nutpp-testhost). One nutpp_th is one device: load the plugin
 * (its .so, or a descriptor linked into the test), give the device's config, then drive the
 * plugin's ops one at a time on the calling thread and look at what it published.
 *
 * It is not a model of the host: it is upsdrvd's own code (descriptor checks, config validation,
 * the device's variable store and NUT publishing rules, the INSTCMD/SET checks), run one step at a
 * time. Every call the plugin makes is also checked against the contract of <nutpp/driver.h>; what
 * it breaks is listed by nutpp_th_breach() (a test should expect none).
 *
 * Rules of this API:
 *   - Not thread-safe per handle: call a handle's functions from one thread, which becomes the
 *     "host thread" of the instance. Different handles are independent.
 *   - Strings returned by this API belong to the handle and stay valid until the next call of any
 *     step function (create/open/poll/run/instcmd/setvar/close/destroy) or nutpp_th_free().
 *   - The host's own log lines go to the handle whose step is running (nutpp_th_log_line); the
 *     test host takes over spdlog's default logger of the process for that.
 *   - Steps mirror upsdrvd: after a failed open() the host calls close() at once; after `maxretry`
 *     (default 1) failed polls it calls close(); destroy() closes first when open.
 */
#ifndef NUTPP_TESTHOST_H
#define NUTPP_TESTHOST_H

#include <nutpp/driver.h>

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct nutpp_th nutpp_th;

/* ---- setting up ------------------------------------------------------------------------------ */
/* Loads a plugin .so by path (as upsdrvd does: dlopen, then the descriptor checks). Never NULL
 * (except out of memory): a plugin that fails to load gives a handle whose nutpp_th_error() says
 * why and whose steps return NUTPP_E_STATE. `device_name` may be NULL ("dev"). */
nutpp_th *nutpp_th_load(const char *plugin_path, const char *device_name);
/* The same for a descriptor linked into the test program (e.g. &nutpp_driver_v1 of a plugin built
 * as a static library). Same descriptor checks. */
nutpp_th *nutpp_th_link(const nutpp_driver_descriptor *descriptor, const char *device_name);
/* Closes and destroys the instance if still alive, then frees the handle. NULL is fine. */
void nutpp_th_free(nutpp_th *th);

/* One device config key, as in nutpp.yaml (before create). value NULL: a bare NUT flag. `port`
 * defaults to "none". Checked at create() by upsdrvd's own validator (unknown keys, types, ranges,
 * required keys): a refused config makes create() return NUTPP_E_CONFIG. */
void nutpp_th_config(nutpp_th *th, const char *key, const char *value);
/* Longest a single op may take before it counts as a breach (default: the device's poll_timeout). */
void nutpp_th_set_budget_ms(nutpp_th *th, uint32_t ms);

/* ---- steps (each returns what the plugin returned; NUTPP_E_STATE when out of order) ----------- */
nutpp_status nutpp_th_create(nutpp_th *th);
nutpp_status nutpp_th_open(nutpp_th *th);
/* poll() with these NUTPP_WAKE_* reasons (e.g. NUTPP_WAKE_TIMER: "the interval elapsed"). */
nutpp_status nutpp_th_poll(nutpp_th *th, uint32_t wake_reasons);
/* poll() with NUTPP_WAKE_FD, and ready_fds() reporting `fd` with `events` (NUTPP_FD_*): simulates a
 * watched fd becoming ready without the fd having to be. */
nutpp_status nutpp_th_poll_fd(nutpp_th *th, int fd, uint32_t events);
/* poll() with NUTPP_WAKE_DEFERRED now, as if the request_poll_after() delay had passed. */
nutpp_status nutpp_th_fire_deferred(nutpp_th *th);
/* Waits like upsdrvd, for real, up to timeout_ms: readiness of the watched fds (poll(2)),
 * request_poll() from any thread, the request_poll_after() timer. Then polls with the reasons seen
 * (stored in *reasons if not NULL; 0 = nothing came, nothing was called, NUTPP_OK returned). */
nutpp_status nutpp_th_run(nutpp_th *th, uint32_t timeout_ms, uint32_t *reasons);
/* An INSTCMD / SET as upsd would send it: refused by the host (not declared, read-only, too long,
 * not in the enum or range) without calling the plugin (NUTPP_E_UNSUPPORTED / NUTPP_E_INVALID_ARG). */
nutpp_status nutpp_th_instcmd(nutpp_th *th, const char *cmd, const char *arg);
nutpp_status nutpp_th_setvar(nutpp_th *th, const char *name, const char *value);
void nutpp_th_close(nutpp_th *th);
void nutpp_th_destroy(nutpp_th *th);

/* ---- what happened ---------------------------------------------------------------------------- */
/* The host side of the last failure (load, config, step out of order), "" when none. */
const char *nutpp_th_error(const nutpp_th *th);
/* The plugin's set_error() text of the last step, "" when none. */
const char *nutpp_th_op_error(const nutpp_th *th);
/* 1 between a successful open() and close(). */
int nutpp_th_is_open(const nutpp_th *th);

/* Variables as published (what `upsc` would show, driver.* and device.* mirrors included). */
const char *nutpp_th_get(nutpp_th *th, const char *name); /* NULL when not published */
size_t nutpp_th_var_count(nutpp_th *th);
const char *nutpp_th_var_name(nutpp_th *th, size_t index); /* sorted as NUT sorts; NULL past the end */
/* The plugin's declare_var() for `name`: its nutpp_type, or -1 if never declared. */
int nutpp_th_declared_type(nutpp_th *th, const char *name);
int nutpp_th_is_writable(nutpp_th *th, const char *name);
/* All variables as "name: value\n" lines (upsc's format), for failure messages. */
const char *nutpp_th_dump(nutpp_th *th);

/* ups.status as composed by the host ("OL CHRG"), NULL if never set; token test; ups.alarm. */
const char *nutpp_th_status(nutpp_th *th);
int nutpp_th_has_status(nutpp_th *th, const char *token);
const char *nutpp_th_alarm(nutpp_th *th);

int nutpp_th_has_command(nutpp_th *th, const char *cmd);
size_t nutpp_th_command_count(nutpp_th *th);
const char *nutpp_th_command_name(nutpp_th *th, size_t index);

/* Data freshness as upsd sees it (1 = DATAOK, 0 = DATASTALE), and the plugin's explicit reports. */
int nutpp_th_data_ok(nutpp_th *th);
unsigned nutpp_th_data_ok_reports(const nutpp_th *th);
unsigned nutpp_th_data_stale_reports(const nutpp_th *th);
const char *nutpp_th_stale_reason(const nutpp_th *th);

/* Log lines: the plugin's log() calls and the host's own lines about this device (failures,
 * refusals, "plugin misbehaving"). level: a nutpp_log_level; from_plugin: 1 for log() calls. */
size_t nutpp_th_log_count(const nutpp_th *th);
const char *nutpp_th_log_line(nutpp_th *th, size_t index, int *level, int *from_plugin);
int nutpp_th_log_contains(nutpp_th *th, const char *substring); /* any line, 1 / 0 */
void nutpp_th_log_clear(nutpp_th *th);

/* Watched fds and poll requests. */
uint32_t nutpp_th_watched_events(nutpp_th *th, int fd); /* NUTPP_FD_* watched for fd, 0 if not */
size_t nutpp_th_watched_count(nutpp_th *th);
int nutpp_th_poll_requested(nutpp_th *th);     /* request_poll() since the last poll */
int64_t nutpp_th_deferred_ms(nutpp_th *th);    /* request_poll_after() pending: ms left; else -1 */
uint32_t nutpp_th_poll_interval_ms(nutpp_th *th);
uint32_t nutpp_th_last_call_ms(const nutpp_th *th); /* duration of the last step's plugin call */

/* Contract breaches seen so far, in plain words (see `upsdrvd --check`): NULL past the end. */
size_t nutpp_th_breach_count(const nutpp_th *th);
const char *nutpp_th_breach(nutpp_th *th, size_t index);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* NUTPP_TESTHOST_H */
