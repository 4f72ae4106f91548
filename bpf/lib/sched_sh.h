/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IPVS source hashing lookup (ip_vs_sh.c, ipvs.md 1.2) over the 256-bucket
 * table xvsd builds into svc_dests.sh_tab. Key: client address, plus the
 * client port with sh-port. The bucket's dest must be usable (weight > 0,
 * not OVERLOADED), else the lookup fails, unless sh-fallback: then the
 * kernel's probe sequence runs, offset 0..255 from the first bucket, and
 * stops at an empty bucket. Pure: the fallback is a step function.
 */
#ifndef XVS_SCHED_SH_H
#define XVS_SCHED_SH_H

#include "sched_rr.h"
#include "sched_hash.h"

/* One hash-table lookup in progress (sh and mh). */
struct sched_tab_run {
	const struct xvs_svc_dests *sd;
	__u32 addr;		/* network order */
	__u16 port;		/* network order; 0 without the -port flag */
	__u16 pad;
	__u32 ihash;		/* first bucket */
	int pick;		/* index into sd->dest[], or -1 */
};

/*
 * Bucket byte @b (dest index + 1, 0 empty): 1 when it decides the lookup
 * (a usable dest, picked; or an empty bucket), 0 when unusable.
 */
static __always_inline int sched_tab_try(struct sched_tab_run *r, __u8 b)
{
	if (!b)
		return 1;
	if (!sched_usable(r->sd, b - 1u))
		return 0;
	r->pick = b - 1;
	return 1;
}

static __always_inline void sched_sh_begin(struct sched_tab_run *r,
					   const struct xvs_svc_dests *sd,
					   __u32 addr, __u16 port)
{
	r->sd = sd;
	r->addr = addr;
	r->port = port;
	r->pad = 0;
	r->pick = -1;
	r->ihash = sched_sh_hashkey(addr, port, 0);
}

/* The first bucket; returns 1 when that decides, 0 when fallback goes on. */
static __always_inline int sched_sh_first(struct sched_tab_run *r, int fallback)
{
	return sched_tab_try(r, r->sd->sh_tab[r->ihash & (XVS_SH_TAB_SIZE - 1)]) ||
	       !fallback;
}

/* sh-fallback probe @off (0..255); returns 1 when decided. */
static __always_inline int sched_sh_step(__u32 off, struct sched_tab_run *r)
{
	__u32 roff, h;

	if (off >= XVS_SH_TAB_SIZE)
		return 1;
	roff = (off + r->ihash) % XVS_SH_TAB_SIZE;
	h = sched_sh_hashkey(r->addr, r->port, roff);
	return sched_tab_try(r, r->sd->sh_tab[h & (XVS_SH_TAB_SIZE - 1)]);
}

/* Whole lookup with a plain loop (host): index into @sd->dest[] or -1. */
static __always_inline int sched_sh_pick(const struct xvs_svc_dests *sd,
					 __u32 addr, __u16 port, int fallback)
{
	struct sched_tab_run r;
	__u32 off;

	sched_sh_begin(&r, sd, addr, port);
	if (sched_sh_first(&r, fallback))
		return r.pick;
	for (off = 0; off < XVS_SH_TAB_SIZE; off++)
		if (sched_sh_step(off, &r))
			break;
	return r.pick;
}

#endif /* XVS_SCHED_SH_H */
