/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Scheduler dispatch for a new connection. rr and wrr keep a cursor shared
 * by all CPUs: the pick is computed from a snapshot of cursor and cw taken
 * under the svc_dests spin lock and committed under the lock only if nobody
 * moved them meanwhile (else it is recomputed), so concurrent new
 * connections step the cursor exactly as IPVS's sched_lock serialises them,
 * while the scan itself runs unlocked (the verifier allows no loops or calls
 * under a bpf_spin_lock). wlc reads the atomic counts and needs no lock.
 */
#ifndef XVS_SCHED_H
#define XVS_SCHED_H

#include "maps.h"
#include "sched_rr.h"
#include "sched_wrr.h"
#include "sched_wlc.h"

#define SCHED_COMMIT_TRIES	4

/* bpf_loop() bodies: the verifier checks each once, not per iteration. */
static long sched_wrr_cb(__u32 i, void *arg)
{
	return sched_wrr_step(arg);
}

static long sched_rr_cb(__u32 i, void *arg)
{
	return sched_rr_step(i, arg);
}

static long sched_wlc_cb(__u32 i, void *arg)
{
	return sched_wlc_step(i, arg);
}

/* Compute a pick from cursor/cw; returns index or -1. */
static __always_inline int sched_step(__u32 sched, struct xvs_svc_dests *sd,
				      __u32 *cursor, __s32 *cw)
{
	struct sched_wrr_run r;

	if (sched == XVS_SCHED_RR) {
		struct sched_rr_run rr;

		sched_rr_begin(&rr, sd, *cursor);
		bpf_loop(XVS_MAX_RS, sched_rr_cb, &rr, 0);
		if (rr.pick >= 0)
			*cursor = rr.pick;
		return rr.pick;
	}
	sched_wrr_begin(&r, sd, *cursor, *cw);
	bpf_loop(SCHED_WRR_MAX_STEPS, sched_wrr_cb, &r, 0);
	*cursor = r.cursor < 0 ? XVS_MAX_RS : (__u32)r.cursor;
	*cw = r.cw;
	return r.pick;
}

/*
 * Pick a real server of service @sid, scheduler @sched, for a new
 * connection. Returns the dest id, or 0 when none is usable (ids start at
 * 1). A global function, verified once on its own: inlined into both
 * programs its loops multiply the verifier's states past its limit.
 */
__noinline __u32 sched_pick(__u32 sid, __u32 sched)
{
	__u32 cursor, ncursor, gen, t;
	struct xvs_svc_dests *sd;
	__s32 cw, ncw;
	int idx = -1, done;

	sd = bpf_map_lookup_elem(&svc_dests, &sid);
	if (!sd)
		return 0;
	if (sched == XVS_SCHED_WLC) {
		struct sched_wlc_run w;

		sched_wlc_begin(&w, sd, &dest_cnt);
		bpf_loop(XVS_MAX_RS, sched_wlc_cb, &w, 0);
		idx = w.least;
		goto out;
	}
	/* rr, wrr and wlc are implemented; others never pick (docs/datapath.md). */
	if (sched != XVS_SCHED_RR && sched != XVS_SCHED_WRR)
		return 0;
	for (t = 0; t < SCHED_COMMIT_TRIES; t++) {
		bpf_spin_lock(&sd->lock);
		cursor = sd->rr_cursor;
		cw = sd->wrr_cw;
		gen = sd->gen;
		bpf_spin_unlock(&sd->lock);

		ncursor = cursor;
		ncw = cw;
		idx = sched_step(sched, sd, &ncursor, &ncw);

		done = 0;
		bpf_spin_lock(&sd->lock);
		if (sd->rr_cursor == cursor && sd->wrr_cw == cw &&
		    sd->gen == gen) {
			sd->rr_cursor = ncursor;
			sd->wrr_cw = ncw;
			done = 1;
		}
		bpf_spin_unlock(&sd->lock);
		if (done)
			break;
	}
out:
	if (idx < 0 || idx >= XVS_MAX_RS)
		return 0;
	return sd->dest[idx];
}

#endif /* XVS_SCHED_H */
