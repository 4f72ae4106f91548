// SPDX-License-Identifier: GPL-2.0
/*
 * Connection expiry. xvsd only finds candidates (batch reads of conn_v4,
 * IN entries idle past their timeout); xvs_gc, run with BPF_PROG_TEST_RUN,
 * rechecks each one and removes it, so the state CAS and the count updates
 * stay atomic with the datapath's own. A connection that saw a packet since
 * the read is simply kept by xvs_gc. Two more lists ride on the same walk:
 * with expire_nodest_conn, every connection of a removed server (IPVS's
 * ip_vs_expire_nodest_conn_flush); under pool pressure, the unanswered
 * connections idle XVS_POOL_TIMEOUT s (docs/conn-pressure.md). The lblc
 * caches' minute timer rides on it too (sched_lblc.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "addrset.h"
#include "conn_walk.h"
#include "gc.h"
#include "log.h"
#include "sched_build.h"
#include "sched_lblc.h"

/* Keys for one xvs_gc flag. */
struct key_list {
	__u32 flags;		/* XVS_GC_F_* they are handed over with */
	__u32 n, cap;
	struct xvs_conn_key *keys;
};

enum { LIST_IDLE, LIST_NODEST, LIST_POOL, LIST_OPS, LIST_MAX };

struct sweep_ctx {
	const struct xvsd *st;
	__u64 now;
	__u32 conns;
	__u32 unanswered;	/* connections that never saw a reply */
	struct key_list list[LIST_MAX];
};

static int list_add(struct key_list *l, const struct xvs_conn_key *k)
{
	if (l->n == l->cap) {
		__u32 cap = l->cap ? 2 * l->cap : 256;
		void *p = realloc(l->keys, cap * sizeof(*l->keys));

		if (!p)
			return -ENOMEM;
		l->keys = p;
		l->cap = cap;
	}
	l->keys[l->n++] = *k;
	return 0;
}

/* Is the server of @v gone (removed, or never known)? */
static bool dest_gone(const struct xvsd *st, const struct xvs_conn *v)
{
	const struct xvsd_dest *d = v->dest_id < st->max_dest ? st->dests[v->dest_id] : NULL;

	return !d || !(d->info.flags & XVS_DEST_F_AVAILABLE);
}

static int collect(const struct xvs_conn_key *k, const struct xvs_conn *v, void *data)
{
	struct sweep_ctx *ctx = data;
	const struct xvs_globals *g = &ctx->st->globals;

	if (k->dir != XVS_DIR_IN)
		return 0;
	ctx->conns++;
	if (g->expire_nodest_conn && dest_gone(ctx->st, v))
		return list_add(&ctx->list[LIST_NODEST], k);
	if (v->last_seen + (__u64)v->timeout * 1000000000ull <= ctx->now)
		return list_add(&ctx->list[LIST_IDLE], k);
	/* -o: the entry only carried the answer back (bpf/lib/sched_ops.h). */
	if ((v->flags & XVS_CONN_F_OPS) &&
	    ((v->flags & XVS_CONN_F_SEEN_REPLY) ||
	     v->last_seen + XVS_POOL_TIMEOUT * 1000000000ull <= ctx->now))
		return list_add(&ctx->list[LIST_OPS], k);
	if (v->flags & (XVS_CONN_F_SEEN_REPLY | XVS_CONN_F_TEMPLATE))
		return 0;
	ctx->unanswered++;
	if (g->pool_pressure &&
	    v->last_seen + XVS_POOL_TIMEOUT * 1000000000ull <= ctx->now)
		return list_add(&ctx->list[LIST_POOL], k);
	return 0;
}

/* Hand one batch to xvs_gc. Returns how many it removed, or -errno. */
static int gc_run(int prog_fd, const struct xvs_conn_key *keys, __u32 n, __u32 flags)
{
	struct xvs_gc_req req, out;
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = &req, .data_size_in = sizeof(req),
		    .data_out = &out, .data_size_out = sizeof(out), .repeat = 1);

	memset(&req, 0, sizeof(req));
	req.magic = XVS_GC_MAGIC;
	req.flags = flags;
	req.count = n;
	memcpy(req.keys, keys, n * sizeof(*keys));
	memset(&out, 0, sizeof(out));
	if (bpf_prog_test_run_opts(prog_fd, &opts))
		return -errno;
	if (opts.data_size_out < sizeof(out) || out.magic != XVS_GC_MAGIC)
		return -EPROTO;
	return out.expired <= n ? (int)out.expired : -EPROTO;
}

