// SPDX-License-Identifier: GPL-2.0
/*
 * Neighbour upkeep (see neigh.h for why). Each pass recomputes what is
 * wanted from the in-memory view of the maps (live NAT servers, their
 * routes' next hops) and reconciles the kernel's table with it, so adding,
 * removing, flushing, route changes and a restart all take the same path.
 * Memory only keeps what is needed to log changes once: each server's last
 * resolution and each entry's last verdict and error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "addrset.h"
#include "log.h"
#include "neigh.h"
#include "rtnl.h"

enum neigh_mode { MODE_UNKNOWN, MODE_MANAGED, MODE_PROBE };

/* Who an entry belongs to, as last seen. */
enum nb_owner {
	NB_NEW,		/* not looked at yet */
	NB_OURS,	/* made or taken over by xvsd: kept fresh, removed when unneeded */
	NB_ADMIN,	/* PERMANENT or NOARP: the admin's word, never touched */
	NB_OTHER,	/* managed by someone else */
	NB_NOARP_DEV,	/* its interface resolves nothing */
};

/* One server address and how it was last resolved. */
struct nb_server {
	__u32 addr;
	int err;
	struct rtnl_hop hop;
};

/* One next hop some server needs, or one of xvsd's entries nothing needs now. */
struct nb_entry {
	int ifindex;
	__u32 addr;
	enum nb_owner owner;
	int err;	/* last failure to set or remove it, 0 if none */
};

struct neigh {
	const struct xvsd *st;
	struct rtnl rt;
	enum neigh_mode mode;
	bool adopted;
	unsigned int tick;
	struct nb_server *srv;	/* sorted by addr */
	__u32 nsrv;
	struct nb_entry *ent;	/* sorted by ifindex, addr */
	__u32 nent;
};

struct neigh *neigh_new(const struct xvsd *st, bool probe_only)
{
	struct neigh *nb = calloc(1, sizeof(*nb));
	int err;

	if (!nb)
		return NULL;
	err = rtnl_open(&nb->rt);
	if (err) {
		free(nb);
		errno = -err;
		return NULL;
	}
	nb->st = st;
	if (probe_only)
		nb->mode = MODE_PROBE;
	return nb;
}

void neigh_free(struct neigh *nb)
{
	if (!nb)
		return;
	rtnl_close(&nb->rt);
	free(nb->srv);
	free(nb->ent);
	free(nb);
}

static const char *ip_str(__u32 addr, char *buf)
{
	return inet_ntop(AF_INET, &addr, buf, INET_ADDRSTRLEN);
}

/* "10.0.0.2 dev eth1" */
static const char *hop_str(int ifindex, __u32 addr, char *buf, size_t len)
{
	char ip[INET_ADDRSTRLEN], ifname[IF_NAMESIZE];

	if (!if_indextoname(ifindex, ifname))
		snprintf(ifname, sizeof(ifname), "#%d", ifindex);
	snprintf(buf, len, "%s dev %s", ip_str(addr, ip), ifname);
	return buf;
}

static int cmp_u32(const void *a, const void *b)
{
	__u32 x = *(const __u32 *)a, y = *(const __u32 *)b;

	return x < y ? -1 : x > y;
}

static int cmp_entry(const struct nb_entry *a, const struct nb_entry *b)
{
	if (a->ifindex != b->ifindex)
		return a->ifindex < b->ifindex ? -1 : 1;
	return cmp_u32(&a->addr, &b->addr);
}

static int cmp_entry_q(const void *a, const void *b)
{
	return cmp_entry(a, b);
}

/* Sort and drop duplicates; returns the new count. */
static __u32 sort_unique(void *base, __u32 n, size_t size, int (*cmp)(const void *, const void *))
{
	char *p = base;
	__u32 i, out = 0;

	qsort(base, n, size, cmp);
	for (i = 0; i < n; i++) {
		if (out && !cmp(p + (out - 1) * size, p + i * size))
			continue;
		if (out != i)
			memcpy(p + out * size, p + i * size, size);
		out++;
	}
	return out;
}

