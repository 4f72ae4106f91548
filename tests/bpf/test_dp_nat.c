// SPDX-License-Identifier: GPL-2.0
/*
 * Packet tests of the datapath: build/xvs.bpf.o run with BPF_PROG_TEST_RUN
 * in a private network namespace (dp_env.h). Steps run in order against one
 * set of maps, Katran-fixture style: each builds its input with pktgen.h,
 * runs xvs_xdp / xvs_tc / xvs_gc, and checks the verdict, the output bytes
 * (against a frame built the same way) and the map state.
 *
 * Services (newest dest first in each list):
 *   1 TCP VIP:80 rr   [1 RS1:8080, 2 RS2:80]      port mapping 80 -> 8080
 *   2 UDP VIP:53 rr   [3 RS1:5353]
 *   3 TCP VIP:81 rr   [4 RS1:81 weight 0]         nothing usable
 *   4 TCP VIP:82 rr   [5 10.0.1.5:82]             neighbour unresolved
 *   5 TCP VIP:83 wlc  [6 RS1:83, 7 RS2:83]
 *   6 TCP VIP:84 wrr  [8 RS1:84 w2, 9 RS2:84 w1]
 *   8 TCP VIP:85 rr -p 300 -M 255.255.255.0  [10 RS1:85, 11 RS2:85]
 */
#include <time.h>
#include <linux/pkt_cls.h>
#include "dp_steps.h"

static struct dp_env env;

/* A TCP packet client -> VIP as it arrives on ext. */
static struct pkt_spec c2v(uint16_t cport, uint16_t vport, uint8_t flags)
{
	return (struct pkt_spec){ .smac = MAC_CLI, .dmac = MAC_EXT,
				  .saddr = CLI, .daddr = VIP, .sport = cport,
				  .dport = vport, .proto = IPPROTO_TCP,
				  .flags = flags };
}

/* The same after DNAT to @rip:@rport, leaving int towards @rmac. */
static struct pkt_spec c2r(uint16_t cport, const char *rip, uint16_t rport,
			   const char *rmac, uint8_t flags)
{
	return (struct pkt_spec){ .smac = MAC_INT, .dmac = rmac, .saddr = CLI,
				  .daddr = rip, .sport = cport, .dport = rport,
				  .proto = IPPROTO_TCP, .flags = flags,
				  .ttl = 63 };
}

/* A reply real server -> client as it arrives on int. */
static struct pkt_spec r2c(const char *rip, uint16_t rport, const char *rmac,
			   uint16_t cport, uint8_t flags)
{
	return (struct pkt_spec){ .smac = rmac, .dmac = MAC_INT, .saddr = rip,
				  .daddr = CLI, .sport = rport, .dport = cport,
				  .proto = IPPROTO_TCP, .flags = flags };
}

/* The reply after SNAT, leaving ext towards the client. */
static struct pkt_spec v2c(uint16_t vport, uint16_t cport, uint8_t flags)
{
	return (struct pkt_spec){ .smac = MAC_EXT, .dmac = MAC_CLI, .saddr = VIP,
				  .daddr = CLI, .sport = vport, .dport = cport,
				  .proto = IPPROTO_TCP, .flags = flags,
				  .ttl = 63 };
}

/* Run @in through XDP (or tc) on @ifindex; compare with @want if given. */
static int run(int tc, const struct pkt_spec *in, int ifindex, int verdict,
	       const struct pkt_spec *want, struct dp_run *r)
{
	uint8_t ib[PKT_MAX], wb[PKT_MAX];
	size_t ilen = pkt_build(ib, in), wlen;
	int err;

	err = tc ? dp_run_tc(&env, ib, ilen, ifindex, r) :
		   dp_run_xdp(&env, ib, ilen, ifindex, r);
	if (err) {
		fprintf(stderr, "  test run: %s\n", strerror(-err));
		return -1;
	}
	if (r->retval != verdict) {
		fprintf(stderr, "  verdict %d, want %d\n", r->retval, verdict);
		return -1;
	}
	if (!want)
		return 0;
	wlen = pkt_build(wb, want);
	if (r->outlen != wlen || memcmp(r->out + r->metalen, wb, wlen)) {
		dp_diff(r->out + r->metalen, r->outlen, wb, wlen);
		return -1;
	}
	if (!pkt_csums_ok(r->out + r->metalen + sizeof(struct ethhdr))) {
		fprintf(stderr, "  checksums wrong\n");
		return -1;
	}
	return 0;
}

/* Expect an ICMP error built by the datapath. */
static int expect_icmp(const struct dp_run *r, const char *smac,
		       const char *dmac, const char *src, const char *dst,
		       uint8_t type, uint8_t code, uint16_t mtu,
		       const struct pkt_spec *quoted)
{
	uint8_t wb[PKT_MAX];
	size_t wlen = pkt_build_icmp(wb, smac, dmac, src, dst, type, code, mtu,
				     0xc0, 64, quoted, 8);

	if (r->outlen != wlen || memcmp(r->out, wb, wlen)) {
		dp_diff(r->out, r->outlen, wb, wlen);
		return -1;
	}
	return pkt_csums_ok(r->out + sizeof(struct ethhdr)) ? 0 : -1;
}

static int state_of(uint8_t proto, uint16_t cport, uint16_t vport)
{
	struct xvs_conn cn;

	if (dp_conn(&env, proto, CLI, cport, VIP, vport, &cn))
		return -1;
	return cn.state & XVS_CONN_STATE_MASK;
}

/* ---- steps ----------------------------------------------------------- */

static int t_arp_passes(void)
{
	uint8_t b[60] = { 0 };
	struct dp_run r;

	pkt_mac(b, "ff:ff:ff:ff:ff:ff");
	pkt_mac(b + 6, MAC_CLI);
	b[12] = 0x08;
	b[13] = 0x06;
	CHECK(!dp_run_xdp(&env, b, sizeof(b), env.ext, &r));
	CHECK(r.retval == XDP_PASS);
	CHECK(r.outlen == sizeof(b) && !memcmp(r.out, b, sizeof(b)));
	return 0;
}

