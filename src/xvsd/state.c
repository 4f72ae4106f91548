// SPDX-License-Identifier: GPL-2.0
/*
 * The in-memory view and its rebuild from the maps. xvsd writes maps in an
 * order that keeps the datapath consistent (a server is AVAILABLE in
 * dest_info before it appears in svc_dests, and leaves svc_dests before it
 * loses AVAILABLE), so a crash between two writes leaves at worst a server
 * that is AVAILABLE but unlinked: adoption finishes that removal.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>

#include "addrset.h"
#include "log.h"
#include "sched_build.h"
#include "sched_tab.h"
#include "state.h"

/* IPVS frees a removed server after this much idle time (IP_VS_DEST_TRASH_PERIOD). */
#define TRASH_PERIOD_NS (120ull * 1000000000ull)

__u64 state_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

void state_default_globals(struct xvs_globals *g)
{
	memset(g, 0, sizeof(*g));
	g->timeout[XVS_TCP_S_NONE] = 2;
	g->timeout[XVS_TCP_S_ESTABLISHED] = 900;
	g->timeout[XVS_TCP_S_SYN_SENT] = 120;
	g->timeout[XVS_TCP_S_SYN_RECV] = 60;
	g->timeout[XVS_TCP_S_FIN_WAIT] = 120;
	g->timeout[XVS_TCP_S_TIME_WAIT] = 120;
	g->timeout[XVS_TCP_S_CLOSE] = 10;
	g->timeout[XVS_TCP_S_CLOSE_WAIT] = 60;
	g->timeout[XVS_TCP_S_LAST_ACK] = 30;
	g->timeout[XVS_TCP_S_LISTEN] = 120;
	g->timeout[XVS_TCP_S_SYNACK] = 120;
	g->timeout[XVS_S_UDP] = 300;
	g->conn_reuse_mode = 1;
	g->expire_nodest_conn = 0;
	/* The kernel's icmp_ratelimit is 1 per second per peer with a burst
	 * of 50 (icmp_msgs_burst); a director answers for many peers at once. */
	g->icmp_rate = 100;
	g->icmp_burst = 50;
}

static struct xvsd_svc **svc_bucket(struct xvsd *st, const struct xvs_svc_key *key)
{
	__u32 h = (key->addr ^ ((__u32)key->port << 16) ^ key->proto) * 0x9e3779b1u;

	return &st->svc_hash[h >> 18 & (XVSD_SVC_BUCKETS - 1)];
}

struct xvsd_svc *state_find_svc(struct xvsd *st, const struct xvs_svc_key *key)
{
	struct xvsd_svc *s;

	for (s = *svc_bucket(st, key); s; s = s->hash_next)
		if (s->key.addr == key->addr && s->key.port == key->port &&
		    s->key.proto == key->proto)
			return s;
	return NULL;
}

void state_svc_link(struct xvsd *st, struct xvsd_svc *s)
{
	struct xvsd_svc **b = svc_bucket(st, &s->key);

	s->hash_next = *b;
	*b = s;
	st->svcs[s->id] = s;
	st->nsvcs++;
}

void state_svc_unlink(struct xvsd *st, struct xvsd_svc *s)
{
	struct xvsd_svc **p;

	for (p = svc_bucket(st, &s->key); *p; p = &(*p)->hash_next) {
		if (*p == s) {
			*p = s->hash_next;
			break;
		}
	}
	s->hash_next = NULL;
	st->svcs[s->id] = NULL;
	st->nsvcs--;
	if (s->id < st->svc_id_low)
		st->svc_id_low = s->id;
}

bool state_svc_id_free(const struct xvsd *st, __u32 id)
{
	return id && id < st->max_svc && !st->svcs[id] && !st->svc_trash[id];
}

static struct xvsd_dest **trash_bucket(struct xvsd *st, const struct xvs_svc_key *vs,
				       __u32 addr, __u16 port)
{
	__u32 h = (vs->addr ^ ((__u32)vs->port << 16) ^ vs->proto) * 0x9e3779b1u;

	h = (h ^ addr ^ port) * 0x9e3779b1u;
	return &st->trash[h >> (32 - st->trash_bits)];
}

void state_trash_put(struct xvsd *st, struct xvsd_dest *d, __u64 now_ns)
{
	struct xvsd_dest **b;

	d->trashed = true;
	d->trashed_at = now_ns;
	d->trash_svc = d->info.svc_id;
	if (d->trash_svc < st->max_svc)
		st->svc_trash[d->trash_svc]++;
	/* A server of a service gone before a restart can never come back. */
	if (!d->vs_known)
		return;
	b = trash_bucket(st, &d->vs, d->info.addr, d->info.port);
	d->trash_next = *b;
	*b = d;
}

