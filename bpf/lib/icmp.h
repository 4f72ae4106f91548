/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ICMP for the NAT: translate errors that belong to a connection (both
 * directions, outer and quoted headers and every checksum, as IPVS's
 * ip_vs_nat_icmp() does; Katran's handle_icmp.h keys the lookup the same
 * way), and build the errors the director itself sends: port unreachable
 * for a service with no usable server, frag-needed, host unreachable.
 * Generated errors go through a per-CPU token bucket.
 */
#ifndef XVS_ICMP_H
#define XVS_ICMP_H

#include "conn.h"
#include "parse.h"
#include "stats.h"

#define ICMP_DEFAULT_RATE	1000	/* kernel icmp_msgs_per_sec */
#define ICMP_DEFAULT_BURST	50	/* kernel icmp_msgs_burst */
#define ICMP_MAX_RATE		1000000
#define ICMP_QUOTE_L4		8	/* RFC 792: IP header + 8 bytes */
#define ICMP_HDR_GROW		(sizeof(struct iphdr) + sizeof(struct icmphdr))

/* May we send one more ICMP error now? */
static __always_inline int icmp_allow(const struct xvs_globals *g, __u64 now)
{
	struct xvs_icmp_bucket *b;
	__u64 rate = ICMP_DEFAULT_RATE, burst = ICMP_DEFAULT_BURST, elapsed;
	__u32 zero = 0;

	b = bpf_map_lookup_elem(&icmp_bucket, &zero);
	if (!b)
		return 0;
	if (g && g->icmp_rate)
		rate = g->icmp_rate < ICMP_MAX_RATE ? g->icmp_rate : ICMP_MAX_RATE;
	if (g && g->icmp_burst)
		burst = g->icmp_burst;
	elapsed = now - b->last_ns;
	if (elapsed > 10 * NSEC_PER_SEC || !b->last_ns)
		elapsed = 10 * NSEC_PER_SEC;
	b->last_ns = now;
	b->tokens += elapsed * rate;
	if (b->tokens > burst * NSEC_PER_SEC)
		b->tokens = burst * NSEC_PER_SEC;
	if (b->tokens < NSEC_PER_SEC) {
		stats_drop(XVS_DROP_ICMP_RATELIMIT);
		return 0;
	}
	b->tokens -= NSEC_PER_SEC;
	return 1;
}

/* ---- translation of errors about a connection ------------------------- */

/* Error types whose quoted packet identifies a connection. */
static __always_inline int icmp_is_error(__u8 type)
{
	return type == ICMP_DEST_UNREACH || type == ICMP_TIME_EXCEEDED ||
	       type == ICMP_SOURCE_QUENCH || type == ICMP_PARAMETERPROB;
}

/* A connection's error: where it goes after the rewrite, what changes. */
struct icmp_xlate {
	__u32 saddr;		/* outer addresses after the rewrite */
	__u32 daddr;
	__u32 addr;		/* new quoted address */
	__u16 port;		/* new quoted port */
	__u16 pad;
	__u32 svc_id;
	__u32 dest_id;
	__u32 in_off;		/* offset of the quoted IP header */
	__u32 ports_off;	/* offset of the quoted ports */
	int dir;		/* STATS_IN: towards the server, STATS_OUT: client */
};

/*
 * Does the ICMP error @p quote a packet of a known connection? Returns 1 and
 * fills @x, 0 when not ours, -1 when truncated. No side effects.
 *  - Quoted VIP:vport -> client (our reply, error from the client side):
 *    it goes to the server, outer daddr and quoted saddr:sport = RIP:rport.
 *  - Quoted client -> RIP:rport (our request, error from the server side):
 *    it goes to the client, outer saddr and quoted daddr:dport = VIP:vport.
 */
static __always_inline int icmp_find(const struct xvs_ctx *c,
				     const struct xvs_pkt *p,
				     struct icmp_xlate *x)
{
	__u32 in_off = p->l4_off + sizeof(struct icmphdr);
	struct xvs_conn_key k = {};
	struct xvs_conn *cn;
	struct iphdr *in;
	__u16 *ports;

