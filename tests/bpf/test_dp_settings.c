// SPDX-License-Identifier: GPL-2.0
/*
 * IPVS's connection settings (docs/conn-settings.md) on build/xvs.bpf.o
 * with BPF_PROG_TEST_RUN, each off (IPVS's default but conn_reuse_mode 1)
 * and on, as ipvs.md 2.5 states them:
 *   sloppy_tcp                 any TCP packet but RST creates a connection
 *   conn_reuse_mode            a SYN on a TIME_WAIT connection is scheduled afresh (1)
 *                              or stays on the old one (0)
 *   expire_nodest_conn         a SYN on a connection to a weight-0 server is
 *                              rescheduled; a removed server's connection goes
 *                              on its next packet (dropped either way)
 *   expire_quiescent_template  a template whose server has weight 0 is dropped
 *                              and the client scheduled afresh
 *   nat_icmp_send              a server's packet of no connection gets ICMP
 *                              port unreachable (a RST is only dropped)
 * Services (newest dest first):
 *   1 TCP VIP:80 rr [1 RS1:80, 2 RS2:80]
 *   2 TCP VIP:85 rr -p 300 [3 RS1:85, 4 RS2:85]
 */
#include "dp_steps.h"

static struct dp_env env;
static struct xvs_globals g;

static struct pkt_spec c2v(uint16_t cport, uint16_t vport, uint8_t flags)
{
	return (struct pkt_spec){ .smac = MAC_CLI, .dmac = MAC_EXT, .saddr = CLI,
				  .daddr = VIP, .sport = cport, .dport = vport,
				  .proto = IPPROTO_TCP, .flags = flags };
}

static struct pkt_spec r2c(const char *rip, const char *rmac, uint16_t rport,
			   uint16_t cport, uint8_t flags)
{
	return (struct pkt_spec){ .smac = rmac, .dmac = MAC_INT, .saddr = rip,
				  .daddr = CLI, .sport = rport, .dport = cport,
				  .proto = IPPROTO_TCP, .flags = flags };
}

static int send_spec(const struct pkt_spec *s, int ifindex, int verdict,
		     struct dp_run *r)
{
	uint8_t b[PKT_MAX];

	return dp_frame(&env, 0, b, pkt_build(b, s), ifindex, verdict, r);
}

/* The connection of client port @cport to @vport, or a zeroed one. */
static struct xvs_conn conn_of(uint16_t cport, uint16_t vport)
{
	struct xvs_conn cn;

	if (dp_conn(&env, IPPROTO_TCP, CLI, cport, VIP, vport, &cn))
		memset(&cn, 0, sizeof(cn));
	return cn;
}

/* Client port @cport to @vport: a SYN; returns its server's dest id or 0. */
static __u32 syn(uint16_t cport, uint16_t vport)
{
	struct pkt_spec s = c2v(cport, vport, TH_SYN);
	struct dp_run r;

	if (send_spec(&s, env.ext, XDP_REDIRECT, &r))
		return 0;
	return conn_of(cport, vport).dest_id;
}

/* An established connection of @cport to @vport; its dest id or 0. */
static __u32 established(uint16_t cport, uint16_t vport)
{
	struct pkt_spec a = c2v(cport, vport, TH_ACK);
	struct dp_run r;
	__u32 id = syn(cport, vport);

	if (!id || send_spec(&a, env.ext, XDP_REDIRECT, &r))
		return 0;
	return id;
}

static void set_weight(__u32 svc_id, __u32 id, int weight, int available)
{
	struct xvs_svc_dests sd;
	struct xvs_dest d;
	__u32 i;

	bpf_map_lookup_elem(dp_fd(env.skel->maps.dest_info), &id, &d);
	d.weight = weight;
	d.flags = available ? XVS_DEST_F_AVAILABLE : 0;
	bpf_map_update_elem(dp_fd(env.skel->maps.dest_info), &id, &d, BPF_ANY);
	bpf_map_lookup_elem(dp_fd(env.skel->maps.svc_dests), &svc_id, &sd);
	for (i = 0; i < sd.count; i++)
		if (sd.dest[i] == id)
			sd.weight[i] = weight;
	bpf_map_update_elem(dp_fd(env.skel->maps.svc_dests), &svc_id, &sd, BPF_ANY);
}

/* ---- steps ----------------------------------------------------------- */

