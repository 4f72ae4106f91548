// SPDX-License-Identifier: GPL-2.0
/*
 * Feeds the estimators (estimator.c) with the per-CPU counters summed. Removed
 * servers keep ticking so that a resurrected one does not show the traffic
 * of its whole stay in the trash as one sample. The counters are read in
 * batches up to the highest id in use: a syscall per server made the tick
 * cost a second of every two at 1M servers. Every packet and connection the
 * datapath counts for a service and a server it counts in the total too
 * (bpf/lib/stats.h, sock_lb.h), and -Z resets the estimators it zeroes: a
 * total unchanged since the last tick means no counter changed, and each
 * estimator ticks with its last sample, no map read.
 */
#include <string.h>

#include "rates.h"

static int tick_svc(__u32 id, const struct xvs_stats *sum, void *ctx)
{
	struct xvsd *st = ctx;

	if (st->svcs[id])
		est_tick(&st->svcs[id]->est, sum);
	return 0;
}

static int tick_dest(__u32 id, const struct xvs_stats *sum, void *ctx)
{
	struct xvsd *st = ctx;

	if (st->dests[id])
		est_tick(&st->dests[id]->est, sum);
	return 0;
}

/* Nothing counted since the last tick: every estimator's sample is its last. */
static void tick_unchanged(struct xvsd *st)
{
	__u32 i;

	for (i = 1; i < st->max_svc; i++)
		if (st->svcs[i])
			est_tick(&st->svcs[i]->est, &st->svcs[i]->est.last);
	for (i = 1; i < st->max_dest; i++)
		if (st->dests[i])
			est_tick(&st->dests[i]->est, &st->dests[i]->est.last);
}

void rates_tick(struct xvsd *st)
{
	__u32 svc_end = st->max_svc, dest_end = st->max_dest;
	struct xvs_stats total;
	bool have_total;

	have_total = !mapset_stats_sum(&st->maps, st->maps.glob_stats, 0, &total);
	if (have_total && !memcmp(&total, &st->est_total.last, sizeof(total))) {
		tick_unchanged(st);
		est_tick(&st->est_total, &total);
		return;
	}
	while (svc_end > 1 && !st->svcs[svc_end - 1])
		svc_end--;
	while (dest_end > 1 && !st->dests[dest_end - 1])
		dest_end--;
	/* A failed read skips this tick for the ids not reached. */
	mapset_stats_walk(&st->maps, st->maps.svc_stats, 1, svc_end, tick_svc, st);
	mapset_stats_walk(&st->maps, st->maps.dest_stats, 1, dest_end, tick_dest, st);
	if (have_total)
		est_tick(&st->est_total, &total);
}
