/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IPVS weighted least-connection: overhead = active * 256 + inactive; the
 * first usable dest in list order is the seed, a later one wins only if
 * strictly less loaded by cross-multiplication (loh * w_d > doh * w_least,
 * 64-bit), so ties go to the earlier dest. No shared state: no lock. sed
 * (sched_sed.h) is the same walk with its own overhead.
 */
#ifndef XVS_SCHED_WLC_H
#define XVS_SCHED_WLC_H

#include "ctx.h"
#include "sched_rr.h"

static __always_inline __s64 sched_overhead(const struct xvs_dest_cnt *c)
{
	if (!c)
		return 0;
	return (__s64)c->active * 256 + c->inactive;
}

/* One wlc pick in progress: one sched_wlc_step() per list entry. */
struct sched_wlc_run {
	const struct xvs_svc_dests *sd;
	void *cnt;		/* dest_cnt map (BPF) or array by dest id (host) */
	__s64 loh;		/* overhead of the least loaded so far */
	__u32 n;
	int least;		/* index, -1 while none */
};

static __always_inline void sched_wlc_begin(struct sched_wlc_run *r,
					    const struct xvs_svc_dests *sd,
					    void *cnt)
{
	r->sd = sd;
	r->cnt = cnt;
	r->n = sched_count(sd);
	r->least = -1;
	r->loh = 0;
}

/* sed/nq overhead of one dest: active + 1 (inactive ignored). */
static __always_inline __s64 sched_sed_overhead(const struct xvs_dest_cnt *c)
{
	return (c ? (__s64)c->active : 0) + 1;
}

/*
 * Look at entry @i with wlc's rule, using sed's overhead when @sed; returns
 * 1 past the end of the list.
 */
static __always_inline int sched_weighted_step(__u32 i, struct sched_wlc_run *r,
					       int sed)
{
	const struct xvs_svc_dests *sd = r->sd;
	const struct xvs_dest_cnt *c;
	__s64 doh;

	if (i >= r->n || i >= XVS_MAX_RS)
		return 1;
	if (sd->overload[i])
		return 0;
	if (r->least < 0 && sd->weight[i] <= 0)
		return 0;
	c = xvs_array_elem(r->cnt, sd->dest[i], struct xvs_dest_cnt);
	doh = sed ? sched_sed_overhead(c) : sched_overhead(c);
	if (r->least < 0 ||
	    r->loh * sd->weight[i] > doh * sd->weight[r->least & (XVS_MAX_RS - 1)]) {
		r->least = i;
		r->loh = doh;
	}
	return 0;
}

static __always_inline int sched_wlc_step(__u32 i, struct sched_wlc_run *r)
{
	return sched_weighted_step(i, r, 0);
}

/*
 * Whole pick with a plain loop (host), wlc's or sed's (@sed). Returns the
 * picked index into @sd->dest[] or -1.
 */
static __always_inline int sched_weighted_pick(const struct xvs_svc_dests *sd,
					       void *cnt, int sed)
{
	struct sched_wlc_run r;
	__u32 i;

	sched_wlc_begin(&r, sd, cnt);
	for (i = 0; i < XVS_MAX_RS; i++)
		if (sched_weighted_step(i, &r, sed))
			break;
	return r.least;
}

static __always_inline int sched_wlc_pick(const struct xvs_svc_dests *sd,
					  void *cnt)
{
	return sched_weighted_pick(sd, cnt, 0);
}

#endif /* XVS_SCHED_WLC_H */