static int t_non_vip_untouched(void)
{
	struct pkt_spec in = c2v(40000, 22, TH_SYN);
	struct dp_run r;

	in.daddr = "192.168.1.100";
	CHECK(!run(0, &in, env.ext, XDP_PASS, &in, &r));
	in.proto = IPPROTO_UDP;
	CHECK(!run(0, &in, env.ext, XDP_PASS, &in, &r));
	CHECK(!run(1, &in, env.ext, TC_ACT_OK, &in, &r));
	CHECK(dp_conn_count(&env) == 0);
	return 0;
}

static int t_nonsyn_without_conn_passes(void)
{
	struct pkt_spec in = c2v(40000, 80, TH_ACK);
	struct dp_run r;

	CHECK(!run(0, &in, env.ext, XDP_PASS, &in, &r));
	in.flags = TH_SYN | TH_RST;
	CHECK(!run(0, &in, env.ext, XDP_PASS, &in, &r));
	CHECK(dp_conn_count(&env) == 0);
	return 0;
}

static int t_syn_dnat_port_mapping(void)
{
	struct pkt_spec in = c2v(40001, 80, TH_SYN);
	struct pkt_spec want = c2r(40001, RS1, 8080, MAC_RS1, TH_SYN);
	struct xvs_stats s;
	struct xvs_conn cn;
	struct dp_run r;

	CHECK(!run(0, &in, env.ext, XDP_REDIRECT, &want, &r));
	CHECK(!dp_conn(&env, IPPROTO_TCP, CLI, 40001, VIP, 80, &cn));
	CHECK(cn.daddr == dp_ip(RS1) && cn.dport == htons(8080));
	CHECK(cn.dest_id == 1 && cn.svc_id == 1);
	CHECK(cn.state == XVS_TCP_S_SYN_RECV);	/* active: no INACTIVE bit */
	CHECK(cn.timeout == 60);
	CHECK(dp_cnt(&env, 1).active == 1 && dp_cnt(&env, 1).inactive == 0);
	s = dp_stats(&env, env.skel->maps.svc_stats, 1);
	CHECK(s.conns == 1 && s.inpkts == 1 && s.inbytes == 40);
	s = dp_stats(&env, env.skel->maps.dest_stats, 1);
	CHECK(s.conns == 1 && s.inpkts == 1 && s.inbytes == 40);
	s = dp_stats(&env, env.skel->maps.glob_stats, 0);
	CHECK(s.conns == 1 && s.inpkts == 1);
	return 0;
}

static int t_rr_second_dest(void)
{
	struct pkt_spec in = c2v(40002, 80, TH_SYN);
	struct pkt_spec want = c2r(40002, RS2, 80, MAC_RS2, TH_SYN);
	struct dp_run r;

	CHECK(!run(0, &in, env.ext, XDP_REDIRECT, &want, &r));
	CHECK(dp_cnt(&env, 2).active == 1);
	/* A retransmitted SYN is the same connection, not a new one. */
	CHECK(!run(0, &in, env.ext, XDP_REDIRECT, &want, &r));
	CHECK(dp_stats(&env, env.skel->maps.svc_stats, 1).conns == 2);
	return 0;
}

static int t_reply_snat(void)
{
	struct pkt_spec in = r2c(RS1, 8080, MAC_RS1, 40001, TH_SYN | TH_ACK);
	struct pkt_spec want = v2c(80, 40001, TH_SYN | TH_ACK);
	struct xvs_stats s;
	struct xvs_conn cn;
	struct dp_run r;

	in.paylen = 11;
	want.paylen = 11;
	CHECK(!run(0, &in, env.int_, XDP_REDIRECT, &want, &r));
	CHECK(!dp_conn(&env, IPPROTO_TCP, CLI, 40001, VIP, 80, &cn));
	CHECK(cn.state == XVS_TCP_S_SYN_RECV);
	CHECK(cn.flags & XVS_CONN_F_SEEN_REPLY);
	s = dp_stats(&env, env.skel->maps.svc_stats, 1);
	CHECK(s.outpkts == 1 && s.outbytes == 51);
	CHECK(dp_stats(&env, env.skel->maps.dest_stats, 1).outpkts == 1);
	return 0;
}

static int t_tcp_states(void)
{
	struct pkt_spec ack = c2v(40001, 80, TH_ACK);
	struct pkt_spec ack_o = c2r(40001, RS1, 8080, MAC_RS1, TH_ACK);
	struct pkt_spec fin = c2v(40001, 80, TH_FIN | TH_ACK);
	struct pkt_spec fin_o = c2r(40001, RS1, 8080, MAC_RS1, TH_FIN | TH_ACK);
	struct pkt_spec rfin = r2c(RS1, 8080, MAC_RS1, 40001, TH_FIN | TH_ACK);
	struct pkt_spec rfin_o = v2c(80, 40001, TH_FIN | TH_ACK);
	struct xvs_conn cn;
	struct dp_run r;

	CHECK(!run(0, &ack, env.ext, XDP_REDIRECT, &ack_o, &r));
	CHECK(state_of(IPPROTO_TCP, 40001, 80) == XVS_TCP_S_ESTABLISHED);
	CHECK(dp_cnt(&env, 1).active == 1 && dp_cnt(&env, 1).inactive == 0);
	CHECK(!dp_conn(&env, IPPROTO_TCP, CLI, 40001, VIP, 80, &cn));
	CHECK(cn.timeout == 900);

	CHECK(!run(0, &fin, env.ext, XDP_REDIRECT, &fin_o, &r));
	CHECK(state_of(IPPROTO_TCP, 40001, 80) == XVS_TCP_S_CLOSE_WAIT);
	CHECK(dp_cnt(&env, 1).active == 0 && dp_cnt(&env, 1).inactive == 1);

	CHECK(!run(0, &rfin, env.int_, XDP_REDIRECT, &rfin_o, &r));
	CHECK(!dp_conn(&env, IPPROTO_TCP, CLI, 40001, VIP, 80, &cn));
	CHECK(cn.state == (XVS_TCP_S_TIME_WAIT | XVS_CONN_INACTIVE));
	CHECK(cn.timeout == 120);
	CHECK(dp_cnt(&env, 1).active == 0 && dp_cnt(&env, 1).inactive == 1);
	return 0;
}

