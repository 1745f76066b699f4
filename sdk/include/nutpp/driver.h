/*
 * nutpp/driver.h: the nutpp driver plugin ABI, version 1.
 *
 * One C99 header, usable from C and C++. A driver plugin is a shared object that exports exactly one
 * data symbol, `nutpp_driver_v1` (a nutpp_driver_descriptor). The host (upsdrvd) reads and checks
 * that descriptor before running any plugin code, then drives each configured device through the
 * plugin's ops, handing it a table of host services.
 *
 * ---------------------------------------------------------------------------------------------------
 * VERSIONING
 *   - NUTPP_ABI_MAJOR is in the symbol name. An incompatible change gets a new symbol
 *     (nutpp_driver_v2); a host that supports both looks up _v2 first, then _v1.
 *   - Minor versions only APPEND fields to the end of structs. Every struct that crosses the ABI and
 *     may grow starts with `uint32_t struct_size`, filled by its producer with sizeof() as compiled.
 *     A reader never touches a field at or beyond the size its producer declared; fields missing from
 *     an older producer read as "absent" (NULL / 0). So a v1.0 plugin keeps loading in a v1.7 host,
 *     and a v1.7 plugin checks `api->struct_size` before calling a host service added after v1.0:
 *     NUTPP_HOST_HAS(api, fn) is false on an older host (its struct_size ends before `fn`).
 *     (`api->abi_minor` says the same thing, but struct_size is what makes a read safe.)
 *   - Arrays of structs (config keys) carry their element size separately, so rows can grow too.
 *     The few structs without struct_size (nutpp_range, nutpp_fd_ready) are frozen: they never grow;
 *     a richer shape would get a new field or service next to the old one.
 *   - The sizes of the released layouts are literals (NUTPP_*_V1_0_SIZE, at the end of this file),
 *     and tests/sdk/abi_layout_check.c asserts every field offset of the v1.0 structs, so an insertion
 *     fails the build instead of silently moving the "v1.0 size".
 *   - Enumerations never appear as struct field types: fields are int32_t holding the enum's values
 *     (an enum's size is the compiler's choice; int32_t is not). Enum types in function signatures
 *     are int-sized on every supported platform (SysV / AAPCS; asserted below, which also rejects
 *     -fshort-enums builds).
 *   - UNKNOWN VALUES are handled the same way everywhere: an unknown enumeration value (a type, a log
 *     level, a status) from a newer producer is an error where the call can report one (a descriptor
 *     with one fails to load; a service returns NUTPP_E_INVALID_ARG); log() with an unknown level
 *     still logs the line, at error level, marked as such. Unknown BITS in a bit set (transports,
 *     flags, wake reasons, fd events) are ignored, so a newer producer may set bits an older reader
 *     does not know.
 *
 * THREADING (tags used on every function below)
 *   [instance]    Calls for one instance are serialized, on a host thread. The host never enters one
 *                 instance concurrently, but successive calls may come from different host threads
 *                 (a worker pool), so a plugin must not rely on thread identity between calls
 *                 (no thread_local state, no "the thread that called open()"). Different instances,
 *                 even of the same plugin, may run in parallel: a plugin keeps no mutable globals
 *                 (process-wide library state goes in library_init).
 *                 A host service tagged [instance] may only be called synchronously from inside an
 *                 op of the SAME instance (same `h`, same thread the host called the op on). The host
 *                 tracks "the instance this thread is running" in a thread-local and checks it.
 *   [any-thread]  may be called from any thread at any time while the instance exists (between
 *                 create() and the return of destroy()).
 *   [load-thread] called once by the host's loading thread, never concurrently with itself.
 *   A service called where it is not allowed (another thread, another instance's `h`, or during
 *   create() when not listed as allowed there) does nothing: a service returning nutpp_status returns
 *   NUTPP_E_STATE, get_poll_interval/ready_fds return 0, void services return. The host logs the
 *   first such call per service and instance as "plugin misbehaving"; it never crashes.
 *
 * OWNERSHIP (written again at every pointer)
 *   - Strings and structs the plugin passes to a host service are copied before the call returns.
 *   - Strings the host passes to a plugin op are borrowed for the duration of that call only.
 *   - Strings returned by config_get() stay valid until destroy() of that instance.
 *   - The descriptor and everything it points to are static: valid until the host dlclose()s.
 *   - The plugin owns its nutpp_instance and frees it in destroy(). The host owns nutpp_host_ctx and
 *     the nutpp_host_api table; both stay valid until destroy() returns.
 *   - No ABI function returns memory for the other side to free.
 *
 * ERRORS
 *   Every operation returns a nutpp_status. No C++ exception, longjmp or abort() may cross the ABI.
 *   A plugin may attach a human-readable detail to the status it is about to return by calling
 *   set_error() first; the host logs it with the status name.
 *
 * LIFECYCLE (per device)
 *   dlopen -> descriptor checked -> library_init (once per process, refcounted by the host)
 *   -> create (no I/O) -> open <-> close (reconnect loop, with backoff owned by the host)
 *   -> destroy -> library_deinit (when the last instance of the plugin is gone) -> dlclose.
 *   - poll(), instcmd() and setvar() are only called between a successful open() and close().
 *   - close() is called after EVERY open(), also after an open() that FAILED: a failed open() may
 *     have acquired part of its resources, and close() is the one place that releases them. So an
 *     open() error path must not free what close() frees (or must reset it: NULL the pointer,
 *     -1 the fd); close() must cope with a half-open or never-opened state.
 *   - During create() the plugin may call only: config_get, config_get_number, get_extension, log,
 *     set_error and (v1.2) get_poll_interval. Everything else returns NUTPP_E_STATE / does nothing.
 *   - After a failed create() the host calls neither close() nor destroy(): create() frees what it
 *     allocated before returning an error, and leaves *out untouched or NULL.
 * ---------------------------------------------------------------------------------------------------
 */
