/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The LVS-NAT packet flow shared by xvs_xdp and xvs_tc (docs/datapath.md):
 *   client -> VIP:vport     known connection: DNAT to RIP:rport, forward;
 *                           else schedule, create the connection, same
 *   RIP:rport -> client     reply of a connection: SNAT to VIP:vport
 *   ICMP error about one    translate, forward
 *   later IP fragment       the ports of its first fragment, then as above
 *   anything else           pass to the stack untouched
 * Bookkeeping rule: XDP either forwards the packet itself or passes it with
 * no side effects, except after creating a connection, when it marks the
 * packet XVS_META_F_ACCOUNTED so tc only rewrites and forwards it. Every
 * forwarded packet is rewritten and redirected by the same program: handed
 * to the stack with source = VIP it would be dropped as a martian.
 */
#ifndef XVS_LB_H
#define XVS_LB_H

#include "ctx.h"
#include "parse.h"
#include "csum.h"
#include "conn.h"
#include "sched.h"
#include "nat.h"
#include "fib.h"
#include "icmp.h"
#include "persist.h"
#include "pool.h"
#include "frag.h"
#include "fwmark.h"
#include "noconn.h"
#include "port0.h"
#include "sched_ops.h"
#include "stats.h"

/* Per packet: what every step needs. */
struct lb_pkt {
	struct xvs_pkt p;
	const struct xvs_globals *g;
	__u64 now;
	int accounted;		/* XDP did the bookkeeping (tc only) */
};

static __always_inline int lb_is_xdp(const struct xvs_ctx *c)
{
	return c->kind == XVS_CTX_XDP;
}

/* tc: did XDP mark this packet as already accounted? */
static __always_inline int lb_meta_accounted(const struct xvs_ctx *c)
{
	struct xvs_meta *m = ctx_load(c->ctx, struct __sk_buff, data_meta);

	if ((void *)(m + 1) > ctx_load(c->ctx, struct __sk_buff, data))
		return 0;
	return m->magic == XVS_META_MAGIC && (m->flags & XVS_META_F_ACCOUNTED);
}

/* XDP: pass the packet to tc marked as accounted. */
static __always_inline int lb_pass_accounted(const struct xvs_ctx *c)
{
	struct xdp_md *xdp = c->ctx;
	struct xvs_meta *m;

	if (!lb_is_xdp(c))
		return ctx_pass(c);
	if (bpf_xdp_adjust_meta(xdp, -(int)sizeof(*m)))
		return XDP_PASS;
	m = ctx_load(xdp, struct xdp_md, data_meta);
	if ((void *)(m + 1) > ctx_load(xdp, struct xdp_md, data))
		return XDP_PASS;
	m->magic = XVS_META_MAGIC;
	m->flags = XVS_META_F_ACCOUNTED;
	return XDP_PASS;
}

/*
 * The route verdicts that end here, before any side effect: pass, drop,
 * ICMP error (from @icmp_src). Returns -1 when the caller should go on
 * (FIB_FWD, or FIB_NEIGH in tc).
 */
static __always_inline int lb_route_end(const struct xvs_ctx *c,
					const struct lb_pkt *l,
					const struct fib_result *r,
					__u32 icmp_src)
{
	switch (r->verdict) {
	case FIB_FWD:
		return -1;
	case FIB_NEIGH:
		return lb_is_xdp(c) ? ctx_pass(c) : -1;
	case FIB_DROP:
		stats_drop(XVS_DROP_FIB);
		return ctx_drop(c);
	case FIB_ICMP:
		stats_drop(r->icmp_code == ICMP_FRAG_NEEDED ?
				   XVS_DROP_FRAG_NEEDED : XVS_DROP_FIB);
		return icmp_send(c, &l->p, r->icmp_type, r->icmp_code, r->mtu,
				 icmp_src, l->g, l->now);
	default:
		return ctx_pass(c);
	}
}

/* A forwarded packet whose TTL would run out: ICMP time exceeded. */
static __always_inline int lb_ttl_expired(const struct xvs_ctx *c,
					  const struct lb_pkt *l, __u32 src)
{
	return icmp_send(c, &l->p, ICMP_TIME_EXCEEDED, ICMP_EXC_TTL, 0, src,
			 l->g, l->now);
}

/*
 * First packet of a new connection to service @svc: schedule, route,
 * create the connection, DNAT, forward.
 */
