/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Connection sync, backup side: insert or update the connections and
 * templates a master director sent (struct xvs_sync_ent, ids already the
 * backup's), with IPVS's counting rules, so they are atomic with the
 * datapath's own changes. A new connection counts active or inactive as its
 * state says, a template counts persist; a CONTROLLED connection is counted
 * in its template's n_control, and a template not synced yet is made from
 * it (IPVS's backup makes templates the same way on demand). The timer
 * starts now with the master's timeout: the master sends every connection
 * again periodically, which re-arms it.
 */
#ifndef XVS_SYNC_IN_H
#define XVS_SYNC_IN_H

#include "conn.h"

enum { SYNC_IN_SKIPPED, SYNC_IN_CREATED, SYNC_IN_UPDATED };

/* A template's state: its own two-state table, never counted active. */
static __always_inline void sync_in_tpl_state(struct xvs_conn *tpl, __u32 st)
{
	__u32 old = tpl->state;

	if ((old & XVS_CONN_DEAD) || (old & XVS_CONN_STATE_MASK) == st)
		return;
	__sync_val_compare_and_swap(&tpl->state, old,
				    (old & ~XVS_CONN_STATE_MASK) | st);
}

/*
 * The live template of CONTROLLED @cn, made from @cn if missing. NULL when
 * the net's template names another server (the connection then goes in
 * uncontrolled: it must not count in another server's template). Its VIP
 * and ports are its key's, as persist_get() makes them: a port-0 service's
 * has port 0, an fwmark service's the mark and no ports.
 */
static __always_inline struct xvs_conn *
sync_in_tpl(const struct xvs_conn *cn, __u8 proto, __u32 svc_timeout, __u64 now)
{
	struct xvs_conn t = {
		.caddr = cn->tpl_addr,
		.daddr = cn->daddr,
		.flags = XVS_CONN_F_TEMPLATE,
		.dest_id = cn->dest_id,
		.svc_id = cn->svc_id,
		.state = XVS_TPL_S_NONE | XVS_CONN_INACTIVE,
		.timeout = svc_timeout,
		.last_seen = now,
	};
	struct xvs_dest_cnt *cnt;
	struct xvs_conn_key tk;
	struct xvs_conn *tpl;

	conn_key_tpl(&tk, cn, proto);
	t.vaddr = tk.daddr;
	t.vport = tk.dport;
	t.dport = tk.dport ? cn->dport : 0;
	if (!bpf_map_update_elem(&conn_v4, &tk, &t, BPF_NOEXIST)) {
		cnt = conn_cnt(cn->dest_id);
		if (cnt)
			__sync_fetch_and_add(&cnt->persist, 1);
		sched_thresh_update(cn->svc_id, cn->dest_id, 1);
	}
	tpl = bpf_map_lookup_elem(&conn_v4, &tk);
	if (!tpl || !(tpl->flags & XVS_CONN_F_TEMPLATE) ||
	    tpl->dest_id != cn->dest_id || (tpl->state & XVS_CONN_DEAD))
		return NULL;
	return tpl;
}

/* Insert @cn (keyed @k) as a new connection or template; counts as IPVS. */
static __always_inline int sync_in_create(const struct xvs_conn_key *k,
					  struct xvs_conn *cn, __u32 svc_timeout,
					  __u64 now)
{
	struct xvs_conn *tpl = NULL;
	struct xvs_dest_cnt *cnt;

	cn->last_seen = now;
	cn->n_control = 0;
	if (cn->flags & XVS_CONN_F_CONTROLLED) {
		tpl = sync_in_tpl(cn, k->proto, svc_timeout, now);
		if (!tpl)
			cn->flags &= ~XVS_CONN_F_CONTROLLED;
	}
	if (bpf_map_update_elem(&conn_v4, k, cn, BPF_NOEXIST))
		return SYNC_IN_SKIPPED;
	if (!(cn->flags & XVS_CONN_F_TEMPLATE)) {
		if (conn_out_add(cn, k->proto)) {
			bpf_map_delete_elem(&conn_v4, k);
			return SYNC_IN_SKIPPED;
		}
	}
	cnt = conn_cnt(cn->dest_id);
	if (cnt) {
		if (cn->flags & XVS_CONN_F_TEMPLATE)
			__sync_fetch_and_add(&cnt->persist, 1);
		else if (cn->state & XVS_CONN_INACTIVE)
			__sync_fetch_and_add(&cnt->inactive, 1);
		else
			__sync_fetch_and_add(&cnt->active, 1);
	}
	sched_thresh_update(cn->svc_id, cn->dest_id, 1);
	if (tpl)
		__sync_fetch_and_add(&tpl->n_control, 1);
	return SYNC_IN_CREATED;
}

/* One synced entry @e: create it, or bring the existing one up to date. */
static __always_inline int sync_in_one(const struct xvs_sync_ent *e, __u64 now)
{
	const struct xvs_globals *g = conn_globals();
	struct xvs_conn cn, *cur;
	struct xvs_conn_key k;
	__u32 st;

	__builtin_memcpy(&cn, &e->conn, sizeof(cn));
	/* Protocol 0: an fwmark service's template (persist.h). */
	if (e->proto != IPPROTO_TCP && e->proto != IPPROTO_UDP &&
	    (e->proto || !(cn.flags & XVS_CONN_F_TEMPLATE)))
		return SYNC_IN_SKIPPED;
	conn_key_in(&k, &cn, e->proto);
	st = cn.state & XVS_CONN_STATE_MASK;
	if (st >= XVS_S_MAX)
		return SYNC_IN_SKIPPED;
	/* The state word as the datapath would have it (INACTIVE from the state). */
	cn.state = (cn.flags & XVS_CONN_F_TEMPLATE) ?
			   st | XVS_CONN_INACTIVE : conn_state_word(st);
	cur = bpf_map_lookup_elem(&conn_v4, &k);
	if (cur && !(cur->state & XVS_CONN_DEAD) && cur->dest_id != cn.dest_id) {
		/* The master moved the client (its template was made anew). */
		conn_expire(&k, cur);
		cur = NULL;
	}
	if (!cur)
		return sync_in_create(&k, &cn, e->svc_timeout, now);
	if (cur->state & XVS_CONN_DEAD)
		return SYNC_IN_SKIPPED;
	if (cur->flags & XVS_CONN_F_TEMPLATE) {
		sync_in_tpl_state(cur, st);
		cur->last_seen = now;
	} else {
		conn_set_state(cur, st, g, now);
		cur->flags |= cn.flags & XVS_CONN_F_SEEN_REPLY;
	}
	cur->timeout = cn.timeout;
	return SYNC_IN_UPDATED;
}

#endif /* XVS_SYNC_IN_H */
