/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The datapath's drop counters as xvsd reads them: summed over CPUs for the
 * metrics, and watched every tick so that a full connection table is
 * logged once when drops start and once when they stop (episode.h), never
 * per packet.
 */
#ifndef XVSD_DROPWATCH_H
#define XVSD_DROPWATCH_H

#include <linux/types.h>

#include "episode.h"
#include "state.h"

#define DROPWATCH_TICK_MS	1000

struct dropwatch {
	struct xvsd *st;
	struct episode conn_full;
	__u64 began_ns;		/* CLOCK_MONOTONIC at the episode's first drops */
	__u64 grew_ns;		/* and at its last */
	int last_err;		/* a read error is said once, not every tick */
};

/* drop_stats[reason] summed over CPUs. Returns 0 or -errno. */
int drops_read(const struct xvsd_maps *m, __u32 reason, __u64 *sum);

/* One tick: sample XVS_DROP_CONN_FULL and log an episode's begin or end. */
void dropwatch_tick(struct dropwatch *w);

#endif /* XVSD_DROPWATCH_H */