static __always_inline int lb_new(const struct xvs_ctx *c, struct lb_pkt *l,
				  const struct xvs_conn_key *k,
				  const struct xvs_svc *svc)
{
	const struct xvs_pkt *p = &l->p;
	struct xvs_conn_key tk, *tkp = NULL;
	struct xvs_conn *cn, *tpl = NULL;
	struct fib_result r;
	struct xvs_dest *d;
	__u32 dest_id = 0, daddr;
	__u16 dport;
	int created, v, i;

	/* A VIP of a VRRP instance that is not MASTER here: not ours to serve. */
	if (svc->flags & XVS_SVC_F_STANDBY)
		return ctx_pass(c);
	/* Its first fragment made no connection (or it is gone): unmatched. */
	if (p->frag == PKT_FRAG_LATER) {
		stats_drop(XVS_DROP_FRAG_UNMATCHED);
		return ctx_drop(c);
	}
	/*
	 * IPVS creates connections only on SYN (without RST), or any UDP;
	 * with sloppy_tcp on any TCP packet but RST.
	 */
	if (p->proto == IPPROTO_TCP &&
	    ((p->tcp_flags & XVS_TCP_RST) ||
	     (!(p->tcp_flags & XVS_TCP_SYN) && !(l->g && l->g->sloppy_tcp))))
		return ctx_pass(c);
	if (lb_is_xdp(c) && pkt_csum_partial(p))
		return ctx_pass(c);
	if (p->ttl <= 1)
		return lb_ttl_expired(c, l, p->daddr);

	if (svc->flags & XVS_SVC_F_PERSISTENT) {
		persist_key(&tk, k, svc);
		tkp = &tk;
		dest_id = persist_lookup(&tk, l->g, l->now);
	}
	if (!dest_id)
		dest_id = sched_pick(svc, p->saddr, p->daddr, p->sport);
	d = dest_id ? bpf_map_lookup_elem(&dest_info, &dest_id) : NULL;
	if (!d) {
		/* IPVS: no destination -> ICMP port unreachable, TCP and UDP. */
		stats_drop(XVS_DROP_NO_DEST);
		return icmp_send(c, p, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0,
				 p->daddr, l->g, l->now);
	}
	daddr = d->addr;
	dport = d->port ? d->port : p->dport;
	fib_route(c, p, p->saddr, daddr, l->now, &r);
	v = lb_route_end(c, l, &r, p->daddr);
	if (v >= 0 && r.verdict != FIB_NEIGH)
		return v;

	if (tkp) {
		tpl = persist_get(tkp, svc, dest_id, daddr, dport, l->now);
		if (!tpl)
			goto full;
	}
	/* Table full: the oldest unanswered connection makes room (pool.h). */
	for (i = 0; i < 2; i++) {
		cn = conn_create(k, svc->id, dest_id, daddr, dport, tkp, l->g,
				 l->now, &created);
		if (cn || !pool_make_room())
			break;
	}
	if (!cn || cn->daddr != daddr || cn->dport != dport ||
	    (cn->state & XVS_CONN_DEAD))
		goto full;
	if (created)
		pool_admit(k, cn);
	/* -o: the entry only carries the answer back (sched_ops.h). */
	if (created && ops_packet(svc, p->proto))
		cn->flags |= XVS_CONN_F_OPS;
	/* Its template's key has port 0 (persist.h); no branch, as there. */
	cn->flags |= ((svc->flags / XVS_SVC_F_PORT0) & 1) * XVS_CONN_F_PORT0;
	if (tpl && created)
		__sync_fetch_and_add(&tpl->n_control, 1);
	conn_packet(cn, p->proto, XVS_DIR_IN, p->tcp_flags, l->g, l->now);
	stats_count(svc->id, dest_id, STATS_IN, p->tot_len, created);
	if (v >= 0)
		return lb_pass_accounted(c);
	if (nat_rewrite(c, p, NAT_DST, daddr, dport))
		return ctx_drop(c);
	return fib_forward(c, &r);
full:
	/* Table full, or another CPU won a race for this tuple or net. */
	stats_drop(XVS_DROP_CONN_FULL);
	return ctx_drop(c);
}

/*
 * A packet of the known connection @cn passed in direction @dir (its IN
 * entry's state, timer and counters). A later fragment is part of the
 * datagram its first fragment already counted: its bytes only.
 */
static __always_inline void lb_account(const struct lb_pkt *l,
				       struct xvs_conn *cn, int dir)
{
	const struct xvs_pkt *p = &l->p;
	int sdir = dir == XVS_DIR_IN ? STATS_IN : STATS_OUT;

