/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IPVS locality-based schedulers (ip_vs_lblc.c, ip_vs_lblcr.c; ipvs.md
 * 1.4) over one locality-cache entry (struct xvs_lblc, lblc_v4 map keyed
 * by service and packet destination address):
 * - lblc: the entry's one server is used while it is AVAILABLE, has weight
 *   > 0 and is not "overloaded" in lblc's sense (active > weight while some
 *   server of the service is under half its weight); else wlc picks one
 *   and it replaces the entry's.
 * - lblcr: the entry holds a set; the set's weighted least-connection
 *   member is used unless overloaded in that sense, else wlc's pick joins
 *   the set. A set of more than one not grown for lblcr_expiration loses
 *   its weighted most-connection member.
 * The OVERLOAD flag counts for set members and wlc, not for lblc's cached
 * server (the kernel checks only its own rule there). Pure functions over
 * the entry, the list and the dest_info / dest_cnt arrays (maps in BPF,
 * arrays by dest id on the host); map lookups and inserts are sched.h's.
 * Set members are kept oldest first and walked from the end: IPVS puts a
 * new member at the head of its list and walks from the head.
 */
#ifndef XVS_SCHED_LBLC_H
#define XVS_SCHED_LBLC_H

#include "ctx.h"
#include "sched_wlc.h"

/*
 * Server configuration and counts: the datapath's maps in BPF, arrays by
 * dest id on the host. The run carries no pointer to them in BPF: it sits
 * on sched_pick()'s stack, which the XDP program's own leaves short.
 */
#ifdef __bpf__
#include "maps.h"
#define SCHED_LBLC_INFO(r)	((void *)&dest_info)
#define SCHED_LBLC_CNT(r)	((void *)&dest_cnt)
#else
#define SCHED_LBLC_INFO(r)	((r)->info)
#define SCHED_LBLC_CNT(r)	((r)->cnt)
#endif

/* lblc_expiration / lblcr_expiration default (DEFAULT_EXPIRATION): 24 h. */
#define SCHED_LBLC_EXPIRATION_NS	(24ull * 3600 * 1000000000ull)

/* One locality decision in progress. */
struct sched_lblc_run {
	const struct xvs_svc_dests *sd;
	struct xvs_lblc *en;
#ifndef __bpf__
	void *info;		/* dest_info array by dest id */
	void *cnt;		/* dest_cnt array by dest id */
#endif
	__s64 oh;		/* set scans: overhead of the pick */
	__u32 id;		/* dest looked at by the overload scan, or sought */
	__s32 w;		/* set scans: weight of the pick */
	__s16 pick;		/* set scans: index into en->dest[] or -1 */
	__u8 n;			/* list entries */
	__u8 hit;		/* overload scan: a server under half its weight seen */
};

static __always_inline void sched_lblc_begin(struct sched_lblc_run *r,
					     const struct xvs_svc_dests *sd,
					     struct xvs_lblc *en, void *info,
					     void *cnt)
{
	r->sd = sd;
	r->en = en;
#ifndef __bpf__
	r->info = info;
	r->cnt = cnt;
#else
	(void)info;
	(void)cnt;
#endif
	r->n = sched_count(sd);
	r->id = 0;
	r->hit = 0;
	r->pick = -1;
	r->oh = 0;
	r->w = 0;
}

/* Entries used in en->dest[]. */
static __always_inline __u32 sched_lblc_size(const struct xvs_lblc *en)
{
	return en->count < XVS_MAX_RS ? en->count : XVS_MAX_RS;
}

/*
 * Server @id's configuration if it is linked in this service (IPVS:
 * AVAILABLE; the service check keeps an entry left by a removed service
 * whose id was reused from naming another service's server), else NULL.
 */
static __always_inline const struct xvs_dest *
sched_lblc_dest(const struct sched_lblc_run *r, __u32 id)
{
	const struct xvs_dest *d;

	/* dest_info's lookup bounds the id: its size is xvsd's --max-servers. */
	if (!id)
		return NULL;
	d = xvs_array_elem(SCHED_LBLC_INFO(r), id, const struct xvs_dest);
	if (!d || !(d->flags & XVS_DEST_F_AVAILABLE) || d->svc_id != r->en->svc_id)
		return NULL;
	return d;
}

static __always_inline __s32 sched_lblc_active(const struct sched_lblc_run *r, __u32 id)
{
	const struct xvs_dest_cnt *c = xvs_array_elem(SCHED_LBLC_CNT(r), id, const struct xvs_dest_cnt);

	return c ? c->active : 0;
}

