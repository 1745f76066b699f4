/*
 * netups.c: an event-driven driver for a UPS on the network, the pattern SNMP- or Modbus/TCP-style
 * drivers need. The device speaks a small line protocol over TCP (see netups_sim.h, the simulated
 * device its test runs against):  "STATUS\n" -> "STATUS status=OL charge=100 voltage=230.0\n",
 * "TEST\n" -> "OK\n".
 *
 * How it is event-driven instead of blocking:
 *   - open() connects (non-blocking connect, waited for at most connect_timeout) and does one
 *     exchange, so the device's data is there when open() returns; then it watch_fd()s the socket.
 *   - poll() on the TIMER only SENDS the request and arms a one-shot deadline with
 *     request_poll_after(reply_timeout); it never waits for the answer.
 *   - The answer wakes poll() with NUTPP_WAKE_FD: read what is there (non-blocking), publish each
 *     complete line.
 *   - The deadline wakes poll() with NUTPP_WAKE_DEFERRED if no answer came: report_data_stale() with
 *     the reason, return NUTPP_E_TIMEOUT. The next answer makes the data fresh again (recovery).
 *   - The peer closing the connection (EOF, HANGUP/ERROR) is a lost device: report_data_stale(),
 *     return NUTPP_E_NO_DEVICE. The host then calls close() and open() again after its backoff
 *     (retrydelay, doubled after each failed open up to 30 s, jittered): the reconnect policy is the
 *     host's, the plugin's part is to fail fast and release everything in close().
 *   - An instant command is sent like a request; its "OK" arrives later, through poll().
 */
#define _POSIX_C_SOURCE 200809L
#include <nutpp/driver.h>

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <fcntl.h>

static const nutpp_config_key netups_keys[] = {
    {.name = "connect_timeout", .type = NUTPP_TYPE_NUMBER, .default_value = "2",
     .description = "Seconds open() waits for the TCP connection and the first answer", .flags = NUTPP_KEY_RANGE,
     .min = 0.1, .max = 10},
    {.name = "reply_timeout", .type = NUTPP_TYPE_NUMBER, .default_value = "1",
     .description = "Seconds an answer may take before the data is reported stale", .flags = NUTPP_KEY_RANGE,
     .min = 0.05, .max = 30},
};
static const char *const netups_variables[] = {"ups.status", "battery.charge", "input.voltage", "ups.test.result",
                                               "device.type", NULL};
static const char *const netups_commands[] = {"test.battery.start.quick", NULL};

struct nutpp_instance {
    const nutpp_host_api *api;
    nutpp_host_ctx *h;
    char host[256], service[16];
    int connect_ms, reply_ms;
    int fd;              /* -1 when not connected */
    char in[512];        /* bytes received, not yet a complete line */
    size_t used;
    int waiting;         /* a STATUS request is out, its deadline armed */
    nutpp_status last;   /* outcome of the last exchange (what a send-only poll reports) */
};

static nutpp_status fail(nutpp_instance *self, nutpp_status st, const char *what) {
    char msg[300];
    snprintf(msg, sizeof msg, "%s%s%s", what, errno ? ": " : "", errno ? strerror(errno) : "");
    self->api->set_error(self->h, msg);
    return st;
}

/* "host:port" or "[v6addr]:port" (the port key as upsdrvd documents it). */
static int split_port(const char *port, char *host, size_t hlen, char *service, size_t slen) {
    const char *colon = strrchr(port, ':');
    size_t n;
    if (!colon || !colon[1]) return -1;
    n = (size_t)(colon - port);
    if (n > 1 && port[0] == '[' && port[n - 1] == ']') port++, n -= 2;
    if (n == 0 || n >= hlen || strlen(colon + 1) >= slen) return -1;
    memcpy(host, port, n);
    host[n] = '\0';
    strcpy(service, colon + 1);
    return 0;
}

static nutpp_status netups_create(const nutpp_host_api *api, nutpp_host_ctx *h, nutpp_instance **out) {
    double connect_s = 2, reply_s = 1;
    const char *port = api->config_get(h, "port");
    nutpp_instance *self = (nutpp_instance *)calloc(1, sizeof *self);
    if (!self) return NUTPP_E_NO_MEMORY;
    self->api = api, self->h = h, self->fd = -1;
    if (!port || split_port(port, self->host, sizeof self->host, self->service, sizeof self->service) != 0) {
        api->set_error(h, "port must be host:port (or [v6addr]:port)");
        free(self);
        return NUTPP_E_CONFIG;
    }
    api->config_get_number(h, "connect_timeout", &connect_s); /* defaults and ranges: checked by the host */
    api->config_get_number(h, "reply_timeout", &reply_s);
    self->connect_ms = (int)(connect_s * 1000);
    self->reply_ms = (int)(reply_s * 1000);
    *out = self;
    return NUTPP_OK;
}

