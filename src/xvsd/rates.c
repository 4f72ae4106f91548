// SPDX-License-Identifier: GPL-2.0
/*
 * Feeds the estimators (estimator.c) with the per-CPU counters summed. Removed
 * servers keep ticking so that a resurrected one does not show the traffic
 * of its whole stay in the trash as one sample. The counters are read in
 * batches up to the highest id in use: a syscall per server made the tick
 * cost a second of every two at 1M servers.
 */
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

void rates_tick(struct xvsd *st)
{
	struct xvs_stats total;
	__u32 svc_end = st->max_svc, dest_end = st->max_dest;

	while (svc_end > 1 && !st->svcs[svc_end - 1])
		svc_end--;
	while (dest_end > 1 && !st->dests[dest_end - 1])
		dest_end--;
	/* A failed read skips this tick for the ids not reached. */
	mapset_stats_walk(&st->maps, st->maps.svc_stats, 1, svc_end, tick_svc, st);
	mapset_stats_walk(&st->maps, st->maps.dest_stats, 1, dest_end, tick_dest, st);
	if (!mapset_stats_sum(&st->maps, st->maps.glob_stats, 0, &total))
		est_tick(&st->est_total, &total);
}