/* is_overloaded(), second half: list entry @i under half its weight? */
static __always_inline int sched_lblc_half_step(__u32 i, struct sched_lblc_run *r)
{
	if (i >= r->n || i >= XVS_MAX_RS)
		return 1;
	if ((__s64)sched_lblc_active(r, r->sd->dest[i]) * 2 < r->sd->weight[i]) {
		r->hit = 1;
		return 1;
	}
	return 0;
}

/* is_overloaded() of @id, first half: active > weight? (then the scan decides). */
static __always_inline int sched_lblc_over_weight(struct sched_lblc_run *r, __u32 id)
{
	const struct xvs_dest *d = sched_lblc_dest(r, id);

	r->id = id;
	r->hit = 0;
	return d && sched_lblc_active(r, id) > d->weight;
}

/* lblc: may the cached server @id be used? (AVAILABLE, weight > 0; the overload scan follows) */
static __always_inline int sched_lblc_cached_ok(const struct sched_lblc_run *r, __u32 id)
{
	const struct xvs_dest *d = sched_lblc_dest(r, id);

	return d && d->weight > 0;
}

/* Is set member @id OVERLOADED (its bit in the list)? */
static __always_inline int sched_lblc_flagged(const struct xvs_svc_dests *sd, __u32 id)
{
	int i = sched_list_index(sd, id);

	return i >= 0 && i < XVS_MAX_RS && sd->overload[i];
}

/*
 * ip_vs_dest_set_min(), one member per call, @k counting from the newest:
 * the first member not OVERLOADED with weight > 0 and AVAILABLE is the
 * seed; a later one not OVERLOADED wins only if strictly less loaded
 * (loh * w_d > doh * w_least) and AVAILABLE. Returns 1 past the set.
 */
static __always_inline int sched_lblcr_min_step(__u32 k, struct sched_lblc_run *r)
{
	__u32 size = sched_lblc_size(r->en), j, id;
	const struct xvs_dest *d;
	const struct xvs_dest_cnt *c;
	__s64 doh;

	if (k >= size)
		return 1;
	j = (size - 1 - k) & (XVS_MAX_RS - 1);
	id = r->en->dest[j];
	if (sched_lblc_flagged(r->sd, id))
		return 0;
	d = sched_lblc_dest(r, id);
	if (!d)
		return 0;
	c = xvs_array_elem(SCHED_LBLC_CNT(r), id, const struct xvs_dest_cnt);
	doh = sched_overhead(c);
	if (r->pick < 0) {
		if (d->weight <= 0)
			return 0;
	} else if (!(r->oh * d->weight > doh * r->w)) {
		return 0;
	}
	r->pick = j;
	r->oh = doh;
	r->w = d->weight;
	return 0;
}

/*
 * ip_vs_dest_set_max(), one member per call: the first member with weight
 * > 0 is the seed, a later one with weight > 0 wins if strictly more
 * loaded (moh * w_d < doh * w_most). Neither OVERLOAD nor AVAILABLE counts:
 * the kernel reads the weight of a removed server as it was.
 */
static __always_inline int sched_lblcr_max_step(__u32 k, struct sched_lblc_run *r)
{
	__u32 size = sched_lblc_size(r->en), j, id;
	const struct xvs_dest *d;
	const struct xvs_dest_cnt *c;
	__s64 doh;

	if (k >= size)
		return 1;
	j = (size - 1 - k) & (XVS_MAX_RS - 1);
	id = r->en->dest[j];
	if (!id)
		return 0;
	d = xvs_array_elem(SCHED_LBLC_INFO(r), id, const struct xvs_dest);
	if (!d || d->weight <= 0)
		return 0;
	c = xvs_array_elem(SCHED_LBLC_CNT(r), id, const struct xvs_dest_cnt);
	doh = sched_overhead(c);
	if (r->pick >= 0 && !(r->oh * d->weight < doh * r->w))
		return 0;
	r->pick = j;
	r->oh = doh;
	r->w = d->weight;
	return 0;
}

/* Member lookup, one per call: r->pick becomes the index of r->id. */
static __always_inline int sched_lblcr_find_step(__u32 k, struct sched_lblc_run *r)
{
	if (k >= sched_lblc_size(r->en))
		return 1;
	if (r->en->dest[k & (XVS_MAX_RS - 1)] != r->id)
		return 0;
	r->pick = k;
	return 1;
}

/* Erase, one slot per call from r->pick on: move the later members down. */
static __always_inline int sched_lblcr_erase_step(__u32 k, struct sched_lblc_run *r)
{
	__u32 size = sched_lblc_size(r->en), j;

	if (r->pick < 0)
		return 1;
	j = (__u32)r->pick + k;
	if (j + 1 >= size || j + 1 >= XVS_MAX_RS)
		return 1;
	r->en->dest[j & (XVS_MAX_RS - 1)] = r->en->dest[(j + 1) & (XVS_MAX_RS - 1)];
	return 0;
}

