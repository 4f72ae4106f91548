/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The 1 s sweeper: expires idle connections through the xvs_gc program,
 * keeps the servers' OVERLOAD flags in line with their thresholds, and frees
 * removed servers nothing references any more.
 */
#ifndef XVSD_GC_H
#define XVSD_GC_H

#include "state.h"

#define GC_TICK_MS 1000

struct gc_result {
	__u32 conns;		/* XVS_DIR_IN entries seen */
	__u32 candidates;	/* of those, idle past their timeout */
	__u32 expired;		/* removed by xvs_gc */
	__u32 overload_changes;
	__u32 freed_dests;
};

int gc_sweep(struct xvsd *st, struct gc_result *res);

/*
 * IPVS's threshold rule for one server with total = active + inactive +
 * persistent connections: returns the new OVERLOAD state (ipvs.md 0.1).
 */
bool gc_overload(bool overloaded, __u32 total, __u32 u_threshold, __u32 l_threshold);

#endif /* XVSD_GC_H */
