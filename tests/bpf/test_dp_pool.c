// SPDX-License-Identifier: GPL-2.0
/*
 * Connection-table pressure (bpf/lib/pool.h) on build/xvs.bpf.o with
 * BPF_PROG_TEST_RUN, on a table of 64 connections whose pool of
 * unanswered ones has 16 slots (conn_max / XVS_POOL_SHARE):
 *   1. client A connects and is answered;
 *   2. 1000 spoofed SYNs: at most 16 stay, each older one is dropped for
 *      a newer one (984 evictions, counted), A is untouched;
 *   3. client B connects in the middle of the flood and completes its
 *      handshake: its server answered before 16 newer SYNs came;
 *   4. answered connections fill the table: the unanswered ones make way,
 *      then new SYNs are refused (counted), no answered one is evicted;
 *   5. xvs_gc with XVS_GC_F_POOL (xvsd under pressure) expires unanswered
 *      connections idle XVS_POOL_TIMEOUT s and nothing else.
 * Service: 1 TCP VIP:80 rr [1 RS1:80].
 */
#include "dp_steps.h"

#define CONN_MAX	64
#define POOL		(CONN_MAX / XVS_POOL_SHARE)
#define FLOOD		1000

static struct dp_env env;
static __u32 flood_src = 0x0a640000;	/* 10.100.0.0 on: spoofed */

static struct pkt_spec syn_from(const char *src, uint16_t sport, uint8_t flags)
{
	return (struct pkt_spec){ .smac = MAC_CLI, .dmac = MAC_EXT, .saddr = src,
				  .daddr = VIP, .sport = sport, .dport = 80,
				  .proto = IPPROTO_TCP, .flags = flags };
}

static struct pkt_spec reply_to(const char *dst, uint16_t dport, uint8_t flags)
{
	return (struct pkt_spec){ .smac = MAC_RS1, .dmac = MAC_INT, .saddr = RS1,
				  .daddr = dst, .sport = 80, .dport = dport,
				  .proto = IPPROTO_TCP, .flags = flags };
}

static int pkt_send(const struct pkt_spec *s, int ifindex, int verdict)
{
	uint8_t b[PKT_MAX];
	struct dp_run r;

	return dp_frame(&env, 0, b, pkt_build(b, s), ifindex, verdict, &r);
}

/* @n spoofed SYNs from never-answering sources; each is forwarded. */
static int flood(int n)
{
	char src[INET_ADDRSTRLEN];
	struct pkt_spec s;
	__u32 a;
	int i;

	for (i = 0; i < n; i++) {
		a = htonl(++flood_src);
		inet_ntop(AF_INET, &a, src, sizeof(src));
		s = syn_from(src, 1024 + i % 60000, TH_SYN);
		CHECK(!pkt_send(&s, env.ext, XDP_REDIRECT));
	}
	return 0;
}

static int state(const char *cli, uint16_t port)
{
	struct xvs_conn cn;

	if (dp_conn(&env, IPPROTO_TCP, cli, port, VIP, 80, &cn))
		return -1;
	return cn.state & XVS_CONN_STATE_MASK;
}

/* Client @cli:@port: SYN, the server's SYN+ACK, the client's ACK. */
static int handshake_start(const char *cli, uint16_t port)
{
	struct pkt_spec s = syn_from(cli, port, TH_SYN);

	return pkt_send(&s, env.ext, XDP_REDIRECT);
}

static int handshake_end(const char *cli, uint16_t port)
{
	struct pkt_spec r = reply_to(cli, port, TH_SYN | TH_ACK);
	struct pkt_spec a = syn_from(cli, port, TH_ACK);

	CHECK(!pkt_send(&r, env.int_, XDP_REDIRECT));
	CHECK(!pkt_send(&a, env.ext, XDP_REDIRECT));
	CHECK(state(cli, port) == XVS_TCP_S_ESTABLISHED);
	return 0;
}

/* ---- steps ----------------------------------------------------------- */

static int t_client_a(void)
{
	CHECK(!handshake_start(CLI, 40000));
	CHECK(!handshake_end(CLI, 40000));
	return 0;
}

static int t_flood(void)
{
	CHECK(!flood(FLOOD));
	/* A took slot 0 and was answered: only the flood's first 16 are spared. */
	CHECK(dp_drops(&env, XVS_DROP_POOL_EVICT) == FLOOD - POOL);
	CHECK(dp_conn_count(&env) == 2 * (1 + POOL));
	CHECK(state(CLI, 40000) == XVS_TCP_S_ESTABLISHED);
	CHECK(dp_cnt(&env, 1).active == 1 + POOL);
	return 0;
}

static int t_client_b_during_flood(void)
{
	CHECK(!handshake_start("192.168.1.51", 40001));
	CHECK(!flood(POOL - 2));
	CHECK(!handshake_end("192.168.1.51", 40001));
	CHECK(!flood(10 * POOL));
	CHECK(state("192.168.1.51", 40001) == XVS_TCP_S_ESTABLISHED);
	CHECK(state(CLI, 40000) == XVS_TCP_S_ESTABLISHED);
	return 0;
}