static int expire(struct xvsd *st, const struct key_list *l, __u32 *expired)
{
	__u32 i;

	for (i = 0; i < l->n; i += XVS_GC_BATCH) {
		__u32 n = l->n - i < XVS_GC_BATCH ? l->n - i : XVS_GC_BATCH;
		int got = gc_run(st->maps.gc_prog, l->keys + i, n, l->flags);

		if (got < 0)
			return got;
		*expired += got;
	}
	return 0;
}

bool gc_pool_pressure(bool on, __u32 unanswered, __u32 pool_size)
{
	if (!pool_size)
		return false;
	if (on)
		return (__u64)unanswered * 4 >= pool_size;
	return (__u64)unanswered * 2 >= pool_size;
}

/* Pool pressure on at half the pool unanswered, off below a quarter. */
static int pool_pressure(struct xvsd *st, __u32 unanswered)
{
	bool was = st->globals.pool_pressure, now;
	struct xvs_globals g = st->globals;
	__u32 zero = 0;

	now = gc_pool_pressure(was, unanswered, st->maps.pool_size);
	if (now == was)
		return 0;
	g.pool_pressure = now;
	if (bpf_map_update_elem(st->maps.globals, &zero, &g, BPF_ANY))
		return -errno;
	st->globals = g;
	if (now)
		pr_warn("connection pool under pressure: %u of %u connections unanswered; "
			"expiring those idle %u s", unanswered, st->maps.pool_size,
			XVS_POOL_TIMEOUT);
	else
		pr_info("connection pool pressure over: %u unanswered", unanswered);
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

	for (sid = 1; sid < st->max_svc; sid++) {
		struct xvs_svc_dests sd;
		bool dirty = false;
		int err;

		if (!st->svcs[sid])
			continue;
		err = state_read_list(st, sid, &sd);
		if (err)
			return err;
		for (i = 0; i < sd.count; i++) {
			struct xvsd_dest *d = sd.dest[i] < st->max_dest ? st->dests[sd.dest[i]] : NULL;
			bool was, now;
			struct xvs_dest_cnt c;

			if (!d)
				continue;
			/* The datapath's flag is the truth: it flips it at bind/unbind. */
			was = sd.overload[i];
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
	struct sweep_ctx ctx = { .st = st, .now = state_now_ns() };
	int err, i;

	memset(res, 0, sizeof(*res));
	ctx.list[LIST_NODEST].flags = XVS_GC_F_FORCE;
	ctx.list[LIST_POOL].flags = XVS_GC_F_POOL;
	ctx.list[LIST_OPS].flags = XVS_GC_F_FORCE;
	err = conn_walk(&st->maps, collect, &ctx);
	if (!err) {
		res->conns = ctx.conns;
		res->candidates = ctx.list[LIST_IDLE].n;
		res->unanswered = ctx.unanswered;
		st->conn_count = ctx.conns;
		err = expire(st, &ctx.list[LIST_IDLE], &res->expired);
	}
	if (!err)
		err = expire(st, &ctx.list[LIST_NODEST], &res->nodest);
	if (!err)
		err = expire(st, &ctx.list[LIST_POOL], &res->pool);
	if (!err)
		err = expire(st, &ctx.list[LIST_OPS], &res->ops);
	if (!err) {
		st->gc_expired += res->expired + res->nodest + res->pool + res->ops;
		err = pool_pressure(st, ctx.unanswered);
	}
	for (i = 0; i < LIST_MAX; i++)
		free(ctx.list[i].keys);
	if (!err)
		err = addrset_check(st);
	if (err)
		return err;
	err = thresholds(st, res);
	if (err)
		return err;
	err = sched_lblc_tick(st, ctx.now);
	if (err < 0)
		return err;
	res->freed_dests = state_trash_gc(st, ctx.now);
	return 0;
}
