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
 * (sh, dh, mh) read the tables xvsd writes into svc_dests with the list;
 * lblc and lblcr keep their locality caches in lblc_v4 (sched_lblc.h).
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
#include "sched_lblc.h"

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

static long sched_lblc_half_cb(__u32 i, void *arg)
{
	return sched_lblc_half_step(i, arg);
}

static long sched_lblcr_min_cb(__u32 i, void *arg)
{
	return sched_lblcr_min_step(i, arg);
}

static long sched_lblcr_max_cb(__u32 i, void *arg)
{
	return sched_lblcr_max_step(i, arg);
}

static long sched_lblcr_find_cb(__u32 i, void *arg)
{
	return sched_lblcr_find_step(i, arg);
}

static long sched_lblcr_erase_cb(__u32 i, void *arg)
{
	return sched_lblcr_erase_step(i, arg);
}

/* A new cache entry starts from this (a map value: no 300 bytes of stack). */
static const struct xvs_lblc sched_lblc_zero;

/* is_overloaded() of server @id (sched_lblc.h). */
static __always_inline int sched_lblc_over(struct sched_lblc_run *r, __u32 id)
{
	if (!sched_lblc_over_weight(r, id))
		return 0;
	bpf_loop(XVS_MAX_RS, sched_lblc_half_cb, r, 0);
	return r->hit;
}

/* The set's weighted least (@most 0) or most (1) loaded member, or 0. */
static __always_inline __u32 sched_lblcr_scan(struct sched_lblc_run *r, int most)
{
	r->pick = -1;
	if (most)
		bpf_loop(XVS_MAX_RS, sched_lblcr_max_cb, r, 0);
	else
		bpf_loop(XVS_MAX_RS, sched_lblcr_min_cb, r, 0);
	if (r->pick < 0)
		return 0;
	return r->en->dest[r->pick & (XVS_MAX_RS - 1)];
}

/* Index of member @id in the set into r->pick (-1: not a member). */
static __always_inline void sched_lblcr_find(struct sched_lblc_run *r, __u32 id)
{
	r->id = id;
	r->pick = -1;
	bpf_loop(XVS_MAX_RS, sched_lblcr_find_cb, r, 0);
}

/*
 * The cache entry's verdict (sched_lblc.h): the server to use, or 0 when
 * wlc must pick. Set changes run unlocked: two CPUs changing one set at
 * once may leave it a member short or with one twice, which only shifts a
 * tie (IPVS serialises them with its sched_lock).
 */
static __always_inline __u32 sched_lblc_cached(struct xvs_svc_dests *sd, struct xvs_lblc *en,
					       __u32 svc_id, __u32 sched, __u64 now)
{
	struct sched_lblc_run r;
	__u32 id, max;

	sched_lblc_begin(&r, sd, en, NULL, NULL);
	en->lastuse = now;
	if (sched == XVS_SCHED_LBLC) {
		id = en->dest[0];
		if (sched_lblc_cached_ok(&r, id) && !sched_lblc_over(&r, id))
			return id;
		return 0;
	}
	id = sched_lblcr_scan(&r, 0);
	if (sched_lblc_size(en) > 1 && now > en->lastmod + SCHED_LBLC_EXPIRATION_NS) {
		max = sched_lblcr_scan(&r, 1);
		if (max) {
			sched_lblcr_find(&r, max);
			bpf_loop(XVS_MAX_RS, sched_lblcr_erase_cb, &r, 0);
			sched_lblcr_erase_end(&r);
		}
	}
	if (id && !sched_lblc_over(&r, id))
		return id;
	return 0;
}

/* ip_vs_dest_set_insert(set, @id, check = true). */
static __always_inline void sched_lblcr_join(struct xvs_svc_dests *sd, struct xvs_lblc *en,
					     __u32 svc_id, __u32 id, __u64 now)
{
	struct sched_lblc_run r;

	sched_lblc_begin(&r, sd, en, NULL, NULL);
	sched_lblcr_find(&r, id);
	if (r.pick < 0)
		sched_lblcr_append(en, id, now);
}

/* lblc, lblcr: the locality cache of the packet's destination @daddr. */
static __always_inline __u32 sched_locality_pick(struct xvs_svc_dests *sd, __u32 svc_id,
						 __u32 sched, __u32 daddr)
{
	struct xvs_lblc_key key = { .svc_id = svc_id, .addr = daddr };
	__u64 now = bpf_ktime_get_ns();
	struct xvs_lblc *en;
	__u32 id;
	int i;

	en = bpf_map_lookup_elem(&lblc_v4, &key);
	if (en) {
		id = sched_lblc_cached(sd, en, svc_id, sched, now);
		if (id)
			return id;
	}
	i = sched_count_pick(sd, XVS_SCHED_WLC);
	if (i < 0 || i >= XVS_MAX_RS)
		return 0;
	id = sd->dest[i];
	if (!en) {
		/* A full cache makes no entry: the server is used all the same. */
		bpf_map_update_elem(&lblc_v4, &key, &sched_lblc_zero, BPF_NOEXIST);
		en = bpf_map_lookup_elem(&lblc_v4, &key);
		if (en)
			sched_lblc_init(en, svc_id, id, now);
		return id;
	}
	if (sched == XVS_SCHED_LBLC) {
		en->dest[0] = id;
		en->count = 1;
		return id;
	}
	sched_lblcr_join(sd, en, svc_id, id, now);
	return id;
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
 * The list schedulers for sched_pick(). A global function, verified once on
 * its own: inlined into both programs its loops multiply the verifier's
 * states past its limit. The packet fields come as scalars: a pointer to
 * the caller's stack would make the verifier forget what it knows of that
 * stack (the packet offsets) after the call.
 */
__noinline __u32 sched_pick_list(const struct xvs_svc *svc, __u32 saddr, __u32 daddr,
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
		idx = sched_count_pick(sd, sched);
		break;
	}
	if (idx < 0 || idx >= XVS_MAX_RS)
		return 0;
	return sd->dest[idx];
}

/* lblc and lblcr for sched_pick(): a global function of its own too. */
__noinline __u32 sched_pick_locality(const struct xvs_svc *svc, __u32 daddr)
{
	struct xvs_svc_dests *sd;
	__u32 sid;

	if (!svc)
		return 0;
	sid = svc->id;
	sd = bpf_map_lookup_elem(&svc_dests, &sid);
	if (!sd)
		return 0;
	return sched_locality_pick(sd, sid, svc->sched, daddr);
}

/*
 * Pick a real server of service @svc for a new connection whose first
 * packet went @saddr:@sport -> @daddr (network order). Returns the dest id,
 * or 0 when none is usable (ids start at 1). Global, and a frame of its own
 * without a stack: the XDP program leaves a callee chain 128 bytes, which
 * either scheduler function fits in but not both together.
 */
__noinline __u32 sched_pick(const struct xvs_svc *svc, __u32 saddr, __u32 daddr,
			    __u16 sport)
{
	if (!svc)
		return 0;
	if (svc->sched == XVS_SCHED_LBLC || svc->sched == XVS_SCHED_LBLCR)
		return sched_pick_locality(svc, daddr);
	return sched_pick_list(svc, saddr, daddr, sport);
}

#endif /* XVS_SCHED_H */