	if (p->frag == PKT_FRAG_LATER) {
		stats_frag(cn->svc_id, cn->dest_id, sdir, p->tot_len - p->ihl);
		return;
	}
	if (conn_packet(cn, p->proto, dir, p->tcp_flags, l->g, l->now))
		persist_assure(cn, p->proto);
	stats_count(cn->svc_id, cn->dest_id, sdir, p->tot_len, 0);
}

/* Should this SYN end the old connection and be scheduled afresh? */
static __always_inline int lb_reschedule(const struct lb_pkt *l,
					 const struct xvs_conn *cn,
					 const struct xvs_dest *d)
{
	__u32 st = cn->state & XVS_CONN_STATE_MASK;
	__u32 reuse = l->g ? l->g->conn_reuse_mode : 1;

	/* -o: every datagram is scheduled afresh (sched_ops.h). */
	if (cn->flags & XVS_CONN_F_OPS)
		return 1;
	if (l->p.proto != IPPROTO_TCP || !(l->p.tcp_flags & XVS_TCP_SYN))
		return 0;
	/* Neither rule applies to connections of a template (ipvs.md 2.5). */
	if (cn->flags & XVS_CONN_F_CONTROLLED)
		return 0;
	if (l->g && l->g->expire_nodest_conn && d && d->weight <= 0)
		return 1;
	return (reuse & 1) &&
	       (st == XVS_TCP_S_TIME_WAIT || st == XVS_TCP_S_CLOSE);
}

/* Client -> VIP packet of the known connection @cn (IN entry, key @k). */
static __always_inline int lb_request(const struct xvs_ctx *c,
				      struct lb_pkt *l,
				      const struct xvs_conn_key *k,
				      struct xvs_conn *cn)
{
	const struct xvs_pkt *p = &l->p;
	struct fib_result r;
	struct xvs_svc_key sk;
	struct xvs_svc *svc;
	struct xvs_dest *d;
	__u32 dest_id = cn->dest_id;
	int v;

	if (lb_is_xdp(c) && pkt_csum_partial(p))
		return ctx_pass(c);
	if (!l->accounted) {
		d = bpf_map_lookup_elem(&dest_info, &dest_id);
		if (conn_expired(cn, l->now) || lb_reschedule(l, cn, d)) {
			conn_expire(k, cn);
			sk.addr = p->daddr;
			sk.port = p->dport;
			sk.proto = p->proto;
			sk.pad = 0;
			svc = fwmark_svc(c, p, l->g);
			if (!svc)
				svc = bpf_map_lookup_elem(&svc_map, &sk);
			if (!svc)
				svc = port0_svc(&sk);
			if (!svc)
				return ctx_pass(c);
			return lb_new(c, l, k, svc);
		}
		if (!d || !(d->flags & XVS_DEST_F_AVAILABLE)) {
			/* Server removed: drop, as IPVS does (2.6). */
			if (l->g && l->g->expire_nodest_conn)
				conn_expire(k, cn);
			stats_drop(XVS_DROP_DEST_GONE);
			return ctx_drop(c);
		}
	}
	if (p->ttl <= 1)
		return lb_ttl_expired(c, l, p->daddr);
	fib_route(c, p, p->saddr, cn->daddr, l->now, &r);
	v = lb_route_end(c, l, &r, p->daddr);
	if (v >= 0)
		return v;
	if (!l->accounted)
		lb_account(l, cn, XVS_DIR_IN);
	if (nat_rewrite(c, p, NAT_DST, cn->daddr, cn->dport))
		return ctx_drop(c);
	return fib_forward(c, &r);
}

