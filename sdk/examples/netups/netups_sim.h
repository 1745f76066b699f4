/*
 * netups_sim.h: the tiny simulated network UPS the netups example is tested against. A TCP server
 * on 127.0.0.1 (ephemeral port) in a thread of the test program, speaking the example's line
 * protocol:
 *   "STATUS\n" -> "STATUS status=OL charge=100 voltage=230.0\n"
 *   "TEST\n"   -> "OK\n"  (a quick battery test; the next STATUS says test=passed)
 * and controlled by the test: go silent (connected, answering nothing), drop the connection and
 * refuse new ones (unplugged), come back, change the readings.
 */
#ifndef NETUPS_SIM_H
#define NETUPS_SIM_H

typedef struct netups_sim netups_sim;

netups_sim *netups_sim_start(void);         /* NULL on failure (errno set) */
int netups_sim_port(const netups_sim *s);
void netups_sim_set(netups_sim *s, const char *status, int charge); /* next STATUS replies */
void netups_sim_silent(netups_sim *s, int silent);  /* 1: read requests, answer nothing */
void netups_sim_unplug(netups_sim *s);     /* close the client connection, refuse new ones */
void netups_sim_plug(netups_sim *s);       /* accept connections again */
int netups_sim_tests_run(netups_sim *s);   /* TEST requests answered so far */
void netups_sim_stop(netups_sim *s);

#endif