void state_trash_take(struct xvsd *st, struct xvsd_dest *d)
{
	struct xvsd_dest **p;

	d->trashed = false;
	if (d->trash_svc < st->max_svc) {
		st->svc_trash[d->trash_svc]--;
		if (d->trash_svc < st->svc_id_low)
			st->svc_id_low = d->trash_svc;
	}
	if (!d->vs_known)
		return;
	for (p = trash_bucket(st, &d->vs, d->info.addr, d->info.port); *p; p = &(*p)->trash_next) {
		if (*p == d) {
			*p = d->trash_next;
			break;
		}
	}
	d->trash_next = NULL;
}

struct xvsd_dest *state_trash_find(struct xvsd *st, const struct xvs_svc_key *vs, __u32 addr,
				   __u16 port)
{
	struct xvsd_dest *d;

	for (d = *trash_bucket(st, vs, addr, port); d; d = d->trash_next)
		if (d->vs.addr == vs->addr && d->vs.port == vs->port &&
		    d->vs.proto == vs->proto && d->info.addr == addr && d->info.port == port)
			return d;
	return NULL;
}

int state_read_list(struct xvsd *st, __u32 svc_id, struct xvs_svc_dests *sd)
{
	memset(sd, 0, sizeof(*sd));
	if (bpf_map_lookup_elem_flags(st->maps.svc_dests, &svc_id, sd, BPF_F_LOCK))
		return -errno;
	if (sd->count > XVS_MAX_RS)
		sd->count = XVS_MAX_RS;
	return 0;
}

int state_write_list(struct xvsd *st, __u32 svc_id, struct xvs_svc_dests *sd)
{
	const struct xvsd_svc *s = svc_id < st->max_svc ? st->svcs[svc_id] : NULL;
	int err;

	/*
	 * mh hashes the servers' addresses, which only dest_info holds; other
	 * schedulers never read the table (a lookup per server per change was
	 * a third of a restore's time). svc_edit() builds it on a switch to mh.
	 */
	if (!s || s->cfg.sched == XVS_SCHED_MH) {
		err = sched_tab_mh_maps(sd, st->maps.dest_info);
		if (err)
			return err;
	}
	sd->gen++;
	if (bpf_map_update_elem(st->maps.svc_dests, &svc_id, sd, BPF_F_LOCK))
		return -errno;
	return 0;
}

void state_dest_cnt(struct xvsd *st, __u32 id, struct xvs_dest_cnt *cnt)
{
	if (bpf_map_lookup_elem(st->maps.dest_cnt, &id, cnt))
		memset(cnt, 0, sizeof(*cnt));
}

void state_dest_cnts(struct xvsd *st, const __u32 *ids, __u32 n, struct xvs_dest_cnt *cnt)
{
	__u32 i, lo = ~0u, hi = 0;
	struct xvs_dest_cnt *range = NULL;

	for (i = 0; i < n; i++) {
		lo = ids[i] < lo ? ids[i] : lo;
		hi = ids[i] > hi ? ids[i] : hi;
	}
	if (n && hi - lo < 4 * n) {
		range = malloc((hi - lo + 1) * sizeof(*range));
		if (range && mapset_array_read(st->maps.dest_cnt, lo, hi - lo + 1, range,
					       sizeof(*range))) {
			free(range);
			range = NULL;
		}
	}
	for (i = 0; i < n; i++) {
		if (range)
			cnt[i] = range[ids[i] - lo];
		else
			state_dest_cnt(st, ids[i], &cnt[i]);
	}
	free(range);
}

static void est_start(struct xvsd *st, int fd, __u32 id, struct est *e)
{
	struct xvs_stats now;

	if (mapset_stats_sum(&st->maps, fd, id, &now))
		memset(&now, 0, sizeof(now));
	est_reset(e, &now);
}

static int adopt_globals(struct xvsd *st)
{
	__u32 zero = 0;

	if (bpf_map_lookup_elem(st->maps.globals, &zero, &st->globals))
		return -errno;
	if (st->globals.timeout[XVS_TCP_S_ESTABLISHED])
		return 0;
	/* Fresh maps: nothing set yet. */
	state_default_globals(&st->globals);
	if (bpf_map_update_elem(st->maps.globals, &zero, &st->globals, BPF_ANY))
		return -errno;
	return 0;
}

