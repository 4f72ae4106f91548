/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IPVS least-connection (ip_vs_lc.c): the dest with the smallest overhead
 * active * 256 + inactive, strict < so the first in list wins ties; weight
 * is only looked at as zero / non-zero. Skips OVERLOADED dests. Shares the
 * run state of wlc (sched_wlc.h); pure.
 */
#ifndef XVS_SCHED_LC_H
#define XVS_SCHED_LC_H

#include "sched_wlc.h"

/* Look at entry @i; returns 1 past the end of the list. */
static __always_inline int sched_lc_step(__u32 i, struct sched_wlc_run *r)
{
	const struct xvs_svc_dests *sd = r->sd;
	__s64 doh;

	if (i >= r->n || i >= XVS_MAX_RS)
		return 1;
	if (sd->overload[i] || sd->weight[i] == 0)
		return 0;
	doh = sched_overhead(xvs_array_elem(r->cnt, sd->dest[i],
					    struct xvs_dest_cnt));
	if (r->least < 0 || doh < r->loh) {
		r->least = i;
		r->loh = doh;
	}
	return 0;
}

/* Whole pick with a plain loop (host): index into @sd->dest[] or -1. */
static __always_inline int sched_lc_pick(const struct xvs_svc_dests *sd,
					 void *cnt)
{
	struct sched_wlc_run r;
	__u32 i;

	sched_wlc_begin(&r, sd, cnt);
	for (i = 0; i < XVS_MAX_RS; i++)
		if (sched_lc_step(i, &r))
			break;
	return r.least;
}

#endif /* XVS_SCHED_LC_H */
