/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IPVS destination hashing lookup (ip_vs_dh.c): the bucket
 * hash_32(ntohl(daddr), 8) of the 256-bucket table xvsd builds into
 * svc_dests.dh_tab (one bucket per dest, round robin, weights ignored).
 * Its dest must be usable (weight > 0, not OVERLOADED): dh has no
 * fallback. Pure.
 */
#ifndef XVS_SCHED_DH_H
#define XVS_SCHED_DH_H

#include "sched_rr.h"
#include "sched_hash.h"

/* Index into @sd->dest[] for packet destination @daddr (network order), or -1. */
static __always_inline int sched_dh_pick(const struct xvs_svc_dests *sd, __u32 daddr)
{
	__u32 h = sched_hash_32(xvs_ntohl(daddr), 8);
	__u8 b = sd->dh_tab[h & (XVS_SH_TAB_SIZE - 1)];

	if (!b || !sched_usable(sd, b - 1u))
		return -1;
	return b - 1;
}

#endif /* XVS_SCHED_DH_H */