static int t_syn_on_time_wait_reschedules(void)
{
	struct pkt_spec in = c2v(40001, 80, TH_SYN);
	struct dp_run r;

	/* rr cursor is on RS2 (step 5): the fresh pick is RS1 again. */
	CHECK(!run(0, &in, env.ext, XDP_REDIRECT, NULL, &r));
	CHECK(state_of(IPPROTO_TCP, 40001, 80) == XVS_TCP_S_SYN_RECV);
	/* The TIME_WAIT conn left the inactive count, the new one is active. */
	CHECK(dp_cnt(&env, 1).active == 1 && dp_cnt(&env, 1).inactive == 0);
	CHECK(dp_stats(&env, env.skel->maps.svc_stats, 1).conns == 3);
	return 0;
}

static int t_rst_closes(void)
{
	struct pkt_spec ack = c2v(40002, 80, TH_ACK);
	struct pkt_spec rst = r2c(RS2, 80, MAC_RS2, 40002, TH_RST);
	struct dp_run r;

	CHECK(!run(0, &ack, env.ext, XDP_REDIRECT, NULL, &r));
	CHECK(state_of(IPPROTO_TCP, 40002, 80) == XVS_TCP_S_ESTABLISHED);
	CHECK(!run(0, &rst, env.int_, XDP_REDIRECT, NULL, &r));
	CHECK(state_of(IPPROTO_TCP, 40002, 80) == XVS_TCP_S_CLOSE);
	CHECK(dp_cnt(&env, 2).active == 0 && dp_cnt(&env, 2).inactive == 1);
	return 0;
}

static int t_weight0_drains(void)
{
	struct pkt_spec syn = c2v(40003, 80, TH_SYN);
	struct pkt_spec syn_o = c2r(40003, RS2, 80, MAC_RS2, TH_SYN);
	struct pkt_spec old = c2v(40001, 80, TH_ACK);
	struct pkt_spec old_o = c2r(40001, RS1, 8080, MAC_RS1, TH_ACK);
	struct dp_run r;

	dp_list(&env, 1, (__u32[]){ 1, 2 }, (int[]){ 0, 1 }, 2);
	CHECK(!run(0, &syn, env.ext, XDP_REDIRECT, &syn_o, &r));
	syn.sport = 40004;
	syn_o.sport = 40004;
	CHECK(!run(0, &syn, env.ext, XDP_REDIRECT, &syn_o, &r));
	/* The existing connection to the weight-0 server still flows. */
	CHECK(!run(0, &old, env.ext, XDP_REDIRECT, &old_o, &r));
	CHECK(state_of(IPPROTO_TCP, 40001, 80) == XVS_TCP_S_ESTABLISHED);
	dp_list(&env, 1, (__u32[]){ 1, 2 }, (int[]){ 1, 1 }, 2);
	return 0;
}

static int t_no_dest_port_unreachable(void)
{
	struct pkt_spec syn = c2v(40010, 81, TH_SYN);
	struct pkt_spec udp = c2v(5010, 81, 0);
	struct dp_run r;

	CHECK(!run(0, &syn, env.ext, XDP_TX, NULL, &r));
	CHECK(!expect_icmp(&r, MAC_EXT, MAC_CLI, VIP, CLI, ICMP_DEST_UNREACH,
			   ICMP_PORT_UNREACH, 0, &syn));
	CHECK(dp_drops(&env, XVS_DROP_NO_DEST) == 1);
	CHECK(state_of(IPPROTO_TCP, 40010, 81) < 0);
	/* tc answers the same way (tc-only datapath). */
	CHECK(!run(1, &syn, env.ext, TC_ACT_REDIRECT, NULL, &r));
	CHECK(!expect_icmp(&r, MAC_EXT, MAC_CLI, VIP, CLI, ICMP_DEST_UNREACH,
			   ICMP_PORT_UNREACH, 0, &syn));
	/* UDP too (svc 3 is TCP only: add the UDP twin). */
	dp_svc(&env, 7, IPPROTO_UDP, VIP, 81, XVS_SCHED_WLC);
	dp_list(&env, 7, (__u32[]){ 4 }, (int[]){ 0 }, 1);
	udp.proto = IPPROTO_UDP;
	udp.paylen = 30;
	CHECK(!run(0, &udp, env.ext, XDP_TX, NULL, &r));
	CHECK(!expect_icmp(&r, MAC_EXT, MAC_CLI, VIP, CLI, ICMP_DEST_UNREACH,
			   ICMP_PORT_UNREACH, 0, &udp));
	CHECK(dp_drops(&env, XVS_DROP_NO_DEST) == 3);
	return 0;
}

static int t_udp(void)
{
	struct pkt_spec in = c2v(5000, 53, 0), want;
	struct pkt_spec rep = r2c(RS1, 5353, MAC_RS1, 5001, 0), rep_o;
	struct xvs_conn cn;
	struct dp_run r;

	in.proto = IPPROTO_UDP;
	in.paylen = 25;
	in.udp_csum0 = 1;
	want = c2r(5000, RS1, 5353, MAC_RS1, 0);
	want.proto = IPPROTO_UDP;
	want.paylen = 25;
	want.udp_csum0 = 1;
	CHECK(!run(0, &in, env.ext, XDP_REDIRECT, &want, &r));
	CHECK(!dp_conn(&env, IPPROTO_UDP, CLI, 5000, VIP, 53, &cn));
	CHECK(cn.state == (XVS_S_UDP | XVS_CONN_INACTIVE) && cn.timeout == 300);
	CHECK(dp_cnt(&env, 3).active == 0 && dp_cnt(&env, 3).inactive == 1);

	in.sport = want.sport = 5001;
	in.udp_csum0 = want.udp_csum0 = 0;
	CHECK(!run(0, &in, env.ext, XDP_REDIRECT, &want, &r));
	CHECK(dp_cnt(&env, 3).inactive == 2);

	rep.proto = IPPROTO_UDP;
	rep.paylen = 40;
	rep_o = v2c(53, 5001, 0);
	rep_o.proto = IPPROTO_UDP;
	rep_o.paylen = 40;
	CHECK(!run(0, &rep, env.int_, XDP_REDIRECT, &rep_o, &r));
	CHECK(dp_stats(&env, env.skel->maps.svc_stats, 2).outpkts == 1);
	return 0;
}

