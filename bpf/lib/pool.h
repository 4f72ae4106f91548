/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pool of connections that never saw a reply (spoofed SYNs, one-packet
 * UDP flows), IPVS's drop_entry idea made deterministic: every new
 * connection takes the next slot of the conn_pool ring, and the connection
 * that held that slot, if it is still unanswered, is dropped to make room.
 * So at most pool_size connections are ever unanswered, the oldest go
 * first, and one that got a reply (SEEN_REPLY) or is a template is never
 * touched: it just leaves its slot behind. A real client only needs its
 * server's first reply to come back before pool_size newer connections
 * arrive. When the table itself is full, the oldest unanswered connections
 * make way too. Under pressure xvsd expires those idle XVS_POOL_TIMEOUT s
 * (xvs_gc, XVS_GC_F_POOL). docs/conn-pressure.md.
 */
#ifndef XVS_POOL_H
#define XVS_POOL_H

#include "conn.h"
#include "stats.h"

/* Slots in conn_pool: xvsd sets both to conn_max / XVS_POOL_SHARE. */
const volatile __u32 pool_size = XVS_POOL_DEFAULT;

/* Slots tried for a victim when the table is full. */
#define POOL_SCAN	8

/* May the connection @cn, found by slot @slot's key, be dropped? */
static __always_inline int pool_unanswered(const struct xvs_conn *cn,
					   __u32 slot)
{
	return cn->pool_slot == slot + 1 &&
	       !(cn->flags & (XVS_CONN_F_SEEN_REPLY | XVS_CONN_F_TEMPLATE)) &&
	       !(cn->state & XVS_CONN_DEAD);
}

/* Drop the connection in slot @slot if it is still unanswered; 1 if done. */
static __always_inline int pool_evict(__u32 slot)
{
	struct xvs_pool_slot *s = bpf_map_lookup_elem(&conn_pool, &slot);
	struct xvs_conn_key k;
	struct xvs_conn *cn;

	if (!s)
		return 0;
	__builtin_memcpy(&k, &s->key, sizeof(k));
	cn = bpf_map_lookup_elem(&conn_v4, &k);
	if (!cn || !pool_unanswered(cn, slot) || !conn_expire(&k, cn))
		return 0;
	stats_drop(XVS_DROP_POOL_EVICT);
	return 1;
}

/* The index of the next slot to hand out (the oldest one), advanced if @take. */
static __always_inline __u32 pool_next(int take)
{
	__u32 zero = 0, size = pool_size ? pool_size : 1;
	__u64 *head = bpf_map_lookup_elem(&pool_head, &zero);

	if (!head)
		return 0;
	if (take)
		return __sync_fetch_and_add(head, 1) % size;
	return *head % size;
}

/*
 * The new connection @cn (IN key @k) takes the next slot. Global, as the
 * helpers below: verified once, not once per caller. Returns 0.
 */
__noinline int pool_admit(const struct xvs_conn_key *k, struct xvs_conn *cn)
{
	__u32 slot = pool_next(1);

	if (!k || !cn)
		return 0;
	pool_evict(slot);
	if (!bpf_map_update_elem(&conn_pool, &slot, k, BPF_ANY))
		cn->pool_slot = slot + 1;
	return 0;
}

/*
 * The table is full: drop one of the oldest unanswered connections so a
 * new one fits. Returns 1 if one was dropped.
 */
__noinline int pool_make_room(void)
{
	__u32 size = pool_size ? pool_size : 1, slot = pool_next(0), i;

	for (i = 0; i < POOL_SCAN; i++) {
		if (pool_evict((slot + i) % size))
			return 1;
	}
	return 0;
}

#endif /* XVS_POOL_H */
