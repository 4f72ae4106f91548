// SPDX-License-Identifier: GPL-2.0
/*
 * conn_v4 is a hash map of up to millions of entries: read it in batches
 * (BPF_MAP_LOOKUP_BATCH) rather than one syscall per key. The walk is not a
 * snapshot: entries the datapath adds or removes meanwhile may be missed,
 * which the next walk catches.
 */
#include <errno.h>
#include <stdlib.h>
#include <bpf/bpf.h>

#include "conn_walk.h"

#define WALK_BATCH 1024

int conn_walk(const struct xvsd_maps *m, conn_walk_fn fn, void *ctx)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	struct xvs_conn_key *keys;
	struct xvs_conn *vals;
	__u32 batch, count, i;
	void *in = NULL;
	int ret = 0, err;

	keys = calloc(WALK_BATCH, sizeof(*keys));
	vals = calloc(WALK_BATCH, sizeof(*vals));
	if (!keys || !vals) {
		ret = -ENOMEM;
		goto out;
	}
	for (;;) {
		count = WALK_BATCH;
		err = bpf_map_lookup_batch(m->conn_v4, in, &batch, keys, vals, &count, &opts);
		if (err && errno != ENOENT) {
			ret = -errno;
			break;
		}
		for (i = 0; i < count && !ret; i++)
			ret = fn(&keys[i], &vals[i], ctx);
		if (err || ret)
			break;	/* ENOENT: that was the last batch */
		in = &batch;
	}
out:
	free(keys);
	free(vals);
	return ret;
}

__u32 conn_expire_in(const struct xvs_conn *v, __u64 now_ns)
{
	__u64 end = v->last_seen + (__u64)v->timeout * 1000000000ull;

	return end > now_ns ? (end - now_ns) / 1000000000ull : 0;
}