#ifndef NUTPP_DRIVER_H
#define NUTPP_DRIVER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NUTPP_ABI_MAJOR 1 /* a break gets a new symbol name: nutpp_driver_v2 */
/* Append-only growth, detected through struct_size. 1.1: host extension ids. 1.2: get_poll_interval,
 * request_poll_after, ready_fds, library_init_ex; int32_t enum fields; frozen literal v1.0 sizes. */
#define NUTPP_ABI_MINOR 2

/* The one symbol a plugin exports. Plugins define it with NUTPP_EXPORT. */
#define NUTPP_DRIVER_SYMBOL "nutpp_driver_v1"

#if defined(_WIN32)
#define NUTPP_EXPORT __declspec(dllexport)
#elif defined(__GNUC__) || defined(__clang__)
#define NUTPP_EXPORT __attribute__((visibility("default")))
#else
#define NUTPP_EXPORT
#endif

/* True when a struct produced with `struct_size` contains the whole of `field`. */
#define NUTPP_HAS_FIELD(ptr, type, field)                                                         \
    ((ptr) != NULL && (ptr)->struct_size >= offsetof(type, field) + sizeof(((type *)0)->field))
/* True when the host's API table is new enough to have `fn` and it is set. */
#define NUTPP_HOST_HAS(api, fn) (NUTPP_HAS_FIELD(api, nutpp_host_api, fn) && (api)->fn != NULL)

/* ------------------------------------------------------------------------------------------------ */
/* Status codes. Stable numbers: they cross the ABI and may be logged. The host maps them to NUT's
 * driver TRACKING results and upsd ERR tokens in one table (core/host/status_map). */
typedef enum nutpp_status {
    NUTPP_OK = 0,
    NUTPP_E_INVALID_ARG = 1,  /* bad argument (e.g. instcmd parameter, unknown name)          */
    NUTPP_E_NO_MEMORY = 2,
    NUTPP_E_IO = 3,           /* talking to the device failed                                  */
    NUTPP_E_TIMEOUT = 4,      /* the device did not answer in time                             */
    NUTPP_E_NO_DEVICE = 5,    /* device absent / unplugged / unreachable                       */
    NUTPP_E_UNSUPPORTED = 6,  /* this device/plugin does not do that (unknown cmd or variable) */
    NUTPP_E_CONVERSION = 7,   /* a value could not be converted for the device                 */
    NUTPP_E_REJECTED = 8,     /* the device refused the command or value                       */
    NUTPP_E_CONFIG = 9,       /* the device's configuration is unusable                        */
    NUTPP_E_STATE = 10,       /* call not allowed now (wrong thread, wrong lifecycle phase)    */
    NUTPP_E_PERMISSION = 11   /* OS refused access (device node permissions, busy interface)   */
} nutpp_status;

