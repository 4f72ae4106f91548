/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The connection table (conn_v4): lookup, creation, state changes and expiry
 * with IPVS's counting rules. Each connection has a conn_v4 entry under its
 * XVS_DIR_IN key (mapping, state, timer, counts) and a small conn_out entry
 * under the reply's XVS_DIR_OUT key, which leads back to it; rs_filter says
 * which sources may send replies at all. The state word
 * only changes by compare-and-swap and only the CPU that wins moves the
 * dest's active/inactive counts, so a race never counts twice. Expiry (by
 * xvs_gc or lazily here) marks the word DEAD first for the same reason.
 */
#ifndef XVS_CONN_H
#define XVS_CONN_H

#include <linux/in.h>
#include "maps.h"
#include "conn_state.h"
#include "sched_thresh.h"
#include "sync.h"
#include "fwmark.h"

#define NSEC_PER_SEC	1000000000ULL
#define CONN_CAS_TRIES	4

static __always_inline const struct xvs_globals *conn_globals(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&globals, &zero);
}

static __always_inline void conn_key_in(struct xvs_conn_key *k,
					const struct xvs_conn *cn, __u8 proto)
{
	k->saddr = cn->caddr;
	k->daddr = cn->vaddr;
	k->sport = cn->cport;
	k->dport = cn->vport;
	k->proto = proto;
	k->dir = XVS_DIR_IN;
	k->pad = 0;
}

static __always_inline void conn_key_out(struct xvs_conn_key *k,
					 const struct xvs_conn *cn, __u8 proto)
{
	k->saddr = cn->daddr;
	k->daddr = cn->caddr;
	k->sport = cn->dport;
	k->dport = cn->cport;
	k->proto = proto;
	k->dir = XVS_DIR_OUT;
	k->pad = 0;
}

/* rs_filter's bit for address @addr: a multiplicative hash, top 18 bits. */
static __always_inline __u32 conn_rs_bit(__u32 addr)
{
	return (addr * 2654435761u) >> (32 - 18);
}

/* May a packet from @addr be a reply (some connection's server is there)? */
static __always_inline int conn_rs_maybe(__u32 addr)
{
	__u32 bit = conn_rs_bit(addr), w = bit / 64;
	__u64 *word = bpf_map_lookup_elem(&rs_filter, &w);

	return word && (*word & (1ULL << (bit % 64)));
}

/*
 * Add @cn's reply entry to conn_out, after marking its server's address in
 * rs_filter (only the first connection to a server writes the shared word).
 * Returns 0 or the map update's error. Global: verified once, not once per
 * caller.
 */
__noinline int conn_out_add(const struct xvs_conn *cn, __u8 proto)
{
	struct xvs_conn_out o;
	struct xvs_conn_key out;
	__u32 bit, w;
	__u64 *word, mask;

	if (!cn)
		return -22;	/* EINVAL */
	o.vaddr = cn->vaddr;
	o.vport = cn->vport;
	o.pad = 0;
	bit = conn_rs_bit(cn->daddr);
	w = bit / 64;
	word = bpf_map_lookup_elem(&rs_filter, &w);
	mask = 1ULL << (bit % 64);
	if (word && !(*word & mask))
		__sync_fetch_and_or(word, mask);
	conn_key_out(&out, cn, proto);
	return bpf_map_update_elem(&conn_out, &out, &o, BPF_ANY);
}

/* Idle past its timeout at @now? */
static __always_inline int conn_expired(const struct xvs_conn *cn, __u64 now)
{
	return cn->last_seen + (__u64)cn->timeout * NSEC_PER_SEC <= now;
}

/*
 * May it go? Idle past its timeout and, for a persistence template, no
 * longer controlling live connections (IPVS re-arms such a template).
 */
static __always_inline int conn_expirable(const struct xvs_conn *cn, __u64 now)
{
	if ((cn->flags & XVS_CONN_F_TEMPLATE) && cn->n_control)
		return 0;
	return conn_expired(cn, now);
}

