// SPDX-License-Identifier: GPL-2.0
/*
 * Real servers: add (or resurrect from the trash), edit, delete. A server is
 * made AVAILABLE in dest_info before it enters its service's list, and
 * leaves the list before it loses AVAILABLE, so the datapath never picks a
 * server it cannot use.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>

#include "addrset.h"
#include "gc.h"
#include "log.h"
#include "sched_build.h"
#include "svc.h"

/* Server addresses the kernel would refuse as not unicast (EINVAL), plus
 * loopback, which it would take as a local server xvs cannot forward to. */
static bool bad_dest_addr(__u32 addr_be)
{
	__u32 a = ntohl(addr_be);

	return (a >> 24) == 0 || (a >> 24) == 127 || (a >> 28) >= 0xe;
}

/* Validation shared by add and edit (ipvs.md 3.4 order: ESRCH, then ERANGE). */
static int check_dest(struct xvsd *st, const struct xvs_ctl_svc_id *id,
		      const struct xvs_ctl_dest *req, struct xvsd_svc **svc, __u16 *port)
{
	struct xvs_svc_key key;
	int err;

	err = svc_key_from_id(id, &key);
	if (err)
		return err;
	if (req->af != AF_INET)
		return -EAFNOSUPPORT;
	*svc = state_find_svc(st, &key);
	if (!*svc)
		return -ESRCH;
	/* Only NAT in this version: DR and tunnelling would forward wrongly. */
	if (req->fwd != XVS_FWD_MASQ)
		return -EOPNOTSUPP;
	if (req->weight < 0 || req->l_threshold > req->u_threshold)
		return -ERANGE;
	/* No port means the service's port (what ipvsadm sends for NAT anyway). */
	*port = req->port ? req->port : key.port;
	return 0;
}

/*
 * A live server is linked in its service's list @sd (it is made live just
 * before it is linked and unlinked just before it goes to the trash;
 * adoption unlinks or trashes the others): look there, not through every id.
 */
static struct xvsd_dest *find_live(struct xvsd *st, const struct xvs_svc_dests *sd,
				   __u32 svc_id, __u32 addr, __u16 port)
{
	__u32 i;

	for (i = 0; i < sd->count; i++) {
		struct xvsd_dest *d = sd->dest[i] < st->max_dest ? st->dests[sd->dest[i]] : NULL;

		if (d && !d->trashed && d->info.svc_id == svc_id && d->info.addr == addr &&
		    d->info.port == port)
			return d;
	}
	return NULL;
}

/* The lowest free id: every id below st->dest_id_low is taken. */
static __u32 alloc_dest_id(struct xvsd *st)
{
	__u32 i;

	for (i = st->dest_id_low ? st->dest_id_low : 1; i < st->max_dest; i++)
		if (!st->dests[i])
			return i;
	return 0;
}

/* A server of a batch: in the list, AVAILABLE in dest_info once written, not yet committed. */
struct pending {
	struct xvsd_dest *d;
	struct xvs_dest info;	/* what dest_info is to hold; d->info is the old value */
	bool fresh;		/* d is new, its id reserved in st->dests */
	__u64 trashed_at;	/* else: d came out of the trash, removed then */
};

/*
 * The (address, port) pairs a batch may not add: its service's live
 * servers and the ones it staged. find_live() and a walk of the staged
 * ones per server were a tenth of a restore's xvsd time.
 */
struct taken {
	__u64 *slot;		/* open addressing; 0: empty */
	__u32 mask;
};

static __u64 taken_key(__u32 addr, __u16 port)
{
	return (__u64)addr << 17 | (__u32)port << 1 | 1;
}

/* Is @key there? Enter it when @add. */
static bool taken_has(struct taken *t, __u64 key, bool add)
{
	__u32 i = (__u32)((key * 0x9e3779b97f4a7c15ull) >> 32) & t->mask;

	while (t->slot[i] && t->slot[i] != key)
		i = (i + 1) & t->mask;
	if (t->slot[i])
		return true;
	if (add)
		t->slot[i] = key;
	return false;
}

