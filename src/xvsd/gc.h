/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The 1 s sweeper: expires idle connections through the xvs_gc program (and
 * removed servers' ones with expire_nodest_conn, unanswered ones under pool
 * pressure), keeps the servers' OVERLOAD flags in line with their
 * thresholds, frees removed servers nothing references any more, and keeps
 * addr_set in line with the services.
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
	__u32 unanswered;	/* connections that never saw a reply */
	__u32 nodest;		/* of removed servers, expired (expire_nodest_conn) */
	__u32 pool;		/* unanswered ones expired under pool pressure */
	__u32 ops;		/* of -o services, answered or idle XVS_POOL_TIMEOUT s */
};

int gc_sweep(struct xvsd *st, struct gc_result *res);

/*
 * Pool pressure after a sweep that counted @unanswered connections that
 * never saw a reply, of a pool of @pool_size, when it was @on before: on
 * at half the pool, off below a quarter (IPVS's defense levels switch
 * likewise on a periodic measure).
 */
bool gc_pool_pressure(bool on, __u32 unanswered, __u32 pool_size);

/*
 * IPVS's threshold rule for one server with total = active + inactive +
 * persistent connections: returns the new OVERLOAD state (ipvs.md 0.1).
 */
bool gc_overload(bool overloaded, __u32 total, __u32 u_threshold, __u32 l_threshold);

#endif /* XVSD_GC_H */
