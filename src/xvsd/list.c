// SPDX-License-Identifier: GPL-2.0
/*
 * Listings: configuration from the in-memory view and svc_dests, counters
 * summed over CPUs, rates from the estimators, connection counts from
 * dest_cnt, connections from conn_v4.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "conn_walk.h"
#include "grow.h"
#include "list.h"
#include "sched_build.h"
#include "svc.h"

void list_info(struct xvsd *st, struct xvs_ctl_info *info)
{
	memset(info, 0, sizeof(*info));
	info->version_code = LIST_VERSION_CODE;
	info->conn_tab_size = LIST_CONN_TAB_SIZE;
	info->num_services = st->nsvcs;
	info->conn_max = st->maps.conn_entries;
	info->conn_count = st->conn_count;
}

static void copy_stats(struct xvs_ctl_stats *dst, const struct xvs_stats *src)
{
	dst->conns = src->conns;
	dst->inpkts = src->inpkts;
	dst->outpkts = src->outpkts;
	dst->inbytes = src->inbytes;
	dst->outbytes = src->outbytes;
}

static __u32 clamp_cnt(__s32 v)
{
	return v > 0 ? v : 0;
}

/*
 * Every server's counts and counters up to the highest id in use, read in
 * batches for a whole listing: two lookups per server made 1M servers a 3 s
 * listing. NULL arrays: read each server's on its own.
 */
struct dest_counters {
	__u32 end;			/* ids below it */
	struct xvs_dest_cnt *cnt;	/* by id */
	struct xvs_stats *stats;	/* by id, summed over CPUs */
};

static int keep_stats(__u32 id, const struct xvs_stats *sum, void *ctx)
{
	((struct xvs_stats *)ctx)[id] = *sum;
	return 0;
}

static void counters_read(struct xvsd *st, struct dest_counters *dc)
{
	dc->end = st->max_dest;
	while (dc->end > 1 && !st->dests[dc->end - 1])
		dc->end--;
	dc->cnt = calloc(dc->end, sizeof(*dc->cnt));
	dc->stats = calloc(dc->end, sizeof(*dc->stats));
	if (dc->cnt && dc->stats &&
	    !mapset_array_read(st->maps.dest_cnt, 1, dc->end - 1, dc->cnt + 1, sizeof(*dc->cnt)) &&
	    !mapset_stats_walk(&st->maps, st->maps.dest_stats, 1, dc->end, keep_stats, dc->stats))
		return;
	free(dc->cnt);
	free(dc->stats);
	memset(dc, 0, sizeof(*dc));
}

static void counters_free(struct dest_counters *dc)
{
	free(dc->cnt);
	free(dc->stats);
}

static void fill_dest(struct xvsd *st, const struct xvsd_dest *d,
		      const struct dest_counters *dc, struct xvs_ctl_dest *out)
{
	struct xvs_dest_cnt cnt;
	struct xvs_stats stats;
	bool have = d->id < dc->end;

	memset(out, 0, sizeof(*out));
	out->af = AF_INET;
	out->port = d->info.port;
	out->addr[0] = d->info.addr;
	out->fwd = d->info.fwd;
	out->weight = d->info.weight;
	out->u_threshold = d->info.u_threshold;
	out->l_threshold = d->info.l_threshold;
	if (have)
		cnt = dc->cnt[d->id];
	else
		state_dest_cnt(st, d->id, &cnt);
	out->active = clamp_cnt(cnt.active);
	out->inactive = clamp_cnt(cnt.inactive);
	out->persist = clamp_cnt(cnt.persist);
	if (have)
		copy_stats(&out->stats, &dc->stats[d->id]);
	else if (!mapset_stats_sum(&st->maps, st->maps.dest_stats, d->id, &stats))
		copy_stats(&out->stats, &stats);
	est_read(&d->est, &out->rates);
}

/*
 * The listing's buffer, sized up front for a whole listing: grown as a
 * memstream it was copied over and over (a million servers: 130 MB).
 */
struct out {
	char *mem;
	size_t len, cap;
};

static int out_room(struct out *o, size_t need)
{
	return grow(&o->mem, &o->cap, o->len + need, 1, 4096);
}

static void out_put(struct out *o, const void *p, size_t n)
{
	memcpy(o->mem + o->len, p, n);
	o->len += n;
}

/* One service and its servers, appended to @o. */
static int put_service(struct xvsd *st, struct xvsd_svc *s, const struct dest_counters *dc,
		       struct out *o)
{
	struct xvs_svc_dests sd;
	struct xvs_ctl_svc out;
	struct xvs_stats stats;
	__u32 i, n = 0;
	int err;