static int t_icmp_from_client_side(void)
{
	/* A router says our reply VIP:80 -> CLI:40003 was too big. */
	struct pkt_spec quoted = v2c(80, 40003, TH_ACK);
	struct pkt_spec quoted_o = r2c(RS2, 80, NULL, 40003, TH_ACK);
	uint8_t ib[PKT_MAX], wb[PKT_MAX];
	size_t ilen, wlen;
	struct dp_run r;

	quoted.ttl = 64;
	quoted.paylen = 1400;
	quoted_o.paylen = 1400;
	ilen = pkt_build_icmp(ib, MAC_GW, MAC_EXT, "192.168.1.1", VIP,
			      ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, 1400, 0, 64,
			      &quoted, 8);
	wlen = pkt_build_icmp(wb, MAC_INT, MAC_RS2, "192.168.1.1", RS2,
			      ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, 1400, 0, 63,
			      &quoted_o, 8);
	CHECK(!dp_run_xdp(&env, ib, ilen, env.ext, &r));
	CHECK(r.retval == XDP_REDIRECT);
	if (r.outlen != wlen || memcmp(r.out, wb, wlen)) {
		dp_diff(r.out, r.outlen, wb, wlen);
		return -1;
	}
	CHECK(pkt_csums_ok(r.out + sizeof(struct ethhdr)));
	/* The quoted IP header's own checksum is right too. */
	CHECK(pkt_sum(r.out + sizeof(struct ethhdr) + 28, 20, 0) == 0xffff);
	return 0;
}

static int t_icmp_from_server_side(void)
{
	/* RS2 says port unreachable about CLI:40003 -> RS2:80. */
	struct pkt_spec quoted = c2r(40003, RS2, 80, NULL, TH_SYN);
	struct pkt_spec quoted_o = c2v(40003, 80, TH_SYN);
	uint8_t ib[PKT_MAX], wb[PKT_MAX];
	size_t ilen, wlen;
	struct dp_run r;
	int tc;

	quoted_o.ttl = 63;
	ilen = pkt_build_icmp(ib, MAC_RS2, MAC_INT, RS2, CLI, ICMP_DEST_UNREACH,
			      ICMP_PORT_UNREACH, 0, 0, 64, &quoted, 8);
	wlen = pkt_build_icmp(wb, MAC_EXT, MAC_CLI, VIP, CLI, ICMP_DEST_UNREACH,
			      ICMP_PORT_UNREACH, 0, 0, 63, &quoted_o, 8);
	for (tc = 0; tc < 2; tc++) {
		CHECK(!(tc ? dp_run_tc : dp_run_xdp)(&env, ib, ilen, env.int_, &r));
		CHECK(r.retval == (tc ? TC_ACT_REDIRECT : XDP_REDIRECT));
		if (r.outlen != wlen || memcmp(r.out, wb, wlen)) {
			dp_diff(r.out, r.outlen, wb, wlen);
			return -1;
		}
	}
	CHECK(pkt_csums_ok(r.out + sizeof(struct ethhdr)));
	/* ICMP not about a connection passes. */
	quoted.sport = 1;
	ilen = pkt_build_icmp(ib, MAC_RS2, MAC_INT, RS2, CLI, ICMP_DEST_UNREACH,
			      ICMP_PORT_UNREACH, 0, 0, 64, &quoted, 8);
	CHECK(!dp_run_xdp(&env, ib, ilen, env.int_, &r));
	CHECK(r.retval == XDP_PASS && !memcmp(r.out, ib, ilen));
	return 0;
}

static __u32 rr_cursor(__u32 svc)
{
	struct xvs_svc_dests sd;

	bpf_map_lookup_elem(dp_fd(env.skel->maps.svc_dests), &svc, &sd);
	return sd.rr_cursor;
}

static int t_partial_csum_to_tc(void)
{
	struct pkt_spec in = c2v(40020, 80, TH_SYN);
	struct xvs_stats before, after;
	__u32 cur = rr_cursor(1), n = dp_conn_count(&env);
	struct dp_run r;

	in.partial = 1;
	before = dp_stats(&env, env.skel->maps.glob_stats, 0);
	CHECK(!run(0, &in, env.ext, XDP_PASS, NULL, &r));
	CHECK(r.metalen == 0);
	{
		uint8_t ib[PKT_MAX];
		size_t ilen = pkt_build(ib, &in);

		CHECK(r.outlen == ilen && !memcmp(r.out, ib, ilen));
	}
	after = dp_stats(&env, env.skel->maps.glob_stats, 0);
	CHECK(!memcmp(&before, &after, sizeof(before)));
	CHECK(rr_cursor(1) == cur && dp_conn_count(&env) == n);
	/* Also for a packet of a known connection. */
	in = c2v(40003, 80, TH_ACK);
	in.partial = 1;
	CHECK(!run(0, &in, env.ext, XDP_PASS, NULL, &r));
	after = dp_stats(&env, env.skel->maps.glob_stats, 0);
	CHECK(!memcmp(&before, &after, sizeof(before)));
	return 0;
}

static int t_tc_path(void)
{
	struct pkt_spec in = c2v(40021, 80, TH_SYN), want;
	struct pkt_spec rep = r2c(RS1, 8080, MAC_RS1, 40021, TH_SYN | TH_ACK);
	struct pkt_spec rep_o = v2c(80, 40021, TH_SYN | TH_ACK);
	struct xvs_conn cn;
	struct dp_run r;

	CHECK(!run(1, &in, env.ext, TC_ACT_REDIRECT, NULL, &r));
	CHECK(!dp_conn(&env, IPPROTO_TCP, CLI, 40021, VIP, 80, &cn));
	want = cn.dest_id == 1 ? c2r(40021, RS1, 8080, MAC_RS1, TH_SYN) :
				 c2r(40021, RS2, 80, MAC_RS2, TH_SYN);
	in.flags = want.flags = TH_ACK;
	in.paylen = want.paylen = 100;
	CHECK(!run(1, &in, env.ext, TC_ACT_REDIRECT, &want, &r));
	CHECK(state_of(IPPROTO_TCP, 40021, 80) == XVS_TCP_S_ESTABLISHED);
	if (cn.dest_id != 1) {
		rep.saddr = RS2;
		rep.sport = 80;
		rep.smac = MAC_RS2;
	}
	CHECK(!run(1, &rep, env.int_, TC_ACT_REDIRECT, &rep_o, &r));
	return 0;
}

