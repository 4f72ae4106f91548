/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Packet parsing: Ethernet + IPv4 + TCP/UDP/ICMP into struct xvs_pkt, the
 * summary every other part works from. Anything the datapath does not
 * handle (ARP, IPv6, VLAN tags, ICMP fragments) is reported as
 * XVS_PARSE_PASS so the director routes it as usual. A TCP/UDP fragment
 * other than the first has no L4 header: it is XVS_PARSE_OK with
 * frag = PKT_FRAG_LATER and ports 0 until frag.h fills them in.
 */
#ifndef XVS_PARSE_H
#define XVS_PARSE_H

#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <linux/icmp.h>
#include "ctx.h"
#include "csum.h"

#define XVS_L3_OFF	((__u32)sizeof(struct ethhdr))

/* TCP flag bits of header byte 13. */
#define XVS_TCP_FIN	0x01
#define XVS_TCP_SYN	0x02
#define XVS_TCP_RST	0x04
#define XVS_TCP_ACK	0x10

#define XVS_IP_DF	0x4000
#define XVS_IP_MF	0x2000
#define XVS_IP_OFFMASK	0x1fff

enum pkt_frag {
	PKT_FRAG_NONE,		/* a whole datagram */
	PKT_FRAG_FIRST,		/* offset 0, more to come: has the L4 header */
	PKT_FRAG_LATER,		/* offset > 0: IP header and payload only */
};

enum xvs_parse {
	XVS_PARSE_OK,
	XVS_PARSE_PASS,		/* not ours to look at */
	XVS_PARSE_BAD,		/* claims to be IPv4 TCP/UDP/ICMP but is truncated */
};

struct xvs_pkt {
	__u32 saddr;		/* network order, as in the packet */
	__u32 daddr;
	__u16 sport;		/* TCP/UDP ports; ICMP: 0 */
	__u16 dport;
	__u32 l4_off;		/* offset of the L4 header */
	__u16 tot_len;		/* IP total length, host order */
	__u16 l4_check;		/* TCP/UDP check field as found */
	__u8 proto;
	__u8 tcp_flags;		/* XVS_TCP_* (TCP only) */
	__u8 ttl;
	__u8 df;		/* IP DF bit set */
	__u8 icmp_type;
	__u8 icmp_code;
	__u8 ihl;		/* IP header length, bytes */
	__u8 frag;		/* enum pkt_frag */
	__u16 ip_id;		/* IP identification, network order */
	__u16 pad;
};

/* Fill @p from the packet in @c; see enum xvs_parse for the result. */
static __always_inline int parse_pkt(const struct xvs_ctx *c, struct xvs_pkt *p)
{
	struct ethhdr *eth = ctx_ptr(c, 0, sizeof(*eth));
	struct iphdr *ip;
	__u16 frag;

	if (!eth || eth->h_proto != __builtin_bswap16(ETH_P_IP))
		return XVS_PARSE_PASS;
	ip = ctx_ptr(c, XVS_L3_OFF, sizeof(*ip));
	if (!ip)
		return XVS_PARSE_BAD;
	if (ip->version != 4 || ip->ihl < 5)
		return XVS_PARSE_PASS;
	frag = __builtin_bswap16(ip->frag_off);
	p->proto = ip->protocol;
	if (p->proto != IPPROTO_TCP && p->proto != IPPROTO_UDP &&
	    p->proto != IPPROTO_ICMP)
		return XVS_PARSE_PASS;
	/*
	 * No reassembly at XDP/tc: TCP/UDP fragments are forwarded one by one
	 * (frag.h), ICMP ones go to the stack (docs/datapath.md).
	 */
	p->frag = PKT_FRAG_NONE;
	if (frag & XVS_IP_OFFMASK)
		p->frag = PKT_FRAG_LATER;
	else if (frag & XVS_IP_MF)
		p->frag = PKT_FRAG_FIRST;
	if (p->frag != PKT_FRAG_NONE && p->proto == IPPROTO_ICMP)
		return XVS_PARSE_PASS;
	p->ip_id = ip->id;
	p->saddr = ip->saddr;
	p->daddr = ip->daddr;
	p->ttl = ip->ttl;
	p->df = !!(frag & XVS_IP_DF);
	p->ihl = ip->ihl * 4;
	p->tot_len = __builtin_bswap16(ip->tot_len);
	p->l4_off = XVS_L3_OFF + p->ihl;
	p->sport = 0;
	p->dport = 0;
	p->tcp_flags = 0;
	p->l4_check = 0;
	p->icmp_type = 0;
	p->icmp_code = 0;
	if (p->tot_len < p->ihl)
		return XVS_PARSE_BAD;
	/* tc sees only the linear part of an skb: data_end may end earlier. */
	if (c->kind != XVS_CTX_TC &&
	    ctx_data(c) + XVS_L3_OFF + p->tot_len > ctx_data_end(c))
		return XVS_PARSE_BAD;
	if (p->frag == PKT_FRAG_LATER)
		return XVS_PARSE_OK;

	if (p->proto == IPPROTO_TCP) {
		struct tcphdr *th = ctx_ptr(c, p->l4_off, sizeof(*th));

		if (!th || p->tot_len < p->ihl + sizeof(*th))
			return XVS_PARSE_BAD;
		p->sport = th->source;
		p->dport = th->dest;
		p->tcp_flags = ((__u8 *)th)[13];
		p->l4_check = th->check;
	} else if (p->proto == IPPROTO_UDP) {
		struct udphdr *uh = ctx_ptr(c, p->l4_off, sizeof(*uh));

		if (!uh || p->tot_len < p->ihl + sizeof(*uh))
			return XVS_PARSE_BAD;
		p->sport = uh->source;
		p->dport = uh->dest;
		p->l4_check = uh->check;
	} else {
		struct icmphdr *ih = ctx_ptr(c, p->l4_off, sizeof(*ih));

		if (!ih || p->tot_len < p->ihl + sizeof(*ih))
			return XVS_PARSE_BAD;
		p->icmp_type = ih->type;
		p->icmp_code = ih->code;
	}
	return XVS_PARSE_OK;
}

/*
 * A TCP/UDP packet whose check field holds only the pseudo-header sum is
 * CHECKSUM_PARTIAL (sender offload on veth, GRO on real NICs): XDP cannot
 * patch it correctly and hands it to tc untouched. A complete checksum
 * equal to that value by chance (1 in 65536) just takes the tc path too.
 */
static __always_inline int pkt_csum_partial(const struct xvs_pkt *p)
{
	/* A fragmented datagram's checksum was completed before it was cut. */
	if (p->frag != PKT_FRAG_NONE)
		return 0;
	if (p->proto == IPPROTO_UDP && p->l4_check == 0)
		return 0;
	return p->l4_check == csum_pseudo(p->saddr, p->daddr, p->proto,
					  p->tot_len - p->ihl);
}

#endif /* XVS_PARSE_H */