/* Value types for config keys and variable declarations. */
typedef enum nutpp_type {
    NUTPP_TYPE_STRING = 0,
    NUTPP_TYPE_NUMBER = 1,  /* decimal number, e.g. 13.7                                       */
    NUTPP_TYPE_INTEGER = 2, /* whole number                                                     */
    NUTPP_TYPE_BOOL = 3,    /* config: true/false/yes/no/on/off/1/0, or a bare NUT flag         */
    NUTPP_TYPE_ENUM = 4     /* one of declared values                                           */
} nutpp_type;

typedef enum nutpp_log_level {
    NUTPP_LOG_DEBUG = 0,
    NUTPP_LOG_INFO = 1,
    NUTPP_LOG_WARNING = 2,
    NUTPP_LOG_ERROR = 3
} nutpp_log_level;

/* Transports a plugin speaks (descriptor.transports, a bit set). */
enum {
    NUTPP_TRANSPORT_USB = 1u << 0,
    NUTPP_TRANSPORT_SERIAL = 1u << 1,
    NUTPP_TRANSPORT_SNMP = 1u << 2,
    NUTPP_TRANSPORT_MODBUS = 1u << 3,
    NUTPP_TRANSPORT_NETWORK = 1u << 4, /* e.g. a remote upsd (repeater)                       */
    NUTPP_TRANSPORT_SIM = 1u << 5      /* simulation from files                                */
};

/* Config key flags (nutpp_config_key.flags). */
enum {
    NUTPP_KEY_REQUIRED = 1u << 0,  /* the device config must set it                             */
    NUTPP_KEY_SECRET = 1u << 1,    /* never published as driver.parameter.*, never logged        */
    NUTPP_KEY_RELOADABLE = 1u << 2, /* RESERVED: shown by --describe, no effect yet. Today a reload
                                       that changes any key of a device restarts that device; a
                                       future nutpp.reload/1 extension will apply these in place.  */
    NUTPP_KEY_RANGE = 1u << 3       /* v1.2: min/max of the row apply (NUMBER and INTEGER keys)  */
};

/* Variable declaration flags (nutpp_var_decl.flags). */
enum { NUTPP_VAR_WRITABLE = 1u << 0 };
/* Command declaration flags (nutpp_cmd_decl.flags). */
enum { NUTPP_CMD_TAKES_ARG = 1u << 0 };

/* Why poll() was called (a bit set: several reasons can coincide). */
enum {
    NUTPP_WAKE_TIMER = 1u << 0,   /* the poll interval elapsed                                   */
    NUTPP_WAKE_FD = 1u << 1,      /* a watched fd became readable                                 */
    NUTPP_WAKE_REQUEST = 1u << 2, /* request_poll() was called                                    */
    NUTPP_WAKE_FIRST = 1u << 3,   /* first poll after a successful open()                         */
    NUTPP_WAKE_DEFERRED = 1u << 4 /* v1.2: the one-shot timer of request_poll_after() expired      */
};

/* Events for watch_fd (READ, WRITE) and reported by ready_fds (all four). */
enum {
    NUTPP_FD_READ = 1u << 0,
    NUTPP_FD_WRITE = 1u << 1,
    NUTPP_FD_HANGUP = 1u << 2, /* v1.2, reported only: peer closed (POLLHUP)                       */
    NUTPP_FD_ERROR = 1u << 3   /* v1.2, reported only: error or invalid fd (POLLERR, POLLNVAL)      */
};

typedef struct nutpp_host_ctx nutpp_host_ctx; /* opaque, one per device, owned by the host    */
typedef struct nutpp_instance nutpp_instance; /* opaque, one per device, owned by the plugin  */

/* ------------------------------------------------------------------------------------------------ */
/* A config key the plugin accepts. Rows live in a static array (descriptor.config_keys) whose element
 * size is descriptor.config_key_size, so rows may grow in later minor versions. */
