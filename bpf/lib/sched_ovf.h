/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IPVS overflow-connection (ip_vs_ovf.c): among dests that are not
 * OVERLOADED, have weight != 0 and no more active connections than their
 * weight, the one with the highest weight; the first in list wins ties.
 * Only active connections count (UDP has none). Pure.
 */
#ifndef XVS_SCHED_OVF_H
#define XVS_SCHED_OVF_H

#include "sched_wlc.h"

/* Look at entry @i; returns 1 past the end of the list. r->loh = best weight. */
static __always_inline int sched_ovf_step(__u32 i, struct sched_wlc_run *r)
{
	const struct xvs_svc_dests *sd = r->sd;
	const struct xvs_dest_cnt *c;
	__s32 w;

	if (i >= r->n || i >= XVS_MAX_RS)
		return 1;
	w = sd->weight[i];
	if (sd->overload[i] || w == 0)
		return 0;
	c = xvs_array_elem(r->cnt, sd->dest[i], struct xvs_dest_cnt);
	if (c && c->active > w)
		return 0;
	if (r->least < 0 || w > r->loh) {
		r->least = i;
		r->loh = w;
	}
	return 0;
}

/* Whole pick with a plain loop (host): index into @sd->dest[] or -1. */
static __always_inline int sched_ovf_pick(const struct xvs_svc_dests *sd,
					  void *cnt)
{
	struct sched_wlc_run r;
	__u32 i;

	sched_wlc_begin(&r, sd, cnt);
	for (i = 0; i < XVS_MAX_RS; i++)
		if (sched_ovf_step(i, &r))
			break;
	return r.least;
}

#endif /* XVS_SCHED_OVF_H */