static int t_sloppy_tcp(void)
{
	struct pkt_spec ack = c2v(45000, 80, TH_ACK), rst = c2v(45001, 80, TH_RST);
	struct dp_run r;

	/* Off: IPVS schedules only on SYN; the ACK goes to the stack. */
	CHECK(!send_spec(&ack, env.ext, XDP_PASS, &r));
	CHECK(conn_of(45000, 80).dest_id == 0);
	g.sloppy_tcp = 1;
	dp_set_globals(&env, &g);
	CHECK(!send_spec(&ack, env.ext, XDP_REDIRECT, &r));
	CHECK((conn_of(45000, 80).state & XVS_CONN_STATE_MASK) == XVS_TCP_S_ESTABLISHED);
	/* Never on a RST. */
	CHECK(!send_spec(&rst, env.ext, XDP_PASS, &r));
	CHECK(conn_of(45001, 80).dest_id == 0);
	g.sloppy_tcp = 0;
	dp_set_globals(&env, &g);
	return 0;
}

/* Bring @cport's connection to TIME_WAIT: client FIN, then the server's. */
static int to_time_wait(uint16_t cport, __u32 id)
{
	struct pkt_spec fin = c2v(cport, 80, TH_FIN | TH_ACK);
	struct pkt_spec sfin = id == 1 ? r2c(RS1, MAC_RS1, 80, cport, TH_FIN | TH_ACK) :
					 r2c(RS2, MAC_RS2, 80, cport, TH_FIN | TH_ACK);
	struct dp_run r;

	CHECK(!send_spec(&fin, env.ext, XDP_REDIRECT, &r));
	CHECK(!send_spec(&sfin, env.int_, XDP_REDIRECT, &r));
	CHECK((conn_of(cport, 80).state & XVS_CONN_STATE_MASK) == XVS_TCP_S_TIME_WAIT);
	return 0;
}

static int t_conn_reuse_mode(void)
{
	__u64 conns = dp_stats(&env, env.skel->maps.svc_stats, 1).conns;
	__u32 id;

	/* 1 (default): the SYN ends the TIME_WAIT connection, rr moves on. */
	id = established(45010, 80);
	CHECK(id && !to_time_wait(45010, id));
	CHECK(syn(45010, 80) == 3 - id);
	CHECK(dp_stats(&env, env.skel->maps.svc_stats, 1).conns == conns + 2);
	/* 0: the SYN reuses it, same server, no new connection. */
	g.conn_reuse_mode = 0;
	dp_set_globals(&env, &g);
	id = established(45011, 80);
	CHECK(id && !to_time_wait(45011, id));
	CHECK(syn(45011, 80) == id);
	CHECK(dp_stats(&env, env.skel->maps.svc_stats, 1).conns == conns + 3);
	CHECK((conn_of(45011, 80).state & XVS_CONN_STATE_MASK) == XVS_TCP_S_SYN_RECV);
	g.conn_reuse_mode = 1;
	dp_set_globals(&env, &g);
	return 0;
}

static int t_expire_nodest_conn(void)
{
	struct pkt_spec ack;
	struct dp_run r;
	__u32 id;

	/* Off: a SYN on an established connection to a weight-0 server stays. */
	id = established(45020, 80);
	CHECK(id);
	set_weight(1, id, 0, 1);
	CHECK(syn(45020, 80) == id);
	/* On: the connection is expired and the SYN scheduled afresh. */
	g.expire_nodest_conn = 1;
	dp_set_globals(&env, &g);
	CHECK(syn(45020, 80) == 3 - id);
	set_weight(1, id, 1, 1);

	/* Removed server: off, dropped and kept; on, dropped and expired. */
	g.expire_nodest_conn = 0;
	dp_set_globals(&env, &g);
	id = established(45021, 80);
	CHECK(id);
	set_weight(1, id, 1, 0);
	ack = c2v(45021, 80, TH_ACK);
	CHECK(!send_spec(&ack, env.ext, XDP_DROP, &r));
	CHECK(conn_of(45021, 80).dest_id == id);
	g.expire_nodest_conn = 1;
	dp_set_globals(&env, &g);
	CHECK(!send_spec(&ack, env.ext, XDP_DROP, &r));
	CHECK(conn_of(45021, 80).dest_id == 0);
	set_weight(1, id, 1, 1);
	g.expire_nodest_conn = 0;
	dp_set_globals(&env, &g);
	return 0;
}