typedef struct nutpp_config_key {
    const char *name;          /* lower case, NUT's option name where NUT has one ("port")   */
    int32_t type;              /* a nutpp_type value; an unknown one fails the plugin's load  */
    const char *default_value; /* NULL: no default                                            */
    const char *description;   /* one line, shown by `upsdrvd --describe`                     */
    uint32_t flags;            /* NUTPP_KEY_*                                                  */
    const char *const *enum_values; /* NUTPP_TYPE_ENUM: NULL-terminated list, else NULL          */
    /* v1.2. With NUTPP_KEY_RANGE in flags, a value outside [min, max] is a configuration error that
     * every daemon reports (file:line:column, the key, the range) before anything starts, so the
     * plugin never sees it. The host reads these only from rows of config_key_size >=
     * NUTPP_CONFIG_KEY_V1_2_SIZE; a row with the flag on another type, or min > max, fails the load. */
    double min;
    double max;
} nutpp_config_key;

/* FROZEN (no struct_size, arrays of it have no element size): it will never grow. A richer range
 * would come as a new field of nutpp_var_decl next to `ranges`. */
typedef struct nutpp_range {
    int64_t min;
    int64_t max;
} nutpp_range;

/* v1.2, FROZEN like nutpp_range: one fd that woke the current poll(), filled by ready_fds(). */
typedef struct nutpp_fd_ready {
    int32_t fd;      /* as passed to watch_fd()                                                   */
    uint32_t events; /* NUTPP_FD_READ / WRITE / HANGUP / ERROR that were seen                    */
} nutpp_fd_ready;

/* Runtime declaration of one variable for this device (NUT's SETFLAGS/SETAUX/ADDENUM/ADDRANGE).
 * Copied by the host before declare_var() returns. */
typedef struct nutpp_var_decl {
    uint32_t struct_size;            /* sizeof(nutpp_var_decl) as compiled by the plugin          */
    const char *name;                /* NUT name, e.g. "ups.delay.shutdown"                       */
    int32_t type;                    /* a nutpp_type value; unknown: NUTPP_E_INVALID_ARG         */
    uint32_t flags;                  /* NUTPP_VAR_WRITABLE                                        */
    uint32_t max_length;             /* STRING: longest accepted value in bytes (NUT "aux")      */
    const nutpp_range *ranges;       /* accepted integer ranges (any one matches), or NULL        */
    uint32_t range_count;
    const char *const *enum_values;  /* NULL-terminated accepted values, or NULL                  */
} nutpp_var_decl;

/* Runtime declaration of one instant command. Copied by the host. */
typedef struct nutpp_cmd_decl {
    uint32_t struct_size; /* sizeof(nutpp_cmd_decl) as compiled by the plugin                      */
    const char *name;     /* NUT name, e.g. "test.battery.start.quick"                             */
    uint32_t flags;       /* NUTPP_CMD_TAKES_ARG                                                   */
} nutpp_cmd_decl;

/* ------------------------------------------------------------------------------------------------ */
/* Host services, handed to create(). Owned by the host; valid until destroy() returns.
 * Every function is [instance] unless tagged otherwise. `h` is the ctx given to create().
 * Services after get_extension are v1.2: test NUTPP_HOST_HAS(api, fn) before calling one, since a
 * v1.0/v1.1 host's table ends before them (its struct_size is NUTPP_HOST_API_V1_0_SIZE). */
