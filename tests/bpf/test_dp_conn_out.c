// SPDX-License-Identifier: GPL-2.0
/*
 * The connection table's two maps (docs/conn-pressure.md) on build/xvs.bpf.o
 * with BPF_PROG_TEST_RUN (dp_env.h): a new connection is one conn_v4 entry
 * under its client key and one conn_out entry under its reply key holding
 * the VIP side; its server's address is marked in rs_filter; the reply is
 * rewritten through conn_out; a conn_out entry that leads to no connection,
 * or to one whose server is not the sender, is passed untouched; expiry
 * removes both entries.
 *
 * Service: 1 TCP VIP:80 rr [1 RS1:8080]
 */
#include "dp_steps.h"

static struct dp_env env;

static struct pkt_spec c2v(uint16_t cport, uint8_t flags)
{
	return (struct pkt_spec){ .smac = MAC_CLI, .dmac = MAC_EXT, .saddr = CLI,
				  .daddr = VIP, .sport = cport, .dport = 80,
				  .proto = IPPROTO_TCP, .flags = flags };
}

static struct pkt_spec r2c(uint16_t rport, uint16_t cport, uint8_t flags)
{
	return (struct pkt_spec){ .smac = MAC_RS1, .dmac = MAC_INT, .saddr = RS1,
				  .daddr = CLI, .sport = rport, .dport = cport,
				  .proto = IPPROTO_TCP, .flags = flags };
}

/* The reply after SNAT, leaving ext towards the client. */
static struct pkt_spec v2c(uint16_t cport, uint8_t flags)
{
	return (struct pkt_spec){ .smac = MAC_EXT, .dmac = MAC_CLI, .saddr = VIP,
				  .daddr = CLI, .sport = 80, .dport = cport,
				  .proto = IPPROTO_TCP, .flags = flags, .ttl = 63 };
}

static struct xvs_conn_key in_key(uint16_t cport)
{
	return (struct xvs_conn_key){ .saddr = dp_ip(CLI), .daddr = dp_ip(VIP),
				      .sport = htons(cport), .dport = htons(80),
				      .proto = IPPROTO_TCP, .dir = XVS_DIR_IN };
}

static struct xvs_conn_key out_key(uint16_t rport, uint16_t cport)
{
	return (struct xvs_conn_key){ .saddr = dp_ip(RS1), .daddr = dp_ip(CLI),
				      .sport = htons(rport), .dport = htons(cport),
				      .proto = IPPROTO_TCP, .dir = XVS_DIR_OUT };
}

static int run(const struct pkt_spec *in, int ifindex, int verdict,
	       const struct pkt_spec *want)
{
	uint8_t ib[PKT_MAX], wb[PKT_MAX];
	size_t ilen = pkt_build(ib, in);
	struct dp_run r;

	if (dp_frame(&env, 0, ib, ilen, ifindex, verdict, &r))
		return -1;
	if (want)
		return dp_same(&r, wb, pkt_build(wb, want)) ? 0 : -1;
	/* Passed: untouched. */
	if (verdict == XDP_PASS)
		return dp_same(&r, ib, ilen) ? 0 : -1;
	return 0;
}

static int t_two_entries(void)
{
	struct pkt_spec syn = c2v(42000, TH_SYN);
	struct xvs_conn_key ik = in_key(42000), ok = out_key(8080, 42000);
	struct xvs_conn cn;
	struct xvs_conn_out o;
	__u32 n = dp_conn_count(&env);

	CHECK(!run(&syn, env.ext, XDP_REDIRECT, NULL));
	CHECK(!bpf_map_lookup_elem(dp_fd(env.skel->maps.conn_v4), &ik, &cn));
	CHECK(cn.daddr == dp_ip(RS1) && cn.dport == htons(8080));
	CHECK(!bpf_map_lookup_elem(dp_fd(env.skel->maps.conn_out), &ok, &o));
	CHECK(o.vaddr == dp_ip(VIP) && o.vport == htons(80) && !o.pad);
	/* The reply key lives in conn_out only. */
	CHECK(bpf_map_lookup_elem(dp_fd(env.skel->maps.conn_v4), &ok, &cn));
	CHECK(dp_conn_count(&env) == n + 2);
	return 0;
}