/* Publishes one line from the device. Returns 1 for a STATUS line (fresh data). */
static int handle_line(nutpp_instance *self, char *line) {
    const nutpp_host_api *api = self->api;
    if (strcmp(line, "OK") == 0) {
        api->set_var(self->h, "ups.test.result", "In progress");
        return 0;
    }
    if (strncmp(line, "STATUS ", 7) != 0) {
        api->log(self->h, NUTPP_LOG_WARNING, line); /* ERR ... from the device: tell, do not fail */
        return 0;
    }
    api->status_begin(self->h);
    for (char *save = NULL, *tok = strtok_r(line + 7, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
        char *eq = strchr(tok, '=');
        if (!eq) continue;
        *eq++ = '\0';
        if (strcmp(tok, "status") == 0) {
            for (char *s2 = NULL, *t = strtok_r(eq, ",", &s2); t; t = strtok_r(NULL, ",", &s2)) api->status_set(self->h, t);
        } else if (strcmp(tok, "charge") == 0) {
            api->set_var(self->h, "battery.charge", eq);
        } else if (strcmp(tok, "voltage") == 0) {
            api->set_var(self->h, "input.voltage", eq);
        } else if (strcmp(tok, "test") == 0 && strcmp(eq, "passed") == 0) {
            api->set_var(self->h, "ups.test.result", "Done and passed");
        }
    }
    api->status_commit(self->h);
    return 1;
}

/* Reads what the socket has (never blocks). 1: a STATUS line came; 0: nothing complete yet;
 * -1: connection lost (errno 0 for an orderly close). */
static int read_lines(nutpp_instance *self) {
    int fresh = 0;
    for (;;) {
        ssize_t n = read(self->fd, self->in + self->used, sizeof self->in - 1 - self->used);
        if (n == 0) {
            errno = 0;
            return -1;
        }
        if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK ? fresh : -1;
        self->used += (size_t)n;
        self->in[self->used] = '\0';
        char *nl;
        while ((nl = strchr(self->in, '\n')) != NULL) {
            *nl = '\0';
            fresh |= handle_line(self, self->in);
            self->used -= (size_t)(nl + 1 - self->in);
            memmove(self->in, nl + 1, self->used + 1);
        }
        if (self->used == sizeof self->in - 1) self->used = 0; /* a line too long: drop it */
    }
}

static int send_line(nutpp_instance *self, const char *line) {
    size_t len = strlen(line);
    return send(self->fd, line, len, MSG_NOSIGNAL) == (ssize_t)len ? 0 : -1;
}

/* Waits up to `ms` for `events` on the socket: only open() does this (it may block, briefly). */
static int wait_for(int fd, short events, int ms) {
    struct pollfd p = {.fd = fd, .events = events, .revents = 0};
    int n;
    do n = poll(&p, 1, ms);
    while (n < 0 && errno == EINTR);
    if (n == 0) errno = ETIMEDOUT;
    return n > 0 ? 0 : -1;
}

static nutpp_status netups_open(nutpp_instance *self) {
    struct addrinfo hints, *res = NULL;
    int err = 0, rc;
    socklen_t len = sizeof err;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    errno = 0;
    if ((rc = getaddrinfo(self->host, self->service, &hints, &res)) != 0) {
        self->api->set_error(self->h, gai_strerror(rc));
        return NUTPP_E_NO_DEVICE;
    }
    /* close() frees what this leaves half-done (the host calls it after a failed open) */
    self->fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (self->fd < 0) {
        freeaddrinfo(res);
        return fail(self, NUTPP_E_IO, "socket");
    }
    rc = connect(self->fd, res->ai_addr, res->ai_addrlen);
    freeaddrinfo(res);
    if (rc != 0 && errno != EINPROGRESS) return fail(self, NUTPP_E_NO_DEVICE, "connect");
    if (rc != 0 && (wait_for(self->fd, POLLOUT, self->connect_ms) != 0 ||
                    getsockopt(self->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || (errno = err) != 0))
        return fail(self, NUTPP_E_NO_DEVICE, "connect");
    /* The first exchange, so the data is there when open() returns. */
    if (send_line(self, "STATUS\n") != 0) return fail(self, NUTPP_E_NO_DEVICE, "send");
    self->used = 0;
    for (;;) {
        if (wait_for(self->fd, POLLIN, self->connect_ms) != 0) return fail(self, NUTPP_E_TIMEOUT, "first answer");
        rc = read_lines(self);
        if (rc < 0) return fail(self, NUTPP_E_NO_DEVICE, "connection closed by the device");
        if (rc > 0) break;
    }
    {
        const nutpp_cmd_decl test = {.struct_size = sizeof test, .name = "test.battery.start.quick", .flags = 0};
        self->api->declare_cmd(self->h, &test);
    }
    self->api->set_var(self->h, "device.type", "ups");
    self->waiting = 0;
    self->last = NUTPP_OK;
    return self->api->watch_fd(self->h, self->fd, NUTPP_FD_READ);
}

static nutpp_status lost(nutpp_instance *self, const char *why) {
    char msg[200];
    snprintf(msg, sizeof msg, "%s%s%s", why, errno ? ": " : "", errno ? strerror(errno) : "");
    self->api->report_data_stale(self->h, msg);
    self->api->set_error(self->h, msg);
    return self->last = NUTPP_E_NO_DEVICE; /* the host closes, then reopens after its backoff */
}

static nutpp_status netups_poll(nutpp_instance *self, uint32_t wake) {
    if (self->fd < 0) return NUTPP_E_NO_DEVICE;
    if (wake & NUTPP_WAKE_FD) {
        nutpp_fd_ready ready[1];
        const uint32_t n = NUTPP_HOST_HAS(self->api, ready_fds) ? self->api->ready_fds(self->h, ready, 1) : 0;
        int rc = read_lines(self);
        if (rc < 0) return lost(self, "connection lost");
        if (n > 0 && (ready[0].events & (NUTPP_FD_HANGUP | NUTPP_FD_ERROR)) && rc == 0) {
            errno = 0;
            return lost(self, "connection hung up");
        }
        if (rc > 0) {
            self->waiting = 0;
            self->last = NUTPP_OK; /* fresh again, also after a timeout: the recovery */
        }
    }
    if ((wake & NUTPP_WAKE_DEFERRED) && self->waiting) {
        char msg[80];
        snprintf(msg, sizeof msg, "no answer within %d ms", self->reply_ms);
        self->api->report_data_stale(self->h, msg);
        self->api->set_error(self->h, msg);
        self->waiting = 0;
        self->last = NUTPP_E_TIMEOUT;
    }
    if ((wake & (NUTPP_WAKE_TIMER | NUTPP_WAKE_REQUEST)) && !self->waiting) {
        if (send_line(self, "STATUS\n") != 0) return lost(self, "send");
        self->waiting = 1;
        self->api->request_poll_after(self->h, (uint32_t)self->reply_ms);
    }
    return self->last; /* a send-only poll reports the last exchange, never "fresh" before an answer */
}

static nutpp_status netups_instcmd(nutpp_instance *self, const char *cmd, const char *arg) {
    (void)arg;
    if (strcmp(cmd, "test.battery.start.quick") != 0) return NUTPP_E_UNSUPPORTED;
    errno = 0;
    return send_line(self, "TEST\n") == 0 ? NUTPP_OK : fail(self, NUTPP_E_IO, "send");
}

static void netups_close(nutpp_instance *self) {
    if (self->fd >= 0) {
        self->api->unwatch_fd(self->h, self->fd); /* before close(): the fd number may be reused */
        close(self->fd);
    }
    self->fd = -1;
    self->used = 0;
    self->waiting = 0;
}

static void netups_destroy(nutpp_instance *self) { free(self); }

static const nutpp_driver_ops netups_ops = {
    .struct_size = sizeof(nutpp_driver_ops),
    .create = netups_create,
    .open = netups_open,
    .poll = netups_poll,
    .instcmd = netups_instcmd,
    .setvar = NULL,
    .close = netups_close,
    .destroy = netups_destroy,
    .get_extension = NULL,
};

NUTPP_EXPORT const nutpp_driver_descriptor nutpp_driver_v1 = {
    .struct_size = sizeof(nutpp_driver_descriptor),
    .abi_major = NUTPP_ABI_MAJOR,
    .abi_minor = NUTPP_ABI_MINOR,
    .id = "org.nutpp.example.netups",
    .name = "netups",
    .version = "1.0.0",
    .vendor = "nutpp SDK examples",
    .description = "Example: an event-driven driver for a UPS speaking a line protocol over TCP",
    .transports = NUTPP_TRANSPORT_NETWORK,
    .config_keys = netups_keys,
    .config_key_count = sizeof netups_keys / sizeof netups_keys[0],
    .config_key_size = sizeof(nutpp_config_key),
    .variables = netups_variables,
    .commands = netups_commands,
    .ops = &netups_ops,
};