static void set_owner(struct nb_entry *e, enum nb_owner owner, const struct rtnl_neigh *n)
{
	char buf[64];

	if (e->owner == owner)
		return;
	hop_str(e->ifindex, e->addr, buf, sizeof(buf));
	switch (owner) {
	case NB_OURS:
		pr_info("neighbour %s: kept resolved for real servers", buf);
		break;
	case NB_ADMIN:
		pr_info("neighbour %s: %s entry left as set by the admin", buf,
			n && (n->state & NUD_PERMANENT) ? "permanent" : "noarp");
		break;
	case NB_OTHER:
		pr_info("neighbour %s: managed by someone else (proto %u), left alone", buf,
			n ? n->proto : 0);
		break;
	case NB_NOARP_DEV:
		pr_info("neighbour %s: interface resolves no neighbours, nothing to keep", buf);
		break;
	case NB_NEW:
		break;
	}
	e->owner = owner;
}

static void note_err(struct nb_entry *e, int err, const char *what)
{
	char buf[64];

	if (err == e->err)
		return;
	e->err = err;
	if (err)
		pr_warn("neighbour %s: %s: %s", hop_str(e->ifindex, e->addr, buf, sizeof(buf)),
			what, strerror(-err));
}

/* Say once which way entries are kept fresh. */
static void set_mode(struct neigh *nb, enum neigh_mode mode, const char *why)
{
	nb->mode = mode;
	if (mode == MODE_MANAGED)
		pr_info("neighbours of real servers: managed entries (NTF_EXT_MANAGED), the "
			"kernel keeps them resolved");
	else
		pr_warn("the kernel %s managed neighbour entries: probing real servers' "
			"neighbours every %d s instead", why,
			NEIGH_PROBE_TICKS * NEIGH_TICK_MS / 1000);
}

/*
 * The first managed entry decides the mode. A kernel without NTF_EXT_MANAGED
 * either refuses the attribute or ignores it (older kernels parse leniently),
 * so the entry is read back to see which.
 */
static int decide_mode(struct neigh *nb, struct nb_entry *e, int err)
{
	struct rtnl_neigh n;

	if (err == -EINVAL || err == -EOPNOTSUPP) {
		set_mode(nb, MODE_PROBE, "refuses");
		return rtnl_neigh_set(&nb->rt, e->ifindex, e->addr, false, NEIGH_PROTO);
	}
	if (err)
		return err;
	err = rtnl_neigh_get(&nb->rt, e->ifindex, e->addr, &n);
	if (err)
		return err;
	if (n.flags_ext & NTF_EXT_MANAGED) {
		set_mode(nb, MODE_MANAGED, NULL);
		return 0;
	}
	set_mode(nb, MODE_PROBE, "ignores");
	return rtnl_neigh_set(&nb->rt, e->ifindex, e->addr, false, NEIGH_PROTO);
}

/* Make e one of ours: managed, or poked with NTF_USE. */
static void take(struct neigh *nb, struct nb_entry *e)
{
	bool managed = nb->mode != MODE_PROBE;
	int err;

	err = rtnl_neigh_set(&nb->rt, e->ifindex, e->addr, managed, NEIGH_PROTO);
	if (nb->mode == MODE_UNKNOWN)
		err = decide_mode(nb, e, err);
	note_err(e, err, "set");
	if (!err)
		set_owner(e, NB_OURS, NULL);
}

