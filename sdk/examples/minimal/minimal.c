/*
 * minimal.c: the smallest complete nutpp driver plugin, written as a teaching example.
 *
 * It pretends to be a UPS that is always on line with a full battery. Everything a real driver does
 * is here in miniature, in the order the host calls it:
 *
 *   descriptor (static data, checked before any code runs)
 *   -> create()   read and check this device's config; no I/O
 *   -> open()     "connect", declare variables and commands, publish static values
 *   -> poll()     called every `pollinterval`: publish fresh readings and ups.status
 *   -> setvar() / instcmd()   requests from upsd clients (upsrw / upscmd), between open and close
 *   -> close()    drop the connection (open() may follow: the host reconnects after failures)
 *   -> destroy()  free the instance
 *
 * Build it out of tree against an installed SDK, either with CMake (CMakeLists.txt next to this
 * file) or with pkg-config (Makefile). Then point a device at it in nutpp.yaml:
 *
 *   devices:
 *     myups:
 *       driver: minimal        # loads nutpp-minimal.so from the plugin directory
 *       port: none             # every device needs a port (NUT rule); this plugin ignores it
 *       voltage: 120           # our one config key (default 230)
 *
 * and run `upsdrvd -F -a myups`; `upsdrvd --dump myups` (or upsc through upsd) shows the variables.
 *
 * Rules this file follows, all from <nutpp/driver.h>:
 *   - No mutable globals. One process runs many devices, possibly of the same plugin, on different
 *     threads at once. All per-device state lives in `struct nutpp_instance` below.
 *   - Every op returns a nutpp_status; a failure may carry a human-readable detail, given to the host
 *     with set_error() just before returning.
 *   - Strings we pass to the host are copied by it; strings it passes to us are borrowed for the call.
 */
#include <nutpp/driver.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------------------------------ */
/* Static data: config keys, variables and commands. The host reads these before calling any code.  */

/* The config keys this plugin accepts, besides the host's own (driver, port, desc, pollinterval...).
 * The host rejects unknown keys and badly typed values before create() runs, and fills in the
 * default, so create() always finds `voltage` set to a number. */
static const nutpp_config_key minimal_keys[] = {
    {
        .name = "voltage",
        .type = NUTPP_TYPE_NUMBER,
        .default_value = "230",
        .description = "Mains voltage to report as input.voltage (volts, 80..300)",
        .flags = 0,
        .enum_values = NULL,
    },
};

/* Documentation for `upsdrvd --describe minimal` and for linting: what poll() may publish. */
static const char *const minimal_variables[] = {
    "device.mfr",         "device.model",       "device.type",   "ups.mfr",
    "ups.model",          "ups.id",             "ups.status",    "ups.delay.shutdown",
    "ups.test.result",    "input.voltage",      "input.voltage.nominal",
    "battery.charge",     "battery.runtime",    NULL,
};

/* The one instant command we declare in open(). NUT command names only (see NUT's cmdvartab). */
#define CMD_QUICK_TEST "test.battery.start.quick"
static const char *const minimal_commands[] = {CMD_QUICK_TEST, NULL};

/* ups.delay.shutdown may be written with any whole number in this range; the host's store rejects
 * other values (the client gets ERR INVALID-VALUE) so setvar() never sees them. */
static const nutpp_range shutdown_delay_range[] = {{.min = 0, .max = 600}};

/* ------------------------------------------------------------------------------------------------ */
/* Per-device state. The header only declares `struct nutpp_instance`; each plugin defines it.      */

struct nutpp_instance {
    const nutpp_host_api *api; /* host services; valid until destroy() returns */
    nutpp_host_ctx *h;         /* this device's handle, passed back on every host call */
    double nominal_voltage;    /* from the `voltage` config key */
    long shutdown_delay;       /* ups.delay.shutdown, seconds: writable through setvar() */
    unsigned long polls;       /* polls since open(), only to show per-instance state */
};

/* Convenience wrappers: every host call takes the ctx first. */
static void say(nutpp_instance *self, nutpp_log_level level, const char *message) {
    self->api->log(self->h, level, message);
}

static nutpp_status fail(nutpp_instance *self, nutpp_status status, const char *detail) {
    self->api->set_error(self->h, detail); /* the host logs it with the status name */
    return status;
}