/* Key of the template that controls @cn (CONTROLLED connections). */
static __always_inline void conn_key_tpl(struct xvs_conn_key *k,
					 const struct xvs_conn *cn, __u8 proto)
{
	k->saddr = cn->tpl_addr;
	k->daddr = cn->vaddr;
	k->sport = 0;
	/* A port-0 service's template has port 0 (persist.h); masked, not branched. */
	k->dport = cn->vport & (__u16)(((cn->flags / XVS_CONN_F_PORT0) & 1) - 1);
	k->proto = proto;
	k->dir = XVS_DIR_IN;
	k->pad = 0;
	if (cn->flags & XVS_CONN_F_FWMARK) {
		k->daddr = fwmark_tpl_addr(cn->svc_id);
		k->dport = 0;
		k->proto = 0;
	}
}

static __always_inline struct xvs_dest_cnt *conn_cnt(__u32 dest_id)
{
	return bpf_map_lookup_elem(&dest_cnt, &dest_id);
}

/*
 * Expire the connection whose IN entry is @cn (key @k): mark it DEAD by CAS,
 * take it out of its dest's counts, delete both entries. Returns 1 if this
 * call removed it, 0 if someone else is already doing so.
 */
static __always_inline int conn_expire(const struct xvs_conn_key *k,
				       struct xvs_conn *cn)
{
	struct xvs_conn_key out;
	struct xvs_dest_cnt *cnt;
	__u32 old = 0, i;
	int won = 0;

	for (i = 0; i < CONN_CAS_TRIES; i++) {
		old = cn->state;
		if (old & XVS_CONN_DEAD)
			return 0;
		if (__sync_val_compare_and_swap(&cn->state, old,
						old | XVS_CONN_DEAD) == old) {
			won = 1;
			break;
		}
	}
	if (!won)
		return 0;
	cnt = conn_cnt(cn->dest_id);
	if (cnt) {
		if (cn->flags & XVS_CONN_F_TEMPLATE)
			__sync_fetch_and_add(&cnt->persist, -1);
		else if (old & XVS_CONN_INACTIVE)
			__sync_fetch_and_add(&cnt->inactive, -1);
		else
			__sync_fetch_and_add(&cnt->active, -1);
		sched_thresh_update(cn->svc_id, cn->dest_id, 0);
	}
	if (!(cn->flags & XVS_CONN_F_TEMPLATE)) {
		conn_key_out(&out, cn, k->proto);
		bpf_map_delete_elem(&conn_out, &out);
	}
	if (cn->flags & XVS_CONN_F_CONTROLLED) {
		struct xvs_conn *tpl;

		/*
		 * The template outlives its last connection by its timeout
		 * (ipvs.md 2.4: the kernel re-arms it while it controls any).
		 */
		conn_key_tpl(&out, cn, k->proto);
		tpl = bpf_map_lookup_elem(&conn_v4, &out);
		/*
		 * A template replaced since (its server was removed) is
		 * another server's: it never counted this connection.
		 */
		if (tpl && (tpl->flags & XVS_CONN_F_TEMPLATE) &&
		    tpl->dest_id == cn->dest_id && tpl->n_control) {
			__sync_fetch_and_add(&tpl->n_control, -1);
			tpl->last_seen = bpf_ktime_get_ns();
		}
	}
	bpf_map_delete_elem(&conn_v4, k);
	return 1;
}

/*
 * The timer is refreshed at most once per CONN_TOUCH_NS: a steady flow then
 * reads its entry without writing it, so CPUs sharing a flow don't pull its
 * cache line from each other on every packet (a timeout is seconds long;
 * IPVS's own clock ticks in jiffies, 1-10 ms).
 */
#define CONN_TOUCH_NS	(1000 * 1000ULL)

/*
 * Move @cn to state @next (a packet of it just passed): CAS the state word,
 * and if this CPU made the change, move the dest's count between active and
 * inactive. Refreshes the timer with @next's timeout either way. Returns 1
 * if this call changed the state.
 */
