// SPDX-License-Identifier: GPL-2.0
/*
 * addr_set upkeep. The wanted entries are each service's VIP and each
 * linked NAT server's address, port and protocol (TCP and UDP for an fwmark
 * service's), with how many services name them: a VIP counts once per
 * service, a server once per service it is linked in.
 *
 * xvsd keeps the counts it wrote in memory (struct addrset, a hash of the
 * 8-byte keys), so a change adjusts a count without reading the map and
 * writes only the keys whose count moved: one update or delete each, or,
 * between addrset_defer() and addrset_flush(), one batch for a whole
 * request (a service's 100 servers, or -C). The sweep compares the map
 * with those counts (a batch read of the distinct keys, not a walk of
 * every server) and rebuilds the set only when they differ, when a write
 * failed, or after adoption (addrset_sync(): sorted wanted entries, write
 * what differs, delete what is no longer wanted). Rebuilding after every
 * change cost a sort of every server per request (8k servers: 10 s instead
 * of 1); adjusting through the map, two syscalls per server.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <bpf/bpf.h>

#include "addrset.h"
#include "grow.h"

struct want {
	struct xvs_addr_key key;
	__u32 count;
};

/* A key's count as written (or about to be, while dirty). */
struct aset_ent {
	__u64 key;		/* struct xvs_addr_key's 8 bytes; 0: empty slot */
	__u32 count;
	__u32 dirty;		/* count not written to the map yet */
};

struct addrset {
	struct aset_ent *tab;	/* open addressing, 1 << bits slots */
	__u32 bits;
	__u32 used;		/* slots with a key, live or at zero */
	__u32 live;		/* keys with a count: what the map should hold */
	__u64 *dirty;		/* keys to write at the flush, each once */
	__u32 ndirty;
	size_t dirty_cap;
	__u32 defer;		/* addrset_defer() calls not yet flushed */
};

#define ASET_MIN_BITS	10
#define CHECK_BATCH	1024

static __u64 key_u64(const struct xvs_addr_key *k)
{
	__u64 v;

	memcpy(&v, k, sizeof(v));
	return v;
}

static struct xvs_addr_key key_of(__u64 v)
{
	struct xvs_addr_key k;

	memcpy(&k, &v, sizeof(k));
	return k;
}

static int key_cmp(const void *a, const void *b)
{
	return memcmp(&((const struct want *)a)->key, &((const struct want *)b)->key,
		      sizeof(struct xvs_addr_key));
}

/* Sort @w and merge equal keys, adding their counts; returns the new length. */
static size_t merge(struct want *w, size_t n)
{
	size_t i, out = 0;

	qsort(w, n, sizeof(*w), key_cmp);
	for (i = 0; i < n; i++) {
		if (out && !key_cmp(&w[out - 1], &w[i]))
			w[out - 1].count += w[i].count;
		else
			w[out++] = w[i];
	}
	return out;
}

/* ---- the counts in memory ------------------------------------------------ */

static struct aset_ent *slot(const struct addrset *a, __u64 key)
{
	__u32 mask = (1u << a->bits) - 1;
	__u32 i = (__u32)((key * 0x9e3779b97f4a7c15ull) >> (64 - a->bits));

	/* No key is 0: a VIP entry has kind 1, a server's kind 2. */
	while (a->tab[i].key && a->tab[i].key != key)
		i = (i + 1) & mask;
	return &a->tab[i];
}

/* A table of 1 << @bits slots holding @old's keys that still matter. */
static int rehash(struct addrset *a, __u32 bits)
{
	struct aset_ent *old = a->tab;
	__u32 i, n = old ? 1u << a->bits : 0;

	a->tab = calloc(1u << bits, sizeof(*a->tab));
	if (!a->tab) {
		a->tab = old;
		return -ENOMEM;
	}
	a->bits = bits;
	a->used = 0;
	for (i = 0; i < n; i++) {
		/* A key at zero goes once its delete is written. */
		if (!old[i].key || (!old[i].count && !old[i].dirty))
			continue;
		*slot(a, old[i].key) = old[i];
		a->used++;
	}
	free(old);
	return 0;
}

/* The entry of @key, added at zero if new. */
static struct aset_ent *get(struct addrset *a, __u64 key)
{
	struct aset_ent *e = slot(a, key);
	__u32 keep, bits = ASET_MIN_BITS;

	if (e->key)
		return e;
	/* At most half full: room for 4 times what a rehash keeps. */
	if (2 * (a->used + 1) > 1u << a->bits) {
		keep = a->live + a->ndirty + 1;
		while (4ull * keep > 1ull << bits)
			bits++;
		if (rehash(a, bits))
			return NULL;
		e = slot(a, key);
	}
	e->key = key;
	a->used++;
	return e;
}

static void forget(struct addrset *a)
{
	free(a->tab);
	free(a->dirty);
	memset(a, 0, sizeof(*a));
}

void addrset_free(struct xvsd *st)
{
	if (!st->aset)
		return;
	forget(st->aset);
	free(st->aset);
	st->aset = NULL;
}

