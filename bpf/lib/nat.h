/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NAT rewrites of a TCP/UDP packet: one address and its port, with the IP
 * and L4 checksums. XDP (and the host tests) patch the bytes and update the
 * checksums incrementally (RFC 1624); a UDP checksum of 0 stays 0 and a
 * computed 0 becomes 0xffff. tc goes through bpf_l3/l4_csum_replace with
 * BPF_F_PSEUDO_HDR, which keeps skb->csum right and is correct for both
 * CHECKSUM_PARTIAL and complete checksums (kernel-facts.md fact 4).
 * A later IP fragment has no L4 header: only its address changes (the
 * first fragment's L4 checksum already covers the whole datagram's).
 */
#ifndef XVS_NAT_H
#define XVS_NAT_H

#include <stddef.h>
#include "parse.h"

enum nat_side {
	NAT_SRC,	/* rewrite source address and port (reply SNAT) */
	NAT_DST,	/* rewrite destination address and port (request DNAT) */
};

static __always_inline __u32 nat_l4_check_off(__u8 proto)
{
	return proto == IPPROTO_TCP ? offsetof(struct tcphdr, check) :
				      offsetof(struct udphdr, check);
}

/* XDP / host: patch in place with incremental checksums. */
static __always_inline int nat_rewrite_inplace(const struct xvs_ctx *c,
					       const struct xvs_pkt *p, int side,
					       __u32 addr, __u16 port)
{
	struct iphdr *ip = ctx_ptr(c, XVS_L3_OFF, sizeof(*ip));
	__u32 *a, old_addr;
	__u16 *pt, *check, old_port;

	if (!ip)
		return -1;
	a = side == NAT_DST ? &ip->daddr : &ip->saddr;
	old_addr = *a;
	*a = addr;
	ip->check = csum_replace4(ip->check, old_addr, addr);
	if (p->frag == PKT_FRAG_LATER)
		return 0;

	if (p->proto == IPPROTO_TCP) {
		struct tcphdr *th = ctx_ptr(c, p->l4_off, sizeof(*th));

		if (!th)
			return -1;
		pt = side == NAT_DST ? &th->dest : &th->source;
		check = &th->check;
	} else {
		struct udphdr *uh = ctx_ptr(c, p->l4_off, sizeof(*uh));

		if (!uh)
			return -1;
		pt = side == NAT_DST ? &uh->dest : &uh->source;
		check = &uh->check;
	}
	old_port = *pt;
	*pt = port;
	if (p->proto == IPPROTO_UDP && *check == 0)
		return 0;
	*check = csum_replace4(*check, old_addr, addr);
	*check = csum_replace2(*check, old_port, port);
	if (p->proto == IPPROTO_UDP && *check == 0)
		*check = 0xffff;
	return 0;
}

#ifdef __bpf__
/* tc: the address alone, for a later fragment. */
static __always_inline int nat_addr_skb(struct __sk_buff *skb,
					const struct xvs_pkt *p, int side,
					__u32 addr)
{
	__u32 addr_off = XVS_L3_OFF + (side == NAT_DST ?
				       offsetof(struct iphdr, daddr) :
				       offsetof(struct iphdr, saddr));
	__u32 old = side == NAT_DST ? p->daddr : p->saddr;

	if (bpf_l3_csum_replace(skb, XVS_L3_OFF + offsetof(struct iphdr, check),
				old, addr, sizeof(addr)))
		return -1;
	return bpf_skb_store_bytes(skb, addr_off, &addr, sizeof(addr), 0);
}

/* tc: helpers that know the skb's checksum state. */
static __always_inline int nat_rewrite_skb(struct __sk_buff *skb,
					   const struct xvs_pkt *p, int side,
					   __u32 addr, __u16 port)
{
	__u32 addr_off = XVS_L3_OFF + (side == NAT_DST ?
				       offsetof(struct iphdr, daddr) :
				       offsetof(struct iphdr, saddr));
	__u32 port_off = p->l4_off + (side == NAT_DST ?
				      offsetof(struct tcphdr, dest) :
				      offsetof(struct tcphdr, source));
	__u32 check_off = p->l4_off + nat_l4_check_off(p->proto);
	__u64 l4f = p->proto == IPPROTO_UDP ? BPF_F_MARK_MANGLED_0 : 0;
	__u32 old_addr = side == NAT_DST ? p->daddr : p->saddr;
	__u16 old_port = side == NAT_DST ? p->dport : p->sport;

	if (bpf_l4_csum_replace(skb, check_off, old_addr, addr,
				l4f | BPF_F_PSEUDO_HDR | sizeof(addr)))
		return -1;
	if (bpf_l4_csum_replace(skb, check_off, old_port, port,
				l4f | sizeof(port)))
		return -1;
	if (bpf_l3_csum_replace(skb, XVS_L3_OFF + offsetof(struct iphdr, check),
				old_addr, addr, sizeof(addr)))
		return -1;
	if (bpf_skb_store_bytes(skb, addr_off, &addr, sizeof(addr), 0))
		return -1;
	return bpf_skb_store_bytes(skb, port_off, &port, sizeof(port), 0);
}
#endif

/*
 * Rewrite the source (NAT_SRC) or destination (NAT_DST) address and port of
 * the TCP/UDP packet @p to @addr:@port (network order); of a later
 * fragment, the address only. Returns 0 or -1 (packet too short). Packet
 * pointers are stale afterwards.
 */
static __always_inline int nat_rewrite(const struct xvs_ctx *c,
				       const struct xvs_pkt *p, int side,
				       __u32 addr, __u16 port)
{
#ifdef __bpf__
	if (c->kind == XVS_CTX_TC)
		return p->frag == PKT_FRAG_LATER ?
			       nat_addr_skb(c->ctx, p, side, addr) :
			       nat_rewrite_skb(c->ctx, p, side, addr, port);
#endif
	return nat_rewrite_inplace(c, p, side, addr, port);
}

#endif /* XVS_NAT_H */
