// SPDX-License-Identifier: GPL-2.0
/*
 * The running daemon. Everything happens on one thread in one epoll loop,
 * so control requests, sweeps and estimator ticks never race each other
 * over the in-memory state. Neighbour upkeep (neigh.c) has its own 1 s tick.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "dropwatch.h"
#include "gc.h"
#include "ka_apply.h"
#include "log.h"
#include "loop.h"
#include "metrics.h"
#include "neigh.h"
#include "rates.h"
#include "run.h"
#include "version.h"
#include "sync.h"
#include "vrrp.h"

static void on_sweep(struct loop *l, int fd, uint32_t events, void *data)
{
	static int last_err;
	struct gc_result res;
	int err;

	(void)l, (void)fd, (void)events;
	err = gc_sweep(data, &res);
	/* Say it once per kind of failure, not every second. */
	if (err && err != last_err)
		pr_warn("connection sweep: %s", strerror(-err));
	last_err = err;
	if (err)
		return;
	if (res.expired || res.freed_dests || res.overload_changes)
		pr_debug("sweep: %u connections, %u idle, %u expired, %u servers freed, "
			 "%u overload changes", res.conns, res.candidates, res.expired,
			 res.freed_dests, res.overload_changes);
}

static void on_estimate(struct loop *l, int fd, uint32_t events, void *data)
{
	(void)l, (void)fd, (void)events;
	rates_tick(data);
}

static void on_dropwatch(struct loop *l, int fd, uint32_t events, void *data)
{
	struct dropwatch *w = data;

	(void)l, (void)fd, (void)events;
	dropwatch_tick(w);
}

static void on_neigh(struct loop *l, int fd, uint32_t events, void *data)
{
	static int last_err;
	int err;

	(void)l, (void)fd, (void)events;
	err = neigh_sync(data);
	if (err && err != last_err)
		pr_warn("neighbour upkeep: %s", strerror(-err));
	last_err = err;
}

static void on_signal(struct loop *l, int signo, uint32_t events, void *data)
{
	struct xvsd *st = data;

	(void)events;
	if (signo == SIGHUP) {
		if (!st->ka) {
			pr_info("SIGHUP ignored: configuration lives in the maps, not in a file");
			return;
		}
		/* keepalived's reload: the file again, only the difference applied */
		ka_reload(st->ka);
		/* keepalived's VRRP process reloads lvs_sync_daemon on SIGHUP too */
		if (st->vrrp)
			vrrp_reload_syncd(st->vrrp, ka_conf(st->ka));
		return;
	}
	pr_info("%s: exiting, the datapath keeps forwarding", strsignal(signo));
	loop_stop(l);
}

int run_loop(struct xvsd *st, int listen_fd, int metrics_fd)
{
	struct loop *l = loop_new();
	struct dropwatch dw = { .st = st };
	struct metrics *m = NULL;
	struct neigh *nb;
	int err;

	if (!l) {
		if (metrics_fd >= 0)
			close(metrics_fd);
		return -ENOMEM;
	}
	/* Without it the datapath still forwards, only neighbours may go stale. */
	nb = neigh_new(st, false);
	if (!nb)
		pr_warn("neighbour upkeep off: rtnetlink: %s", strerror(errno));
	signal(SIGPIPE, SIG_IGN);
	err = loop_add_signal(l, SIGTERM, on_signal, NULL);
	if (!err)
		err = loop_add_signal(l, SIGINT, on_signal, NULL);
	if (!err)
		err = loop_add_signal(l, SIGHUP, on_signal, st);
	if (!err)
		err = loop_add_timer(l, GC_TICK_MS, on_sweep, st);
	if (!err)
		err = loop_add_timer(l, EST_TICK_MS, on_estimate, st);
	if (!err) {
		/* The base sample now: drops from before this start are no news. */
		dropwatch_tick(&dw);
		err = loop_add_timer(l, DROPWATCH_TICK_MS, on_dropwatch, &dw);
	}
	if (!err && nb) {
		/* Adopt and reconcile now, not a tick after a restart. */
		on_neigh(l, -1, 0, nb);
		err = loop_add_timer(l, NEIGH_TICK_MS, on_neigh, nb);
	}
	if (!err && st->vrrp)
		err = vrrp_serve(st->vrrp, l, st);
	if (!err && st->ka)
		err = ka_start(st->ka, st, l);
	if (!err) {
		st->sync = sync_new(l, st);
		if (!st->sync)
			err = -ENOMEM;
	}
	if (!err)
		err = ctl_serve(l, listen_fd, st);
	if (!err && metrics_fd >= 0) {
		m = metrics_serve(l, metrics_fd, st, XVSD_VERSION);
		if (m)
			metrics_fd = -1;
		else
			err = -errno;
	}
	if (!err)
		err = loop_run(l);
	else
		pr_err("event loop setup: %s", strerror(-err));
	ka_stop(st->ka);	/* its checkers are on the loop */
	sync_free(st->sync);	/* its sockets and ring are on the loop */
	st->sync = NULL;
	loop_free(l);
	metrics_free(m);
	if (metrics_fd >= 0)
		close(metrics_fd);
	neigh_free(nb);
	return err;
}