/* Room for the list and @n more at most half full; the list's live servers in. */
static int taken_init(struct xvsd *st, struct taken *t, const struct xvs_svc_dests *sd,
		      __u32 svc_id, __u32 n)
{
	__u32 size = 64, i;

	while (size < 2 * (sd->count + n))
		size *= 2;
	t->slot = calloc(size, sizeof(*t->slot));
	if (!t->slot)
		return -ENOMEM;
	t->mask = size - 1;
	for (i = 0; i < sd->count; i++) {
		struct xvsd_dest *d = sd->dest[i] < st->max_dest ? st->dests[sd->dest[i]] : NULL;

		/* What find_live() finds. */
		if (d && !d->trashed && d->info.svc_id == svc_id)
			taken_has(t, taken_key(d->info.addr, d->info.port), true);
	}
	return 0;
}

/*
 * Checks of one server in the order ipvs.md 3.4 gives them (ipvsadm sees the
 * same errno for each as from a request of its own), then its id: one
 * resurrected from the trash, else the lowest free one, reserved.
 */
static int add_prepare(struct xvsd *st, const struct xvsd_svc *s,
		       const struct xvs_svc_dests *sd, struct taken *t,
		       const struct xvs_ctl_dest *req, __u16 port, struct pending *p)
{
	if (taken_has(t, taken_key(req->addr[0], port), false))
		return -EEXIST;
	if (bad_dest_addr(req->addr[0]))
		return -EINVAL;
	if (sd->count >= XVS_MAX_RS)
		return -ENOSPC;
	memset(p, 0, sizeof(*p));
	p->d = state_trash_find(st, &s->key, req->addr[0], port);
	if (p->d) {
		/* Out of the trash now: a reclaim for a later server must not free it. */
		p->trashed_at = p->d->trashed_at;
		state_trash_take(st, p->d);
	} else {
		p->d = calloc(1, sizeof(*p->d));
		if (!p->d)
			return -ENOMEM;
		p->d->id = alloc_dest_id(st);
		if (!p->d->id && state_trash_reclaim(st))
			p->d->id = alloc_dest_id(st);
		if (!p->d->id) {
			free(p->d);
			return -ENOMEM;
		}
		p->fresh = true;
		st->dests[p->d->id] = p->d;
	}
	taken_has(t, taken_key(req->addr[0], port), true);
	return 0;
}

/* Undo add_prepare(): free the reserved id, or put the server back in the trash. */
static void add_unreserve(struct xvsd *st, struct pending *p)
{
	if (!p->fresh) {
		state_trash_put(st, p->d, p->trashed_at);
		return;
	}
	st->dests[p->d->id] = NULL;
	free(p->d);
}

/* @p's server AVAILABLE, in @sd (neither written yet; add_bind_rule() sets its overload). */
static void add_stage(const struct xvsd_svc *s, struct xvs_svc_dests *sd,
		      const struct xvs_ctl_dest *req, __u16 port, struct pending *p)
{
	struct xvs_dest info = p->d->info;

	info.addr = req->addr[0];
	info.port = port;
	info.fwd = req->fwd;
	info.weight = req->weight;
	info.svc_id = s->id;
	info.flags |= XVS_DEST_F_AVAILABLE;
	info.u_threshold = req->u_threshold;
	info.l_threshold = req->l_threshold;
	p->info = info;
	sched_list_add(sd, p->d->id, info.weight, false);
}

/*
 * The bind rule: a server back from the trash may still hold connections,
 * enough to be overloaded. A fresh id has none to count: trash_free()
 * frees only ids whose dest_cnt reads zero and clears dest_info last, so an
 * id free in dest_info has zero counts even after a crash in between.
 */
static void add_bind_rule(struct xvsd *st, struct xvs_svc_dests *sd, const struct pending *p,
			  __u32 np)
{
	__u32 *ids = malloc(np * sizeof(*ids)), *at = malloc(np * sizeof(*at)), i, n = 0;
	struct xvs_dest_cnt *cnt = malloc(np * sizeof(*cnt));

	for (i = 0; ids && at && cnt && i < np; i++) {
		if (p[i].fresh)
			continue;
		at[n] = i;
		ids[n++] = p[i].d->id;
	}
	if (n)
		state_dest_cnts(st, ids, n, cnt);
	for (i = 0; i < n; i++) {
		const struct xvs_dest *info = &p[at[i]].info;

		if (gc_overload(false, (__u32)(cnt[i].active + cnt[i].inactive + cnt[i].persist),
				info->u_threshold, info->l_threshold))
			sched_list_set(sd, sched_list_find(sd, ids[i]), info->weight, true);
	}
	free(ids);
	free(at);
	free(cnt);
}

