/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IPVS's nat_icmp_send: a TCP/UDP packet from a NAT real server's
 * address:port that belongs to no connection (the director forgot it, or
 * never had it) is answered with ICMP port unreachable, so the server stops
 * sending, and dropped; a TCP RST only dropped. Off by default, as in IPVS,
 * where such packets are let through untouched.
 */
#ifndef XVS_NOCONN_H
#define XVS_NOCONN_H

#include "addrset.h"
#include "icmp.h"

#ifndef BPF_FIB_LOOKUP_SRC
#define BPF_FIB_LOOKUP_SRC	(1U << 4)	/* kernel 6.8 and later */
#endif

/*
 * The address the director's stack would send from to @daddr: the kernel's
 * icmp_send() picks its source by routing too.
 */
static __always_inline __u32 noconn_src(const struct xvs_ctx *c, __u32 daddr)
{
	struct bpf_fib_lookup *f;
	__u32 zero = 0;

	f = bpf_map_lookup_elem(&scratch_fib, &zero);
	if (!f)
		return 0;
	__builtin_memset(f, 0, sizeof(*f));
	f->family = AF_INET;
	f->ipv4_dst = daddr;
	/* One fixed-offset load: in a subprogram clang would add first. */
	f->ifindex = (__u32)(long)(c->kind == XVS_CTX_XDP ?
		ctx_load(c->ctx, struct xdp_md, ingress_ifindex) :
		ctx_load(c->ctx, struct __sk_buff, ifindex));
	if (bpf_fib_lookup(c->ctx, f, sizeof(*f),
			   BPF_FIB_LOOKUP_OUTPUT | BPF_FIB_LOOKUP_SRC |
				   BPF_FIB_LOOKUP_SKIP_NEIGH))
		return 0;
	return f->ipv4_src;
}

/*
 * The TCP/UDP packet in @c matched no connection and no service. Returns
 * -1 when it is none of nat_icmp_send's business, else the verdict. A
 * function of its own, parsing the packet again, so this rare path costs
 * the fast path's frame no stack (the verifier's limit is 512 bytes).
 */
static __noinline int noconn_reply(const struct xvs_ctx *c,
				   const struct xvs_globals *g, __u64 now)
{
	struct xvs_pkt pk, *p = &pk;
	__u32 src;

	if (!g || !g->nat_icmp_send || parse_pkt(c, p) != XVS_PARSE_OK ||
	    p->frag == PKT_FRAG_LATER ||
	    !addrset_is_rs(p->saddr, p->sport, p->proto))
		return -1;
	stats_drop(XVS_DROP_NO_CONN);
	if (p->proto == IPPROTO_TCP && (p->tcp_flags & XVS_TCP_RST))
		return ctx_drop(c);
	src = noconn_src(c, p->saddr);
	if (!src)
		return ctx_drop(c);
	return icmp_send(c, p, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0, src, g,
			 now);
}

#endif /* XVS_NOCONN_H */
