/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Forwarding: bpf_fib_lookup() on the rewritten addresses and what to do
 * with each of its results (DESIGN.md, kernel-facts.md facts 1-3):
 *   SUCCESS       decrement TTL (fix the IP checksum), set MACs, redirect
 *   NO_NEIGH      XDP: pass untouched to tc; tc: bpf_redirect_neigh(),
 *                 which resolves the neighbour (TTL decremented here too)
 *   FRAG_NEEDED   DF set: ICMP frag-needed with the egress MTU; else drop
 *   BLACKHOLE     drop; UNREACHABLE / PROHIBIT: drop + ICMP as ip_error()
 *   FWD_DISABLED, NOT_FWDED, UNSUPP_LWT and the rest: pass to the stack
 * XDP keeps its SUCCESS results in a small per-CPU cache for FIB_CACHE_NS
 * (docs/datapath.md, "Forwarding cache"); tc always asks the kernel.
 * BPF only: the host tests have no routing table.
 */
#ifndef XVS_FIB_H
#define XVS_FIB_H

#include <linux/if_ether.h>
#include "parse.h"

#ifndef AF_INET
#define AF_INET 2
#endif

enum fib_verdict {
	FIB_FWD,	/* fib->ifindex and MACs are valid */
	FIB_NEIGH,	/* route known, neighbour unresolved */
	FIB_PASS,
	FIB_DROP,
	FIB_ICMP,	/* drop and answer with ICMP type/code (and mtu) */
};

struct fib_result {
	struct bpf_fib_lookup fib;
	int verdict;
	__u8 icmp_type;
	__u8 icmp_code;
	__u16 mtu;
};

/*
 * The forwarding cache: with one flow, bpf_fib_lookup() is the largest
 * single cost of a request (docs/benchmarks.md). An entry is one SUCCESS
 * answer for (saddr, daddr, ingress interface, protocol), trusted for
 * FIB_CACHE_NS: a route or neighbour change reaches every flow within that
 * time, with or without xvsd. max_len is the largest IP length the kernel
 * accepted for it: a longer packet asks again, so the MTU check holds.
 * Per-CPU, so no locks; a slot is overwritten by the next address pair
 * hashing to it. Not pinned (loader.c): each load of the programs starts
 * with an empty cache, so its layout is no part of include/xvs/abi.h.
 */
#define FIB_CACHE_SLOTS	256
#define FIB_CACHE_NS	(10 * 1000 * 1000ULL)

struct fib_cache_ent {
	__u64 stamp;		/* bpf_ktime_get_ns() of the kernel's answer */
	__u32 saddr;
	__u32 daddr;
	__u32 iif;
	__u32 oif;
	__u16 max_len;
	__u8 proto;
	__u8 pad;
	__u8 smac[ETH_ALEN];
	__u8 dmac[ETH_ALEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, FIB_CACHE_SLOTS);
	__type(key, __u32);
	__type(value, struct fib_cache_ent);
} fib_cache SEC(".maps");

static __always_inline struct fib_cache_ent *fib_cache_slot(__u32 saddr,
							    __u32 daddr)
{
	__u32 i = ((saddr ^ daddr) * 0x9e3779b1U) >> 24;

	return bpf_map_lookup_elem(&fib_cache, &i);
}

static __always_inline int fib_cache_match(const struct fib_cache_ent *e,
					   const struct xvs_pkt *p,
					   __u32 saddr, __u32 daddr,
					   __u32 iif)
{
	return e->daddr == daddr && e->saddr == saddr && e->iif == iif &&
	       e->proto == p->proto;
}

/* A cached answer for this packet, copied into @r; 0 if there is none. */
static __always_inline int fib_cache_get(const struct fib_cache_ent *e,
					 const struct xvs_pkt *p, __u32 saddr,
					 __u32 daddr, __u32 iif, __u64 now,
					 struct fib_result *r)
{
	if (!e || !fib_cache_match(e, p, saddr, daddr, iif) ||
	    p->tot_len > e->max_len || now - e->stamp >= FIB_CACHE_NS)
		return 0;
	r->fib.ifindex = e->oif;
	__builtin_memcpy(r->fib.smac, e->smac, ETH_ALEN);
	__builtin_memcpy(r->fib.dmac, e->dmac, ETH_ALEN);
	r->verdict = FIB_FWD;
	return 1;
}

/*
 * Remember the kernel's SUCCESS answer @f for @p. A hit never gets here, so
 * the entry is another pair's, stale, or too short for @p (whose length
 * then becomes its max_len): always a fresh start.
 */