/*
 * Write the staged servers' dest_info in one batch before the list names
 * them. A write that fails (the batch stops there; each of the rest is
 * tried alone) fails its server: @res[] gets the errno, the server leaves
 * @sd and its id is given back. Returns how many are left in @p.
 */
static __u32 add_write_infos(struct xvsd *st, struct xvs_svc_dests *sd, struct pending *p,
			     __u32 np, const __u32 *req_of, __s32 *res)
{
	__u32 *ids = malloc(np * sizeof(*ids)), i, done, left = 0;
	struct xvs_dest *infos = malloc(np * sizeof(*infos));

	done = 0;
	if (ids && infos) {
		for (i = 0; i < np; i++) {
			ids[i] = p[i].d->id;
			infos[i] = p[i].info;
		}
		done = np;
		if (bpf_map_update_batch(st->maps.dest_info, ids, infos, &done, NULL))
			done = done < np ? done : 0;
	}
	free(ids);
	free(infos);
	for (i = 0; i < np; i++) {
		if (i >= done &&
		    bpf_map_update_elem(st->maps.dest_info, &p[i].d->id, &p[i].info, BPF_ANY)) {
			res[req_of[i]] = -errno;
			sched_list_del(sd, sched_list_find(sd, p[i].d->id));
			add_unreserve(st, &p[i]);
			continue;
		}
		p[left++] = p[i];
	}
	return left;
}

/* The list is written: the server is live. */
static void add_commit(struct xvsd *st, const struct xvsd_svc *s, struct pending *p)
{
	struct xvsd_dest *d = p->d;

	d->info = p->info;
	d->vs = s->key;
	d->vs_known = true;
	if (p->fresh) {
		/* alloc_dest_id() gave the lowest free id. */
		if (d->id >= st->dest_id_low)
			st->dest_id_low = d->id + 1;
	} else {
		pr_debug("server id %u back from the trash", d->id);
	}
	addrset_dest(st, d, 1);
}

/*
 * Each server checked and staged in request order (its verdict what a
 * request of its own would get; a dest_info write that fails, which only a
 * kernel out of memory does, is found after the later servers were judged
 * with it in the list), then every dest_info in one write, the list in one.
 */
int dest_add_many(struct xvsd *st, const struct xvs_ctl_svc_id *id,
		  const struct xvs_ctl_dest *reqs, __u32 n, __s32 *res)
{
	struct taken t = { 0 };
	struct xvs_svc_dests sd;
	struct pending *p;
	struct xvsd_svc *s;
	__u32 i, np = 0, *req_of;
	bool have_list = false;
	int err, added = 0;
	__u16 port;

	p = calloc(n ? n : 1, sizeof(*p));
	req_of = calloc(n ? n : 1, sizeof(*req_of));
	if (!p || !req_of) {
		for (i = 0; i < n; i++)
			res[i] = -ENOMEM;
		free(p);
		free(req_of);
		return 0;
	}
	/* The servers' addr_set counts in one write. */
	addrset_defer(st);
	for (i = 0; i < n; i++) {
		err = check_dest(st, id, &reqs[i], &s, &port);
		if (!err && !have_list) {
			err = state_read_list(st, s->id, &sd);
			if (!err)
				err = taken_init(st, &t, &sd, s->id, n);
			have_list = !err;
		}
		if (!err)
			err = add_prepare(st, s, &sd, &t, &reqs[i], port, &p[np]);
		if (!err) {
			add_stage(s, &sd, &reqs[i], port, &p[np]);
			req_of[np++] = i;
		}
		/* 1 marks the staged ones until the list is written. */
		res[i] = err ? err : 1;
	}
	err = 0;
	if (np)
		np = add_write_infos(st, &sd, p, np, req_of, res);
	add_bind_rule(st, &sd, p, np);
	if (np) {
		sched_dests_changed(&sd, s->cfg.sched);
		err = state_write_list(st, s->id, &sd);
	}
	for (i = 0; i < np; i++) {
		if (!err) {
			add_commit(st, s, &p[i]);
			added++;
			continue;
		}
		/* Not linked: it must not stay AVAILABLE. */
		bpf_map_update_elem(st->maps.dest_info, &p[i].d->id, &p[i].d->info, BPF_ANY);
		add_unreserve(st, &p[i]);
	}
	if (err)
		pr_err("add server: map update: %s", strerror(-err));
	addrset_flush(st);
	for (i = 0; i < n; i++)
		if (res[i] == 1)
			res[i] = err;
	free(p);
	free(req_of);
	free(t.slot);
	return added;
}

