// SPDX-License-Identifier: GPL-2.0
/*
 * Connection expiry. xvsd only finds candidates (batch reads of conn_v4,
 * IN entries idle past their timeout); xvs_gc, run with BPF_PROG_TEST_RUN,
 * rechecks each one and removes it, so the state CAS and the count updates
 * stay atomic with the datapath's own. A connection that saw a packet since
 * the read is simply kept by xvs_gc.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "conn_walk.h"
#include "gc.h"
#include "log.h"
#include "sched_build.h"

struct sweep_ctx {
	__u64 now;
	__u32 conns;
	__u32 n, cap;
	struct xvs_conn_key *keys;
};

static int collect(const struct xvs_conn_key *k, const struct xvs_conn *v, void *data)
{
	struct sweep_ctx *ctx = data;

	if (k->dir != XVS_DIR_IN)
		return 0;
	ctx->conns++;
	if (v->last_seen + (__u64)v->timeout * 1000000000ull > ctx->now)
		return 0;
	if (ctx->n == ctx->cap) {
		__u32 cap = ctx->cap ? 2 * ctx->cap : 256;
		void *p = realloc(ctx->keys, cap * sizeof(*ctx->keys));

		if (!p)
			return -ENOMEM;
		ctx->keys = p;
		ctx->cap = cap;
	}
	ctx->keys[ctx->n++] = *k;
	return 0;
}

/* Hand one batch to xvs_gc. Returns how many it removed, or -errno. */
static int gc_run(int prog_fd, const struct xvs_conn_key *keys, __u32 n)
{
	struct xvs_gc_req req, out;
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = &req, .data_size_in = sizeof(req),
		    .data_out = &out, .data_size_out = sizeof(out), .repeat = 1);

	memset(&req, 0, sizeof(req));
	req.magic = XVS_GC_MAGIC;
	req.count = n;
	memcpy(req.keys, keys, n * sizeof(*keys));
	memset(&out, 0, sizeof(out));
	if (bpf_prog_test_run_opts(prog_fd, &opts))
		return -errno;
	if (opts.data_size_out < sizeof(out) || out.magic != XVS_GC_MAGIC)
		return -EPROTO;
	return out.expired <= n ? (int)out.expired : -EPROTO;
}

static int expire(struct xvsd *st, struct sweep_ctx *ctx, struct gc_result *res)
{
	__u32 i;

	for (i = 0; i < ctx->n; i += XVS_GC_BATCH) {
		__u32 n = ctx->n - i < XVS_GC_BATCH ? ctx->n - i : XVS_GC_BATCH;
		int got = gc_run(st->maps.gc_prog, ctx->keys + i, n);

		if (got < 0)
			return got;
		res->expired += got;
	}
	return 0;
}

bool gc_overload(bool overloaded, __u32 total, __u32 u_threshold, __u32 l_threshold)
{
	if (!overloaded)
		return u_threshold && total >= u_threshold;
	if (l_threshold)
		return total >= l_threshold;
	if (u_threshold)
		return (__u64)total * 4 >= (__u64)u_threshold * 3;
	return false;
}

/*
 * Move each linked server's overload bit to what its counts say now. The
 * datapath applies the rule at every bind and unbind; this catches what no
 * connection event will, e.g. thresholds edited on an idle server.
 */
static int thresholds(struct xvsd *st, struct gc_result *res)
{
	__u32 sid, i;

	for (sid = 1; sid < XVS_MAX_SVC; sid++) {
		struct xvs_svc_dests sd;
		bool dirty = false;
		int err;

		if (!st->svcs[sid])
			continue;
		err = state_read_list(st, sid, &sd);
		if (err)
			return err;
		for (i = 0; i < sd.count; i++) {
			struct xvsd_dest *d = sd.dest[i] < XVS_MAX_DEST ? st->dests[sd.dest[i]] : NULL;
			bool was, now;
			struct xvs_dest_cnt c;

			if (!d)
				continue;
			/* The datapath's bit is the truth: it flips it at bind/unbind. */
			was = (sd.overload >> i) & 1;
			if (!was && !d->info.u_threshold)
				continue;
			state_dest_cnt(st, d->id, &c);
			now = gc_overload(was, (__u32)(c.active + c.inactive + c.persist),
					  d->info.u_threshold, d->info.l_threshold);
			if (now == was)
				continue;
			sched_list_set(&sd, i, sd.weight[i], now);
			dirty = true;
			res->overload_changes++;
		}
		if (dirty) {
			err = state_write_list(st, sid, &sd);
			if (err)
				return err;
		}
	}
	return 0;
}

int gc_sweep(struct xvsd *st, struct gc_result *res)
{
	struct sweep_ctx ctx = { .now = state_now_ns() };
	int err;

	memset(res, 0, sizeof(*res));
	err = conn_walk(&st->maps, collect, &ctx);
	if (!err) {
		res->conns = ctx.conns;
		res->candidates = ctx.n;
		st->conn_count = ctx.conns;
		err = expire(st, &ctx, res);
		st->gc_expired += res->expired;
	}
	free(ctx.keys);
	if (err)
		return err;
	err = thresholds(st, res);
	if (err)
		return err;
	res->freed_dests = state_trash_gc(st, ctx.now);
	return 0;
}
