/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Scheduler dispatch for a new connection. rr and wrr keep a cursor shared
 * by all CPUs: the pick is computed from a snapshot of cursor and cw taken
 * under the svc_dests spin lock and committed under the lock only if nobody
 * moved them meanwhile (else it is recomputed), so concurrent new
 * connections step the cursor exactly as IPVS's sched_lock serialises them,
 * while the scan itself runs unlocked (the verifier allows no loops or calls
 * under a bpf_spin_lock). The connection-count schedulers (lc, wlc, sed,
 * nq, ovf) and fo read the atomic counts and need no lock; the hashing ones
 * (sh, dh, mh) read the tables xvsd writes into svc_dests with the list.
 */
#ifndef XVS_SCHED_H
#define XVS_SCHED_H

#include "maps.h"
#include "sched_rr.h"
#include "sched_wrr.h"
#include "sched_wlc.h"
#include "sched_lc.h"
#include "sched_sed.h"
#include "sched_nq.h"
#include "sched_fo.h"
#include "sched_ovf.h"
#include "sched_sh.h"
#include "sched_dh.h"
#include "sched_mh.h"

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

static long sched_lc_cb(__u32 i, void *arg)
{
	return sched_lc_step(i, arg);
}

static long sched_sed_cb(__u32 i, void *arg)
{
	return sched_sed_step(i, arg);
}

static long sched_nq_cb(__u32 i, void *arg)
{
	return sched_nq_step(i, arg);
}

static long sched_fo_cb(__u32 i, void *arg)
{
	return sched_fo_step(i, arg);
}

static long sched_ovf_cb(__u32 i, void *arg)
{
	return sched_ovf_step(i, arg);
}

static long sched_sh_cb(__u32 i, void *arg)
{
	return sched_sh_step(i, arg);
}

static long sched_mh_cb(__u32 i, void *arg)
{
	return sched_mh_step(i, arg);
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

/* rr / wrr: step the shared cursor (see the top of this file). */
static __always_inline int sched_cursor_pick(struct xvs_svc_dests *sd, __u32 sched)
{
	__u32 cursor, ncursor, gen, t;
	__s32 cw, ncw;
	int idx = -1, done;

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
	return idx;
}

/*
 * lc, wlc, sed, nq, fo, ovf: one scan over the list and the counts. Each
 * case names its callback itself: bpf_loop() needs a constant function.
 */
static __always_inline int sched_count_pick(struct xvs_svc_dests *sd, __u32 sched)
{
	struct sched_wlc_run w;

	sched_wlc_begin(&w, sd, &dest_cnt);
	switch (sched) {
	case XVS_SCHED_WLC:
		bpf_loop(XVS_MAX_RS, sched_wlc_cb, &w, 0);
		break;
	case XVS_SCHED_LC:
		bpf_loop(XVS_MAX_RS, sched_lc_cb, &w, 0);
		break;
	case XVS_SCHED_SED:
		bpf_loop(XVS_MAX_RS, sched_sed_cb, &w, 0);
		break;
	case XVS_SCHED_NQ:
		bpf_loop(XVS_MAX_RS, sched_nq_cb, &w, 0);
		break;
	case XVS_SCHED_FO:
		bpf_loop(XVS_MAX_RS, sched_fo_cb, &w, 0);
		break;
	case XVS_SCHED_OVF:
		bpf_loop(XVS_MAX_RS, sched_ovf_cb, &w, 0);
		break;
	default:
		return -1;
	}
	return w.least;
}

/* sh, mh: the first bucket, then the fallback probes if the flag says so. */
static __always_inline int sched_hash_pick(struct xvs_svc_dests *sd, __u32 sched,
					   __u32 flags, __u32 saddr, __u16 sport)
{
	int fallback = !!(flags & XVS_SVC_F_SCHED1);
	__u16 port = flags & XVS_SVC_F_SCHED2 ? sport : 0;
	struct sched_tab_run r;

	if (sched == XVS_SCHED_SH) {
		sched_sh_begin(&r, sd, saddr, port);
		if (!sched_sh_first(&r, fallback))
			bpf_loop(XVS_SH_TAB_SIZE, sched_sh_cb, &r, 0);
		return r.pick;
	}
	sched_mh_begin(&r, sd, saddr, port);
	if (!sched_mh_first(&r, fallback))
		bpf_loop(XVS_MH_TAB_SIZE, sched_mh_cb, &r, 0);
	return r.pick;
}

/*
 * Pick a real server of service @svc for a new connection whose first
 * packet went @saddr:@sport -> @daddr (network order). Returns the dest id,
 * or 0 when none is usable (ids start at 1). A global function, verified
 * once on its own: inlined into both programs its loops multiply the
 * verifier's states past its limit. The packet fields come as scalars: a
 * pointer to the caller's stack would make the verifier forget what it
 * knows of that stack (the packet offsets) after the call.
 */
__noinline __u32 sched_pick(const struct xvs_svc *svc, __u32 saddr, __u32 daddr,
			    __u16 sport)
{
	struct xvs_svc_dests *sd;
	__u32 sid, sched;
	int idx;

	if (!svc)
		return 0;
	sid = svc->id;
	sched = svc->sched;
	sd = bpf_map_lookup_elem(&svc_dests, &sid);
	if (!sd)
		return 0;
	switch (sched) {
	case XVS_SCHED_RR:
	case XVS_SCHED_WRR:
		idx = sched_cursor_pick(sd, sched);
		break;
	case XVS_SCHED_SH:
	case XVS_SCHED_MH:
		idx = sched_hash_pick(sd, sched, svc->flags, saddr, sport);
		break;
	case XVS_SCHED_DH:
		idx = sched_dh_pick(sd, daddr);
		break;
	default:
		/* lblc and lblcr are refused by xvsd: they pick nothing here. */
		idx = sched_count_pick(sd, sched);
		break;
	}
	if (idx < 0 || idx >= XVS_MAX_RS)
		return 0;
	return sd->dest[idx];
}

#endif /* XVS_SCHED_H */