	if (!icmp_is_error(p->icmp_type))
		return 0;
	in = ctx_ptr(c, in_off, sizeof(*in));
	if (!in)
		return -1;
	if (in->ihl < 5 || (in->protocol != IPPROTO_TCP &&
			    in->protocol != IPPROTO_UDP))
		return 0;
	x->in_off = in_off;
	x->ports_off = in_off + in->ihl * 4;
	ports = ctx_ptr(c, x->ports_off, 2 * sizeof(__u16));
	if (!ports)
		return -1;
	if (!ports[0] || !ports[1])
		return 0;

	/* The quoted packet went the other way: swap to get our key. */
	k.saddr = in->daddr;
	k.daddr = in->saddr;
	k.sport = ports[1];
	k.dport = ports[0];
	k.proto = in->protocol;
	k.dir = XVS_DIR_IN;
	cn = bpf_map_lookup_elem(&conn_v4, &k);
	if (!cn) {
		struct xvs_conn_out *out;

		/* A reply key: its conn_out entry names the connection. */
		k.dir = XVS_DIR_OUT;
		out = bpf_map_lookup_elem(&conn_out, &k);
		if (!out)
			return 0;
		k.saddr = k.daddr;
		k.daddr = out->vaddr;
		k.sport = k.dport;
		k.dport = out->vport;
		k.dir = XVS_DIR_IN;
		cn = bpf_map_lookup_elem(&conn_v4, &k);
		if (!cn)
			return 0;
		k.dir = XVS_DIR_OUT;
	}
	if (cn->state & XVS_CONN_DEAD)
		return 0;
	x->svc_id = cn->svc_id;
	x->dest_id = cn->dest_id;
	if (k.dir == XVS_DIR_IN) {
		x->saddr = p->saddr;
		x->daddr = cn->daddr;
		x->addr = cn->daddr;
		x->port = cn->dport;
		x->dir = STATS_IN;
	} else {
		x->saddr = cn->vaddr;
		x->daddr = p->daddr;
		x->addr = cn->vaddr;
		x->port = cn->vport;
		x->dir = STATS_OUT;
	}
	return 1;
}

/*
 * Apply @x: outer address, quoted address and port, with the IP, quoted IP
 * and ICMP checksums. Every change is paired with its checksum change, so
 * the packet's sum is unchanged and tc may write the bytes directly even for
 * CHECKSUM_COMPLETE skbs. Returns 0 or -1.
 */
static __always_inline int icmp_rewrite(const struct xvs_ctx *c,
					const struct xvs_pkt *p,
					const struct icmp_xlate *x)
{
	struct iphdr *ip = ctx_ptr(c, XVS_L3_OFF, sizeof(*ip));
	struct icmphdr *ih = ctx_ptr(c, p->l4_off, sizeof(*ih));
	struct iphdr *in = ctx_ptr(c, x->in_off, sizeof(*in));
	__u16 *ports = ctx_ptr(c, x->ports_off, 2 * sizeof(__u16));
	__u32 *outer, *quoted, old32;
	__u16 *qport, old16;

	if (!ip || !ih || !in || !ports)
		return -1;
	if (x->dir == STATS_IN) {
		outer = &ip->daddr;
		quoted = &in->saddr;
		qport = &ports[0];
	} else {
		outer = &ip->saddr;
		quoted = &in->daddr;
		qport = &ports[1];
	}
	old32 = *outer;
	*outer = x->addr;
	ip->check = csum_replace4(ip->check, old32, x->addr);

	old32 = *quoted;
	*quoted = x->addr;
	ih->checksum = csum_replace4(ih->checksum, old32, x->addr);
	old16 = in->check;
	in->check = csum_replace4(in->check, old32, x->addr);
	ih->checksum = csum_replace2(ih->checksum, old16, in->check);

	old16 = *qport;
	*qport = x->port;
	ih->checksum = csum_replace2(ih->checksum, old16, x->port);
	return 0;
}

/* ---- errors the director sends --------------------------------------- */

