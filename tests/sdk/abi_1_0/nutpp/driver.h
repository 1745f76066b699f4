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
 *     and a v1.7 plugin checks `api->struct_size` before calling a host service added after v1.0
 *     (see NUTPP_HOST_HAS()).
 *   - Arrays of structs (config keys) carry their element size separately, so rows can grow too.
 *
 * THREADING (tags used on every function below)
 *   [any-thread]      may be called from any thread at any time while the instance exists.
 *   [instance-thread] called on / only callable from the thread the host runs this instance on.
 *                     The host never enters one instance concurrently; different instances (even of
 *                     the same plugin) may run in parallel on different threads, so a plugin keeps
 *                     no mutable globals (process-wide library state goes in library_init).
 *   [load-thread]     called once by the host's loading thread, never concurrently with itself.
 *   A host service called from the wrong thread returns NUTPP_E_STATE and the host logs the plugin as
 *   misbehaving; it never crashes the host.
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
 *   poll(), instcmd() and setvar() are only called between a successful open() and close().
 *   During create() the plugin may call only config_get, config_get_number, log and set_error.
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
#define NUTPP_ABI_MINOR 0 /* append-only growth, detected through struct_size */

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
    NUTPP_KEY_RELOADABLE = 1u << 2 /* a change on reload need not restart the instance           */
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
    NUTPP_WAKE_FIRST = 1u << 3    /* first poll after a successful open()                         */
};

/* Events for watch_fd. */
enum { NUTPP_FD_READ = 1u << 0, NUTPP_FD_WRITE = 1u << 1 };

typedef struct nutpp_host_ctx nutpp_host_ctx; /* opaque, one per device, owned by the host    */
typedef struct nutpp_instance nutpp_instance; /* opaque, one per device, owned by the plugin  */

/* ------------------------------------------------------------------------------------------------ */
/* A config key the plugin accepts. Rows live in a static array (descriptor.config_keys) whose element
 * size is descriptor.config_key_size, so rows may grow in later minor versions. */
typedef struct nutpp_config_key {
    const char *name;          /* lower case, NUT's option name where NUT has one ("port")   */
    nutpp_type type;
    const char *default_value; /* NULL: no default                                            */
    const char *description;   /* one line, shown by `upsdrvd --describe`                     */
    uint32_t flags;            /* NUTPP_KEY_*                                                  */
    const char *const *enum_values; /* NUTPP_TYPE_ENUM: NULL-terminated list, else NULL          */
} nutpp_config_key;

typedef struct nutpp_range {
    int64_t min;
    int64_t max;
} nutpp_range;

/* Runtime declaration of one variable for this device (NUT's SETFLAGS/SETAUX/ADDENUM/ADDRANGE).
 * Copied by the host before declare_var() returns. */
typedef struct nutpp_var_decl {
    uint32_t struct_size;            /* sizeof(nutpp_var_decl) as compiled by the plugin          */
    const char *name;                /* NUT name, e.g. "ups.delay.shutdown"                       */
    nutpp_type type;                 /* STRING, NUMBER, INTEGER, BOOL or ENUM                    */
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
 * Every function is [instance-thread] unless tagged otherwise. `h` is the ctx given to create(). */
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

    /* This device's config value for `key`, or NULL when unset and without default. The returned
     * string is owned by the host and stays valid until destroy(). Allowed during create(). */
    const char *(*config_get)(nutpp_host_ctx *h, const char *key);
    /* Same, parsed as a number. NUTPP_E_INVALID_ARG if unset; NUTPP_E_CONVERSION if not a number. */
    nutpp_status (*config_get_number)(nutpp_host_ctx *h, const char *key, double *out);

    /* Change this device's poll interval (milliseconds, >= 10). */
    void (*set_poll_interval)(nutpp_host_ctx *h, uint32_t ms);
    /* Ask the host to poll() with NUTPP_WAKE_FD when `fd` is ready for `events` (NUTPP_FD_*).
     * The fd stays owned by the plugin; unwatch it before closing it (at the latest in close()).
     * Watching an fd that is already watched replaces its events. */
    nutpp_status (*watch_fd)(nutpp_host_ctx *h, int fd, uint32_t events);
    nutpp_status (*unwatch_fd)(nutpp_host_ctx *h, int fd);
    /* [any-thread] Ask for a poll() with NUTPP_WAKE_REQUEST soon, on the instance thread. For a
     * plugin's own helper thread (libusb async, SNMP trap receiver). Coalesces. */
    void (*request_poll)(nutpp_host_ctx *h);
    /* [any-thread] Log a finished line (no format string; no trailing newline needed). */
    void (*log)(nutpp_host_ctx *h, nutpp_log_level level, const char *message);
    /* Attach a detail to the status about to be returned by the current op. Copied. Allowed
     * during create(). */
    void (*set_error)(nutpp_host_ctx *h, const char *message);
    /* Optional host capability by id "nutpp.<name>/<rev>"; NULL if not offered. Pointer is static
     * for the host's lifetime. No extensions are defined in v1.0. */
    const void *(*get_extension)(nutpp_host_ctx *h, const char *id);
} nutpp_host_api;

/* ------------------------------------------------------------------------------------------------ */
/* Plugin operations. All [instance-thread] except create (any thread, once per instance). */
typedef struct nutpp_driver_ops {
    uint32_t struct_size; /* sizeof(nutpp_driver_ops) as compiled by the plugin                   */

    /* Make an instance for one device. No I/O: read and check config here, keep `api` and `h`
     * (both valid until destroy). On success store a plugin-owned pointer in *out. */
    nutpp_status (*create)(const nutpp_host_api *api, nutpp_host_ctx *h, nutpp_instance **out);
    /* Connect to the device, identify it, declare variables and commands, set initial values.
     * May block, but should finish within the host's poll budget. */
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
    /* Drop the device connection; unwatch fds. open() may follow later. */
    void (*close)(nutpp_instance *self);
    /* Free the instance. After this returns, `api` and `h` are gone. */
    void (*destroy)(nutpp_instance *self);
    /* Optional plugin capability by id "nutpp.<name>/<rev>", or NULL. May be NULL itself. */
    const void *(*get_extension)(nutpp_instance *self, const char *id);
} nutpp_driver_ops;

/* ------------------------------------------------------------------------------------------------ */
/* The exported descriptor. Static data: checked by the host before any plugin code runs. */
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
     * create(), deinit after the last destroy(). [load-thread]. Return 0 on success. May be NULL. */
    int (*library_init)(const char *plugin_path);
    void (*library_deinit)(void);

    const nutpp_driver_ops *ops; /* static                                                           */
} nutpp_driver_descriptor;

/* Smallest struct sizes a v1 host accepts (the v1.0 layouts). */
#define NUTPP_DESCRIPTOR_V1_0_SIZE (offsetof(nutpp_driver_descriptor, ops) + sizeof(void *))
#define NUTPP_OPS_V1_0_SIZE (offsetof(nutpp_driver_ops, get_extension) + sizeof(void *))
#define NUTPP_CONFIG_KEY_V1_0_SIZE (offsetof(nutpp_config_key, enum_values) + sizeof(void *))

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* NUTPP_DRIVER_H */
