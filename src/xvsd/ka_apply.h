/* SPDX-License-Identifier: GPL-2.0 */
/*
 * keepalived.conf in xvsd: the virtual servers of the file become services
 * (origin XVS_ORIGIN_KACONF) through the same svc_ and dest_ functions the
 * control socket uses, their real servers are added and removed as the
 * health checkers say, with keepalived's quorum, hysteresis, sorry server,
 * inhibit_on_failure and notify scripts. A reload applies only the
 * difference; services of another origin are never touched. Health is
 * saved next to the control socket so a restarted xvsd carries it on.
 */
#ifndef XVSD_KA_APPLY_H
#define XVSD_KA_APPLY_H

#include <stdio.h>

#include "state.h"

struct loop;
struct ka;
struct ka_conf;

/* conf_path: the keepalived.conf; state_path: where health is kept (NULL: nowhere). */
struct ka *ka_new(const char *conf_path, const char *state_path);
void ka_free(struct ka *k);

/*
 * First load, before the loop runs: parse (warnings logged), or fail with
 * the reason logged (xvsd does not start). Nothing is applied yet.
 */
int ka_load(struct ka *k);
/* The model ka_load() read, for the HA side's settings. */
const struct ka_conf *ka_conf(const struct ka *k);

/* Apply the loaded model to st and start the checkers on the loop. */
int ka_start(struct ka *k, struct xvsd *st, struct loop *l);
/* Stop the checkers (before the loop goes); the services stay as they are. */
void ka_stop(struct ka *k);

/*
 * SIGHUP: parse the file again; on a fatal error keep everything as it is;
 * else apply the difference (health carried over for unchanged checkers).
 */
void ka_reload(struct ka *k);

/* The health families of the metrics scrape (ka_metrics.c, docs/ops.md). */
void ka_metrics_format(FILE *f, const struct ka *k);

/* "<dir of socket>/xvsd-keepalived.state" */
void ka_state_path(const char *socket_path, char *buf, size_t len);

#endif /* XVSD_KA_APPLY_H */