/* Empty counts with room for @n keys (the set is rebuilt from them). */
static int reset(struct xvsd *st, size_t n)
{
	__u32 defer = st->aset ? st->aset->defer : 0, bits = ASET_MIN_BITS;

	if (!st->aset) {
		st->aset = calloc(1, sizeof(*st->aset));
		if (!st->aset)
			return -ENOMEM;
	}
	forget(st->aset);
	st->aset->defer = defer;
	while (4ull * (n + 1) > 1ull << bits)
		bits++;
	return rehash(st->aset, bits);
}

/* ---- what the configuration wants ---------------------------------------- */

static void svc_key(const struct xvsd_svc *s, struct xvs_addr_key *key)
{
	memset(key, 0, sizeof(*key));
	key->addr = s->key.addr;
	key->kind = XVS_ADDR_VIP;
}

/*
 * Server @d's entries in @key: none when it names none (removed, or not
 * NAT); an fwmark service's server (protocol 0) has one for TCP and one
 * for UDP, as its mark may take both and replies carry their own.
 */
static int dest_keys(const struct xvsd_dest *d, struct xvs_addr_key key[2])
{
	if (d->trashed || !d->vs_known || d->info.fwd != XVS_FWD_MASQ)
		return 0;
	memset(key, 0, sizeof(*key));
	key->addr = d->info.addr;
	key->port = d->info.port;
	key->proto = d->vs.proto ? d->vs.proto : IPPROTO_TCP;
	key->kind = XVS_ADDR_RS;
	if (d->vs.proto)
		return 1;
	key[1] = key[0];
	key[1].proto = IPPROTO_UDP;
	return 2;
}

static size_t collect(const struct xvsd *st, struct want *w)
{
	struct xvs_addr_key key[2];
	size_t n = 0;
	__u32 i;
	int j, nk;

	for (i = 1; i < st->max_svc; i++) {
		if (!st->svcs[i])
			continue;
		svc_key(st->svcs[i], &w[n].key);
		w[n++].count = 1;
	}
	for (i = 1; i < st->max_dest; i++) {
		nk = st->dests[i] ? dest_keys(st->dests[i], key) : 0;
		for (j = 0; j < nk; j++) {
			w[n].key = key[j];
			w[n++].count = 1;
		}
	}
	return merge(w, n);
}

/* svc_port0: how many port-0 services there are (bpf/lib/port0.h). */
static int port0_sync(struct xvsd *st)
{
	__u32 zero = 0, n = 0, i;

	for (i = 1; i < st->max_svc; i++)
		if (st->svcs[i] && (st->svcs[i]->cfg.flags & XVS_SVC_F_PORT0))
			n++;
	if (bpf_map_update_elem(st->maps.svc_port0, &zero, &n, BPF_ANY))
		return -errno;
	return 0;
}

/* ---- the whole rebuild --------------------------------------------------- */

/* The counts in memory become @w's. */
static int load(struct xvsd *st, const struct want *w, size_t n)
{
	size_t i;
	int err = reset(st, n);

	for (i = 0; i < n && !err; i++) {
		struct aset_ent *e = get(st->aset, key_u64(&w[i].key));

		if (!e)
			return -ENOMEM;
		e->count = w[i].count;
		st->aset->live++;
	}
	return err;
}

int addrset_sync(struct xvsd *st)
{
	struct want *w = calloc(st->max_svc + 2 * st->max_dest, sizeof(*w));
	struct xvs_addr_key key, next, *prev = NULL;
	struct want probe;
	size_t n, i;
	__u32 have;
	int err = 0;

	if (!w)
		return -ENOMEM;
	n = collect(st, w);
	err = load(st, w, n);
	if (err)
		goto out;
	memset(&probe, 0, sizeof(probe));
	while (!bpf_map_get_next_key(st->maps.addr_set, prev, &next)) {
		key = next;
		probe.key = key;
		if (!bsearch(&probe, w, n, sizeof(*w), key_cmp) &&
		    bpf_map_delete_elem(st->maps.addr_set, &key) && errno != ENOENT) {
			err = -errno;
			goto out;
		}
		/* Deleting the key we stand on restarts the walk, else go on. */
		prev = bsearch(&probe, w, n, sizeof(*w), key_cmp) ? &key : NULL;
	}
	for (i = 0; i < n; i++) {
		if (!bpf_map_lookup_elem(st->maps.addr_set, &w[i].key, &have) &&
		    have == w[i].count)
			continue;
		if (bpf_map_update_elem(st->maps.addr_set, &w[i].key, &w[i].count, BPF_ANY)) {
			err = -errno;
			goto out;
		}
	}
out:
	free(w);
	if (!err)
		err = port0_sync(st);
	st->addrset_stale = err != 0;
	return err;
}

/* ---- the sweep's comparison ---------------------------------------------- */