	err = state_read_list(st, s->id, &sd);
	if (err)
		return err;
	for (i = 0; i < sd.count; i++)
		if (sd.dest[i] < st->max_dest && st->dests[sd.dest[i]])
			n++;
	err = out_room(o, sizeof(out) + n * sizeof(struct xvs_ctl_dest));
	if (err)
		return err;
	memset(&out, 0, sizeof(out));
	svc_id_from_key(&s->key, &out.id);
	snprintf(out.sched, sizeof(out.sched), "%s", sched_name(s->cfg.sched));
	out.flags = s->cfg.flags & ~(XVS_SVC_F_STANDBY | XVS_SVC_F_FWMARK | XVS_SVC_F_PORT0);
	out.timeout = s->cfg.timeout;
	out.netmask = s->cfg.netmask;
	out.num_dests = n;
	if (!mapset_stats_sum(&st->maps, st->maps.svc_stats, s->id, &stats))
		copy_stats(&out.stats, &stats);
	est_read(&s->est, &out.rates);
	out_put(o, &out, sizeof(out));
	for (i = 0; i < sd.count; i++) {
		struct xvs_ctl_dest d;

		if (sd.dest[i] >= st->max_dest || !st->dests[sd.dest[i]])
			continue;
		fill_dest(st, st->dests[sd.dest[i]], dc, &d);
		out_put(o, &d, sizeof(d));
	}
	return 0;
}

static int out_finish(struct out *o, int err, void **buf, size_t *len)
{
	if (err) {
		free(o->mem);
		return err;
	}
	*buf = o->mem;
	*len = o->len;
	return 0;
}

int list_services(struct xvsd *st, const struct xvs_ctl_svc_id *id, void **buf, size_t *len)
{
	struct dest_counters dc = { 0 };
	struct out o = { 0 };
	__u32 i;
	int err = 0;

	if (id) {
		struct xvs_svc_key key;
		struct xvsd_svc *s;

		err = svc_key_from_id(id, &key);
		if (err)
			return err;
		s = state_find_svc(st, &key);
		if (!s)
			return -ESRCH;
		err = put_service(st, s, &dc, &o);
		return out_finish(&o, err, buf, len);
	}
	counters_read(st, &dc);
	/* Each live server is in one list: pages past the end are never touched. */
	err = out_room(&o, st->nsvcs * sizeof(struct xvs_ctl_svc) +
			   (size_t)dc.end * sizeof(struct xvs_ctl_dest));
	for (i = 1; i < st->max_svc && !err; i++)
		if (st->svcs[i])
			err = put_service(st, st->svcs[i], &dc, &o);
	counters_free(&dc);
	return out_finish(&o, err, buf, len);
}

static int finish(FILE *f, char **mem, size_t *size, int err, void **buf, size_t *len)
{
	if (fclose(f) && !err)
		err = -ENOMEM;
	if (err) {
		free(*mem);
		return err;
	}
	*buf = *mem;
	*len = *size;
	return 0;
}

struct conn_ctx {
	FILE *f;
	__u64 now;
};

static int put_conn(const struct xvs_conn_key *k, const struct xvs_conn *v, void *data)
{
	struct conn_ctx *ctx = data;
	struct xvs_ctl_conn c;

	if (k->dir != XVS_DIR_IN || (v->state & XVS_CONN_DEAD))
		return 0;
	memset(&c, 0, sizeof(c));
	c.af = AF_INET;
	c.proto = k->proto;
	c.caddr[0] = v->caddr;
	c.vaddr[0] = v->vaddr;
	c.daddr[0] = v->daddr;
	c.cport = v->cport;
	c.vport = v->vport;
	c.dport = v->dport;
	c.flags = v->flags;
	c.state = v->state & XVS_CONN_STATE_MASK;
	c.expire = conn_expire_in(v, ctx->now);
	fwrite(&c, sizeof(c), 1, ctx->f);
	return 0;
}

int list_conns(struct xvsd *st, void **buf, size_t *len)
{
	struct conn_ctx ctx = { .now = state_now_ns() };
	char *mem = NULL;
	size_t size = 0;
	int err;

	ctx.f = open_memstream(&mem, &size);
	if (!ctx.f)
		return -ENOMEM;
	err = conn_walk(&st->maps, put_conn, &ctx);
	return finish(ctx.f, &mem, &size, err, buf, len);
}
