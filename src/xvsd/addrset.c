// SPDX-License-Identifier: GPL-2.0
/*
 * addr_set upkeep. The wanted entries are each service's VIP and each
 * linked NAT server's address, port and protocol (TCP and UDP for an fwmark
 * service's), with how many services name them: a VIP counts once per service, a server once per service it
 * is linked in. A configuration change adjusts the counts it touches
 * (addrset_svc(), addrset_dest(): two map calls); the sweep, and the first
 * change after an adjustment failed or after adoption, rebuild the whole
 * set (addrset_sync(): sorted wanted entries, write what differs, delete
 * what is no longer wanted). Rebuilding after every change cost a sort of
 * every server per request: restoring 8k servers took 10 s instead of 1.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <bpf/bpf.h>

#include "addrset.h"

struct want {
	struct xvs_addr_key key;
	__u32 count;
};

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

/* Add @delta to @key's count, deleting the entry at zero. */
static int adjust(struct xvsd *st, const struct xvs_addr_key *key, int delta)
{
	__u32 have = 0;

	if (bpf_map_lookup_elem(st->maps.addr_set, key, &have) && errno != ENOENT)
		return -errno;
	/* Below zero: the set was not what the counts say, rebuild it. */
	if (delta < 0 && have < (__u32)-delta)
		return -ESTALE;
	have += delta;
	if (!have) {
		if (bpf_map_delete_elem(st->maps.addr_set, key) && errno != ENOENT)
			return -errno;
		return 0;
	}
	if (bpf_map_update_elem(st->maps.addr_set, key, &have, BPF_ANY))
		return -errno;
	return 0;
}

void addrset_svc(struct xvsd *st, const struct xvsd_svc *s, int delta)
{
	struct xvs_addr_key key;

	if (st->addrset_stale)
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

	if (st->addrset_stale)
		return;
	n = dest_keys(d, key);
	for (i = 0; i < n; i++)
		if (adjust(st, &key[i], delta))
			st->addrset_stale = true;
}
