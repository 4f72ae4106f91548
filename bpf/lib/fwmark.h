/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Firewall-mark services (docs/fwmark.md). IPVS looks a packet's service up
 * by its netfilter mark first, then by (proto, VIP, port). XDP and tc
 * ingress run before netfilter, so no iptables or nftables mark is set when
 * xvs sees the packet: xvs's own mark rules (mark_rules, written by xvsd)
 * give it one, the first matching rule winning. In tc, a mark the packet
 * already carries (skb->mark: set by a tcx program, which runs before the
 * classic tc filters, or kept from an outer packet) counts first. The rule
 * match is pure, so the host tests run it as the datapath does.
 */
#ifndef XVS_FWMARK_H
#define XVS_FWMARK_H

#include <linux/in.h>
#include <xvs/abi.h>
#include "byteorder.h"
#ifdef __bpf__
#include "ctx.h"
#include "maps.h"
#include "parse.h"
#endif

/* Does a packet (@proto, @saddr -> @daddr:@dport, network order) match @r? */
static __always_inline int fwmark_rule_match(const struct xvs_mark_rule *r,
					     __u8 proto, __u32 saddr,
					     __u32 daddr, __u16 dport)
{
	__u16 port = xvs_ntohs(dport);
	__u32 i;

	if (r->proto && r->proto != proto)
		return 0;
	if ((daddr & r->dmask) != r->daddr || (saddr & r->smask) != r->saddr)
		return 0;
	if (!r->nports)
		return 1;
	for (i = 0; i < XVS_MARK_PORTS; i++) {
		if (i >= r->nports)
			break;
		if (port >= r->port[i].lo && port <= r->port[i].hi)
			return 1;
	}
	return 0;
}

/* One scan of a rule list: the packet in, the first matching mark out. */
struct fwmark_scan {
	const struct xvs_mark_set *set;
	__u32 saddr;
	__u32 daddr;
	__u16 dport;
	__u8 proto;
	__u32 mark;		/* out: 0 when no rule matched */
};

/* Look at rule @i; returns 1 to stop (matched, or past the end). */
static __always_inline int fwmark_step(__u32 i, struct fwmark_scan *s)
{
	const struct xvs_mark_rule *r;

	if (i >= s->set->count || i >= XVS_MAX_MARK_RULES)
		return 1;
	r = &s->set->rule[i];
	if (!fwmark_rule_match(r, s->proto, s->saddr, s->daddr, s->dport))
		return 0;
	s->mark = r->mark;
	return 1;
}

/* The mark the first rule of @set matching the packet gives, or 0 (host). */
static __always_inline __u32 fwmark_classify(const struct xvs_mark_set *set,
					     __u8 proto, __u32 saddr,
					     __u32 daddr, __u16 dport)
{
	struct fwmark_scan s = { .set = set, .saddr = saddr, .daddr = daddr,
				 .dport = dport, .proto = proto };
	__u32 i;

	for (i = 0; i < XVS_MAX_MARK_RULES; i++)
		if (fwmark_step(i, &s))
			break;
	return s.mark;
}

#ifdef __bpf__
/* bpf_loop() body: the verifier checks it once, not per rule. */
static long fwmark_cb(__u32 i, void *arg)
{
	return fwmark_step(i, arg);
}

/* The svc_map key of the fwmark service for @mark. */
static __always_inline void fwmark_svc_key(struct xvs_svc_key *k, __u32 mark)
{
	k->addr = xvs_htonl(mark);
	k->port = 0;
	k->proto = 0;
	k->pad = 0;
}

/* The mark of packet @p: the skb's own (tc), else xvs's rules'; or 0. */
static __always_inline __u32 fwmark_of(const struct xvs_ctx *c,
				       const struct xvs_pkt *p,
				       const struct xvs_globals *g)
{
	struct fwmark_scan s = { .saddr = p->saddr, .daddr = p->daddr,
				 .dport = p->dport, .proto = p->proto };
	__u32 bank;

	if (c->kind == XVS_CTX_TC) {
		__u32 m = (__u32)(unsigned long)ctx_load(c->ctx, struct __sk_buff, mark);

		if (m)
			return m;
	}
	if (!g || !g->mark_bank)
		return 0;
	bank = g->mark_bank - 1;
	s.set = bpf_map_lookup_elem(&mark_rules, &bank);
	if (!s.set)
		return 0;
	bpf_loop(XVS_MAX_MARK_RULES, fwmark_cb, &s, 0);
	return s.mark;
}

/*
 * The fwmark service of packet @p, or NULL: none of its mark (IPVS then
 * goes on with the (proto, VIP, port) lookup, and so does the caller).
 */
static __always_inline struct xvs_svc *fwmark_svc(const struct xvs_ctx *c,
						  const struct xvs_pkt *p,
						  const struct xvs_globals *g)
{
	struct xvs_svc_key k;
	__u32 mark;

	if (p->proto != IPPROTO_TCP && p->proto != IPPROTO_UDP)
		return NULL;
	mark = fwmark_of(c, p, g);
	if (!mark)
		return NULL;
	fwmark_svc_key(&k, mark);
	return bpf_map_lookup_elem(&svc_map, &k);
}

/*
 * The mark of fwmark service @svc_id, network order as in template keys. A
 * global function: the verifier checks it once, not at each of the many
 * places a template key is made (xvs_sync_in runs them in a loop).
 */
__noinline __u32 fwmark_tpl_addr(__u32 svc_id)
{
	__u32 *m = bpf_map_lookup_elem(&svc_fwmark, &svc_id);

	return m ? xvs_htonl(*m) : 0;
}
#endif /* __bpf__ */

#endif /* XVS_FWMARK_H */
