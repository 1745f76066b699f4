/* netups_sim.c: see netups_sim.h. One client at a time; a mutex guards what the test changes. */
#define _POSIX_C_SOURCE 200809L
#include "netups_sim.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct netups_sim {
    int listen_fd, client_fd, port;
    int stop, silent, unplugged, tests_run, charge, test_passed;
    char status[32];
    char buf[256];
    size_t used;
    pthread_mutex_t mu;
    pthread_t thread;
};

static void answer(netups_sim *s, const char *line) {
    char out[128];
    out[0] = '\0';
    if (strcmp(line, "STATUS") == 0)
        snprintf(out, sizeof out, "STATUS status=%s charge=%d voltage=230.0%s\n", s->status, s->charge,
                 s->test_passed ? " test=passed" : "");
    else if (strcmp(line, "TEST") == 0) {
        s->tests_run++;
        s->test_passed = 1;
        snprintf(out, sizeof out, "OK\n");
    } else
        snprintf(out, sizeof out, "ERR unknown request\n");
    if (!s->silent && write(s->client_fd, out, strlen(out)) < 0) { /* the client went away: fine */
    }
}

static void *run(void *arg) {
    netups_sim *s = (netups_sim *)arg;
    for (;;) {
        struct pollfd p[2];
        int n = 0;
        pthread_mutex_lock(&s->mu);
        if (s->stop) {
            pthread_mutex_unlock(&s->mu);
            break;
        }
        if (s->unplugged && s->client_fd >= 0) {
            close(s->client_fd);
            s->client_fd = -1;
        }
        p[n].fd = s->listen_fd, p[n].events = POLLIN, n++;
        if (s->client_fd >= 0) p[n].fd = s->client_fd, p[n].events = POLLIN, n++;
        pthread_mutex_unlock(&s->mu);
        if (poll(p, (nfds_t)n, 20) <= 0) continue;
        pthread_mutex_lock(&s->mu);
        if (p[0].revents & POLLIN) {
            int c = accept(s->listen_fd, NULL, NULL);
            if (c >= 0 && (s->unplugged || s->client_fd >= 0)) close(c); /* unplugged, or busy */
            else if (c >= 0) s->client_fd = c, s->used = 0;
        }
        if (n > 1 && p[1].revents && s->client_fd == p[1].fd) {
            ssize_t got = read(s->client_fd, s->buf + s->used, sizeof s->buf - 1 - s->used);
            if (got <= 0) {
                close(s->client_fd);
                s->client_fd = -1;
            } else {
                char *nl;
                s->used += (size_t)got;
                s->buf[s->used] = '\0';
                while ((nl = strchr(s->buf, '\n')) != NULL) {
                    *nl = '\0';
                    answer(s, s->buf);
                    memmove(s->buf, nl + 1, s->used - (size_t)(nl + 1 - s->buf) + 1);
                    s->used -= (size_t)(nl + 1 - s->buf);
                }
                if (s->used == sizeof s->buf - 1) s->used = 0; /* a line too long: drop it */
            }
        }
        pthread_mutex_unlock(&s->mu);
    }
    return NULL;
}

netups_sim *netups_sim_start(void) {
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    int one = 1;
    netups_sim *s = (netups_sim *)calloc(1, sizeof *s);
    if (!s) return NULL;
    s->client_fd = -1;
    s->charge = 100;
    strcpy(s->status, "OL");
    pthread_mutex_init(&s->mu, NULL);
    s->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    setsockopt(s->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (s->listen_fd < 0 || bind(s->listen_fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(s->listen_fd, 4) != 0 ||
        getsockname(s->listen_fd, (struct sockaddr *)&a, &len) != 0 || pthread_create(&s->thread, NULL, run, s) != 0) {
        if (s->listen_fd >= 0) close(s->listen_fd);
        free(s);
        return NULL;
    }
    s->port = ntohs(a.sin_port);
    return s;
}

int netups_sim_port(const netups_sim *s) { return s->port; }

#define LOCKED(s, stmt)                                                                           \
    do {                                                                                          \
        pthread_mutex_lock(&(s)->mu);                                                             \
        stmt;                                                                                     \
        pthread_mutex_unlock(&(s)->mu);                                                           \
    } while (0)

void netups_sim_set(netups_sim *s, const char *status, int charge) {
    LOCKED(s, (snprintf(s->status, sizeof s->status, "%s", status), s->charge = charge));
}
void netups_sim_silent(netups_sim *s, int silent) { LOCKED(s, s->silent = silent); }
void netups_sim_unplug(netups_sim *s) { LOCKED(s, s->unplugged = 1); }
void netups_sim_plug(netups_sim *s) { LOCKED(s, s->unplugged = 0); }
int netups_sim_tests_run(netups_sim *s) {
    int n;
    LOCKED(s, n = s->tests_run);
    return n;
}

void netups_sim_stop(netups_sim *s) {
    if (!s) return;
    LOCKED(s, s->stop = 1);
    pthread_join(s->thread, NULL);
    if (s->client_fd >= 0) close(s->client_fd);
    close(s->listen_fd);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

#ifdef NETUPS_SIM_MAIN
/* The simulated device as a program (for `upsdrvd --check netups` and manual runs): prints its
 * port, serves until its stdin closes. */
int main(void) {
    char line[64];
    netups_sim *s = netups_sim_start();
    if (!s) return 1;
    printf("%d\n", netups_sim_port(s));
    fflush(stdout);
    while (fgets(line, sizeof line, stdin)) {
    }
    netups_sim_stop(s);
    return 0;
}
#endif
