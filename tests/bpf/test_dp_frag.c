// SPDX-License-Identifier: GPL-2.0
/*
 * Packet tests of IP fragments (bpf/lib/frag.h) on build/xvs.bpf.o, run
 * with BPF_PROG_TEST_RUN in a private network namespace (dp_env.h):
 *   1. a UDP datagram of 2008 bytes cut in three (L4 bytes 0-1000,
 *      1000-1600, 1600-2008) is DNATed fragment by fragment: ports and the
 *      UDP checksum only in the first, addresses in all; the rewritten
 *      fragments reassemble into exactly the datagram an unfragmented
 *      request would have become, with a valid checksum;
 *   2. IPVS counts it as one packet of 2028 bytes;
 *   3. the server's fragmented answer is SNATed the same way;
 *   4. a later fragment whose first fragment was not seen: dropped and
 *      counted when it is addressed to a VIP, passed otherwise;
 *   5. fragments to a VIP port no service has pass; a later fragment whose
 *      first made no connection is dropped and counted;
 *   6. tc rewrites later fragments with the skb helpers.
 *
 * Services: 1 UDP VIP:53 rr [1 RS1:5353]; 2 UDP VIP:55 rr [] (no server).
 */
#include "dp_steps.h"

static struct dp_env env;

#define L2L3	(sizeof(struct ethhdr) + sizeof(struct iphdr))
#define PAYLEN	2000	/* + 8 bytes UDP header = 2008 L4 bytes */

static const size_t cuts[] = { 0, 1000, 1600, PAYLEN + 8 };
#define NFRAG	3

/*
 * Fragment @i of the frame @f (@len bytes, one IPv4 header without
 * options): L4 bytes [cuts[i], cuts[i + 1]) with the header fixed up.
 */
static size_t frag_cut(uint8_t *out, const uint8_t *f, int i, uint16_t id)
{
	struct iphdr *ip = (void *)(out + sizeof(struct ethhdr));
	size_t n = cuts[i + 1] - cuts[i];

	memcpy(out, f, L2L3);
	memcpy(out + L2L3, f + L2L3 + cuts[i], n);
	ip->tot_len = htons(sizeof(*ip) + n);
	ip->id = htons(id);
	ip->frag_off = htons((i < NFRAG - 1 ? 0x2000 : 0) | cuts[i] / 8);
	ip->check = 0;
	ip->check = pkt_csum(ip, sizeof(*ip), 0);
	return L2L3 + n;
}

static struct pkt_spec udp(const char *smac, const char *dmac, const char *src,
			   uint16_t sport, const char *dst, uint16_t dport,
			   uint8_t ttl)
{
	return (struct pkt_spec){ .smac = smac, .dmac = dmac, .saddr = src,
				  .daddr = dst, .sport = sport, .dport = dport,
				  .proto = IPPROTO_UDP, .ttl = ttl,
				  .paylen = PAYLEN };
}

/*
 * Send @in's fragments (IP id @id) through XDP (or tc) on @ifindex, each
 * expecting @verdict, and check that the outputs are @want's fragments and
 * reassemble into a datagram with valid checksums.
 */
static int frag_flow(int tc, const struct pkt_spec *in, const struct pkt_spec *want,
		     uint16_t id, int ifindex, int verdict)
{
	uint8_t ib[PKT_MAX * 2], wb[PKT_MAX * 2], whole[PKT_MAX * 2];
	uint8_t f[PKT_MAX], w[PKT_MAX];
	struct iphdr *ip = (void *)(whole + sizeof(struct ethhdr));
	struct dp_run r;
	size_t flen, wlen;
	int i;

	pkt_build(ib, in);
	pkt_build(wb, want);
	for (i = 0; i < NFRAG; i++) {
		flen = frag_cut(f, ib, i, id);
		wlen = frag_cut(w, wb, i, id);
		CHECK(!dp_frame(&env, tc, f, flen, ifindex, verdict, &r));
		CHECK(dp_same(&r, w, wlen));
		if (!i)
			memcpy(whole, r.out + r.metalen, L2L3);
		memcpy(whole + L2L3 + cuts[i], r.out + r.metalen + L2L3,
		       cuts[i + 1] - cuts[i]);
	}
	ip->tot_len = htons(sizeof(*ip) + cuts[NFRAG]);
	ip->frag_off = 0;
	ip->check = 0;
	ip->check = pkt_csum(ip, sizeof(*ip), 0);
	CHECK(pkt_csums_ok((uint8_t *)ip));
	return 0;
}

/* ---- steps ----------------------------------------------------------- */

static int t_request(void)
{
	struct pkt_spec in = udp(MAC_CLI, MAC_EXT, CLI, 40000, VIP, 53, 0);
	struct pkt_spec want = udp(MAC_INT, MAC_RS1, CLI, 40000, RS1, 5353, 63);
	struct xvs_conn cn;

	CHECK(!frag_flow(0, &in, &want, 0x1001, env.ext, XDP_REDIRECT));
	CHECK(!dp_conn(&env, IPPROTO_UDP, CLI, 40000, VIP, 53, &cn));
	CHECK(cn.dest_id == 1 && cn.daddr == dp_ip(RS1));
	return 0;
}

static int t_counted_once(void)
{
	struct xvs_stats s = dp_stats(&env, env.skel->maps.svc_stats, 1);

	/* ip_vs_in() sees the reassembled datagram: 20 + 2008 bytes. */
	CHECK(s.conns == 1 && s.inpkts == 1 && s.inbytes == 2028);
	s = dp_stats(&env, env.skel->maps.dest_stats, 1);
	CHECK(s.inpkts == 1 && s.inbytes == 2028);
	return 0;
}