/* Make the packet [eth][ip][icmp][quote] in place; 0 or -1. */
static __always_inline int icmp_make_room(const struct xvs_ctx *c, __u32 keep)
{
	__u32 len = ctx_data_end(c) - ctx_data(c);

	if (c->kind == XVS_CTX_TC) {
		struct __sk_buff *skb = c->ctx;

		if (bpf_skb_change_tail(skb, keep, 0))
			return -1;
		if (bpf_skb_adjust_room(skb, ICMP_HDR_GROW, BPF_ADJ_ROOM_MAC, 0))
			return -1;
		return bpf_skb_pull_data(skb, keep + ICMP_HDR_GROW);
	}
	if (len > keep && bpf_xdp_adjust_tail(c->ctx, (int)keep - (int)len))
		return -1;
	if (bpf_xdp_adjust_head(c->ctx, -(int)ICMP_HDR_GROW))
		return -1;
	{
		struct ethhdr *neth = ctx_ptr(c, 0, sizeof(*neth));
		struct ethhdr *oeth = ctx_ptr(c, ICMP_HDR_GROW, sizeof(*oeth));

		if (!neth || !oeth)
			return -1;
		__builtin_memcpy(neth, oeth, sizeof(*neth));
	}
	return 0;
}

/*
 * Turn the packet @p into ICMP @type/@code (with @mtu for frag-needed) from
 * @saddr back to its sender, out of the interface it came in on. Returns the
 * verdict: sent, or dropped when rate-limited or impossible.
 */
static __always_inline int icmp_send(const struct xvs_ctx *c,
				     const struct xvs_pkt *p, __u8 type,
				     __u8 code, __u16 mtu, __u32 saddr,
				     const struct xvs_globals *g, __u64 now)
{
	__u32 quote = p->ihl + ICMP_QUOTE_L4, dst = p->saddr;
	struct icmphdr nih;
	struct iphdr nip;
	__u8 smac[ETH_ALEN];
	struct ethhdr *eth;
	__u32 sum;
	void *q;

	/* tc cannot clear a CHECKSUM_PARTIAL skb's offload state. */
	if (c->kind == XVS_CTX_TC && p->proto != IPPROTO_ICMP &&
	    pkt_csum_partial(p))
		return ctx_drop(c);
	if (!icmp_allow(g, now))
		return ctx_drop(c);
	if (quote > p->tot_len)
		quote = p->tot_len;
	if (quote > CSUM_MAX_LEN - sizeof(nih))
		return ctx_drop(c);
	if (icmp_make_room(c, XVS_L3_OFF + quote))
		return ctx_drop(c);

	/* Headers are built on the stack and summed there, then copied. */
	__builtin_memset(&nip, 0, sizeof(nip));
	nip.version = 4;
	nip.ihl = 5;
	nip.tos = 0xc0;		/* IPTOS_PREC_INTERNETCONTROL, as icmp_send() */
	nip.tot_len = __builtin_bswap16(sizeof(nip) + sizeof(nih) + quote);
	nip.ttl = 64;
	nip.protocol = IPPROTO_ICMP;
	nip.saddr = saddr;
	nip.daddr = dst;
	nip.check = ~csum_sum(&nip, &nip + 1, sizeof(nip));

	__builtin_memset(&nih, 0, sizeof(nih));
	nih.type = type;
	nih.code = code;
	if (type == ICMP_DEST_UNREACH && code == ICMP_FRAG_NEEDED)
		nih.un.frag.mtu = __builtin_bswap16(mtu);
	q = ctx_ptr(c, XVS_L3_OFF + sizeof(nip) + sizeof(nih), 0);
	if (!q)
		return ctx_drop(c);
	sum = csum_sum(q, ctx_data_end(c), quote);
	sum += csum_sum(&nih, &nih + 1, sizeof(nih));
	nih.checksum = ~csum_fold32(sum);

	eth = ctx_ptr(c, 0, sizeof(*eth) + sizeof(nip) + sizeof(nih));
	if (!eth)
		return ctx_drop(c);
	__builtin_memcpy(smac, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, smac, ETH_ALEN);
	eth->h_proto = __builtin_bswap16(ETH_P_IP);
	__builtin_memcpy((void *)(eth + 1), &nip, sizeof(nip));
	__builtin_memcpy((void *)(eth + 1) + sizeof(nip), &nih, sizeof(nih));
	return ctx_tx(c);
}

#endif /* XVS_ICMP_H */
