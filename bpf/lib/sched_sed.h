/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IPVS shortest expected delay (ip_vs_sed.c): wlc's walk with overhead
 * active + 1 (inactive connections ignored). The first usable dest (weight
 * > 0, not OVERLOADED) seeds; a later one wins only if strictly less loaded
 * by 64-bit cross-multiplication, so ties go to the earlier dest. Pure.
 */
#ifndef XVS_SCHED_SED_H
#define XVS_SCHED_SED_H

#include "sched_wlc.h"

/* sed/nq overhead of one dest: active + 1. */
static __always_inline __s64 sched_sed_overhead(const struct xvs_dest_cnt *c)
{
	return (c ? (__s64)c->active : 0) + 1;
}

/* Look at entry @i; returns 1 past the end of the list. */
static __always_inline int sched_sed_step(__u32 i, struct sched_wlc_run *r)
{
	const struct xvs_svc_dests *sd = r->sd;
	__s64 doh;

	if (i >= r->n || i >= XVS_MAX_RS)
		return 1;
	if ((sd->overload >> i) & 1)
		return 0;
	if (r->least < 0 && sd->weight[i] <= 0)
		return 0;
	doh = sched_sed_overhead(xvs_array_elem(r->cnt, sd->dest[i],
						struct xvs_dest_cnt));
	if (r->least < 0 ||
	    r->loh * sd->weight[i] > doh * sd->weight[r->least & (XVS_MAX_RS - 1)]) {
		r->least = i;
		r->loh = doh;
	}
	return 0;
}

/* Whole pick with a plain loop (host): index into @sd->dest[] or -1. */
static __always_inline int sched_sed_pick(const struct xvs_svc_dests *sd,
					  void *cnt)
{
	struct sched_wlc_run r;
	__u32 i;

	sched_wlc_begin(&r, sd, cnt);
	for (i = 0; i < XVS_MAX_RS; i++)
		if (sched_sed_step(i, &r))
			break;
	return r.least;
}

#endif /* XVS_SCHED_SED_H */
