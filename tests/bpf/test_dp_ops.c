// SPDX-License-Identifier: GPL-2.0
/*
 * Packet tests of one-packet scheduling (-o, bpf/lib/sched_ops.h) on
 * build/xvs.bpf.o, run with BPF_PROG_TEST_RUN in a private network
 * namespace (dp_env.h):
 *   1. every datagram of one client tuple to a UDP -o service is scheduled
 *      afresh (rr: RS1, RS2, RS1) and counted as a connection, as IPVS's
 *      ip_vs_schedule() counts each; one entry at a time, marked OPS;
 *   2. the server's answer is rewritten to VIP:53 (IPVS would let it out
 *      untranslated: docs/datapath.md says why xvs does not);
 *   3. the same datagrams to a UDP service without -o stick to one server;
 *   4. a TCP service with the -o flag (the kernel accepts it, ipvsadm does
 *      not send it) schedules its connections as usual.
 *
 * Services: 1 UDP VIP:53 rr -o [RS1:53 RS2:53]; 2 UDP VIP:54 rr [RS1:54
 * RS2:54]; 3 TCP VIP:80 rr -o [RS1:80 RS2:80].
 */
#include "dp_steps.h"

static struct dp_env env;

static struct pkt_spec udp(const char *smac, const char *dmac, const char *src,
			   uint16_t sport, const char *dst, uint16_t dport)
{
	return (struct pkt_spec){ .smac = smac, .dmac = dmac, .saddr = src,
				  .daddr = dst, .sport = sport, .dport = dport,
				  .proto = IPPROTO_UDP, .paylen = 32 };
}

/* One client datagram through XDP: the server it went to (its IN entry's). */
static __u32 send_dgram(uint16_t vport, struct xvs_conn *cn)
{
	struct pkt_spec in = udp(MAC_GW, MAC_EXT, CLI, 40000, VIP, vport);
	uint8_t ib[PKT_MAX];
	size_t n = pkt_build(ib, &in);
	struct dp_run r;

	if (dp_frame(&env, 0, ib, n, env.ext, XDP_REDIRECT, &r))
		return 0;
	if (dp_conn(&env, IPPROTO_UDP, CLI, 40000, VIP, vport, cn))
		return 0;
	return cn->dest_id;
}

static int t_every_datagram(void)
{
	struct xvs_stats before = dp_stats(&env, env.skel->maps.svc_stats, 1), after;
	struct xvs_conn cn;

	CHECK(send_dgram(53, &cn) == 1);
	CHECK(cn.flags & XVS_CONN_F_OPS);
	CHECK(send_dgram(53, &cn) == 2);
	CHECK(send_dgram(53, &cn) == 1);
	CHECK(cn.flags & XVS_CONN_F_OPS);
	after = dp_stats(&env, env.skel->maps.svc_stats, 1);
	CHECK(after.conns == before.conns + 3);
	/* The old entry went with each new datagram: one IN entry, one reply one. */
	CHECK(dp_map_count(env.skel->maps.conn_v4) == 1);
	CHECK(dp_map_count(env.skel->maps.conn_out) == 1);
	return 0;
}

static int t_answer(void)
{
	struct pkt_spec in = udp(MAC_RS1, MAC_INT, RS1, 53, CLI, 40000);
	struct pkt_spec want = udp(MAC_EXT, MAC_CLI, VIP, 53, CLI, 40000);
	uint8_t ib[PKT_MAX], wb[PKT_MAX];
	size_t n = pkt_build(ib, &in), wn;
	struct xvs_conn cn;
	struct dp_run r;

	want.ttl = 63;
	wn = pkt_build(wb, &want);
	CHECK(!dp_frame(&env, 0, ib, n, env.int_, XDP_REDIRECT, &r));
	CHECK(dp_same(&r, wb, wn));
	CHECK(!dp_conn(&env, IPPROTO_UDP, CLI, 40000, VIP, 53, &cn));
	CHECK(cn.flags & XVS_CONN_F_SEEN_REPLY);
	return 0;
}

static int t_without_ops(void)
{
	struct xvs_conn cn;
	__u32 first = send_dgram(54, &cn);

	CHECK(first == 3 || first == 4);
	CHECK(!(cn.flags & XVS_CONN_F_OPS));
	CHECK(send_dgram(54, &cn) == first);
	CHECK(send_dgram(54, &cn) == first);
	return 0;
}

static int t_tcp_flag(void)
{
	struct pkt_spec in = { .smac = MAC_GW, .dmac = MAC_EXT, .saddr = CLI,
			       .daddr = VIP, .sport = 40001, .dport = 80,
			       .proto = IPPROTO_TCP, .flags = TH_SYN };
	uint8_t ib[PKT_MAX];
	size_t n = pkt_build(ib, &in);
	struct xvs_conn cn;
	struct dp_run r;

	CHECK(!dp_frame(&env, 0, ib, n, env.ext, XDP_REDIRECT, &r));
	CHECK(!dp_conn(&env, IPPROTO_TCP, CLI, 40001, VIP, 80, &cn));
	CHECK(!(cn.flags & XVS_CONN_F_OPS));
	/* The next segment is the same connection's. */
	in.flags = TH_ACK;
	n = pkt_build(ib, &in);
	CHECK(!dp_frame(&env, 0, ib, n, env.ext, XDP_REDIRECT, &r));
	CHECK(dp_map_count(env.skel->maps.conn_v4) == 3);
	return 0;
}

static const struct dp_step steps[] = {
	{ "-o: every datagram scheduled afresh, counted, one entry at a time", t_every_datagram },
	{ "-o: the server's answer goes out from VIP:53", t_answer },
	{ "no -o: the same tuple sticks to its server", t_without_ops },
	{ "-o on a TCP service: connections as usual", t_tcp_flag },
};

/* Service @id with flags, as xvsd writes it, and its two servers. */
static void ops_svc(__u32 id, uint8_t proto, uint16_t port, __u32 flags)
{
	struct xvs_svc_key k = { .addr = dp_ip(VIP), .port = htons(port), .proto = proto };
	struct xvs_svc v = { .id = id, .sched = XVS_SCHED_RR, .flags = flags };
	__u32 ids[] = { 2 * id - 1, 2 * id };
	int w[] = { 1, 1 };

	bpf_map_update_elem(dp_fd(env.skel->maps.svc_map), &k, &v, BPF_ANY);
	dp_dest(&env, ids[0], id, RS1, port, 1);
	dp_dest(&env, ids[1], id, RS2, port, 1);
	dp_list(&env, id, ids, w, 2);
}

static int setup(void)
{
	if (dp_open(&env))
		return -1;
	dp_globals(&env, 1);
	ops_svc(1, IPPROTO_UDP, 53, XVS_SVC_F_ONEPACKET);
	ops_svc(2, IPPROTO_UDP, 54, 0);
	ops_svc(3, IPPROTO_TCP, 80, XVS_SVC_F_ONEPACKET);
	return 0;
}

int main(void)
{
	return dp_steps_main(&env, setup, steps, sizeof(steps) / sizeof(steps[0]));
}