static int adopt_services(struct xvsd *st)
{
	struct xvs_svc_key key, next, *prev = NULL;
	struct xvs_svc val;

	while (!bpf_map_get_next_key(st->maps.svc_map, prev, &next)) {
		struct xvsd_svc *s;

		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(st->maps.svc_map, &key, &val))
			continue;
		if (!val.id || val.id >= st->max_svc || st->svcs[val.id] ||
		    val.sched >= XVS_SCHED_MAX) {
			pr_warn("pinned service with bad id %u or scheduler %u ignored", val.id,
				val.sched);
			continue;
		}
		s = calloc(1, sizeof(*s));
		if (!s)
			return -ENOMEM;
		s->id = val.id;
		s->key = key;
		s->cfg = val;
		est_start(st, st->maps.svc_stats, s->id, &s->est);
		state_svc_link(st, s);
	}
	return 0;
}

static bool dest_linked(struct xvsd *st, const struct xvs_dest *d, __u32 id)
{
	struct xvs_svc_dests sd;

	if (d->svc_id >= st->max_svc || !st->svcs[d->svc_id])
		return false;
	if (state_read_list(st, d->svc_id, &sd))
		return false;
	return sched_list_find(&sd, id) >= 0;
}

static int adopt_dests(struct xvsd *st)
{
	static const struct xvs_dest empty;
	__u64 now = state_now_ns();
	__u32 id;

	for (id = 1; id < st->max_dest; id++) {
		struct xvsd_dest *d;
		struct xvs_dest info;

		if (bpf_map_lookup_elem(st->maps.dest_info, &id, &info))
			return -errno;
		if (!memcmp(&info, &empty, sizeof(info)))
			continue;
		d = calloc(1, sizeof(*d));
		if (!d)
			return -ENOMEM;
		d->id = id;
		d->info = info;
		if (info.svc_id < st->max_svc && st->svcs[info.svc_id]) {
			d->vs = st->svcs[info.svc_id]->key;
			d->vs_known = true;
		}
		if (!(info.flags & XVS_DEST_F_AVAILABLE) || !dest_linked(st, &info, id)) {
			state_trash_put(st, d, now);
			if (info.flags & XVS_DEST_F_AVAILABLE) {
				/* Crashed halfway through a removal: finish it. */
				d->info.flags &= ~XVS_DEST_F_AVAILABLE;
				bpf_map_update_elem(st->maps.dest_info, &id, &d->info, BPF_ANY);
			}
		}
		est_start(st, st->maps.dest_stats, id, &d->est);
		st->dests[id] = d;
	}
	return 0;
}

/*
 * Lists may name a server that is not AVAILABLE (or gone): unlink it. An mh
 * list is rewritten anyway: an xvsd before 38cb024 hashed dest ids into it.
 */
static int adopt_lists(struct xvsd *st)
{
	__u32 sid;

	for (sid = 1; sid < st->max_svc; sid++) {
		struct xvs_svc_dests sd;
		bool dirty;
		int i, err;

		if (!st->svcs[sid])
			continue;
		dirty = st->svcs[sid]->cfg.sched == XVS_SCHED_MH;
		err = state_read_list(st, sid, &sd);
		if (err)
			return err;
		for (i = sd.count - 1; i >= 0; i--) {
			__u32 id = sd.dest[i];

			if (id && id < st->max_dest && st->dests[id] && !st->dests[id]->trashed)
				continue;
			sched_list_del(&sd, i);
			dirty = true;
		}
		if (dirty) {
			sched_dests_changed(&sd, st->svcs[sid]->cfg.sched);
			err = state_write_list(st, sid, &sd);
			if (err)
				return err;
		}
	}
	return 0;
}

/* A map's max_entries: the loader sized the id maps (xvsd --max-services/--max-servers). */
static int map_entries(int fd, __u32 *entries)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	*entries = info.max_entries;
	return 0;
}

/* The by-id tables, as large as the maps that hold the ids. */
static int alloc_ids(struct xvsd *st)
{
	__u32 nsvc = 0, ndest = 0;
	int err = map_entries(st->maps.svc_dests, &nsvc);

	if (!err)
		err = map_entries(st->maps.dest_info, &ndest);
	if (err)
		return err;
	st->svcs = calloc(nsvc, sizeof(*st->svcs));
	st->svc_trash = calloc(nsvc, sizeof(*st->svc_trash));
	st->dests = calloc(ndest, sizeof(*st->dests));
	/* Trash chains stay short even when every server id is in it (-C). */
	st->trash_bits = 12;
	while (st->trash_bits < 20 && (4u << st->trash_bits) < ndest)
		st->trash_bits++;
	st->trash = calloc(1u << st->trash_bits, sizeof(*st->trash));
	if (!st->svcs || !st->svc_trash || !st->dests || !st->trash)
		return -ENOMEM;
	st->max_svc = nsvc;
	st->max_dest = ndest;
	return 0;
}

