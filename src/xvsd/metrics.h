/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Prometheus metrics of xvsd (off unless `--metrics ADDR:PORT` or
 * `metrics = ADDR:PORT` is given): the text exposition format rendered from
 * the same data the LIST replies carry (metrics.c), and a small HTTP/1.x
 * responder for GET /metrics on xvsd's event loop (metrics_http.c). Metric
 * names and labels are documented in docs/ops.md.
 */
#ifndef XVSD_METRICS_H
#define XVSD_METRICS_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/socket.h>
#include <linux/types.h>
#include <xvs/abi.h>

#include "ctl_proto.h"
#include "loop.h"
#include "state.h"
#include "sync.h"

#define METRICS_MAX_CLIENTS	16	/* more at once are closed at accept */
#define METRICS_TIMEOUT_MS	5000	/* a client's whole exchange, request to last byte */
#define METRICS_MAX_REQUEST	4096	/* request line and headers */

/* ---- exposition (metrics.c) -------------------------------------------- */

/* One snapshot: what a scrape shows. */
struct metrics_data {
	const char *version;
	struct xvs_ctl_info info;
	const void *list;		/* a LIST reply: per service xvs_ctl_svc + its dests */
	size_t list_len;
	__u64 drops[XVS_DROP_MAX];	/* drop_stats summed over CPUs */
	__u64 expired;			/* connections expired by the sweeper */
	const struct ka *ka;		/* keepalived.conf's health (NULL: no -f) */
	bool sync;			/* connection sync possible: its families are shown */
	struct xvs_ctl_daemon daemons[2];	/* the running sync daemons */
	size_t ndaemons;
	struct sync_stats sync_stats;	/* their traffic since xvsd started */
};

/* Take a snapshot of st (d->list is malloc'd: metrics_data_free()). Returns 0 or -errno. */
int metrics_collect(struct xvsd *st, const char *version, struct metrics_data *d);
void metrics_data_free(struct metrics_data *d);

/* Write d in the text exposition format 0.0.4. Returns 0, or -EBADMSG for a torn list. */
int metrics_format(FILE *f, const struct metrics_data *d);

/* A label value: \, " and newline escaped as the format wants. */
void metrics_put_label_value(FILE *f, const char *s);

/* ---- HTTP endpoint (metrics_http.c) ------------------------------------- */

/*
 * "ADDR:PORT" (IPv4), "[ADDR]:PORT" (IPv6) or ":PORT" (every IPv4 address),
 * numeric only, port 1..65535. Returns 0 or -EINVAL.
 */
int metrics_parse_addr(const char *s, struct sockaddr_storage *ss, socklen_t *len);

/* A non-blocking listening TCP socket on ss. Returns the fd or -errno. */
int metrics_listen(const struct sockaddr_storage *ss, socklen_t len);

/*
 * The answer to one request head (request line and headers, NUL-terminated
 * at len): 200 for
 * GET/HEAD /metrics (any query string), 404 for another path, 405 for
 * another method, 400 for anything malformed. *head is set for HEAD.
 */
int metrics_http_status(const char *req, size_t len, bool *head);

struct metrics;

/*
 * Serve listen_fd on l, scraping st; metrics_free() closes listen_fd. NULL
 * with errno on failure, listen_fd left to the caller.
 */
struct metrics *metrics_serve(struct loop *l, int listen_fd, struct xvsd *st,
			      const char *version);

/* Close the listener and every client (after the loop has ended). */
void metrics_free(struct metrics *m);

#endif /* XVSD_METRICS_H */