int dest_add(struct xvsd *st, const struct xvs_ctl_svc_id *id, const struct xvs_ctl_dest *req)
{
	__s32 res;

	dest_add_many(st, id, req, 1, &res);
	return res;
}

int dest_edit(struct xvsd *st, const struct xvs_ctl_svc_id *id, const struct xvs_ctl_dest *req)
{
	struct xvs_svc_dests sd;
	struct xvs_dest info;
	struct xvsd_dest *d;
	struct xvsd_svc *s;
	__u16 port;
	bool over;
	int err, i;

	err = check_dest(st, id, req, &s, &port);
	if (err)
		return err;
	err = state_read_list(st, s->id, &sd);
	if (err)
		return err;
	d = find_live(st, &sd, s->id, req->addr[0], port);
	if (!d)
		return -ENOENT;
	i = sched_list_find(&sd, d->id);
	if (i < 0)
		return -ENOENT;

	info = d->info;
	info.fwd = req->fwd;
	info.weight = req->weight;
	/* ip_vs_update_dest: a lifted or raised upper threshold clears overload. */
	over = sd.overload[i];
	if (!req->u_threshold || req->u_threshold > info.u_threshold)
		over = false;
	info.u_threshold = req->u_threshold;
	info.l_threshold = req->l_threshold;
	if (bpf_map_update_elem(st->maps.dest_info, &d->id, &info, BPF_ANY))
		return -errno;
	sched_list_set(&sd, i, info.weight, over);
	sched_dests_changed(&sd, s->cfg.sched);
	err = state_write_list(st, s->id, &sd);
	if (err) {
		bpf_map_update_elem(st->maps.dest_info, &d->id, &d->info, BPF_ANY);
		return err;
	}
	d->info = info;
	return 0;
}

int dest_del(struct xvsd *st, const struct xvs_ctl_svc_id *id, const struct xvs_ctl_dest *req)
{
	struct xvs_svc_dests sd;
	struct xvs_svc_key key;
	struct xvs_dest info;
	struct xvsd_dest *d;
	struct xvsd_svc *s;
	__u16 port;
	int err, i;

	/* -d takes only the address: weight and method are not checked. */
	err = svc_key_from_id(id, &key);
	if (err)
		return err;
	if (req->af != AF_INET)
		return -EAFNOSUPPORT;
	s = state_find_svc(st, &key);
	if (!s)
		return -ESRCH;
	port = req->port ? req->port : key.port;
	err = state_read_list(st, s->id, &sd);
	if (err)
		return err;
	d = find_live(st, &sd, s->id, req->addr[0], port);
	if (!d)
		return -ENOENT;
	i = sched_list_find(&sd, d->id);
	if (i >= 0) {
		sched_list_del(&sd, i);
		sched_dests_changed(&sd, s->cfg.sched);
		err = state_write_list(st, s->id, &sd);
		if (err)
			return err;
	}
	addrset_dest(st, d, -1);
	info = d->info;
	info.flags &= ~XVS_DEST_F_AVAILABLE;
	if (bpf_map_update_elem(st->maps.dest_info, &d->id, &info, BPF_ANY))
		pr_warn("remove server id %u: %s", d->id, strerror(errno));
	d->info = info;
	state_trash_put(st, d, state_now_ns());
	return 0;
}
