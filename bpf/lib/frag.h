/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IP fragments without reassembly, as Cilium does it: the first fragment
 * of a datagram carries the ports and is handled like any packet; its ports
 * are remembered in frag_v4 under (source, destination, IP id, protocol),
 * and each later fragment takes them from there, finds the same connection
 * and gets the same address rewrite (ports and L4 checksum live in the first
 * fragment only), or is passed like its first fragment was. A later fragment
 * to a VIP whose first fragment was not seen (lost, or overtaken), or whose
 * first fragment made no connection, cannot be matched: dropped and counted.
 */
#ifndef XVS_FRAG_H
#define XVS_FRAG_H

#include "addrset.h"
#include "parse.h"
#include "stats.h"

/*
 * The helpers are global functions taking scalars: verified once, and
 * their keys live in their own frames, not in the fast path's (512 bytes
 * in all).
 */
#define FRAG_PASS	(-1)	/* first fragment unseen, not to a VIP: pass */
#define FRAG_DROP	(-2)	/* first fragment unseen, to a VIP: drop */

/* @p's IP id and protocol, as frag_note() and frag_lookup() take them. */
static __always_inline __u32 frag_id_proto(const struct xvs_pkt *p)
{
	return p->ip_id | (__u32)p->proto << 16;
}

/* A first fragment: remember its ports (@ports: sport | dport << 16). 0. */
__noinline int frag_note(__u32 saddr, __u32 daddr, __u32 id_proto,
			 __u32 ports)
{
	struct xvs_frag_key k = { .saddr = saddr, .daddr = daddr,
				  .id = id_proto & 0xffff,
				  .proto = id_proto >> 16 };
	struct xvs_frag v = { .sport = ports & 0xffff, .dport = ports >> 16 };

	bpf_map_update_elem(&frag_v4, &k, &v, BPF_ANY);
	return 0;
}

/*
 * A later fragment: the ports of its first fragment (sport | dport << 16),
 * or FRAG_PASS / FRAG_DROP (counted) when that one was not seen.
 */
__noinline long frag_lookup(__u32 saddr, __u32 daddr, __u32 id_proto)
{
	struct xvs_frag_key k = { .saddr = saddr, .daddr = daddr,
				  .id = id_proto & 0xffff,
				  .proto = id_proto >> 16 };
	struct xvs_frag *v = bpf_map_lookup_elem(&frag_v4, &k);

	if (v)
		return v->sport | (__u32)v->dport << 16;
	if (!addrset_is_vip(daddr))
		return FRAG_PASS;
	stats_drop(XVS_DROP_FRAG_UNMATCHED);
	return FRAG_DROP;
}

/*
 * Fragments before anything else sees @p: a first one is remembered, a
 * later one gets its first one's ports. Returns -1 when @p should go on
 * like any packet of its flow, else the verdict.
 */
static __always_inline int frag_prepare(const struct xvs_ctx *c,
					struct xvs_pkt *p)
{
	long ports;

	if (p->frag == PKT_FRAG_FIRST) {
		frag_note(p->saddr, p->daddr, frag_id_proto(p),
			  p->sport | (__u32)p->dport << 16);
		return -1;
	}
	if (p->frag != PKT_FRAG_LATER)
		return -1;
	ports = frag_lookup(p->saddr, p->daddr, frag_id_proto(p));
	if (ports == FRAG_PASS)
		return ctx_pass(c);
	if (ports < 0)
		return ctx_drop(c);
	p->sport = ports & 0xffff;
	p->dport = ports >> 16;
	return -1;
}

#endif /* XVS_FRAG_H */