static int t_expire_quiescent_template(void)
{
	__u32 id;

	id = established(45030, 85);
	CHECK(id == 3 || id == 4);
	set_weight(2, id, 0, 1);
	/* Off: the template keeps the client on its quiescent server. */
	CHECK(syn(45031, 85) == id);
	/* On: the template goes, the client is scheduled afresh. */
	g.expire_quiescent_template = 1;
	dp_set_globals(&env, &g);
	CHECK(syn(45032, 85) == 7 - id);
	CHECK(syn(45033, 85) == 7 - id);
	set_weight(2, id, 1, 1);
	g.expire_quiescent_template = 0;
	dp_set_globals(&env, &g);
	return 0;
}

static int t_nat_icmp_send(void)
{
	struct pkt_spec stray = r2c(RS1, MAC_RS1, 80, 46000, TH_ACK);
	struct pkt_spec rst = r2c(RS1, MAC_RS1, 80, 46000, TH_RST);
	struct pkt_spec other = r2c(RS1, MAC_RS1, 9999, 46000, TH_ACK);
	__u64 noconn = dp_drops(&env, XVS_DROP_NO_CONN);
	uint8_t want[PKT_MAX];
	size_t wlen;
	struct dp_run r;

	/* Off: IPVS lets it through. */
	CHECK(!send_spec(&stray, env.int_, XDP_PASS, &r));
	g.nat_icmp_send = 1;
	dp_set_globals(&env, &g);
	/* On: port unreachable back to the server, from the director's side. */
	CHECK(!send_spec(&stray, env.int_, XDP_TX, &r));
	wlen = pkt_build_icmp(want, MAC_INT, MAC_RS1, "10.0.0.1", RS1, ICMP_DEST_UNREACH,
			      ICMP_PORT_UNREACH, 0, 0xc0, 64, &stray, 8);
	CHECK(dp_same(&r, want, wlen));
	CHECK(dp_drops(&env, XVS_DROP_NO_CONN) == noconn + 1);
	/* A RST is only dropped; a port no service names is none of it. */
	CHECK(!send_spec(&rst, env.int_, XDP_DROP, &r));
	CHECK(dp_drops(&env, XVS_DROP_NO_CONN) == noconn + 2);
	CHECK(!send_spec(&other, env.int_, XDP_PASS, &r));
	g.nat_icmp_send = 0;
	dp_set_globals(&env, &g);
	return 0;
}

static const struct dp_step steps[] = {
	{ "sloppy_tcp: off ACK passes; on ACK schedules, RST never", t_sloppy_tcp },
	{ "conn_reuse_mode: 1 SYN on TIME_WAIT rescheduled, 0 reused", t_conn_reuse_mode },
	{ "expire_nodest_conn: weight-0 SYN rescheduled, removed server's conn expired", t_expire_nodest_conn },
	{ "expire_quiescent_template: off kept on weight 0, on rescheduled", t_expire_quiescent_template },
	{ "nat_icmp_send: stray server packet gets port unreachable, RST dropped", t_nat_icmp_send },
};

static int setup(void)
{
	__u32 d1[] = { 1, 2 }, d2[] = { 3, 4 };
	int w[] = { 1, 1 };
	struct xvs_svc_key pk = { .addr = dp_ip(VIP), .port = htons(85),
				  .proto = IPPROTO_TCP };
	struct xvs_svc ps = { .id = 2, .sched = XVS_SCHED_RR,
			      .flags = XVS_SVC_F_PERSISTENT, .timeout = 300,
			      .netmask = 0xffffffff };
	struct xvs_addr_key rs = { .addr = dp_ip(RS1), .port = htons(80),
				   .proto = IPPROTO_TCP, .kind = XVS_ADDR_RS };
	__u32 one = 1;

	if (dp_open(&env))
		return -1;
	g.conn_reuse_mode = 1;
	dp_set_globals(&env, &g);
	dp_svc(&env, 1, IPPROTO_TCP, VIP, 80, XVS_SCHED_RR);
	dp_dest(&env, 1, 1, RS1, 80, 1);
	dp_dest(&env, 2, 1, RS2, 80, 1);
	dp_list(&env, 1, d1, w, 2);
	bpf_map_update_elem(dp_fd(env.skel->maps.svc_map), &pk, &ps, BPF_ANY);
	dp_dest(&env, 3, 2, RS1, 85, 1);
	dp_dest(&env, 4, 2, RS2, 85, 1);
	dp_list(&env, 2, d2, w, 2);
	/* As xvsd keeps addr_set: RS1:80 is a NAT server of service 1. */
	return bpf_map_update_elem(dp_fd(env.skel->maps.addr_set), &rs, &one, BPF_ANY);
}

int main(void)
{
	return dp_steps_main(&env, setup, steps, sizeof(steps) / sizeof(steps[0]));
}