/* Does addr_set hold exactly the counts in memory? */
static bool matches(struct xvsd *st)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	struct xvs_addr_key keys[CHECK_BATCH];
	__u32 vals[CHECK_BATCH], batch, count, i, seen = 0;
	struct addrset *a = st->aset;
	void *in = NULL;
	int err;

	if (!a || a->ndirty)
		return false;
	for (;;) {
		count = CHECK_BATCH;
		err = bpf_map_lookup_batch(st->maps.addr_set, in, &batch, keys, vals, &count,
					   &opts);
		if (err && errno != ENOENT)
			return false;
		for (i = 0; i < count; i++) {
			struct aset_ent *e = slot(a, key_u64(&keys[i]));

			if (!e->key || e->count != vals[i])
				return false;
		}
		seen += count;
		if (err)
			break;	/* ENOENT: that was the last batch */
		in = &batch;
	}
	return seen == a->live;
}

int addrset_check(struct xvsd *st)
{
	if (!st->addrset_stale && matches(st))
		return port0_sync(st);
	return addrset_sync(st);
}

/* ---- adjustments --------------------------------------------------------- */

/* Write the dirty keys: the live ones in one batch, the gone ones in another. */
static int write_dirty(struct xvsd *st)
{
	struct addrset *a = st->aset;
	struct xvs_addr_key *up, *del;
	__u32 *vals, nup = 0, ndel = 0, i, n;
	int err = 0;

	up = malloc(a->ndirty * sizeof(*up));
	del = malloc(a->ndirty * sizeof(*del));
	vals = malloc(a->ndirty * sizeof(*vals));
	if (!up || !del || !vals) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < a->ndirty; i++) {
		struct aset_ent *e = slot(a, a->dirty[i]);

		e->dirty = 0;
		if (e->count) {
			up[nup] = key_of(e->key);
			vals[nup++] = e->count;
		} else {
			del[ndel++] = key_of(e->key);
		}
	}
	n = nup;
	if (nup && bpf_map_update_batch(st->maps.addr_set, up, vals, &n, NULL))
		err = -errno;
	/* A delete batch stops at a key already gone: go on one by one. */
	for (i = 0; i < ndel && !err; i++) {
		n = ndel - i;
		if (!bpf_map_delete_batch(st->maps.addr_set, del + i, &n, NULL))
			break;
		if (errno != ENOENT)
			err = -errno;
		i += n;
	}
out:
	free(up);
	free(del);
	free(vals);
	a->ndirty = 0;
	return err;
}

int addrset_flush(struct xvsd *st)
{
	struct addrset *a = st->aset;
	int err = 0;

	if (!a || (a->defer && --a->defer))
		return 0;
	if (a->ndirty)
		err = write_dirty(st);
	if (err)
		st->addrset_stale = true;
	return err;
}

void addrset_defer(struct xvsd *st)
{
	if (st->aset)
		st->aset->defer++;
}

/* Add @delta to @key's count, written now or at the flush. */
static int adjust(struct xvsd *st, const struct xvs_addr_key *key, int delta)
{
	struct addrset *a = st->aset;
	struct aset_ent *e = get(a, key_u64(key));

	if (!e)
		return -ENOMEM;
	/* Below zero: the counts were not what the services say, rebuild. */
	if (delta < 0 && e->count < (__u32)-delta)
		return -ESTALE;
	if (!e->count)
		a->live++;
	e->count += delta;
	if (!e->count)
		a->live--;
	if (!e->dirty) {
		if (grow(&a->dirty, &a->dirty_cap, a->ndirty + 1, sizeof(*a->dirty), 256))
			return -ENOMEM;
		a->dirty[a->ndirty++] = e->key;
		e->dirty = 1;
	}
	return a->defer ? 0 : addrset_flush(st);
}

void addrset_svc(struct xvsd *st, const struct xvsd_svc *s, int delta)
{
	struct xvs_addr_key key;

	if (st->addrset_stale || !st->aset)
		return;
	svc_key(s, &key);
	if (adjust(st, &key, delta) ||
	    ((s->cfg.flags & XVS_SVC_F_PORT0) && port0_sync(st)))
		st->addrset_stale = true;
}

void addrset_dest(struct xvsd *st, const struct xvsd_dest *d, int delta)
{
	struct xvs_addr_key key[2];
	int i, n;

	if (st->addrset_stale || !st->aset)
		return;
	n = dest_keys(d, key);
	for (i = 0; i < n; i++)
		if (adjust(st, &key[i], delta))
			st->addrset_stale = true;
}

int addrset_rs_addrs(const struct xvsd *st, __u32 *out, __u32 max, __u32 *n)
{
	const struct addrset *a = st->aset;
	__u32 i, k = 0;

	/* Stale or not written yet: the counts may not say who is linked. */
	if (!a || st->addrset_stale || a->defer)
		return -ESTALE;
	for (i = 0; i < 1u << a->bits; i++) {
		struct xvs_addr_key key = key_of(a->tab[i].key);

		if (!a->tab[i].key || !a->tab[i].count || key.kind != XVS_ADDR_RS)
			continue;
		if (k == max)
			return -ENOSPC;
		out[k++] = key.addr;
	}
	*n = k;
	return 0;
}