static __always_inline int conn_set_state(struct xvs_conn *cn, __u32 next,
					  const struct xvs_globals *g, __u64 now)
{
	__u32 i, old, nw = conn_state_word(next);
	struct xvs_dest_cnt *cnt;
	int changed = 0;

	for (i = 0; i < CONN_CAS_TRIES; i++) {
		old = cn->state;
		if ((old & XVS_CONN_DEAD) || old == nw)
			break;
		if (__sync_val_compare_and_swap(&cn->state, old, nw) != old)
			continue;
		changed = 1;
		if ((old ^ nw) & XVS_CONN_INACTIVE) {
			cnt = conn_cnt(cn->dest_id);
			if (!cnt)
				break;
			if (nw & XVS_CONN_INACTIVE) {
				__sync_fetch_and_add(&cnt->active, -1);
				__sync_fetch_and_add(&cnt->inactive, 1);
			} else {
				__sync_fetch_and_add(&cnt->inactive, -1);
				__sync_fetch_and_add(&cnt->active, 1);
			}
		}
		break;
	}
	if (changed || now - cn->last_seen >= CONN_TOUCH_NS) {
		cn->timeout = conn_state_timeout(g, next);
		cn->last_seen = now;
	}
	return changed;
}

/*
 * A packet of @proto with @tcp_flags passed in direction @dir: drive the
 * state machine (UDP stays in XVS_S_UDP). Returns 1 if the connection just
 * became ESTABLISHED (TCP) or saw its first reply (UDP): the moments IPVS
 * marks the controlling persistence template ASSURED.
 */
static __always_inline int conn_packet(struct xvs_conn *cn, __u8 proto,
				       int dir, __u8 tcp_flags,
				       const struct xvs_globals *g, __u64 now)
{
	__u32 cur = cn->state & XVS_CONN_STATE_MASK, next = XVS_S_UDP;
	int changed, first_reply = 0;

	if (proto == IPPROTO_TCP)
		next = conn_tcp_next(cur, dir, tcp_flags);
	changed = conn_set_state(cn, next, g, now);
	if (changed)
		sync_note(cn, proto, g);
	if (dir == XVS_DIR_OUT && !(cn->flags & XVS_CONN_F_SEEN_REPLY)) {
		cn->flags |= XVS_CONN_F_SEEN_REPLY;
		first_reply = 1;
	}
	if (proto == IPPROTO_TCP)
		return changed && next == XVS_TCP_S_ESTABLISHED;
	return first_reply;
}

/*
 * Insert a new connection for a client packet @k (an XVS_DIR_IN key) to
 * dest @dest_id at @daddr:@dport, controlled by the template keyed @tk if
 * not NULL (the caller counts it in the template's n_control). Returns the IN entry, which may be one
 * another CPU inserted first (then *@created is 0 and nothing was counted),
 * or NULL when the table is full.
 */
static __always_inline struct xvs_conn *
conn_create(const struct xvs_conn_key *k, __u32 svc_id, __u32 dest_id,
	    __u32 daddr, __u16 dport, const struct xvs_conn_key *tk,
	    const struct xvs_globals *g, __u64 now, int *created)
{
	struct xvs_conn cn = {
		.caddr = k->saddr,
		.vaddr = k->daddr,
		.daddr = daddr,
		.cport = k->sport,
		.vport = k->dport,
		.dport = dport,
		.dest_id = dest_id,
		.svc_id = svc_id,
		.last_seen = now,
		.flags = !tk ? 0 : tk->proto ? XVS_CONN_F_CONTROLLED :
			 XVS_CONN_F_CONTROLLED | XVS_CONN_F_FWMARK,
		.tpl_addr = tk ? tk->saddr : 0,
	};
	struct xvs_dest_cnt *cnt;
	long err;

	*created = 0;
	cn.state = k->proto == IPPROTO_TCP ? XVS_TCP_S_NONE : XVS_S_UDP;
	cn.timeout = conn_state_timeout(g, cn.state);
	cn.state |= XVS_CONN_INACTIVE;
	err = bpf_map_update_elem(&conn_v4, k, &cn, BPF_NOEXIST);
	if (err == -17 /* EEXIST */)
		return bpf_map_lookup_elem(&conn_v4, k);
	if (err)
		return NULL;
	if (conn_out_add(&cn, k->proto)) {
		bpf_map_delete_elem(&conn_v4, k);
		return NULL;
	}
	cnt = conn_cnt(dest_id);
	if (cnt)
		__sync_fetch_and_add(&cnt->inactive, 1);
	sched_thresh_update(svc_id, dest_id, 1);
	sync_note(&cn, k->proto, g);
	*created = 1;
	return bpf_map_lookup_elem(&conn_v4, k);
}

#endif /* XVS_CONN_H */