typedef struct nutpp_host_api {
    uint32_t struct_size; /* sizeof(nutpp_host_api) as compiled by the host                        */
    uint16_t abi_major;   /* NUTPP_ABI_MAJOR of the host                                           */
    uint16_t abi_minor;   /* NUTPP_ABI_MINOR of the host                                           */

    /* Set a variable's value. name/value are copied. An unknown name is accepted (NUT allows any),
     * a value longer than 255 bytes is rejected with NUTPP_E_INVALID_ARG. */
    nutpp_status (*set_var)(nutpp_host_ctx *h, const char *name, const char *value);
    /* Set a numeric variable; the host formats with `decimals` digits after the point (0..6), the
     * way NUT drivers print ("%.1f"). */
    nutpp_status (*set_var_number)(nutpp_host_ctx *h, const char *name, double value, int decimals);
    /* Remove a variable (NUT DELINFO). NUTPP_E_INVALID_ARG if it does not exist. */
    nutpp_status (*delete_var)(nutpp_host_ctx *h, const char *name);
    /* Declare type, writability, length, enum values and ranges of a variable. Copies *decl.
     * The store validates SET requests against this before setvar() is ever called. */
    nutpp_status (*declare_var)(nutpp_host_ctx *h, const nutpp_var_decl *decl);
    /* Declare an instant command this device supports (NUT ADDCMD). Copies *decl. */
    nutpp_status (*declare_cmd)(nutpp_host_ctx *h, const nutpp_cmd_decl *decl);
    /* Withdraw an instant command (NUT DELCMD). */
    nutpp_status (*remove_cmd)(nutpp_host_ctx *h, const char *name);

    /* ups.status / ups.alarm batch (NUT status_init/status_set/alarm_set/status_commit): tokens
     * collected between begin and commit replace the previous status atomically, composed by the
     * host in NUT's order; an alarm text makes ups.alarm and the ALARM token. Strings are copied. */
    void (*status_begin)(nutpp_host_ctx *h);
    void (*status_set)(nutpp_host_ctx *h, const char *token);
    void (*alarm_set)(nutpp_host_ctx *h, const char *text);
    void (*status_commit)(nutpp_host_ctx *h);

    /* Event-driven freshness, for data that arrives outside poll() (interrupt pipe, traps).
     * A poll() returning NUTPP_OK already means "data ok"; an error return is counted by the host. */
    void (*report_data_ok)(nutpp_host_ctx *h);
    void (*report_data_stale)(nutpp_host_ctx *h, const char *why); /* why: copied, may be NULL */

    /* [any-thread] This device's config value for `key`, or NULL when unset and without default. The
     * returned string is owned by the host and stays valid until destroy(). Allowed during create().
     * Host-wide keys inherited from the global section (pollinterval) are not visible here: use
     * get_poll_interval(). */
    const char *(*config_get)(nutpp_host_ctx *h, const char *key);
    /* [any-thread] Same, parsed as a number. NUTPP_E_INVALID_ARG if unset; NUTPP_E_CONVERSION if not
     * a number. Allowed during create(). */
    nutpp_status (*config_get_number)(nutpp_host_ctx *h, const char *key, double *out);

    /* Change this device's poll interval (milliseconds, >= 10). */
    void (*set_poll_interval)(nutpp_host_ctx *h, uint32_t ms);
    /* Ask the host to poll() with NUTPP_WAKE_FD when `fd` is ready for `events` (NUTPP_FD_*).
     * The fd stays owned by the plugin; unwatch it before closing it (at the latest in close()).
     * Watching an fd that is already watched replaces its events. */
    nutpp_status (*watch_fd)(nutpp_host_ctx *h, int fd, uint32_t events);
    nutpp_status (*unwatch_fd)(nutpp_host_ctx *h, int fd);
    /* [any-thread] Ask for a poll() with NUTPP_WAKE_REQUEST soon, as an [instance] call. For a
     * plugin's own helper thread (libusb async, SNMP trap receiver). Coalesces. */
    void (*request_poll)(nutpp_host_ctx *h);
    /* [any-thread] Log a finished line (no format string; no trailing newline needed). Allowed during
     * create(). An unknown level logs at error level, marked "unknown level". */
    void (*log)(nutpp_host_ctx *h, nutpp_log_level level, const char *message);
    /* Attach a detail to the status about to be returned by the current op. Copied. Allowed
     * during create(). */
    void (*set_error)(nutpp_host_ctx *h, const char *message);
    /* [any-thread] Optional host capability by id "nutpp.<name>/<rev>"; NULL if not offered. Pointer
     * is static for the host's lifetime. Allowed during create(). Defined ids:
     * NUTPP_HOST_EXT_SHUTDOWN_RUN. */
    const void *(*get_extension)(nutpp_host_ctx *h, const char *id);

    /* ---- v1.2 ---------------------------------------------------------------------------------- */
    /* The poll interval in effect for this device, in ms: the device's or the global `pollinterval`
     * (default 2 s), or the last set_poll_interval(). Allowed during create(). 0 where not allowed. */
    uint32_t (*get_poll_interval)(nutpp_host_ctx *h);
    /* One-shot timer: poll() once with NUTPP_WAKE_DEFERRED about `ms` milliseconds from now (0: on
     * the next loop), without changing the regular interval. A second call replaces a pending one
     * (the latest wins); close() cancels it. For deadlines inside a poll interval (a command's
     * completion, a timed step) without juggling set_poll_interval(). Only while open. */
    void (*request_poll_after)(nutpp_host_ctx *h, uint32_t ms);
    /* Which watched fds woke this poll(): copies up to `capacity` entries into `out` (may be NULL
     * when capacity is 0) and returns how many fds fired (more than capacity: call again with a
     * bigger buffer). Returns 0 outside poll() and in a poll() without NUTPP_WAKE_FD.
     * Why a service and not a new `poll_fd(fd, revents)` op: poll() stays the plugin's one entry
     * point, so a wake by fd + timer + request still arrives as one call with one set of reasons, old
     * plugins are untouched, and a plugin that watches one fd need not care.
     * HANGUP/ERROR: an fd reported with NUTPP_FD_HANGUP or NUTPP_FD_ERROR is reported ONCE, then the
     * host stops watching it (a hung-up fd is readable forever and would otherwise wake the plugin on
     * every loop). It stays registered: watch_fd() on it again re-arms it, unwatch_fd() forgets it.
     * v1.0/v1.1 plugins get the same once-only NUTPP_WAKE_FD for such an fd. */
    uint32_t (*ready_fds)(nutpp_host_ctx *h, nutpp_fd_ready *out, uint32_t capacity);
} nutpp_host_api;