static nutpp_status publish_shutdown_delay(nutpp_instance *self) {
    char text[32];
    snprintf(text, sizeof text, "%ld", self->shutdown_delay);
    return self->api->set_var(self->h, "ups.delay.shutdown", text);
}

/* ------------------------------------------------------------------------------------------------ */
/* Operations                                                                                         */

/* create(): one call per configured device. Read and check the config; no device I/O here (the host
 * may create instances long before it opens them, e.g. to validate a reload). */
static nutpp_status minimal_create(const nutpp_host_api *api, nutpp_host_ctx *h, nutpp_instance **out) {
    double volts = 0;
    /* Always set: the key has a default and the host already checked it parses as a number. */
    nutpp_status st = api->config_get_number(h, "voltage", &volts);
    if (st != NUTPP_OK) {
        api->set_error(h, "config key 'voltage' is not a number");
        return NUTPP_E_CONFIG;
    }
    /* Checks the host cannot know about are ours: give a clear message, return NUTPP_E_CONFIG. */
    if (volts < 80 || volts > 300) {
        char msg[96];
        snprintf(msg, sizeof msg, "voltage %.1f is out of range (80..300)", volts);
        api->set_error(h, msg);
        return NUTPP_E_CONFIG;
    }

    nutpp_instance *self = calloc(1, sizeof *self);
    if (self == NULL) return NUTPP_E_NO_MEMORY;
    self->api = api;
    self->h = h;
    self->nominal_voltage = volts;
    self->shutdown_delay = 20;
    *out = self;
    return NUTPP_OK;
}

/* open(): connect to the device, find out what it supports, declare that, publish what never
 * changes. A real driver opens its serial port / USB device / socket here and returns
 * NUTPP_E_NO_DEVICE or NUTPP_E_IO (with set_error) if it cannot; the host retries with backoff. */
static nutpp_status minimal_open(nutpp_instance *self) {
    const nutpp_host_api *api = self->api;
    nutpp_host_ctx *h = self->h;

    /* A writable integer with a range (NUT: SETFLAGS RW + ADDRANGE). struct_size lets a newer host
     * know which fields this plugin was compiled with. */
    nutpp_var_decl delay = {0};
    delay.struct_size = sizeof delay;
    delay.name = "ups.delay.shutdown";
    delay.type = NUTPP_TYPE_INTEGER;
    delay.flags = NUTPP_VAR_WRITABLE;
    delay.ranges = shutdown_delay_range;
    delay.range_count = sizeof shutdown_delay_range / sizeof shutdown_delay_range[0];
    nutpp_status st = api->declare_var(h, &delay);
    if (st != NUTPP_OK) return st;

    /* A writable string of at most 32 bytes (NUT: SETFLAGS RW STRING + SETAUX 32). */
    nutpp_var_decl id = {0};
    id.struct_size = sizeof id;
    id.name = "ups.id";
    id.type = NUTPP_TYPE_STRING;
    id.flags = NUTPP_VAR_WRITABLE;
    id.max_length = 32;
    st = api->declare_var(h, &id);
    if (st != NUTPP_OK) return st;

    /* The instant command (NUT: ADDCMD). Clients see it in `upscmd -l`. */
    nutpp_cmd_decl test = {0};
    test.struct_size = sizeof test;
    test.name = CMD_QUICK_TEST;
    test.flags = 0;
    st = api->declare_cmd(h, &test);
    if (st != NUTPP_OK) return st;

    /* Static values: published once; the host keeps them until close(). */
    api->set_var(h, "device.mfr", "nutpp");
    api->set_var(h, "device.model", "Minimal example");
    api->set_var(h, "device.type", "ups");
    api->set_var(h, "ups.mfr", "nutpp");
    api->set_var(h, "ups.model", "Minimal example");
    api->set_var(h, "ups.id", "minimal");
    api->set_var_number(h, "input.voltage.nominal", self->nominal_voltage, 0);
    st = publish_shutdown_delay(self);
    if (st != NUTPP_OK) return st;

    self->polls = 0;
    say(self, NUTPP_LOG_INFO, "minimal: device opened");
    return NUTPP_OK;
}

/* poll(): one bounded update pass. Returning NUTPP_OK tells the host the data is fresh; an error
 * (with set_error) counts toward `maxretry`, after which the host marks the data stale and
 * reconnects (close + open). `wake_reasons` says why we were called (NUTPP_WAKE_*); a simple
 * polling driver does the same work every time. */