/* A next hop a server needs: look at the kernel's entry and act on it. */
static void ensure(struct neigh *nb, struct nb_entry *e)
{
	struct rtnl_neigh n;
	int err;

	err = rtnl_neigh_get(&nb->rt, e->ifindex, e->addr, &n);
	if (err == -ENOENT) {
		err = rtnl_link_noarp(&nb->rt, e->ifindex);
		if (err > 0) {
			set_owner(e, NB_NOARP_DEV, NULL);
			return;
		}
		if (!err)
			take(nb, e);
		else
			note_err(e, err, "interface");
		return;
	}
	if (err) {
		note_err(e, err, "read");
		return;
	}
	if (n.state & (NUD_PERMANENT | NUD_NOARP)) {
		set_owner(e, NB_ADMIN, &n);
		return;
	}
	if (n.proto != NEIGH_PROTO) {
		if (n.flags_ext & NTF_EXT_MANAGED)
			set_owner(e, NB_OTHER, &n);
		else
			take(nb, e);	/* an ordinary dynamic entry */
		return;
	}
	/* Ours already: repair what someone changed, poke in probe mode. */
	if (nb->mode == MODE_UNKNOWN && (n.flags_ext & NTF_EXT_MANAGED)) {
		/* Adopted after a restart: the kernel took managed entries before. */
		set_mode(nb, MODE_MANAGED, NULL);
	} else if (nb->mode == MODE_PROBE) {
		if (nb->tick % NEIGH_PROBE_TICKS == 0)
			take(nb, e);
	} else if (!(n.flags_ext & NTF_EXT_MANAGED)) {
		take(nb, e);
	}
	set_owner(e, NB_OURS, NULL);
}

/* An entry nothing needs: remove it if it is still ours. Returns 0 when gone. */
static int release(struct neigh *nb, struct nb_entry *e)
{
	struct rtnl_neigh n;
	char buf[64];
	int err;

	err = rtnl_neigh_get(&nb->rt, e->ifindex, e->addr, &n);
	if (err == -ENOENT)
		return 0;
	if (!err && (n.proto != NEIGH_PROTO || (n.state & (NUD_PERMANENT | NUD_NOARP))))
		return 0;	/* the admin took it over meanwhile */
	if (!err)
		err = rtnl_neigh_del(&nb->rt, e->ifindex, e->addr);
	if (err && err != -ENOENT) {
		note_err(e, err, "remove");
		return err;
	}
	pr_info("neighbour %s: no real server uses it, removed",
		hop_str(e->ifindex, e->addr, buf, sizeof(buf)));
	return 0;
}

/*
 * Live NAT servers' addresses, sorted, each once: from addr_set's counts (a
 * key per address and port in use), not a walk and sort of every server
 * (a million each tick), unless those counts are stale.
 */
static int server_addrs(const struct xvsd *st, __u32 **out, __u32 *n)
{
	__u32 *a, i, cnt = 0;

	a = malloc(2 * st->max_dest * sizeof(*a));
	if (!a)
		return -ENOMEM;
	if (addrset_rs_addrs(st, a, 2 * st->max_dest, &cnt)) {
		cnt = 0;
		for (i = 1; i < st->max_dest; i++) {
			const struct xvsd_dest *d = st->dests[i];

			if (d && !d->trashed && (d->info.flags & XVS_DEST_F_AVAILABLE) &&
			    d->info.fwd == XVS_FWD_MASQ)
				a[cnt++] = d->info.addr;
		}
	}
	*n = sort_unique(a, cnt, sizeof(*a), cmp_u32);
	*out = a;
	return 0;
}

static const struct nb_server *find_server(const struct neigh *nb, __u32 addr)
{
	return bsearch(&addr, nb->srv, nb->nsrv, sizeof(*nb->srv), cmp_u32);
}

static const char *rtn_name(__u8 type)
{
	switch (type) {
	case RTN_LOCAL:
		return "a local address";
	case RTN_BROADCAST:
		return "a broadcast address";
	case RTN_MULTICAST:
		return "a multicast address";
	default:
		return "not reached through a neighbour";
	}
}

/* Say what changed in a server's resolution since the last pass. */
static void log_server(const struct nb_server *old, const struct nb_server *s)
{
	char ip[INET_ADDRSTRLEN], buf[64];

	if (old && old->err == s->err && old->hop.type == s->hop.type &&
	    old->hop.ifindex == s->hop.ifindex && old->hop.via == s->hop.via)
		return;
	ip_str(s->addr, ip);
	if (s->err) {
		pr_warn("real server %s: no route: %s", ip, strerror(-s->err));
		return;
	}
	if (s->hop.type != RTN_UNICAST) {
		pr_info("real server %s: %s, no neighbour to keep", ip, rtn_name(s->hop.type));
		return;
	}
	hop_str(s->hop.ifindex, s->hop.via, buf, sizeof(buf));
	if (old && !old->err && old->hop.type == RTN_UNICAST)
		pr_info("real server %s: route changed, next hop now %s", ip, buf);
	else if (old)
		pr_info("real server %s: next hop %s", ip, buf);
	else
		pr_debug("real server %s: next hop %s", ip, buf);
}

