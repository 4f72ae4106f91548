/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IPVS weighted least-connection: overhead = active * 256 + inactive; the
 * first usable dest in list order is the seed, a later one wins only if
 * strictly less loaded by cross-multiplication (loh * w_d > doh * w_least,
 * 64-bit), so ties go to the earlier dest. No shared state: no lock.
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

/* Look at entry @i; returns 1 past the end of the list. */
static __always_inline int sched_wlc_step(__u32 i, struct sched_wlc_run *r)
{
	const struct xvs_svc_dests *sd = r->sd;
	__s64 doh;

	if (i >= r->n || i >= XVS_MAX_RS)
		return 1;
	if ((sd->overload >> i) & 1)
		return 0;
	if (r->least < 0 && sd->weight[i] <= 0)
		return 0;
	doh = sched_overhead(xvs_array_elem(r->cnt, sd->dest[i],
					    struct xvs_dest_cnt));
	if (r->least < 0 ||
	    r->loh * sd->weight[i] > doh * sd->weight[r->least & (XVS_MAX_RS - 1)]) {
		r->least = i;
		r->loh = doh;
	}
	return 0;
}

/*
 * Whole pick with a plain loop (host). Returns the picked index into
 * @sd->dest[] or -1.
 */
static __always_inline int sched_wlc_pick(const struct xvs_svc_dests *sd,
					  void *cnt)
{
	struct sched_wlc_run r;
	__u32 i;

	sched_wlc_begin(&r, sd, cnt);
	for (i = 0; i < XVS_MAX_RS; i++)
		if (sched_wlc_step(i, &r))
			break;
	return r.least;
}

#endif /* XVS_SCHED_WLC_H */