static nutpp_status minimal_poll(nutpp_instance *self, uint32_t wake_reasons) {
    const nutpp_host_api *api = self->api;
    nutpp_host_ctx *h = self->h;
    (void)wake_reasons;
    self->polls++;

    /* Numbers: the host formats them with the given decimals, like NUT drivers' "%.1f". */
    api->set_var_number(h, "input.voltage", self->nominal_voltage, 1);
    api->set_var_number(h, "battery.charge", 100, 0);
    api->set_var_number(h, "battery.runtime", 1800, 0);

    /* ups.status is built in a batch: tokens between begin and commit replace the old status at
     * once, so a client never sees a half-updated status. The host orders the tokens like NUT. */
    api->status_begin(h);
    api->status_set(h, "OL");
    api->status_commit(h);
    return NUTPP_OK;
}

/* setvar(): a client wrote a variable (upsrw). The host already checked the value against our
 * declaration (type, range, length), so "abc" or 9999 never reach us for ups.delay.shutdown. On
 * success we publish the new value ourselves, as a real driver does after the device confirms. */
static nutpp_status minimal_setvar(nutpp_instance *self, const char *name, const char *value) {
    if (strcmp(name, "ups.delay.shutdown") == 0) {
        char *end = NULL;
        long v = strtol(value, &end, 10);
        if (end == value || *end != '\0') return fail(self, NUTPP_E_CONVERSION, "not a whole number");
        self->shutdown_delay = v;
        return publish_shutdown_delay(self);
    }
    if (strcmp(name, "ups.id") == 0) return self->api->set_var(self->h, "ups.id", value);
    return fail(self, NUTPP_E_UNSUPPORTED, "variable is not writable");
}

/* instcmd(): a client ran an instant command (upscmd). `arg` is NULL when none was given. */
static nutpp_status minimal_instcmd(nutpp_instance *self, const char *cmd, const char *arg) {
    (void)arg;
    if (strcmp(cmd, CMD_QUICK_TEST) == 0) {
        /* A real device would start the test and a later poll() would report the outcome. */
        say(self, NUTPP_LOG_INFO, "minimal: quick battery test");
        return self->api->set_var(self->h, "ups.test.result", "Done and passed");
    }
    return fail(self, NUTPP_E_UNSUPPORTED, "unknown command");
}

/* close(): drop the device connection (and unwatch fds if we had watched any). */
static void minimal_close(nutpp_instance *self) {
    say(self, NUTPP_LOG_INFO, "minimal: device closed");
}

/* destroy(): free what create() allocated. The host's api and ctx are gone after this returns. */
static void minimal_destroy(nutpp_instance *self) {
    free(self);
}

/* ------------------------------------------------------------------------------------------------ */
/* The exported descriptor: the only symbol the plugin exports (the SDK's build helpers hide the
 * rest). `name` must match the file name nutpp-<name>.so and is what `driver:` refers to.          */

static const nutpp_driver_ops minimal_ops = {
    .struct_size = sizeof(nutpp_driver_ops),
    .create = minimal_create,
    .open = minimal_open,
    .poll = minimal_poll,
    .instcmd = minimal_instcmd,
    .setvar = minimal_setvar,
    .close = minimal_close,
    .destroy = minimal_destroy,
    .get_extension = NULL, /* no optional capabilities */
};

NUTPP_EXPORT const nutpp_driver_descriptor nutpp_driver_v1 = {
    .struct_size = sizeof(nutpp_driver_descriptor),
    .abi_major = NUTPP_ABI_MAJOR,
    .abi_minor = NUTPP_ABI_MINOR,
    .id = "org.nutpp.example.minimal",
    .name = "minimal",
    .version = "1.0.0",
    .vendor = "nutpp examples",
    .description = "Minimal example driver: a UPS that is always on line",
    .transports = NUTPP_TRANSPORT_SIM,
    .config_keys = minimal_keys,
    .config_key_count = sizeof minimal_keys / sizeof minimal_keys[0],
    .config_key_size = sizeof(nutpp_config_key),
    .variables = minimal_variables,
    .commands = minimal_commands,
    .library_init = NULL,   /* no process-wide library state */
    .library_deinit = NULL,
    .ops = &minimal_ops,
};
