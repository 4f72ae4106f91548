// SPDX-License-Identifier: GPL-2.0
/*
 * Writing a virtual server's state to the maps: its services exist with
 * the configured scheduler and persistence, and their server lists hold
 * exactly the servers the state wants, at the weights it wants. Only the
 * difference is written, through svc_ and dest_ (the control socket's own
 * functions), so an unchanged server is never touched and its connections
 * and counters stay. A service of another origin with the same address is
 * left alone and the virtual server is reported, once, as refused.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "ka_int.h"
#include "log.h"
#include "sched_build.h"
#include "svc.h"

/* xvsd's own service flags (abi.h): never in keepalived.conf, so never a difference. */
#define KA_SVC_F_PRIVATE	(XVS_SVC_F_STANDBY | XVS_SVC_F_FWMARK | XVS_SVC_F_PORT0)

struct want {
	__u32 addr;
	__u16 port;
	__s32 weight;
	__u32 u_thresh, l_thresh;
};

static void want_add(struct want *w, int *n, __u32 addr, __u16 port, __s32 weight,
		     const struct ka_rs *cfg)
{
	if (*n >= XVS_MAX_RS)
		return;
	w[*n].addr = addr;
	w[*n].port = port;
	w[*n].weight = weight;
	w[*n].u_thresh = cfg ? cfg->u_threshold : 0;
	w[*n].l_thresh = cfg ? cfg->l_threshold : 0;
	(*n)++;
}

/* The pool ipwrapper.c would have built for this state (ipvs.md 4.7). */
static int wanted(const struct ka_vsrt *vs, struct want *w)
{
	const struct ka_vs *cfg = vs->cfg;
	int i, n = 0;

	for (i = 0; i < vs->nrs; i++) {
		const struct ka_rsrt *rs = &vs->rs[i];

		if (rs->alive && !vs->sorry_active)
			want_add(w, &n, rs->cfg->addr, rs->cfg->port, rs->weight, rs->cfg);
		else if (rs->cfg->inhibit)
			want_add(w, &n, rs->cfg->addr, rs->cfg->port, 0, rs->cfg);
	}
	if (cfg->has_sorry && (vs->sorry_active || cfg->sorry_inhibit))
		want_add(w, &n, cfg->sorry_addr, cfg->sorry_port, vs->sorry_active ? 1 : 0, NULL);
	return n;
}

static void svc_req(const struct ka_vsrt *vs, const struct xvs_svc_key *key,
		    struct xvs_ctl_svc *req)
{
	memset(req, 0, sizeof(*req));
	svc_id_from_key(key, &req->id);
	snprintf(req->sched, sizeof(req->sched), "%s", vs->cfg->sched);
	req->flags = vs->cfg->flags;
	req->timeout = vs->cfg->timeout;
	req->netmask = vs->cfg->timeout ? vs->cfg->netmask : 0;
}

static void dest_req(const struct want *w, struct xvs_ctl_dest *d)
{
	memset(d, 0, sizeof(*d));
	d->af = AF_INET;
	d->addr[0] = w->addr;
	d->port = w->port;
	d->fwd = XVS_FWD_MASQ;
	d->weight = w->weight;
	d->u_threshold = w->u_thresh;
	d->l_threshold = w->l_thresh;
}

/* A service's name as keepalived logs it: "[IP]:TCP:PORT", or "FWM N". */
static char *key_name(char *buf, const struct xvs_svc_key *key)
{
	if (svc_key_is_fwmark(key)) {
		snprintf(buf, KA_FMT_LEN, "FWM %u", ntohl(key->addr));
		return buf;
	}
	return kaconf_fmt_addr(buf, key->addr, key->proto, key->port);
}

static const char *why(int err)
{
	switch (err) {
	case -EOPNOTSUPP:
	case -EAFNOSUPPORT:
		return "not supported by xvs yet";
	case -ENOENT:
		return "scheduler not available";
	default:
		return strerror(-err);
	}
}

/* The service of key, made or brought to the configured settings. */
static struct xvsd_svc *sync_service(struct ka_vsrt *vs, const struct xvs_svc_key *key)
{
	struct xvsd *st = vs->k->st;
	struct xvsd_svc *s = state_find_svc(st, key);
	struct xvs_ctl_svc req;
	char name[KA_FMT_LEN];
	int err;

