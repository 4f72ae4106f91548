/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IPVS weighted failover (ip_vs_fo.c): the dest with the highest weight
 * that is not OVERLOADED; weight must be above 0; strict > so the first in
 * list wins ties. No connection counts involved. Pure.
 */
#ifndef XVS_SCHED_FO_H
#define XVS_SCHED_FO_H

#include "sched_wlc.h"

/* Look at entry @i; returns 1 past the end of the list. r->loh = best weight. */
static __always_inline int sched_fo_step(__u32 i, struct sched_wlc_run *r)
{
	const struct xvs_svc_dests *sd = r->sd;

	if (i >= r->n || i >= XVS_MAX_RS)
		return 1;
	if (sd->overload[i])
		return 0;
	if (sd->weight[i] > r->loh) {
		r->least = i;
		r->loh = sd->weight[i];
	}
	return 0;
}

/* Whole pick with a plain loop (host): index into @sd->dest[] or -1. */
static __always_inline int sched_fo_pick(const struct xvs_svc_dests *sd)
{
	struct sched_wlc_run r;
	__u32 i;

	sched_wlc_begin(&r, sd, (void *)0);
	for (i = 0; i < XVS_MAX_RS; i++)
		if (sched_fo_step(i, &r))
			break;
	return r.least;
}

#endif /* XVS_SCHED_FO_H */