/* RIP -> client reply; @out is the connection's conn_out entry. */
static __always_inline int lb_reply(const struct xvs_ctx *c, struct lb_pkt *l,
				    const struct xvs_conn_out *out)
{
	const struct xvs_pkt *p = &l->p;
	struct xvs_conn_key ik = {
		.saddr = p->daddr,
		.daddr = out->vaddr,
		.sport = p->dport,
		.dport = out->vport,
		.proto = p->proto,
		.dir = XVS_DIR_IN,
	};
	struct fib_result r;
	struct xvs_conn *cn;
	__u32 vaddr = out->vaddr;
	__u16 vport = out->vport;
	int v;

	if (lb_is_xdp(c) && pkt_csum_partial(p))
		return ctx_pass(c);
	cn = bpf_map_lookup_elem(&conn_v4, &ik);
	/* Its server must be this sender: a reply key two connections share. */
	if (!cn || (cn->state & XVS_CONN_DEAD) || cn->daddr != p->saddr ||
	    cn->dport != p->sport)
		return ctx_pass(c);
	if (!l->accounted && conn_expired(cn, l->now)) {
		conn_expire(&ik, cn);
		return ctx_pass(c);
	}
	if (p->ttl <= 1)
		return lb_ttl_expired(c, l, vaddr);
	fib_route(c, p, vaddr, p->daddr, l->now, &r);
	v = lb_route_end(c, l, &r, vaddr);
	if (v >= 0)
		return v;
	if (!l->accounted)
		lb_account(l, cn, XVS_DIR_OUT);
	if (nat_rewrite(c, p, NAT_SRC, vaddr, vport))
		return ctx_drop(c);
	return fib_forward(c, &r);
}

/* ICMP: translate an error about a connection, pass anything else. */
static __always_inline int lb_icmp(const struct xvs_ctx *c, struct lb_pkt *l)
{
	const struct xvs_pkt *p = &l->p;
	struct icmp_xlate x;
	struct fib_result r;
	int v;

	v = icmp_find(c, p, &x);
	if (v <= 0)
		return ctx_pass(c);
	/* Never answer an ICMP error with another one. */
	if (p->ttl <= 1)
		return ctx_drop(c);
	fib_route(c, p, x.saddr, x.daddr, l->now, &r);
	if (r.verdict == FIB_ICMP) {
		stats_drop(XVS_DROP_FIB);
		return ctx_drop(c);
	}
	v = lb_route_end(c, l, &r, 0);
	if (v >= 0)
		return v;
	if (!l->accounted)
		stats_count(x.svc_id, x.dest_id, x.dir, p->tot_len, 0);
	if (icmp_rewrite(c, p, &x))
		return ctx_drop(c);
	return fib_forward(c, &r);
}

/* The whole datapath for one packet; returns the program's verdict. */
static __always_inline int lb_process(const struct xvs_ctx *c)
{
	struct xvs_conn_key k = {};
	struct xvs_svc_key sk = {};
	struct xvs_conn_out *out;
	struct xvs_conn *cn;
	struct xvs_svc *svc;
	struct lb_pkt l;
	int v;

	if (parse_pkt(c, &l.p) != XVS_PARSE_OK)
		return ctx_pass(c);
	l.g = conn_globals();
	l.now = bpf_ktime_get_ns();
	l.accounted = c->kind == XVS_CTX_TC && lb_meta_accounted(c);
	if (l.p.proto == IPPROTO_ICMP)
		return lb_icmp(c, &l);
	v = frag_prepare(c, &l.p);
	if (v >= 0)
		return v;
	/* Port 0 is no client's: such keys belong to persistence templates. */
	if (!l.p.sport || !l.p.dport)
		return ctx_pass(c);

	/*
	 * One hash lookup per packet of a known connection: a reply only
	 * from an address rs_filter knows as a server's, a request otherwise.
	 */
	k.saddr = l.p.saddr;
	k.daddr = l.p.daddr;
	k.sport = l.p.sport;
	k.dport = l.p.dport;
	k.proto = l.p.proto;
	if (conn_rs_maybe(l.p.saddr)) {
		k.dir = XVS_DIR_OUT;
		out = bpf_map_lookup_elem(&conn_out, &k);
		if (out)
			return lb_reply(c, &l, out);
	}
	k.dir = XVS_DIR_IN;
	cn = bpf_map_lookup_elem(&conn_v4, &k);
	if (cn && !(cn->state & XVS_CONN_DEAD))
		return lb_request(c, &l, &k, cn);

	if (l.accounted)
		return ctx_pass(c);
	sk.addr = l.p.daddr;
	sk.port = l.p.dport;
	sk.proto = l.p.proto;
	/* IPVS looks the mark up first (ipvs.md 2.1). */
	svc = fwmark_svc(c, &l.p, l.g);
	if (!svc)
		svc = bpf_map_lookup_elem(&svc_map, &sk);
	if (!svc)
		svc = port0_svc(&sk);
	if (!svc) {
		v = noconn_reply(c, l.g, l.now);
		if (v >= 0)
			return v;
		return ctx_pass(c);
	}
	return lb_new(c, &l, &k, svc);
}

#endif /* XVS_LB_H */
