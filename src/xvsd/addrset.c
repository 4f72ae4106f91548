// SPDX-License-Identifier: GPL-2.0
/*
 * addr_set upkeep: compute the wanted entries (each service's VIP, each
 * linked NAT server's address, port and protocol, with how many services
 * name them) as a sorted array, then write what differs and delete what
 * is no longer wanted. A VIP counts once per service, a server once per
 * service it is linked in.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
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

static size_t collect(const struct xvsd *st, struct want *w)
{
	size_t n = 0;
	__u32 i;

	for (i = 1; i < XVS_MAX_SVC; i++) {
		const struct xvsd_svc *s = st->svcs[i];

		if (!s)
			continue;
		memset(&w[n], 0, sizeof(w[n]));
		w[n].key.addr = s->key.addr;
		w[n].key.kind = XVS_ADDR_VIP;
		w[n++].count = 1;
	}
	for (i = 1; i < XVS_MAX_DEST; i++) {
		const struct xvsd_dest *d = st->dests[i];

		if (!d || d->trashed || !d->vs_known || d->info.fwd != XVS_FWD_MASQ)
			continue;
		memset(&w[n], 0, sizeof(w[n]));
		w[n].key.addr = d->info.addr;
		w[n].key.port = d->info.port;
		w[n].key.proto = d->vs.proto;
		w[n].key.kind = XVS_ADDR_RS;
		w[n++].count = 1;
	}
	return merge(w, n);
}

/* svc_port0: how many port-0 services there are (bpf/lib/port0.h). */
static int port0_sync(struct xvsd *st)
{
	__u32 zero = 0, n = 0, i;

	for (i = 1; i < XVS_MAX_SVC; i++)
		if (st->svcs[i] && (st->svcs[i]->cfg.flags & XVS_SVC_F_PORT0))
			n++;
	if (bpf_map_update_elem(st->maps.svc_port0, &zero, &n, BPF_ANY))
		return -errno;
	return 0;
}

int addrset_sync(struct xvsd *st)
{
	struct want *w = calloc(XVS_MAX_SVC + XVS_MAX_DEST, sizeof(*w));
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
	return err ? err : port0_sync(st);
}