static int t_no_neigh_meta(void)
{
	struct pkt_spec in = c2v(40030, 82, TH_SYN), want;
	struct xvs_meta *m;
	struct dp_run r;

	CHECK(!run(0, &in, env.ext, XDP_PASS, &in, &r));
	CHECK(r.metalen == sizeof(*m));
	m = (void *)r.out;
	CHECK(m->magic == XVS_META_MAGIC && m->flags == XVS_META_F_ACCOUNTED);
	CHECK(state_of(IPPROTO_TCP, 40030, 82) == XVS_TCP_S_SYN_RECV);
	CHECK(dp_cnt(&env, 5).active == 1);
	CHECK(dp_stats(&env, env.skel->maps.svc_stats, 4).inpkts == 1);
	/* A packet of a known conn: XDP passes it with no side effects ... */
	in.flags = TH_ACK;
	CHECK(!run(0, &in, env.ext, XDP_PASS, &in, &r));
	CHECK(r.metalen == 0);
	CHECK(state_of(IPPROTO_TCP, 40030, 82) == XVS_TCP_S_SYN_RECV);
	CHECK(dp_stats(&env, env.skel->maps.svc_stats, 4).inpkts == 1);
	/* ... and tc does all of it, with bpf_redirect_neigh (L2 untouched). */
	want = in;
	want.daddr = RS_NONEIGH;
	want.ttl = 63;
	CHECK(!run(1, &in, env.ext, TC_ACT_REDIRECT, &want, &r));
	CHECK(state_of(IPPROTO_TCP, 40030, 82) == XVS_TCP_S_ESTABLISHED);
	CHECK(dp_stats(&env, env.skel->maps.svc_stats, 4).inpkts == 2);
	return 0;
}

static int t_ttl_expired(void)
{
	struct pkt_spec in = c2v(40040, 80, TH_SYN);
	struct dp_run r;

	in.ttl = 1;
	CHECK(!run(0, &in, env.ext, XDP_TX, NULL, &r));
	CHECK(!expect_icmp(&r, MAC_EXT, MAC_CLI, VIP, CLI, ICMP_TIME_EXCEEDED,
			   ICMP_EXC_TTL, 0, &in));
	CHECK(state_of(IPPROTO_TCP, 40040, 80) < 0);
	return 0;
}

static int t_fib_blackhole_unreachable(void)
{
	struct pkt_spec syn = c2v(40050, 80, TH_SYN);
	struct pkt_spec rep;
	struct xvs_conn cn;
	struct dp_run r;
	__u64 fib0 = dp_drops(&env, XVS_DROP_FIB);

	syn.saddr = "203.0.113.7";	/* blackholed on the way back */
	CHECK(!run(0, &syn, env.ext, XDP_REDIRECT, NULL, &r));
	CHECK(!dp_conn(&env, IPPROTO_TCP, "203.0.113.7", 40050, VIP, 80, &cn));
	rep = r2c(cn.dest_id == 1 ? RS1 : RS2, cn.dest_id == 1 ? 8080 : 80,
		  cn.dest_id == 1 ? MAC_RS1 : MAC_RS2, 40050, TH_SYN | TH_ACK);
	rep.daddr = "203.0.113.7";
	CHECK(!run(0, &rep, env.int_, XDP_DROP, NULL, &r));
	CHECK(dp_drops(&env, XVS_DROP_FIB) == fib0 + 1);

	syn.saddr = "198.51.100.9";	/* unreachable on the way back */
	CHECK(!run(0, &syn, env.ext, XDP_REDIRECT, NULL, &r));
	CHECK(!dp_conn(&env, IPPROTO_TCP, "198.51.100.9", 40050, VIP, 80, &cn));
	rep = r2c(cn.dest_id == 1 ? RS1 : RS2, cn.dest_id == 1 ? 8080 : 80,
		  cn.dest_id == 1 ? MAC_RS1 : MAC_RS2, 40050, TH_SYN | TH_ACK);
	rep.daddr = "198.51.100.9";
	CHECK(!run(0, &rep, env.int_, XDP_TX, NULL, &r));
	CHECK(!expect_icmp(&r, MAC_INT, rep.smac, VIP, rep.saddr,
			   ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0, &rep));
	CHECK(dp_drops(&env, XVS_DROP_FIB) == fib0 + 2);
	return 0;
}

static int t_frag_needed(void)
{
	struct pkt_spec big = c2v(40003, 80, TH_ACK);
	struct dp_run r;
	int rc;

	big.df = 1;
	big.paylen = 1100;
	if (dp_sh("ip link set int mtu 1000"))
		return -1;
	rc = run(0, &big, env.ext, XDP_TX, NULL, &r);
	if (!rc)
		rc = expect_icmp(&r, MAC_EXT, MAC_CLI, VIP, CLI,
				 ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, 1000, &big);
	if (!rc && dp_drops(&env, XVS_DROP_FRAG_NEEDED) != 1)
		rc = -1;
	/* Without DF it cannot be sent either: dropped. */
	big.df = 0;
	if (!rc)
		rc = run(0, &big, env.ext, XDP_DROP, NULL, &r);
	dp_sh("ip link set int mtu 1500");
	return rc;
}

static int t_dest_gone(void)
{
	struct pkt_spec in = c2v(40003, 80, TH_ACK);
	struct dp_run r;
	__u32 id = 2;
	struct xvs_dest d;

	bpf_map_lookup_elem(dp_fd(env.skel->maps.dest_info), &id, &d);
	d.flags = 0;
	bpf_map_update_elem(dp_fd(env.skel->maps.dest_info), &id, &d, BPF_ANY);
	CHECK(!run(0, &in, env.ext, XDP_DROP, NULL, &r));
	CHECK(dp_drops(&env, XVS_DROP_DEST_GONE) == 1);
	CHECK(state_of(IPPROTO_TCP, 40003, 80) == XVS_TCP_S_SYN_RECV);
	d.flags = XVS_DEST_F_AVAILABLE;
	bpf_map_update_elem(dp_fd(env.skel->maps.dest_info), &id, &d, BPF_ANY);
	CHECK(!run(0, &in, env.ext, XDP_REDIRECT, NULL, &r));
	return 0;
}

