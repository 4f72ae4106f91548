/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IPVS never queue (ip_vs_nq.c): the first dest in list order with no
 * active connection wins at once; otherwise sed's choice (overhead active +
 * 1, strict cross-multiplication, earlier dest wins ties). Weight 0 and
 * OVERLOADED dests are skipped outright. Pure.
 */
#ifndef XVS_SCHED_NQ_H
#define XVS_SCHED_NQ_H

#include "sched_sed.h"

/* Look at entry @i; returns 1 when decided or past the end of the list. */
static __always_inline int sched_nq_step(__u32 i, struct sched_wlc_run *r)
{
	const struct xvs_svc_dests *sd = r->sd;
	const struct xvs_dest_cnt *c;
	__s64 doh;

	if (i >= r->n || i >= XVS_MAX_RS)
		return 1;
	if (sd->overload[i] || sd->weight[i] == 0)
		return 0;
	c = xvs_array_elem(r->cnt, sd->dest[i], struct xvs_dest_cnt);
	doh = sched_sed_overhead(c);
	if (!c || c->active == 0) {
		r->least = i;
		r->loh = doh;
		return 1;
	}
	if (r->least < 0 ||
	    r->loh * sd->weight[i] > doh * sd->weight[r->least & (XVS_MAX_RS - 1)]) {
		r->least = i;
		r->loh = doh;
	}
	return 0;
}

/* Whole pick with a plain loop (host): index into @sd->dest[] or -1. */
static __always_inline int sched_nq_pick(const struct xvs_svc_dests *sd,
					 void *cnt)
{
	struct sched_wlc_run r;
	__u32 i;

	sched_wlc_begin(&r, sd, cnt);
	for (i = 0; i < XVS_MAX_RS; i++)
		if (sched_nq_step(i, &r))
			break;
	return r.least;
}

#endif /* XVS_SCHED_NQ_H */