/* rs_filter has RS1's address marked, and few other bits. */
static int t_rs_filter(void)
{
	__u64 w[XVS_RS_FILTER_WORDS];
	__u32 i, bits = 0;

	for (i = 0; i < XVS_RS_FILTER_WORDS; i++) {
		if (bpf_map_lookup_elem(dp_fd(env.skel->maps.rs_filter), &i, &w[i]))
			return -1;
		bits += __builtin_popcountll(w[i]);
	}
	/* One server so far: one bit. */
	CHECK(bits == 1);
	return 0;
}

static int t_reply(void)
{
	struct pkt_spec synack = r2c(8080, 42000, TH_SYN | TH_ACK);
	struct pkt_spec want = v2c(42000, TH_SYN | TH_ACK);
	struct xvs_conn cn;
	struct xvs_conn_key ik = in_key(42000);

	CHECK(!run(&synack, env.int_, XDP_REDIRECT, &want));
	CHECK(!bpf_map_lookup_elem(dp_fd(env.skel->maps.conn_v4), &ik, &cn));
	CHECK(cn.flags & XVS_CONN_F_SEEN_REPLY);
	return 0;
}

static int t_stray_out_entries(void)
{
	struct xvs_conn_out o = { .vaddr = dp_ip(VIP), .vport = htons(80) };
	struct xvs_conn_key none = out_key(8080, 42009), other = out_key(9999, 42000);
	struct pkt_spec p1 = r2c(8080, 42009, TH_ACK), p2 = r2c(9999, 42000, TH_ACK);
	int fd = dp_fd(env.skel->maps.conn_out);

	/* Leads to no connection. */
	CHECK(!bpf_map_update_elem(fd, &none, &o, BPF_NOEXIST));
	CHECK(!run(&p1, env.int_, XDP_PASS, NULL));
	/* Leads to client 42000's connection, whose server is RS1:8080, not :9999. */
	CHECK(!bpf_map_update_elem(fd, &other, &o, BPF_NOEXIST));
	CHECK(!run(&p2, env.int_, XDP_PASS, NULL));
	bpf_map_delete_elem(fd, &none);
	bpf_map_delete_elem(fd, &other);
	return 0;
}

static int t_expiry_removes_both(void)
{
	struct xvs_conn_key ik = in_key(42000), ok = out_key(8080, 42000);
	struct xvs_conn_out o;
	__u32 n = dp_conn_count(&env);

	CHECK(dp_gc(&env, &ik, 1, XVS_GC_F_FORCE) == 1);
	CHECK(bpf_map_lookup_elem(dp_fd(env.skel->maps.conn_out), &ok, &o));
	CHECK(dp_conn_count(&env) == n - 2);
	return 0;
}

static const struct dp_step steps[] = {
	{ "new connection: conn_v4 entry (client key) + conn_out entry (reply key -> VIP side)",
	  t_two_entries },
	{ "rs_filter marks the server's address", t_rs_filter },
	{ "reply SNATed through conn_out, the connection sees it", t_reply },
	{ "conn_out entry to no connection or another server's: passed untouched",
	  t_stray_out_entries },
	{ "expiry removes both entries", t_expiry_removes_both },
};

/* One service, as the steps expect it. */
static int setup(void)
{
	if (dp_open(&env))
		return -1;
	dp_globals(&env, 1);
	dp_svc(&env, 1, IPPROTO_TCP, VIP, 80, XVS_SCHED_RR);
	dp_dest(&env, 1, 1, RS1, 8080, 1);
	dp_list(&env, 1, (__u32[]){ 1 }, (int[]){ 1 }, 1);
	return 0;
}

int main(void)
{
	return dp_steps_main(&env, setup, steps, sizeof(steps) / sizeof(steps[0]));
}
