/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IPVS weighted round robin, stepped exactly as ip_vs_wrr.c does (ipvs.md
 * 1.1): a cursor over the dest list, the current weight cw lowered by the
 * gcd di after each pass over the list and reset to mw when it reaches 0.
 * Passes that cannot match (cw above every usable weight) are skipped
 * arithmetically so one pick costs a few list scans even with weights in the
 * thousands. Pure: the caller reads and commits cursor and cw (sched.h does
 * it under the svc_dests lock). sched_wrr_init() redoes di/mw/cw as the
 * kernel does on every dest add/edit/delete (the tests prime maps with it).
 */
#ifndef XVS_SCHED_WRR_H
#define XVS_SCHED_WRR_H

#include "sched_rr.h"

#define SCHED_WRR_HEAD		(-1)	/* cursor on the list head */
#define SCHED_WRR_NO_STOP	(-2)
#define SCHED_WRR_MAX_PASSES	16	/* > the passes one pick can need */
#define SCHED_WRR_MAX_STEPS	(SCHED_WRR_MAX_PASSES * (XVS_MAX_RS + 1))

/* One schedule call in progress. */
struct sched_wrr_run {
	const struct xvs_svc_dests *sd;
	__s32 n;		/* dests in the list */
	__s32 pos;		/* scan starts after this index */
	__s32 last;		/* cursor when the call started */
	__s32 stop;
	__s32 cw;
	__s32 di;
	__s32 mw;
	__s32 maxw;		/* largest usable weight */
	__s32 last_pass;
	__s32 restarted;
	__s32 pick;		/* result: index or -1 */
	__s32 cursor;		/* result: new cursor (SCHED_WRR_HEAD or index) */
};

static __always_inline __u32 sched_gcd(__u32 a, __u32 b)
{
	__u32 i;

	/* Euclid on weights <= INT_MAX ends in < 48 steps. */
	for (i = 0; i < 48 && b; i++) {
		__u32 t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/*
 * Recompute di, mw and cw after the dest list changed, as the kernel's
 * ip_vs_wrr_dest_changed() does; the cursor goes back to the head.
 */
static __always_inline void sched_wrr_init(struct xvs_svc_dests *sd)
{
	__u32 n = sched_count(sd), i, g = 0;
	__s32 max = 0;

	for (i = 0; i < XVS_MAX_RS && i < n; i++) {
		__s32 w = sd->weight[i];

		if (w <= 0)
			continue;
		g = g ? sched_gcd(w, g) : (__u32)w;
		if (w > max)
			max = w;
	}
	sd->wrr_di = g ? (__s32)g : 1;
	sd->wrr_mw = max - (sd->wrr_di - 1);
	if (sd->wrr_mw < 0)
		sd->wrr_mw = 0;
	if (sd->wrr_cw > sd->wrr_mw || sd->wrr_cw <= 0)
		sd->wrr_cw = sd->wrr_mw;
	else if (sd->wrr_di > 1)
		sd->wrr_cw = ((__u32)sd->wrr_cw / sd->wrr_di) * sd->wrr_di + 1;
	sd->rr_cursor = XVS_MAX_RS;
}

/* Entry @i's part of r->maxw; returns 1 past the list. */
static __always_inline int sched_wrr_maxw_step(__u32 i, struct sched_wrr_run *r)
{
	if (i >= (__u32)r->n || i >= XVS_MAX_RS)
		return 1;
	if (sched_usable(r->sd, i) && r->sd->weight[i] > r->maxw)
		r->maxw = r->sd->weight[i];
	return 0;
}


/* Set up @r for a pick from cursor @cursor and current weight @cw. */
static __always_inline void sched_wrr_begin(struct sched_wrr_run *r,
					    const struct xvs_svc_dests *sd,
					    __u32 cursor, __s32 cw)
{
	__u32 i;

	r->sd = sd;
	r->n = sched_count(sd);
	r->pos = cursor < (__u32)r->n ? (__s32)cursor : SCHED_WRR_HEAD;
	r->last = r->pos;
	r->stop = SCHED_WRR_NO_STOP;
	r->di = sd->wrr_di > 0 ? sd->wrr_di : 1;
	r->mw = sd->wrr_mw;
	r->cw = cw;
	r->last_pass = 0;
	r->restarted = 0;
	r->pick = -1;
	r->cursor = r->pos;
	r->maxw = 0;
	for (i = 0; i < XVS_MAX_RS; i++)
		if (sched_wrr_maxw_step(i, r))
			break;
}

/* A pass from the head that cannot match anything (cw above every weight). */
static __always_inline int sched_wrr_empty_pass(const struct sched_wrr_run *r)
{
	return r->pos == SCHED_WRR_HEAD && r->stop == SCHED_WRR_NO_STOP &&
	       r->cw > r->maxw;
}

/*
 * One step of the kernel's loop: look at the entry after r->pos, or, past
 * the end of the list, step cw down as the kernel does after each pass.
 * Returns 1 when the pick is decided (r->pick, r->cursor, r->cw), else 0.
 */
static __always_inline int sched_wrr_step(struct sched_wrr_run *r)
{
	const struct xvs_svc_dests *sd = r->sd;
	__u32 d = (__u32)(r->pos + 1);
	__s32 floor;

	if (r->mw <= 0 || r->n <= 0)
		return 1;
	if (d < (__u32)r->n && !sched_wrr_empty_pass(r)) {
		d &= XVS_MAX_RS - 1;
		if (!sd->overload[d] && sd->weight[d] >= r->cw) {
			r->pick = d;
			r->cursor = d;
			return 1;
		}
		if ((__s32)d == r->stop) {
			r->cursor = d;
			return 1;
		}
		r->pos = d;
		return 0;
	}
	if (sched_wrr_empty_pass(r)) {
		/*
		 * The passes after this one find nothing either while cw stays
		 * above max(maxw, di): take all but the last of them at once.
		 * None of them wraps or reaches the last pass: only cw moves.
		 */
		floor = r->maxw > r->di ? r->maxw : r->di;
		if (r->cw > floor) {
			r->cw -= ((__u32)(r->cw - floor - 1) / (__u32)r->di) *
				 r->di;
			r->last_pass = 0;
		}
	}
	r->pos = SCHED_WRR_HEAD;
	r->cw -= r->di;
	if (r->cw <= 0) {
		r->cw = r->mw;
		if (r->last_pass || r->last == SCHED_WRR_HEAD) {
			r->cursor = SCHED_WRR_HEAD;
			return 1;
		}
		r->restarted = 1;
	}
	r->last_pass = r->cw <= r->di;
	if (r->last_pass && r->restarted && r->last != SCHED_WRR_HEAD)
		r->stop = r->last;
	return 0;
}

/*
 * Whole pick with a plain loop (host): returns the index or -1 and updates
 * *@cursor (XVS_MAX_RS for the head) and *@cw.
 */
static __always_inline int sched_wrr_pick(const struct xvs_svc_dests *sd,
					  __u32 *cursor, __s32 *cw)
{
	struct sched_wrr_run r;
	__u32 i;

	sched_wrr_begin(&r, sd, *cursor, *cw);
	for (i = 0; i < SCHED_WRR_MAX_STEPS; i++)
		if (sched_wrr_step(&r))
			break;
	*cursor = r.cursor < 0 ? XVS_MAX_RS : (__u32)r.cursor;
	*cw = r.cw;
	return r.pick;
}

#endif /* XVS_SCHED_WRR_H */