/* Which dest id did the SYN from @cport to @vport get? */
static int syn_dest(uint16_t cport, uint16_t vport)
{
	struct pkt_spec in = c2v(cport, vport, TH_SYN);
	struct xvs_conn cn;
	struct dp_run r;

	if (run(0, &in, env.ext, XDP_REDIRECT, NULL, &r))
		return -1;
	if (dp_conn(&env, IPPROTO_TCP, CLI, cport, VIP, vport, &cn))
		return -1;
	return cn.dest_id;
}

static int t_wlc(void)
{
	/* Ties -> first in list; then the less loaded one. */
	CHECK(syn_dest(41001, 83) == 6);
	CHECK(syn_dest(41002, 83) == 7);
	CHECK(syn_dest(41003, 83) == 6);
	CHECK(dp_cnt(&env, 6).active == 2 && dp_cnt(&env, 7).active == 1);
	return 0;
}

static int t_wrr(void)
{
	static const int want[] = { 8, 8, 9, 8, 8, 9 };
	int i;

	for (i = 0; i < 6; i++)
		CHECK(syn_dest(42000 + i, 84) == want[i]);
	return 0;
}

static int gc_run(const struct xvs_conn_key *keys, __u32 n, __u32 flags)
{
	struct xvs_gc_req req = { .magic = XVS_GC_MAGIC, .flags = flags,
				  .count = n };
	struct xvs_gc_req out;
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = &req,
		    .data_size_in = sizeof(req), .data_out = &out,
		    .data_size_out = sizeof(out), .repeat = 1);

	memcpy(req.keys, keys, n * sizeof(*keys));
	if (bpf_prog_test_run_opts(bpf_program__fd(env.skel->progs.xvs_gc), &o))
		return -1;
	if (o.retval != XDP_PASS)
		return -1;
	return out.expired;
}

static int t_gc(void)
{
	struct xvs_conn_key k[2] = {
		{ .saddr = dp_ip(CLI), .daddr = dp_ip(VIP), .sport = htons(40030),
		  .dport = htons(82), .proto = IPPROTO_TCP, .dir = XVS_DIR_IN },
		{ .saddr = dp_ip(CLI), .daddr = dp_ip(VIP), .sport = htons(40003),
		  .dport = htons(80), .proto = IPPROTO_TCP, .dir = XVS_DIR_IN },
	};
	struct xvs_conn cn;
	__u32 n = dp_conn_count(&env);
	struct xvs_dest_cnt c2 = dp_cnt(&env, 2);

	/* 40030 (ESTABLISHED, dest 5) idle for ages; 40003 fresh. */
	CHECK(!dp_conn(&env, IPPROTO_TCP, CLI, 40030, VIP, 82, &cn));
	cn.last_seen = 1;
	CHECK(!dp_conn_put(&env, &cn, IPPROTO_TCP));
	CHECK(dp_cnt(&env, 5).active == 1);
	CHECK(gc_run(k, 2, 0) == 1);
	CHECK(state_of(IPPROTO_TCP, 40030, 82) < 0);
	CHECK(dp_conn_count(&env) == n - 2);	/* IN and OUT entries */
	CHECK(dp_cnt(&env, 5).active == 0 && dp_cnt(&env, 5).inactive == 0);
	CHECK(state_of(IPPROTO_TCP, 40003, 80) == XVS_TCP_S_ESTABLISHED);
	/* Forced: the fresh one goes too, its count with it. */
	CHECK(gc_run(&k[1], 1, XVS_GC_F_FORCE) == 1);
	CHECK(state_of(IPPROTO_TCP, 40003, 80) < 0);
	CHECK(dp_cnt(&env, 2).active == c2.active - 1);
	CHECK(gc_run(&k[1], 1, XVS_GC_F_FORCE) == 0);
	return 0;
}

static __u64 mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/*
 * A packet of a steady connection refreshes its timer at most once per
 * millisecond (CONN_TOUCH_NS), so CPUs sharing the flow don't write its
 * entry on every packet; a state change always refreshes it.
 */
static int t_touch(void)
{
	struct pkt_spec ack = c2v(40001, 80, TH_ACK);
	struct pkt_spec ack_o = c2r(40001, RS1, 8080, MAC_RS1, TH_ACK);
	struct xvs_conn cn;
	struct dp_run r;
	__u64 put, after;

	CHECK(state_of(IPPROTO_TCP, 40001, 80) == XVS_TCP_S_ESTABLISHED);
	CHECK(!dp_conn(&env, IPPROTO_TCP, CLI, 40001, VIP, 80, &cn));
	put = cn.last_seen = mono_ns();
	CHECK(!dp_conn_put(&env, &cn, IPPROTO_TCP));
	CHECK(!run(0, &ack, env.ext, XDP_REDIRECT, &ack_o, &r));
	after = mono_ns();
	CHECK(!dp_conn(&env, IPPROTO_TCP, CLI, 40001, VIP, 80, &cn));
	/* Untouched, unless this machine took a millisecond for the run. */
	CHECK(cn.last_seen == put || after - put >= 1000000);
	put = cn.last_seen = mono_ns() - 2000000;
	CHECK(!dp_conn_put(&env, &cn, IPPROTO_TCP));
	CHECK(!run(0, &ack, env.ext, XDP_REDIRECT, &ack_o, &r));
	CHECK(!dp_conn(&env, IPPROTO_TCP, CLI, 40001, VIP, 80, &cn));
	CHECK(cn.last_seen >= put + 2000000);
	return 0;
}