/* Host extension (v1.1): non-NULL when the instance runs for `upsdrvd -k`, the last step of a system
 * shutdown (NUT's `upsdrvctl shutdown`): the host opens the device only to send its shutdown
 * commands. A plugin then skips confirmations meant for people (e.g. APC's "send it twice").
 * The pointed-to data is unspecified; only NULL / non-NULL matters. */
#define NUTPP_HOST_EXT_SHUTDOWN_RUN "nutpp.shutdown-run/1"

/* ------------------------------------------------------------------------------------------------ */
/* Plugin operations. All [instance] (create included: the host may call it on any of its threads).
 * No ops were added in v1.1 or v1.2. */
typedef struct nutpp_driver_ops {
    uint32_t struct_size; /* sizeof(nutpp_driver_ops) as compiled by the plugin                   */

    /* Make an instance for one device. No I/O: read and check config here, keep `api` and `h`
     * (both valid until destroy). On success store a plugin-owned pointer in *out. On failure free
     * everything: neither close() nor destroy() follows. Allowed services: see LIFECYCLE. */
    nutpp_status (*create)(const nutpp_host_api *api, nutpp_host_ctx *h, nutpp_instance **out);
    /* Connect to the device, identify it, declare variables and commands, set initial values.
     * May block, but should finish within the host's poll budget. close() follows even when this
     * fails: release partial resources there, not twice (see LIFECYCLE). */
    nutpp_status (*open)(nutpp_instance *self);
    /* One update pass, bounded in time. `wake_reasons` is a set of NUTPP_WAKE_*. Returning
     * NUTPP_OK means the device answered and its data is fresh. */
    nutpp_status (*poll)(nutpp_instance *self, uint32_t wake_reasons);
    /* Run an instant command. `arg` is NULL when none was given; borrowed for the call. */
    nutpp_status (*instcmd)(nutpp_instance *self, const char *cmd, const char *arg);
    /* Write a variable. The value was already validated against the declaration (type, length,
     * enum, ranges). Borrowed for the call. On success the plugin publishes the new value itself
     * (set_var) when the device confirms it. */
    nutpp_status (*setvar)(nutpp_instance *self, const char *name, const char *value);
    /* Drop the device connection; unwatch fds. open() may follow later. Also called after a failed
     * open(), so it must accept a half-open state. The host forgets this instance's watched fds and
     * its pending request_poll_after() when close() returns. */
    void (*close)(nutpp_instance *self);
    /* Free the instance. After this returns, `api` and `h` are gone. */
    void (*destroy)(nutpp_instance *self);
    /* Optional plugin capability by id "nutpp.<name>/<rev>", or NULL. May be NULL itself. */
    const void *(*get_extension)(nutpp_instance *self, const char *id);
} nutpp_driver_ops;

/* v1.2: what library_init_ex() gets. Owned by the host, valid only during that call (do not keep
 * it for later logging); strings passed to log/set_error are copied. */
typedef struct nutpp_library_host {
    uint32_t struct_size; /* sizeof(nutpp_library_host) as compiled by the host                    */
    uint16_t abi_major;
    uint16_t abi_minor;
    const char *plugin_path; /* the .so being loaded; borrowed for the call                         */
    void (*log)(const struct nutpp_library_host *lh, nutpp_log_level level, const char *message);
    void (*set_error)(const struct nutpp_library_host *lh, const char *message);
} nutpp_library_host;