	key_name(name, key);
	svc_req(vs, key, &req);
	if (s && s->cfg.origin != XVS_ORIGIN_KACONF) {
		if (!vs->refused)
			pr_err("VS %s: a service %s made with ipvsadm exists: left alone, "
			       "keepalived.conf does not manage it", vs->name, name);
		vs->refused = true;
		return NULL;
	}
	if (!s) {
		err = svc_add_origin(st, &req, XVS_ORIGIN_KACONF);
		if (err) {
			if (!vs->refused)
				pr_err("VS %s: cannot add service %s: %s", vs->name, name, why(err));
			vs->refused = true;
			return NULL;
		}
		pr_info("Adding Virtual Server %s", name);
		return state_find_svc(st, key);
	}
	if (s->cfg.sched != (__u32)sched_lookup(req.sched) ||
	    (s->cfg.flags & ~KA_SVC_F_PRIVATE) != (req.flags & ~XVS_SVC_F_HASHED) ||
	    s->cfg.timeout != req.timeout || s->cfg.netmask != req.netmask) {
		err = svc_edit(st, &req);
		if (err)
			pr_err("VS %s: cannot change service %s: %s", vs->name, name, why(err));
	}
	return s;
}

static void sync_key(struct ka_vsrt *vs, const struct xvs_svc_key *key, const struct want *w,
		     int nw)
{
	struct xvsd *st = vs->k->st;
	struct xvs_svc_dests sd;
	struct xvs_ctl_svc req;
	struct xvs_ctl_dest d;
	struct xvsd_svc *s;
	int i, j, err;

	s = sync_service(vs, key);
	if (!s || state_read_list(st, s->id, &sd))
		return;
	svc_req(vs, key, &req);
	/* servers that should not be there */
	for (i = 0; i < (int)sd.count; i++) {
		struct xvsd_dest *cur = sd.dest[i] < st->max_dest ? st->dests[sd.dest[i]] : NULL;
		bool keep = false;

		if (!cur)
			continue;
		for (j = 0; j < nw && !keep; j++)
			keep = w[j].addr == cur->info.addr && w[j].port == cur->info.port;
		if (keep)
			continue;
		memset(&d, 0, sizeof(d));
		d.af = AF_INET;
		d.addr[0] = cur->info.addr;
		d.port = cur->info.port;
		err = dest_del(st, &req.id, &d);
		if (err)
			pr_err("VS %s: remove server: %s", vs->name, why(err));
	}
	/* servers to add or change, in file order (the last added is first in IPVS) */
	for (j = 0; j < nw; j++) {
		struct xvsd_dest *cur = NULL;

		if (state_read_list(st, s->id, &sd))
			return;
		for (i = 0; i < (int)sd.count && !cur; i++) {
			struct xvsd_dest *x = sd.dest[i] < st->max_dest ? st->dests[sd.dest[i]] : NULL;

			if (x && x->info.addr == w[j].addr && x->info.port == w[j].port)
				cur = x;
		}
		dest_req(&w[j], &d);
		if (!cur)
			err = dest_add(st, &req.id, &d);
		else if (cur->info.weight != w[j].weight || cur->info.u_threshold != w[j].u_thresh ||
			 cur->info.l_threshold != w[j].l_thresh)
			err = dest_edit(st, &req.id, &d);
		else
			err = 0;
		if (err) {
			char name[KA_FMT_LEN];

			kaconf_fmt_addr(name, w[j].addr, key->proto, w[j].port);
			pr_err("VS %s: server %s: %s", vs->name, name, why(err));
		}
	}
}

void ka_sync_vs(struct ka_vsrt *vs)
{
	struct want w[XVS_MAX_RS];
	int nw, i;

	if (!vs->nkeys)
		return;
	nw = wanted(vs, w);
	for (i = 0; i < vs->nkeys; i++)
		sync_key(vs, &vs->keys[i], w, nw);
}

static bool key_wanted(const struct ka *k, const struct xvs_svc_key *key)
{
	int i, j;

	for (i = 0; i < k->nvs; i++)
		for (j = 0; j < k->vs[i].nkeys; j++)
			if (!memcmp(&k->vs[i].keys[j], key, sizeof(*key)))
				return true;
	return false;
}

void ka_sync_remove_others(struct ka *k)
{
	struct xvsd *st = k->st;
	__u32 i;

	for (i = 1; i < st->max_svc; i++) {
		struct xvsd_svc *s = st->svcs[i];
		struct xvs_ctl_svc_id id;
		char name[KA_FMT_LEN];

		if (!s || s->cfg.origin != XVS_ORIGIN_KACONF || key_wanted(k, &s->key))
			continue;
		key_name(name, &s->key);
		pr_info("Removing Virtual Server %s", name);
		svc_id_from_key(&s->key, &id);
		svc_del(st, &id);
	}
}