static int t_lazy_expiry(void)
{
	struct pkt_spec ack = c2v(40004, 80, TH_ACK);
	struct xvs_conn cn;
	struct dp_run r;
	__s32 active;

	CHECK(!dp_conn(&env, IPPROTO_TCP, CLI, 40004, VIP, 80, &cn));
	active = dp_cnt(&env, cn.dest_id).active;
	cn.last_seen = 1;
	CHECK(!dp_conn_put(&env, &cn, IPPROTO_TCP));
	/* Expired: removed on sight; a non-SYN without conn goes to the stack. */
	CHECK(!run(0, &ack, env.ext, XDP_PASS, &ack, &r));
	CHECK(state_of(IPPROTO_TCP, 40004, 80) < 0);
	CHECK(dp_cnt(&env, cn.dest_id).active == active - 1);
	return 0;
}

static int tpl_of(const char *net, uint16_t vport, struct xvs_conn *t)
{
	struct xvs_conn_key k = { .saddr = dp_ip(net), .daddr = dp_ip(VIP),
				  .dport = htons(vport), .proto = IPPROTO_TCP,
				  .dir = XVS_DIR_IN };

	return bpf_map_lookup_elem(dp_fd(env.skel->maps.conn_v4), &k, t);
}

static int t_persistence(void)
{
	struct xvs_conn_key tk = { .saddr = dp_ip("192.168.1.0"),
				   .daddr = dp_ip(VIP), .dport = htons(85),
				   .proto = IPPROTO_TCP, .dir = XVS_DIR_IN };
	struct xvs_conn_key ck[2] = {
		{ .saddr = dp_ip(CLI), .daddr = dp_ip(VIP), .sport = htons(43001),
		  .dport = htons(85), .proto = IPPROTO_TCP, .dir = XVS_DIR_IN },
		{ .saddr = dp_ip(CLI), .daddr = dp_ip(VIP), .sport = htons(43002),
		  .dport = htons(85), .proto = IPPROTO_TCP, .dir = XVS_DIR_IN },
	};
	struct pkt_spec port0 = c2v(0, 85, TH_SYN);
	struct pkt_spec est = c2v(43001, 85, TH_ACK);
	struct xvs_conn t, cn;
	struct dp_run r;
	__u32 id = 10;
	struct xvs_dest d;

	/* First conn: scheduled (rr: newest dest), template made. */
	CHECK(syn_dest(43001, 85) == 10);
	CHECK(!tpl_of("192.168.1.0", 85, &t));
	CHECK(t.flags & XVS_CONN_F_TEMPLATE);
	CHECK(t.dest_id == 10 && t.n_control == 1 && t.timeout == 300);
	CHECK(t.daddr == dp_ip(RS1) && t.dport == htons(85) && t.cport == 0);
	CHECK(dp_cnt(&env, 10).persist == 1 && dp_cnt(&env, 10).active == 1);
	CHECK((t.state & XVS_CONN_STATE_MASK) == XVS_TPL_S_NONE);
	/* Its connection established: the template is ASSURED (ip_vs_control_assure). */
	CHECK(!run(0, &est, env.ext, XDP_REDIRECT, NULL, &r));
	CHECK(!tpl_of("192.168.1.0", 85, &t));
	CHECK((t.state & XVS_CONN_STATE_MASK) == XVS_TPL_S_ASSURED);
	/* rr would now pick RS2: the template keeps the client net on RS1. */
	CHECK(syn_dest(43002, 85) == 10);
	CHECK(!tpl_of("192.168.1.0", 85, &t) && t.n_control == 2);
	CHECK(!dp_conn(&env, IPPROTO_TCP, CLI, 43002, VIP, 85, &cn));
	CHECK((cn.flags & XVS_CONN_F_CONTROLLED) && cn.tpl_addr == tk.saddr);
	/* Templates are not connections: conns counts 2, persist 1. */
	CHECK(dp_stats(&env, env.skel->maps.svc_stats, 8).conns == 2);
	CHECK(dp_cnt(&env, 10).persist == 1 && dp_cnt(&env, 10).active == 2);
	/* Port 0 packets never hit a template. */
	CHECK(!run(0, &port0, env.ext, XDP_PASS, &port0, &r));

	/* Idle past its timeout but controlling conns: gc keeps it. */
	t.last_seen = 1;
	CHECK(!bpf_map_update_elem(dp_fd(env.skel->maps.conn_v4), &tk, &t, BPF_EXIST));
	CHECK(gc_run(&tk, 1, 0) == 0);
	/* Its conns go: n_control 0, re-armed for its timeout. */
	CHECK(gc_run(ck, 2, XVS_GC_F_FORCE) == 2);
	CHECK(!tpl_of("192.168.1.0", 85, &t) && t.n_control == 0);
	CHECK(t.last_seen > 1);
	CHECK(gc_run(&tk, 1, 0) == 0);
	/* A new conn in that time still goes to RS1 and re-arms it. */
	CHECK(syn_dest(43003, 85) == 10);
	CHECK(!tpl_of("192.168.1.0", 85, &t) && t.n_control == 1);

	/*
	 * Server removed: the net is rescheduled; the old template is re-keyed
	 * with ports 65535 and lingers, still counted, until its timer ends
	 * (ip_vs_check_template()).
	 */
	bpf_map_lookup_elem(dp_fd(env.skel->maps.dest_info), &id, &d);
	d.flags = 0;
	bpf_map_update_elem(dp_fd(env.skel->maps.dest_info), &id, &d, BPF_ANY);
	CHECK(syn_dest(43004, 85) == 11);
	CHECK(!tpl_of("192.168.1.0", 85, &t) && t.dest_id == 11);
	CHECK(!tpl_of("192.168.1.0", 65535, &t) && t.dest_id == 10);
	CHECK(t.vport == 0xffff && t.dport == 0xffff && t.cport == 0 && t.n_control == 0);
	CHECK(dp_cnt(&env, 10).persist == 1 && dp_cnt(&env, 11).persist == 1);
	tk.dport = 0xffff;
	t.last_seen = 1;
	CHECK(!bpf_map_update_elem(dp_fd(env.skel->maps.conn_v4), &tk, &t, BPF_EXIST));
	CHECK(gc_run(&tk, 1, 0) == 1);
	CHECK(dp_cnt(&env, 10).persist == 0);
	tk.dport = htons(85);
	d.flags = XVS_DEST_F_AVAILABLE;
	bpf_map_update_elem(dp_fd(env.skel->maps.dest_info), &id, &d, BPF_ANY);

	/* Idle and controlling nothing: gc removes it and its count. */
	ck[0].sport = htons(43004);
	CHECK(gc_run(ck, 1, XVS_GC_F_FORCE) == 1);
	CHECK(!tpl_of("192.168.1.0", 85, &t) && t.n_control == 0);
	t.last_seen = 1;
	CHECK(!bpf_map_update_elem(dp_fd(env.skel->maps.conn_v4), &tk, &t, BPF_EXIST));
	CHECK(gc_run(&tk, 1, 0) == 1);
	CHECK(tpl_of("192.168.1.0", 85, &t) != 0);
	CHECK(dp_cnt(&env, 11).persist == 0);
	return 0;
}