static __always_inline void fib_cache_put(struct fib_cache_ent *e,
					  const struct xvs_pkt *p, __u32 saddr,
					  __u32 daddr, __u32 iif, __u64 now,
					  const struct bpf_fib_lookup *f)
{
	if (!e)
		return;
	e->stamp = now;
	e->saddr = saddr;
	e->daddr = daddr;
	e->iif = iif;
	e->proto = p->proto;
	e->oif = f->ifindex;
	e->max_len = p->tot_len;
	__builtin_memcpy(e->smac, f->smac, ETH_ALEN);
	__builtin_memcpy(e->dmac, f->dmac, ETH_ALEN);
}

/*
 * Route a packet from @saddr to @daddr (the addresses it will carry when
 * sent) that came in on the context's interface, at time @now. XDP gives
 * its IP length for the MTU check; tc passes 0 so the kernel checks the
 * skb itself (GSO aware).
 */
static __always_inline void fib_route(const struct xvs_ctx *c,
				      const struct xvs_pkt *p, __u32 saddr,
				      __u32 daddr, __u64 now,
				      struct fib_result *r)
{
	struct bpf_fib_lookup *f = &r->fib;
	struct fib_cache_ent *e = NULL;
	__u32 iif = ctx_ifindex(c);
	long rc;

	if (c->kind == XVS_CTX_XDP) {
		e = fib_cache_slot(saddr, daddr);
		if (fib_cache_get(e, p, saddr, daddr, iif, now, r))
			return;
	}

	__builtin_memset(f, 0, sizeof(*f));
	f->family = AF_INET;
	f->l4_protocol = p->proto;
	f->ipv4_src = saddr;
	f->ipv4_dst = daddr;
	f->ifindex = iif;
	if (c->kind != XVS_CTX_TC)
		f->tot_len = p->tot_len;
	r->icmp_type = 0;
	r->icmp_code = 0;
	r->mtu = 0;

	rc = bpf_fib_lookup(c->ctx, f, sizeof(*f), 0);
	switch (rc) {
	case BPF_FIB_LKUP_RET_SUCCESS:
		r->verdict = FIB_FWD;
		if (c->kind == XVS_CTX_XDP)
			fib_cache_put(e, p, saddr, daddr, iif, now, f);
		return;
	case BPF_FIB_LKUP_RET_NO_NEIGH:
		r->verdict = FIB_NEIGH;
		return;
	case BPF_FIB_LKUP_RET_FRAG_NEEDED:
		if (!p->df) {
			r->verdict = FIB_DROP;
			return;
		}
		r->verdict = FIB_ICMP;
		r->icmp_type = ICMP_DEST_UNREACH;
		r->icmp_code = ICMP_FRAG_NEEDED;
		r->mtu = f->mtu_result;
		return;
	case BPF_FIB_LKUP_RET_BLACKHOLE:
		r->verdict = FIB_DROP;
		return;
	case BPF_FIB_LKUP_RET_UNREACHABLE:
		r->verdict = FIB_ICMP;
		r->icmp_type = ICMP_DEST_UNREACH;
		r->icmp_code = ICMP_HOST_UNREACH;
		return;
	case BPF_FIB_LKUP_RET_PROHIBIT:
		r->verdict = FIB_ICMP;
		r->icmp_type = ICMP_DEST_UNREACH;
		r->icmp_code = ICMP_PKT_FILTERED;
		return;
	default:
		/* FWD_DISABLED, NOT_FWDED, UNSUPP_LWT, errors: the stack decides. */
		r->verdict = FIB_PASS;
		return;
	}
}

/* TTL - 1 with the IP checksum fixed (redirects bypass ip_forward()). */
static __always_inline int fib_dec_ttl(const struct xvs_ctx *c)
{
	struct iphdr *ip = ctx_ptr(c, XVS_L3_OFF, sizeof(*ip));
	__u16 old, new;

	if (!ip)
		return -1;
	old = *(__u16 *)&ip->ttl;
	ip->ttl--;
	new = *(__u16 *)&ip->ttl;
	ip->check = csum_replace2(ip->check, old, new);
	return 0;
}

/*
 * Send the rewritten packet on according to @r (FIB_FWD or FIB_NEIGH in
 * tc). Returns the program's verdict.
 */
static __always_inline int fib_forward(const struct xvs_ctx *c,
				       const struct fib_result *r)
{
	struct ethhdr *eth;

	if (fib_dec_ttl(c))
		return ctx_drop(c);
	if (r->verdict == FIB_NEIGH) {
		struct bpf_redir_neigh nh = {
			.nh_family = AF_INET,
			.ipv4_nh = r->fib.ipv4_dst,
		};

		return bpf_redirect_neigh(r->fib.ifindex, &nh, sizeof(nh), 0);
	}
	eth = ctx_ptr(c, 0, sizeof(*eth));
	if (!eth)
		return ctx_drop(c);
	__builtin_memcpy(eth->h_dest, r->fib.dmac, ETH_ALEN);
	__builtin_memcpy(eth->h_source, r->fib.smac, ETH_ALEN);
	return bpf_redirect(r->fib.ifindex, 0);
}

#endif /* XVS_FIB_H */
