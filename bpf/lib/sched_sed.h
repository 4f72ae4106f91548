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

/* Look at entry @i; returns 1 past the end of the list. */
static __always_inline int sched_sed_step(__u32 i, struct sched_wlc_run *r)
{
	return sched_weighted_step(i, r, 1);
}

/* Whole pick with a plain loop (host): index into @sd->dest[] or -1. */
static __always_inline int sched_sed_pick(const struct xvs_svc_dests *sd,
					  void *cnt)
{
	return sched_weighted_pick(sd, cnt, 1);
}

#endif /* XVS_SCHED_SED_H */