/* ---- table ----------------------------------------------------------- */

static const struct dp_step steps[] = {
	{ "ARP passes untouched", t_arp_passes },
	{ "non-VIP TCP/UDP passes untouched (XDP and tc)", t_non_vip_untouched },
	{ "TCP non-SYN / SYN+RST without a connection passes", t_nonsyn_without_conn_passes },
	{ "SYN: DNAT VIP:80 -> newest dest RIP:8080, counts, stats", t_syn_dnat_port_mapping },
	{ "rr: next SYN to the next dest; SYN retransmit same conn", t_rr_second_dest },
	{ "reply: SNAT RIP:8080 -> VIP:80, outpkts/outbytes", t_reply_snat },
	{ "TCP flags: ESTABLISHED, CLOSE_WAIT, TIME_WAIT, active/inactive", t_tcp_states },
	{ "SYN on TIME_WAIT: expire and schedule afresh", t_syn_on_time_wait_reschedules },
	{ "RST: ESTABLISHED -> CLOSE", t_rst_closes },
	{ "weight 0: no new conns, existing conn keeps flowing", t_weight0_drains },
	{ "no usable server: ICMP port unreachable (TCP, UDP, tc)", t_no_dest_port_unreachable },
	{ "UDP: DNAT with checksum 0 and full, reply SNAT", t_udp },
	{ "ICMP frag-needed about a reply -> translated to the server", t_icmp_from_client_side },
	{ "ICMP port unreachable from the server -> translated to client", t_icmp_from_server_side },
	{ "CHECKSUM_PARTIAL: XDP passes untouched, no side effects", t_partial_csum_to_tc },
	{ "tc path: DNAT and SNAT with csum helpers", t_tc_path },
	{ "NO_NEIGH: XDP accounts + meta; tc redirect_neigh", t_no_neigh_meta },
	{ "TTL 1: ICMP time exceeded", t_ttl_expired },
	{ "fib blackhole drops, unreachable answers ICMP", t_fib_blackhole_unreachable },
	{ "DF too big: ICMP frag-needed with egress MTU", t_frag_needed },
	{ "dest removed: packets dropped and counted", t_dest_gone },
	{ "wlc: ties to first in list, then least loaded", t_wlc },
	{ "wrr 2:1 over packets: 8 8 9 8 8 9", t_wrr },
	{ "xvs_gc: idle conn expired, counts fixed; FORCE", t_gc },
	{ "a steady flow's timer refreshed at most once per ms", t_touch },
	{ "lazy expiry on the next packet", t_lazy_expiry },
	{ "persistence: templates, n_control, re-arm, invalidation, gc", t_persistence },
};

static int setup(void)
{
	if (dp_open(&env))
		return -1;
	dp_globals(&env, 1);
	dp_svc(&env, 1, IPPROTO_TCP, VIP, 80, XVS_SCHED_RR);
	dp_dest(&env, 1, 1, RS1, 8080, 1);
	dp_dest(&env, 2, 1, RS2, 80, 1);
	dp_list(&env, 1, (__u32[]){ 1, 2 }, (int[]){ 1, 1 }, 2);
	dp_svc(&env, 2, IPPROTO_UDP, VIP, 53, XVS_SCHED_RR);
	dp_dest(&env, 3, 2, RS1, 5353, 1);
	dp_list(&env, 2, (__u32[]){ 3 }, (int[]){ 1 }, 1);
	dp_svc(&env, 3, IPPROTO_TCP, VIP, 81, XVS_SCHED_RR);
	dp_dest(&env, 4, 3, RS1, 81, 0);
	dp_list(&env, 3, (__u32[]){ 4 }, (int[]){ 0 }, 1);
	dp_svc(&env, 4, IPPROTO_TCP, VIP, 82, XVS_SCHED_RR);
	dp_dest(&env, 5, 4, RS_NONEIGH, 82, 1);
	dp_list(&env, 4, (__u32[]){ 5 }, (int[]){ 1 }, 1);
	dp_svc(&env, 5, IPPROTO_TCP, VIP, 83, XVS_SCHED_WLC);
	dp_dest(&env, 6, 5, RS1, 83, 1);
	dp_dest(&env, 7, 5, RS2, 83, 1);
	dp_list(&env, 5, (__u32[]){ 6, 7 }, (int[]){ 1, 1 }, 2);
	dp_svc(&env, 6, IPPROTO_TCP, VIP, 84, XVS_SCHED_WRR);
	dp_dest(&env, 8, 6, RS1, 84, 2);
	dp_dest(&env, 9, 6, RS2, 84, 1);
	dp_list(&env, 6, (__u32[]){ 8, 9 }, (int[]){ 2, 1 }, 2);
	{
		struct xvs_svc_key k = { .addr = dp_ip(VIP), .port = htons(85),
					 .proto = IPPROTO_TCP };
		struct xvs_svc v = { .id = 8, .sched = XVS_SCHED_RR,
				     .flags = XVS_SVC_F_PERSISTENT, .timeout = 300,
				     .netmask = dp_ip("255.255.255.0") };

		bpf_map_update_elem(dp_fd(env.skel->maps.svc_map), &k, &v, BPF_ANY);
	}
	dp_dest(&env, 10, 8, RS1, 85, 1);
	dp_dest(&env, 11, 8, RS2, 85, 1);
	dp_list(&env, 8, (__u32[]){ 10, 11 }, (int[]){ 1, 1 }, 2);
	return 0;
}

int main(void)
{
	return dp_steps_main(&env, setup, steps, sizeof(steps) / sizeof(steps[0]));
}
