/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Upper/lower connection thresholds (-x/-y, ipvs.md 0.1), applied where
 * IPVS applies them: on every bind of a connection or template to a dest
 * (OVERLOAD set when u_threshold != 0 and totalconns >= u_threshold) and on
 * every unbind (cleared below l_threshold, else below 3/4 of u_threshold,
 * else at once). The datapath flips the dest's byte in svc_dests.overload,
 * so the very next pick already sees it. The decisions
 * are pure (host tests); the map glue is BPF only.
 */
#ifndef XVS_SCHED_THRESH_H
#define XVS_SCHED_THRESH_H

#include <linux/types.h>
#include <xvs/abi.h>
#include "sched_rr.h"

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

/* ip_vs_dest_totalconns(): active + inactive + persistent (templates). */
static __always_inline __u32 sched_totalconns(const struct xvs_dest_cnt *c)
{
	return (__u32)(c->active + c->inactive + c->persist);
}

/* After a bind: must OVERLOAD be set? */
static __always_inline int sched_thresh_set(const struct xvs_dest *d,
					    const struct xvs_dest_cnt *c)
{
	return d->u_threshold && sched_totalconns(c) >= d->u_threshold;
}

/* After an unbind (counts already lowered): must OVERLOAD be cleared? */
static __always_inline int sched_thresh_clear(const struct xvs_dest *d,
					      const struct xvs_dest_cnt *c)
{
	__u32 t = sched_totalconns(c);

	if (d->l_threshold)
		return t < d->l_threshold;
	if (d->u_threshold)
		return (__u64)t * 4 < (__u64)d->u_threshold * 3;
	return 1;
}

#ifdef __bpf__
#include "maps.h"

/*
 * Apply the bind (@bind = 1) or unbind rule to dest @dest_id of service
 * @sid after its counts changed. Global: verified once, called from the
 * connection code of every program. Returns 1 when the bit changed.
 */
__noinline int sched_thresh_update(__u32 sid, __u32 dest_id, int bind)
{
	struct xvs_svc_dests *sd;
	struct xvs_dest_cnt *c;
	struct xvs_dest *d;
	int i;

	d = bpf_map_lookup_elem(&dest_info, &dest_id);
	c = bpf_map_lookup_elem(&dest_cnt, &dest_id);
	sd = bpf_map_lookup_elem(&svc_dests, &sid);
	if (!d || !c || !sd)
		return 0;
	if (bind ? !sched_thresh_set(d, c) : !sched_thresh_clear(d, c))
		return 0;
	i = sched_list_index(sd, dest_id);
	if (i < 0 || i >= XVS_MAX_RS)
		return 0;
	if (!!bind == sd->overload[i])
		return 0;
	/* One byte per server: a plain store, no other server's flag to keep. */
	sd->overload[i] = !!bind;
	return 1;
}
#endif

#endif /* XVS_SCHED_THRESH_H */
