// SPDX-License-Identifier: GPL-2.0
/*
 * Feeds the estimators (estimator.c) with the per-CPU counters summed. Removed
 * servers keep ticking so that a resurrected one does not show the traffic
 * of its whole stay in the trash as one sample.
 */
#include "rates.h"

static void tick_one(struct xvsd *st, int fd, __u32 id, struct est *e)
{
	struct xvs_stats now;

	if (!mapset_stats_sum(&st->maps, fd, id, &now))
		est_tick(e, &now);
}

void rates_tick(struct xvsd *st)
{
	__u32 i;

	for (i = 1; i < st->max_svc; i++)
		if (st->svcs[i])
			tick_one(st, st->maps.svc_stats, i, &st->svcs[i]->est);
	for (i = 1; i < st->max_dest; i++)
		if (st->dests[i])
			tick_one(st, st->maps.dest_stats, i, &st->dests[i]->est);
	tick_one(st, st->maps.glob_stats, 0, &st->est_total);
}