int state_adopt(struct xvsd *st, const struct xvsd_maps *maps)
{
	struct xvs_stats total;
	int err;

	memset(st, 0, sizeof(*st));
	st->maps = *maps;
	err = alloc_ids(st);
	if (err) {
		state_free(st);
		return err;
	}
	/* The pinned addr_set may be an older xvsd's: the first change rebuilds it. */
	st->addrset_stale = true;
	st->dest_id_low = 1;
	st->svc_id_low = 1;
	err = adopt_globals(st);
	if (!err)
		err = adopt_services(st);
	if (!err)
		err = adopt_dests(st);
	if (!err)
		err = adopt_lists(st);
	if (err) {
		state_free(st);
		return err;
	}
	if (mapset_stats_sum(&st->maps, st->maps.glob_stats, 0, &total))
		memset(&total, 0, sizeof(total));
	est_reset(&st->est_total, &total);
	return 0;
}

void state_free(struct xvsd *st)
{
	__u32 i;

	for (i = 0; i < st->max_svc; i++) {
		free(st->svcs[i]);
		st->svcs[i] = NULL;
	}
	for (i = 0; i < st->max_dest; i++) {
		free(st->dests[i]);
		st->dests[i] = NULL;
	}
	free(st->svcs);
	free(st->svc_trash);
	free(st->dests);
	st->svcs = NULL;
	st->svc_trash = NULL;
	st->dests = NULL;
	st->max_svc = 0;
	st->max_dest = 0;
	st->nsvcs = 0;
	memset(st->svc_hash, 0, sizeof(st->svc_hash));
	free(st->trash);
	st->trash = NULL;
	st->dest_id_low = 1;
	st->svc_id_low = 1;
	addrset_free(st);
}

#define FREE_BATCH 1024

/*
 * Zero @n ids' dest_stats, then dest_info, in a batch each (-C then a
 * restore into full tables reclaims every server at once). Their dest_cnt
 * was read as zero and nothing can count on an unlinked server: it stays.
 * dest_info goes last: an id empty there is free after a restart, and its
 * next user takes its counts as zero without reading them. Returns 0 or
 * -errno.
 */
static int zero_ids(struct xvsd *st, const __u32 *ids, __u32 n)
{
	size_t size = sizeof(struct xvs_stats) * st->maps.nr_cpus;
	__u32 done = n;
	void *zero;
	int err = 0;

	/* The zeroes of the larger value serve both maps. */
	if (size < sizeof(struct xvs_dest))
		size = sizeof(struct xvs_dest);
	zero = calloc(n, size);
	if (!zero)
		return -ENOMEM;
	if (bpf_map_update_batch(st->maps.dest_stats, ids, zero, &done, NULL))
		err = -errno;
	done = n;
	if (!err && bpf_map_update_batch(st->maps.dest_info, ids, zero, &done, NULL))
		err = -errno;
	free(zero);
	return err;
}

/* Free the servers @ids that no connection references; returns how many. */
static int free_unreferenced(struct xvsd *st, __u32 *ids, __u32 n)
{
	struct xvs_dest_cnt cnt[FREE_BATCH];
	__u32 i, k = 0;
	int err;

	state_dest_cnts(st, ids, n, cnt);
	for (i = 0; i < n; i++)
		if (!cnt[i].active && !cnt[i].inactive && !cnt[i].persist)
			ids[k++] = ids[i];
	err = k ? zero_ids(st, ids, k) : 0;
	if (err) {
		pr_warn("free %u removed servers: %s", k, strerror(-err));
		return 0;
	}
	for (i = 0; i < k; i++) {
		struct xvsd_dest *d = st->dests[ids[i]];

		pr_debug("freed removed server id %u", ids[i]);
		state_trash_take(st, d);
		free(d);
		st->dests[ids[i]] = NULL;
		if (ids[i] < st->dest_id_low)
			st->dest_id_low = ids[i];
	}
	return k;
}

/* Free trashed servers idle for @min_age_ns that no connection references. */
static int trash_free(struct xvsd *st, __u64 now_ns, __u64 min_age_ns)
{
	__u32 ids[FREE_BATCH], n = 0, id;
	int freed = 0;

	for (id = 1; id < st->max_dest; id++) {
		struct xvsd_dest *d = st->dests[id];

		if (!d || !d->trashed || now_ns - d->trashed_at < min_age_ns)
			continue;
		ids[n++] = id;
		if (n == FREE_BATCH) {
			freed += free_unreferenced(st, ids, n);
			n = 0;
		}
	}
	if (n)
		freed += free_unreferenced(st, ids, n);
	return freed;
}

int state_trash_gc(struct xvsd *st, __u64 now_ns)
{
	return trash_free(st, now_ns, TRASH_PERIOD_NS);
}

int state_trash_reclaim(struct xvsd *st)
{
	return trash_free(st, state_now_ns(), 0);
}
