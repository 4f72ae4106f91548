/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IPVS round robin over a service's dest list (newest first): scan forward
 * from the entry after the last pick, wrapping, for the first dest with
 * weight > 0 that is not overloaded. Pure: the caller owns the cursor.
 */
#ifndef XVS_SCHED_RR_H
#define XVS_SCHED_RR_H

#include <linux/types.h>
#include <xvs/abi.h>
#ifdef __bpf__
#include <bpf/bpf_helpers.h>
#endif

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

/* Number of usable entries of @sd->dest[]. */
static __always_inline __u32 sched_count(const struct xvs_svc_dests *sd)
{
	return sd->count < XVS_MAX_RS ? sd->count : XVS_MAX_RS;
}

/* IPVS's test every scheduler applies: weight > 0 and not OVERLOADED. */
static __always_inline int sched_usable(const struct xvs_svc_dests *sd, __u32 i)
{
	if (i >= XVS_MAX_RS)
		return 0;
	return sd->weight[i] > 0 && !sd->overload[i];
}

/* Where server @id sits in the list, one entry per call. */
struct sched_find {
	const struct xvs_svc_dests *sd;
	__u32 id;
	int idx;		/* -1: not in the list */
};

static __always_inline int sched_find_step(__u32 i, struct sched_find *f)
{
	if (i >= sched_count(f->sd) || i >= XVS_MAX_RS)
		return 1;
	if (f->sd->dest[i] != f->id)
		return 0;
	f->idx = i;
	return 1;
}

#ifdef __bpf__
/* A bpf_loop() body: a plain loop over 128 entries costs the verifier dearly. */
static long sched_find_cb(__u32 i, void *arg)
{
	return sched_find_step(i, arg);
}
#endif

/* Index of server @id in @sd's list, or -1. */
static __always_inline int sched_list_index(const struct xvs_svc_dests *sd, __u32 id)
{
	struct sched_find f = { .sd = sd, .id = id, .idx = -1 };
#ifdef __bpf__
	bpf_loop(XVS_MAX_RS, sched_find_cb, &f, 0);
#else
	__u32 i;

	for (i = 0; i < XVS_MAX_RS; i++)
		if (sched_find_step(i, &f))
			break;
#endif
	return f.idx;
}

/* One rr pick in progress: one sched_rr_step() per list entry tried. */
struct sched_rr_run {
	const struct xvs_svc_dests *sd;
	__u32 n;
	__u32 start;		/* first index to try */
	int pick;
};

/*
 * @cursor: index of the last pick, >= count when none yet (the kernel's
 * cursor then sits on the list head, so the scan starts at entry 0).
 */
static __always_inline void sched_rr_begin(struct sched_rr_run *r,
					   const struct xvs_svc_dests *sd,
					   __u32 cursor)
{
	r->sd = sd;
	r->n = sched_count(sd);
	r->start = cursor < r->n ? cursor + 1 : 0;
	r->pick = -1;
}

/* Try the @k-th entry after the cursor; returns 1 when done. */
static __always_inline int sched_rr_step(__u32 k, struct sched_rr_run *r)
{
	__u32 i;

	if (k >= r->n)
		return 1;
	i = r->start + k;
	if (i >= r->n)
		i -= r->n;
	if (!sched_usable(r->sd, i))
		return 0;
	r->pick = i;
	return 1;
}

/*
 * Whole pick with a plain loop (host). Returns the picked index and moves
 * *@cursor to it, or -1 (cursor unchanged) when no dest is usable.
 */
static __always_inline int sched_rr_pick(const struct xvs_svc_dests *sd,
					 __u32 *cursor)
{
	struct sched_rr_run r;
	__u32 k;

	sched_rr_begin(&r, sd, *cursor);
	for (k = 0; k < XVS_MAX_RS; k++)
		if (sched_rr_step(k, &r))
			break;
	if (r.pick >= 0)
		*cursor = r.pick;
	return r.pick;
}

#endif /* XVS_SCHED_RR_H */