static int t_reply(void)
{
	struct pkt_spec in = udp(MAC_RS1, MAC_INT, RS1, 5353, CLI, 40000, 0);
	struct pkt_spec want = udp(MAC_EXT, MAC_CLI, VIP, 53, CLI, 40000, 63);
	struct xvs_stats s;

	CHECK(!frag_flow(0, &in, &want, 0x2001, env.int_, XDP_REDIRECT));
	s = dp_stats(&env, env.skel->maps.svc_stats, 1);
	CHECK(s.outpkts == 1 && s.outbytes == 2028);
	return 0;
}

static int t_unseen_first(void)
{
	struct pkt_spec in = udp(MAC_CLI, MAC_EXT, CLI, 40001, VIP, 53, 0);
	uint8_t ib[PKT_MAX * 2], f[PKT_MAX];
	__u64 before = dp_drops(&env, XVS_DROP_FRAG_UNMATCHED);
	__u32 conns = dp_conn_count(&env);
	struct dp_run r;
	size_t n;

	pkt_build(ib, &in);
	n = frag_cut(f, ib, 1, 0x3001);
	CHECK(!dp_frame(&env, 0, f, n, env.ext, XDP_DROP, &r));
	CHECK(dp_drops(&env, XVS_DROP_FRAG_UNMATCHED) == before + 1);
	CHECK(dp_conn_count(&env) == conns);
	/* Not to a VIP: none of xvs's business, the stack decides. */
	in.daddr = "192.168.1.100";
	pkt_build(ib, &in);
	n = frag_cut(f, ib, 1, 0x3002);
	CHECK(!dp_frame(&env, 0, f, n, env.ext, XDP_PASS, &r));
	CHECK(dp_same(&r, f, n));
	CHECK(dp_drops(&env, XVS_DROP_FRAG_UNMATCHED) == before + 1);
	return 0;
}

static int t_no_service_or_conn(void)
{
	struct pkt_spec in = udp(MAC_CLI, MAC_EXT, CLI, 40002, VIP, 54, 0);
	uint8_t ib[PKT_MAX * 2], f[PKT_MAX];
	__u64 before = dp_drops(&env, XVS_DROP_FRAG_UNMATCHED);
	struct dp_run r;
	size_t n;
	int i;

	/* VIP:54 is no service: the stack gets every fragment untouched. */
	pkt_build(ib, &in);
	for (i = 0; i < NFRAG; i++) {
		n = frag_cut(f, ib, i, 0x4001);
		CHECK(!dp_frame(&env, 0, f, n, env.ext, XDP_PASS, &r));
		CHECK(dp_same(&r, f, n));
	}
	/* VIP:55 has no server: ICMP for the first, the rest unmatched. */
	in.dport = 55;
	pkt_build(ib, &in);
	n = frag_cut(f, ib, 0, 0x4002);
	CHECK(!dp_frame(&env, 0, f, n, env.ext, XDP_TX, &r));
	n = frag_cut(f, ib, 1, 0x4002);
	CHECK(!dp_frame(&env, 0, f, n, env.ext, XDP_DROP, &r));
	CHECK(dp_drops(&env, XVS_DROP_FRAG_UNMATCHED) == before + 1);
	CHECK(dp_stats(&env, env.skel->maps.svc_stats, 1).inpkts == 1);
	return 0;
}

static int t_tc(void)
{
	struct pkt_spec in = udp(MAC_CLI, MAC_EXT, CLI, 40000, VIP, 53, 0);
	struct pkt_spec want = udp(MAC_INT, MAC_RS1, CLI, 40000, RS1, 5353, 63);

	CHECK(!frag_flow(1, &in, &want, 0x5001, env.ext, TC_ACT_REDIRECT));
	CHECK(dp_stats(&env, env.skel->maps.svc_stats, 1).inpkts == 2);
	return 0;
}

static const struct dp_step steps[] = {
	{ "UDP request in 3 fragments: DNAT each, reassembles valid", t_request },
	{ "fragmented datagram counted once, all its bytes", t_counted_once },
	{ "fragmented reply: SNAT each", t_reply },
	{ "later fragment, first unseen: to a VIP dropped+counted, else passed", t_unseen_first },
	{ "no service: passed; no connection: later ones dropped+counted", t_no_service_or_conn },
	{ "tc: later fragments rewritten with the skb helpers", t_tc },
};

static int setup(void)
{
	__u32 d1[] = { 1 };
	int w1[] = { 1 };
	struct xvs_addr_key vip = { .addr = dp_ip(VIP), .kind = XVS_ADDR_VIP };
	__u32 two = 2;

	if (dp_open(&env))
		return -1;
	dp_globals(&env, 1);
	dp_svc(&env, 1, IPPROTO_UDP, VIP, 53, XVS_SCHED_RR);
	dp_dest(&env, 1, 1, RS1, 5353, 1);
	dp_list(&env, 1, d1, w1, 1);
	dp_svc(&env, 2, IPPROTO_UDP, VIP, 55, XVS_SCHED_RR);
	dp_list(&env, 2, NULL, NULL, 0);
	/* As xvsd keeps it: the VIP is the address of two services. */
	return bpf_map_update_elem(dp_fd(env.skel->maps.addr_set), &vip, &two,
				   BPF_ANY);
}

int main(void)
{
	return dp_steps_main(&env, setup, steps, sizeof(steps) / sizeof(steps[0]));
}