/*
 * Resolve every server; the next hops wanted go to *want (sorted, unique).
 * nb->srv becomes the new resolutions.
 */
static int resolve(struct neigh *nb, struct nb_entry **want, __u32 *nwant)
{
	struct nb_server *srv;
	struct nb_entry *w;
	__u32 *addrs, n, i, cnt = 0;
	int err;

	err = server_addrs(nb->st, &addrs, &n);
	if (err)
		return err;
	srv = calloc(n ? n : 1, sizeof(*srv));
	w = calloc(n ? n : 1, sizeof(*w));
	if (!srv || !w) {
		free(addrs);
		free(srv);
		free(w);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		struct nb_server *s = &srv[i];

		s->addr = addrs[i];
		s->err = rtnl_route_get(&nb->rt, s->addr, &s->hop);
		log_server(find_server(nb, s->addr), s);
		if (s->err || s->hop.type != RTN_UNICAST || !s->hop.ifindex)
			continue;
		w[cnt].ifindex = s->hop.ifindex;
		w[cnt].addr = s->hop.via;
		cnt++;
	}
	free(addrs);
	free(nb->srv);
	nb->srv = srv;
	nb->nsrv = n;
	*want = w;
	*nwant = sort_unique(w, cnt, sizeof(*w), cmp_entry_q);
	return 0;
}

static int adopt_one(const struct rtnl_neigh *n, void *data)
{
	struct neigh *nb = data;
	struct nb_entry *e;

	if (n->proto != NEIGH_PROTO || (n->state & (NUD_PERMANENT | NUD_NOARP)))
		return 0;
	e = realloc(nb->ent, (nb->nent + 1) * sizeof(*e));
	if (!e)
		return -ENOMEM;
	nb->ent = e;
	e = &nb->ent[nb->nent++];
	memset(e, 0, sizeof(*e));
	e->ifindex = n->ifindex;
	e->addr = n->addr;
	e->owner = NB_OURS;
	return 0;
}

/* Entries a previous xvsd made: they are ours until a pass finds them unneeded. */
static int adopt(struct neigh *nb)
{
	int err = rtnl_neigh_dump(&nb->rt, adopt_one, nb);

	if (err) {
		free(nb->ent);
		nb->ent = NULL;
		nb->nent = 0;
		return err;
	}
	nb->nent = sort_unique(nb->ent, nb->nent, sizeof(*nb->ent), cmp_entry_q);
	if (nb->nent)
		pr_info("adopted %u neighbour entries of a previous xvsd", nb->nent);
	nb->adopted = true;
	return 0;
}

int neigh_sync(struct neigh *nb)
{
	struct nb_entry *want, *next;
	__u32 nwant, i = 0, j = 0, cnt = 0;
	int err;

	if (!nb->adopted) {
		err = adopt(nb);
		if (err)
			return err;
	}
	err = resolve(nb, &want, &nwant);
	if (err)
		return err;
	next = calloc(nwant + nb->nent + 1, sizeof(*next));
	if (!next) {
		free(want);
		return -ENOMEM;
	}
	/* Merge the wanted next hops with the entries known so far. */
	while (i < nwant || j < nb->nent) {
		int c = i == nwant ? 1 : j == nb->nent ? -1 : cmp_entry(&want[i], &nb->ent[j]);
		struct nb_entry e;

		if (c > 0) {
			e = nb->ent[j++];
			/* Not ours: simply forgotten. Ours: kept only while removal fails. */
			if (e.owner == NB_OURS && release(nb, &e))
				next[cnt++] = e;
			continue;
		}
		e = c < 0 ? want[i] : nb->ent[j++];
		i++;
		ensure(nb, &e);
		next[cnt++] = e;
	}
	free(want);
	free(nb->ent);
	nb->ent = next;
	nb->nent = cnt;
	nb->tick++;
	return 0;
}
