/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Persistence (-p): IPVS templates in conn_v4. A template maps a client net
 * (address & svc netmask) of a persistent service to the server its first
 * connection got; later new connections from that net skip the scheduler.
 * It counts in dest_cnt.persist, is re-armed by each new connection it
 * makes, and never expires while it controls live ones (n_control).
 */
#ifndef XVS_PERSIST_H
#define XVS_PERSIST_H

#include "conn.h"

#define PERSIST_DEFAULT_TIMEOUT	360	/* ipvsadm's -p without a value */

/* The template key of client packet @k for persistent service @svc. */
static __always_inline void persist_key(struct xvs_conn_key *tk,
					const struct xvs_conn_key *k,
					const struct xvs_svc *svc)
{
	/* IPVS: a port-0 service's template has port 0: one server for all
	 * ports. A mask, not a branch: a branch here doubles the verifier's
	 * walk of everything after it. */
	__u32 keep = ((svc->flags / XVS_SVC_F_PORT0) & 1) - 1;

	tk->saddr = k->saddr & svc->netmask;
	tk->daddr = k->daddr;
	tk->sport = 0;
	tk->dport = k->dport & keep;
	tk->proto = k->proto;
	tk->dir = XVS_DIR_IN;
	tk->pad = 0;
	/* IPVS: (IP, client net, 0, mark, 0): one server for the whole mark. */
	if (svc->flags & XVS_SVC_F_FWMARK) {
		tk->daddr = fwmark_tpl_addr(svc->id);
		tk->dport = 0;
		tk->proto = 0;
	}
}

/* Port of an invalidated template, as IPVS shows it (htons(0xffff)). */
#define PERSIST_INVALID_PORT	0xffff

/*
 * IPVS's ip_vs_check_template() on an invalid template: it is re-keyed
 * with vport and dport 65535 (cport is 0 already), so it never matches
 * again and lingers, still counted in its server's persistent connections,
 * until its own timer ends and xvs_gc expires it; -L -c shows it so. Its
 * connections no longer find it (IPVS keeps a pointer, xvs derives the
 * key), so it keeps no n_control. @tk is the template's key, left as it
 * was; where a moved one sits already, the template just goes.
 */
static __always_inline void persist_invalidate(struct xvs_conn_key *tk,
					       struct xvs_conn *tpl)
{
	__u16 port = tk->dport;
	struct xvs_conn *n = NULL;
	int moved;

	tk->dport = PERSIST_INVALID_PORT;
	moved = port != PERSIST_INVALID_PORT &&
		!bpf_map_update_elem(&conn_v4, tk, tpl, BPF_NOEXIST);
	if (moved)
		n = bpf_map_lookup_elem(&conn_v4, tk);
	tk->dport = port;
	if (!moved) {
		conn_expire(tk, tpl);
		return;
	}
	if (n) {
		n->vport = PERSIST_INVALID_PORT;
		n->dport = PERSIST_INVALID_PORT;
		n->n_control = 0;
	}
	bpf_map_delete_elem(&conn_v4, tk);
}

/*
 * The server of a live, valid template for @tk, or 0. A template whose
 * server was removed, or is quiescent (weight 0) with
 * expire_quiescent_template on, is invalidated (persist_invalidate()) and
 * a fresh one will be made; one past its timeout is expired.
 */
static __always_inline __u32 persist_lookup(struct xvs_conn_key *tk,
					    const struct xvs_globals *g,
					    __u64 now)
{
	struct xvs_conn *tpl = bpf_map_lookup_elem(&conn_v4, tk);
	struct xvs_dest *d;
	__u32 id;

	if (!tpl || !(tpl->flags & XVS_CONN_F_TEMPLATE) ||
	    (tpl->state & XVS_CONN_DEAD))
		return 0;
	id = tpl->dest_id;
	d = bpf_map_lookup_elem(&dest_info, &id);
	if (conn_expirable(tpl, now)) {
		conn_expire(tk, tpl);
		return 0;
	}
	if (!d || !(d->flags & XVS_DEST_F_AVAILABLE) ||
	    (g && g->expire_quiescent_template && d->weight <= 0)) {
		persist_invalidate(tk, tpl);
		return 0;
	}
	return id;
}

/*
 * The template for @tk pointing at @dest_id (@daddr:@dport), made now if
 * missing, re-armed either way. NULL when the table is full or another
 * CPU's template for the net names another server.
 */
static __always_inline struct xvs_conn *
persist_get(const struct xvs_conn_key *tk, const struct xvs_svc *svc,
	    __u32 dest_id, __u32 daddr, __u16 dport, __u64 now)
{
	struct xvs_conn t = {
		.caddr = tk->saddr,
		.vaddr = tk->daddr,
		.daddr = daddr,
		.vport = tk->dport,
		/* IPVS: the server's port only when the template has the VIP's */
		.dport = tk->dport ? dport : 0,
		.flags = XVS_CONN_F_TEMPLATE,
		.dest_id = dest_id,
		.svc_id = svc->id,
		.state = XVS_TPL_S_NONE | XVS_CONN_INACTIVE,
		.timeout = svc->timeout ? svc->timeout : PERSIST_DEFAULT_TIMEOUT,
		.last_seen = now,
	};
	struct xvs_dest_cnt *cnt;
	struct xvs_conn *tpl;

	if (!bpf_map_update_elem(&conn_v4, tk, &t, BPF_NOEXIST)) {
		cnt = conn_cnt(dest_id);
		if (cnt)
			__sync_fetch_and_add(&cnt->persist, 1);
	}
	tpl = bpf_map_lookup_elem(&conn_v4, tk);
	if (!tpl || tpl->dest_id != dest_id || (tpl->state & XVS_CONN_DEAD))
		return NULL;
	tpl->timeout = t.timeout;
	tpl->last_seen = now;
	return tpl;
}

/*
 * IPVS's ip_vs_control_assure(): once a connection a template controls is
 * established (TCP) or answered (UDP), the template shows ASSURED.
 */
static __always_inline void persist_assure(const struct xvs_conn *cn,
					   __u8 proto)
{
	struct xvs_conn_key tk;
	struct xvs_conn *tpl;
	__u32 old;

	if (!(cn->flags & XVS_CONN_F_CONTROLLED))
		return;
	conn_key_tpl(&tk, cn, proto);
	tpl = bpf_map_lookup_elem(&conn_v4, &tk);
	if (!tpl || !(tpl->flags & XVS_CONN_F_TEMPLATE))
		return;
	old = tpl->state;
	if ((old & XVS_CONN_DEAD) ||
	    (old & XVS_CONN_STATE_MASK) == XVS_TPL_S_ASSURED)
		return;
	__sync_val_compare_and_swap(&tpl->state, old,
				    (old & ~XVS_CONN_STATE_MASK) |
					    XVS_TPL_S_ASSURED);
}

#endif /* XVS_PERSIST_H */