/* ------------------------------------------------------------------------------------------------ */
/* The exported descriptor. Static data: checked by the host before any plugin code runs.
 * Prefer designated initializers (C99, C++20): fields appended by later minor versions then need no
 * edit; a positional initializer gets -Wmissing-field-initializers for each new field. */
typedef struct nutpp_driver_descriptor {
    uint32_t struct_size;  /* sizeof(nutpp_driver_descriptor) as compiled by the plugin            */
    uint16_t abi_major;    /* must be NUTPP_ABI_MAJOR                                              */
    uint16_t abi_minor;    /* NUTPP_ABI_MINOR the plugin was built with                            */
    const char *id;        /* reverse-DNS, unique: "org.nutpp.sim"                                 */
    const char *name;      /* short name used as `driver:` in config: [a-z0-9_-]+, e.g. "sim"      */
    const char *version;   /* plugin version, e.g. "1.0.0"                                          */
    const char *vendor;    /* who maintains it                                                      */
    const char *description; /* one line                                                            */
    uint32_t transports;   /* NUTPP_TRANSPORT_* bit set                                            */

    const nutpp_config_key *config_keys; /* array of config_key_count rows, or NULL                 */
    uint32_t config_key_count;
    uint32_t config_key_size;            /* sizeof(nutpp_config_key) as compiled by the plugin      */

    const char *const *variables; /* NULL-terminated: NUT variables it may publish (documentation,
                                     lint); may be NULL                                             */
    const char *const *commands;  /* NULL-terminated: instant commands it may declare; may be NULL  */

    /* Optional process-wide setup (library contexts), refcounted by the host: init before the first
     * create(), deinit after the last destroy(). [load-thread]. Return 0 on success. May be NULL.
     * Ignored by a v1.2 host when library_init_ex is set. */
    int (*library_init)(const char *plugin_path);
    void (*library_deinit)(void);

    const nutpp_driver_ops *ops; /* static                                                           */

    /* ---- v1.2 ---------------------------------------------------------------------------------- */
    /* Like library_init, but can log and explain a failure: the host logs the set_error() text with
     * the returned status and does not create any instance of the plugin. [load-thread]. May be
     * NULL. A v1.2 host calls this INSTEAD of library_init when set; set both to support v1.0/v1.1
     * hosts too (they never read this field). library_deinit is shared. */
    nutpp_status (*library_init_ex)(const nutpp_library_host *lh);
} nutpp_driver_descriptor;

/* The one symbol a plugin defines (NUTPP_EXPORT const nutpp_driver_descriptor nutpp_driver_v1 = ...).
 * Declared here so that the definition has a prior declaration (clang -Wmissing-variable-declarations)
 * and external linkage in C++ (where a namespace-scope const is otherwise internal). */
NUTPP_EXPORT extern const nutpp_driver_descriptor nutpp_driver_v1;

/* ------------------------------------------------------------------------------------------------ */
/* FROZEN LAYOUTS. Sizes in bytes of the released structs, written as literals: they are facts about
 * plugins already built, so they must not follow the structs above if someone inserts a field.
 * v1.1 changed no layout (its sizes are the v1.0 ones). The host accepts struct_size >= the v1.0 size.
 * Every field offset of the v1.0 structs is asserted in tests/sdk/abi_layout_check.c. */
#if UINTPTR_MAX == 0xffffffffffffffffu /* LP64: x86-64, aarch64, ... */
#define NUTPP_DESCRIPTOR_V1_0_SIZE 112u
#define NUTPP_DESCRIPTOR_V1_2_SIZE 120u
#define NUTPP_OPS_V1_0_SIZE 72u
#define NUTPP_CONFIG_KEY_V1_0_SIZE 48u
#define NUTPP_CONFIG_KEY_V1_2_SIZE 64u
#define NUTPP_VAR_DECL_V1_0_SIZE 56u
#define NUTPP_CMD_DECL_V1_0_SIZE 24u
#define NUTPP_HOST_API_V1_0_SIZE 176u
#define NUTPP_HOST_API_V1_2_SIZE 200u
#define NUTPP_LIBRARY_HOST_V1_2_SIZE 32u
#elif UINTPTR_MAX == 0xffffffffu /* ILP32: i386, armhf, ... (int64_t alignment does not matter:
                                    only nutpp_range holds one, and it is 16 bytes either way) */
