/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IPVS Maglev hashing lookup (ip_vs_mh.c, ipvs.md 1.3) over the M = 4093
 * entry table xvsd builds into svc_dests.mh_tab. Key: client address, plus
 * the client port with mh-port, hashed with hsiphash and key 1. The entry's
 * dest must be usable (weight > 0, not OVERLOADED; a dest set to weight 0
 * keeps its entries), else the lookup fails unless mh-fallback: then the
 * kernel's probe sequence runs (offset 0..M-1, stop at an empty entry).
 * Pure: the fallback is a step function.
 */
#ifndef XVS_SCHED_MH_H
#define XVS_SCHED_MH_H

#include "sched_sh.h"

/*
 * The verifier does not follow a modulo and clang drops a bounds check it
 * can prove redundant: hide the value from clang so the check stays.
 */
static __always_inline __u32 sched_opaque(__u32 v)
{
	asm volatile("" : "+r"(v));
	return v;
}

/* Entry of client @addr:@port at probe offset @off (< XVS_MH_TAB_SIZE). */
static __always_inline __u32 sched_mh_slot(const struct sched_tab_run *r, __u32 off)
{
	return sched_mh_hashkey(r->addr, r->port, SCHED_MH_KEY1, off) % XVS_MH_TAB_SIZE;
}

static __always_inline void sched_mh_begin(struct sched_tab_run *r,
					   const struct xvs_svc_dests *sd,
					   __u32 addr, __u16 port)
{
	r->sd = sd;
	r->addr = addr;
	r->port = port;
	r->pad = 0;
	r->pick = -1;
	r->ihash = sched_mh_slot(r, 0);
}

/* The first entry; returns 1 when that decides, 0 when fallback goes on. */
static __always_inline int sched_mh_first(struct sched_tab_run *r, int fallback)
{
	__u32 h = sched_opaque(r->ihash);

	if (h >= XVS_MH_TAB_SIZE)
		return 1;
	return sched_tab_try(r, r->sd->mh_tab[h]) || !fallback;
}

/* mh-fallback probe @off (0..M-1); returns 1 when decided. */
static __always_inline int sched_mh_step(__u32 off, struct sched_tab_run *r)
{
	__u32 h;

	if (off >= XVS_MH_TAB_SIZE)
		return 1;
	h = sched_opaque(sched_mh_slot(r, (off + r->ihash) % XVS_MH_TAB_SIZE));
	if (h >= XVS_MH_TAB_SIZE)
		return 1;
	return sched_tab_try(r, r->sd->mh_tab[h]);
}

/* Whole lookup with a plain loop (host): index into @sd->dest[] or -1. */
static __always_inline int sched_mh_pick(const struct xvs_svc_dests *sd,
					 __u32 addr, __u16 port, int fallback)
{
	struct sched_tab_run r;
	__u32 off;

	sched_mh_begin(&r, sd, addr, port);
	if (sched_mh_first(&r, fallback))
		return r.pick;
	for (off = 0; off < XVS_MH_TAB_SIZE; off++)
		if (sched_mh_step(off, &r))
			break;
	return r.pick;
}

#endif /* XVS_SCHED_MH_H */