/* After the erase steps: one member fewer. */
static __always_inline void sched_lblcr_erase_end(struct sched_lblc_run *r)
{
	__u32 size = sched_lblc_size(r->en);

	if (r->pick < 0 || !size)
		return;
	r->en->dest[(size - 1) & (XVS_MAX_RS - 1)] = 0;
	r->en->count = size - 1;
}

/* ip_vs_dest_set_insert() after a find found nothing: append as the newest. */
static __always_inline void sched_lblcr_append(struct xvs_lblc *en, __u32 id, __u64 now)
{
	__u32 size = sched_lblc_size(en);

	if (size >= XVS_MAX_RS)
		return;
	en->dest[size] = id;
	en->count = size + 1;
	en->lastmod = now;
}

/* A new cache entry for server @id (ip_vs_lblc_new / ip_vs_lblcr_new). */
static __always_inline void sched_lblc_init(struct xvs_lblc *en, __u32 svc_id, __u32 id,
					    __u64 now)
{
	en->lastuse = now;
	en->lastmod = now;
	en->svc_id = svc_id;
	en->dest[0] = id;
	en->count = 1;
}

/*
 * Host versions with plain loops: the same steps the datapath runs in
 * bpf_loop() (sched.h). Each returns what the kernel function returns.
 */
static __always_inline int sched_lblc_overloaded(struct sched_lblc_run *r, __u32 id)
{
	__u32 i;

	if (!sched_lblc_over_weight(r, id))
		return 0;
	for (i = 0; i < XVS_MAX_RS; i++)
		if (sched_lblc_half_step(i, r))
			break;
	return r->hit;
}

static __always_inline __u32 sched_lblcr_set_scan(struct sched_lblc_run *r, int most)
{
	__u32 k;

	r->pick = -1;
	for (k = 0; k < XVS_MAX_RS; k++)
		if (most ? sched_lblcr_max_step(k, r) : sched_lblcr_min_step(k, r))
			break;
	return r->pick < 0 ? 0 : r->en->dest[r->pick & (XVS_MAX_RS - 1)];
}

/* ip_vs_dest_set_insert(set, @id, check = true). */
static __always_inline void sched_lblcr_insert(struct sched_lblc_run *r, __u32 id, __u64 now)
{
	__u32 k;

	r->id = id;
	r->pick = -1;
	for (k = 0; k < XVS_MAX_RS; k++)
		if (sched_lblcr_find_step(k, r))
			break;
	if (r->pick < 0)
		sched_lblcr_append(r->en, id, now);
}

/* ip_vs_dest_set_erase() of member @id. */
static __always_inline void sched_lblcr_erase(struct sched_lblc_run *r, __u32 id)
{
	__u32 k;

	r->id = id;
	r->pick = -1;
	for (k = 0; k < XVS_MAX_RS; k++)
		if (sched_lblcr_find_step(k, r))
			break;
	for (k = 0; k < XVS_MAX_RS; k++)
		if (sched_lblcr_erase_step(k, r))
			break;
	sched_lblcr_erase_end(r);
}

/*
 * The whole lblc / lblcr decision on the host for cache entry @en (NULL:
 * none yet; *@fresh then tells the caller to make one with the result).
 * Returns the dest id, 0 when wlc finds none.
 */
static __always_inline __u32 sched_lblc_host(struct sched_lblc_run *r, int lblcr,
					     __u64 now, int *fresh)
{
	struct xvs_lblc *en = r->en;
	__u32 id = 0, max;
	int i;

	*fresh = 0;
	if (en) {
		en->lastuse = now;
		if (!lblcr) {
			id = en->dest[0];
			if (sched_lblc_cached_ok(r, id) && !sched_lblc_overloaded(r, id))
				return id;
		} else {
			id = sched_lblcr_set_scan(r, 0);
			if (sched_lblc_size(en) > 1 && now > en->lastmod + SCHED_LBLC_EXPIRATION_NS) {
				max = sched_lblcr_set_scan(r, 1);
				if (max)
					sched_lblcr_erase(r, max);
			}
			if (id && !sched_lblc_overloaded(r, id))
				return id;
		}
	}
	i = sched_wlc_pick(r->sd, SCHED_LBLC_CNT(r));
	if (i < 0 || i >= XVS_MAX_RS)
		return 0;
	id = r->sd->dest[i];
	if (!en) {
		*fresh = 1;
	} else if (!lblcr) {
		en->dest[0] = id;
		en->count = 1;
	} else {
		sched_lblcr_insert(r, id, now);
	}
	return id;
}

#endif /* XVS_SCHED_LBLC_H */