#define NUTPP_DESCRIPTOR_V1_0_SIZE 64u
#define NUTPP_DESCRIPTOR_V1_2_SIZE 68u
#define NUTPP_OPS_V1_0_SIZE 36u
#define NUTPP_CONFIG_KEY_V1_0_SIZE 24u
#define NUTPP_CONFIG_KEY_V1_2_SIZE 40u
#define NUTPP_VAR_DECL_V1_0_SIZE 32u
#define NUTPP_CMD_DECL_V1_0_SIZE 12u
#define NUTPP_HOST_API_V1_0_SIZE 92u
#define NUTPP_HOST_API_V1_2_SIZE 104u
#define NUTPP_LIBRARY_HOST_V1_2_SIZE 20u
#else
#error "nutpp/driver.h: unsupported pointer size (the frozen ABI layouts are defined for ILP32 and LP64)"
#endif
#define NUTPP_RANGE_SIZE 16u    /* frozen */
#define NUTPP_FD_READY_SIZE 8u  /* frozen */

/* Where the language has static assertions (C11, C++11), every user of this header checks that the
 * structs still match the frozen sizes and that enums are int-sized (they cross the ABI as function
 * parameters and return values; -fshort-enums would break that). */
#if defined(__cplusplus) && __cplusplus >= 201103L
#define NUTPP_STATIC_ASSERT_(cond, msg) static_assert(cond, msg)
#elif defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
#define NUTPP_STATIC_ASSERT_(cond, msg) _Static_assert(cond, msg)
#endif
#ifdef NUTPP_STATIC_ASSERT_
NUTPP_STATIC_ASSERT_(sizeof(nutpp_status) == 4 && sizeof(nutpp_type) == 4 && sizeof(nutpp_log_level) == 4,
                     "nutpp: enums must be int-sized (do not build plugins with -fshort-enums)");
NUTPP_STATIC_ASSERT_(offsetof(nutpp_driver_descriptor, ops) + sizeof(void *) == NUTPP_DESCRIPTOR_V1_0_SIZE,
                     "nutpp: the v1.0 descriptor layout moved");
NUTPP_STATIC_ASSERT_(sizeof(nutpp_driver_descriptor) == NUTPP_DESCRIPTOR_V1_2_SIZE, "nutpp: descriptor size");
NUTPP_STATIC_ASSERT_(sizeof(nutpp_driver_ops) == NUTPP_OPS_V1_0_SIZE, "nutpp: ops layout moved");
NUTPP_STATIC_ASSERT_(offsetof(nutpp_config_key, enum_values) + sizeof(void *) == NUTPP_CONFIG_KEY_V1_0_SIZE,
                     "nutpp: the v1.0 config key layout moved");
NUTPP_STATIC_ASSERT_(sizeof(nutpp_config_key) == NUTPP_CONFIG_KEY_V1_2_SIZE, "nutpp: config key size");
NUTPP_STATIC_ASSERT_(sizeof(nutpp_var_decl) == NUTPP_VAR_DECL_V1_0_SIZE, "nutpp: var decl layout moved");
NUTPP_STATIC_ASSERT_(sizeof(nutpp_cmd_decl) == NUTPP_CMD_DECL_V1_0_SIZE, "nutpp: cmd decl layout moved");
NUTPP_STATIC_ASSERT_(offsetof(nutpp_host_api, get_extension) + sizeof(void *) == NUTPP_HOST_API_V1_0_SIZE,
                     "nutpp: the v1.0 host API layout moved");
NUTPP_STATIC_ASSERT_(sizeof(nutpp_host_api) == NUTPP_HOST_API_V1_2_SIZE, "nutpp: host API size");
NUTPP_STATIC_ASSERT_(sizeof(nutpp_library_host) == NUTPP_LIBRARY_HOST_V1_2_SIZE, "nutpp: library host size");
NUTPP_STATIC_ASSERT_(sizeof(nutpp_range) == NUTPP_RANGE_SIZE && sizeof(nutpp_fd_ready) == NUTPP_FD_READY_SIZE,
                     "nutpp: frozen structs changed");
#undef NUTPP_STATIC_ASSERT_
#endif

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* NUTPP_DRIVER_H */