static int t_table_full(void)
{
	__u64 full = dp_drops(&env, XVS_DROP_CONN_FULL);
	char cli[INET_ADDRSTRLEN];
	int i, ok = 0;
	uint8_t b[PKT_MAX];
	struct pkt_spec s;
	struct dp_run r;

	for (i = 0; i < 100; i++) {
		snprintf(cli, sizeof(cli), "192.168.2.%d", 1 + i);
		s = syn_from(cli, 41000, TH_SYN);
		CHECK(!dp_run_xdp(&env, b, pkt_build(b, &s), env.ext, &r));
		if (r.retval == XDP_DROP)
			continue;
		CHECK(r.retval == XDP_REDIRECT);
		CHECK(!handshake_end(cli, 41000));
		ok++;
	}
	/* A, B and 62 more answered ones fill the 64; the flood gave way. */
	CHECK(ok == CONN_MAX - 2);
	CHECK(dp_drops(&env, XVS_DROP_CONN_FULL) == full + 100 - ok);
	CHECK(dp_conn_count(&env) == 2 * CONN_MAX);
	CHECK(dp_cnt(&env, 1).active == CONN_MAX);
	CHECK(state(CLI, 40000) == XVS_TCP_S_ESTABLISHED);
	CHECK(state("192.168.1.51", 40001) == XVS_TCP_S_ESTABLISHED);
	return 0;
}

static int t_gc_pool(void)
{
	struct xvs_conn_key k[2] = {
		{ .saddr = dp_ip("192.168.2.1"), .daddr = dp_ip(VIP),
		  .sport = htons(41000), .dport = htons(80),
		  .proto = IPPROTO_TCP, .dir = XVS_DIR_IN },
		{ .saddr = dp_ip("192.168.2.3"), .daddr = dp_ip(VIP),
		  .sport = htons(41000), .dport = htons(80),
		  .proto = IPPROTO_TCP, .dir = XVS_DIR_IN },
	};
	__u64 expired = dp_drops(&env, XVS_DROP_POOL_EXPIRE);
	struct xvs_conn cn;
	int i;

	/* Two old connections; the first never answered. */
	for (i = 0; i < 2; i++) {
		CHECK(!bpf_map_lookup_elem(dp_fd(env.skel->maps.conn_v4), &k[i], &cn));
		cn.last_seen -= (XVS_POOL_TIMEOUT + 1) * 1000000000ull;
		if (!i)
			cn.flags &= ~XVS_CONN_F_SEEN_REPLY;
		CHECK(!bpf_map_update_elem(dp_fd(env.skel->maps.conn_v4), &k[i], &cn,
					   BPF_EXIST));
	}
	CHECK(dp_gc(&env, k, 2, XVS_GC_F_POOL) == 1);
	CHECK(dp_drops(&env, XVS_DROP_POOL_EXPIRE) == expired + 1);
	CHECK(state("192.168.2.1", 41000) < 0);
	CHECK(state("192.168.2.3", 41000) == XVS_TCP_S_ESTABLISHED);
	CHECK(dp_cnt(&env, 1).active == CONN_MAX - 1);
	return 0;
}

static const struct dp_step steps[] = {
	{ "client A connects and is answered", t_client_a },
	{ "1000 spoofed SYNs: 16 kept, the oldest dropped first, A untouched", t_flood },
	{ "client B's handshake completes in the middle of the flood", t_client_b_during_flood },
	{ "table full: unanswered make way, then SYNs refused, answered kept", t_table_full },
	{ "xvs_gc POOL: only unanswered idle connections expire", t_gc_pool },
};

static int setup(void)
{
	__u32 d1[] = { 1 };
	int w1[] = { 1 };

	memset(&env, 0, sizeof(env));
	if (dp_netns(&env))
		return -1;
	/* Client B: resolved, so XDP forwards its replies too. */
	if (dp_sh("ip neigh add 192.168.1.51 lladdr " MAC_CLI " dev ext nud permanent"))
		return -1;
	env.ncpu = libbpf_num_possible_cpus();
	env.skel = xvs__open();
	if (!env.skel)
		return -1;
	/* As xvsd sizes them for --conn-max 64 (loader.c). */
	bpf_map__set_max_entries(env.skel->maps.conn_v4, CONN_MAX);
	bpf_map__set_max_entries(env.skel->maps.conn_out, CONN_MAX);
	bpf_map__set_max_entries(env.skel->maps.conn_pool, POOL);
	env.skel->rodata->pool_size = POOL;
	local_skip_load(env.skel);
	if (xvs__load(env.skel)) {
		fprintf(stderr, "load build/xvs.bpf.o: %s\n", strerror(errno));
		return -1;
	}
	dp_globals(&env, 1);
	dp_svc(&env, 1, IPPROTO_TCP, VIP, 80, XVS_SCHED_RR);
	dp_dest(&env, 1, 1, RS1, 80, 1);
	dp_list(&env, 1, d1, w1, 1);
	return 0;
}

int main(void)
{
	return dp_steps_main(&env, setup, steps, sizeof(steps) / sizeof(steps[0]));
}
