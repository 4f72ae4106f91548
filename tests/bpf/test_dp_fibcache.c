// SPDX-License-Identifier: GPL-2.0
/*
 * Packet tests of XDP's forwarding cache (bpf/lib/fib.h): a known
 * connection's packets follow a neighbour change, a route change and a
 * neighbour removal within FIB_CACHE_NS, and a packet longer than any the
 * cached answer let through is checked against the MTU again.
 *
 * Service: 1 UDP VIP:53 rr [1 RS1:5353].
 */
#include <time.h>
#include "dp_steps.h"

/* FIB_CACHE_NS (10 ms) with a margin: after this, no cached answer is used. */
#define CACHE_WAIT_US	30000

#define MAC_RS1_NEW	"02:00:00:00:02:99"

static struct dp_env env;

/* Client -> VIP:53 from @cport, @paylen bytes of payload. */
static struct pkt_spec c2v(uint16_t cport, uint16_t paylen, int df)
{
	return (struct pkt_spec){ .smac = MAC_CLI, .dmac = MAC_EXT,
				  .saddr = CLI, .daddr = VIP, .sport = cport,
				  .dport = 53, .proto = IPPROTO_UDP,
				  .paylen = paylen, .df = df };
}

/* The same after DNAT, leaving int towards @rmac. */
static struct pkt_spec c2r(uint16_t cport, uint16_t paylen, int df,
			   const char *rmac)
{
	return (struct pkt_spec){ .smac = MAC_INT, .dmac = rmac, .saddr = CLI,
				  .daddr = RS1, .sport = cport, .dport = 5353,
				  .proto = IPPROTO_UDP, .paylen = paylen,
				  .df = df, .ttl = 63 };
}

/* Run @in through XDP on ext; verdict @verdict, output @want if given. */
static int run(const struct pkt_spec *in, int verdict,
	       const struct pkt_spec *want)
{
	uint8_t ib[PKT_MAX], wb[PKT_MAX];
	size_t ilen = pkt_build(ib, in), wlen;
	struct dp_run r;
	int err;

	err = dp_run_xdp(&env, ib, ilen, env.ext, &r);
	if (err) {
		fprintf(stderr, "  test run: %s\n", strerror(-err));
		return -1;
	}
	if (r.retval != verdict) {
		fprintf(stderr, "  verdict %d, want %d\n", r.retval, verdict);
		return -1;
	}
	if (!want)
		return 0;
	wlen = pkt_build(wb, want);
	if (r.outlen != wlen || memcmp(r.out + r.metalen, wb, wlen)) {
		dp_diff(r.out + r.metalen, r.outlen, wb, wlen);
		return -1;
	}
	return 0;
}

/* A known connection's packet, to RS1 at @rmac. */
static int fwd(const char *rmac)
{
	struct pkt_spec in = c2v(5100, 25, 0), want = c2r(5100, 25, 0, rmac);

	return run(&in, XDP_REDIRECT, &want);
}

static void wait_cache(void)
{
	usleep(CACHE_WAIT_US);
}

static int t_cached(void)
{
	/* The new connection's answer is cached; the next packets use it. */
	CHECK(!fwd(MAC_RS1));
	CHECK(!fwd(MAC_RS1));
	CHECK(!fwd(MAC_RS1));
	return 0;
}

static int t_neigh_change(void)
{
	CHECK(!fwd(MAC_RS1));
	CHECK(!dp_sh("ip neigh replace " RS1 " lladdr " MAC_RS1_NEW
		     " dev int nud permanent"));
	wait_cache();
	CHECK(!fwd(MAC_RS1_NEW));
	CHECK(!dp_sh("ip neigh replace " RS1 " lladdr " MAC_RS1
		     " dev int nud permanent"));
	wait_cache();
	CHECK(!fwd(MAC_RS1));
	return 0;
}

static int t_route_change(void)
{
	struct pkt_spec in = c2v(5100, 25, 0);

	CHECK(!fwd(MAC_RS1));
	CHECK(!dp_sh("ip route add blackhole " RS1 "/32"));
	wait_cache();
	CHECK(!run(&in, XDP_DROP, NULL));
	CHECK(!dp_sh("ip route del blackhole " RS1 "/32"));
	wait_cache();
	CHECK(!fwd(MAC_RS1));
	return 0;
}

static int t_neigh_gone(void)
{
	struct pkt_spec in = c2v(5100, 25, 0);

	CHECK(!fwd(MAC_RS1));
	CHECK(!dp_sh("ip neigh del " RS1 " dev int"));
	wait_cache();
	/* Unresolved: XDP leaves the packet to tc (bpf_redirect_neigh). */
	CHECK(!run(&in, XDP_PASS, &in));
	CHECK(!dp_sh("ip neigh add " RS1 " lladdr " MAC_RS1
		     " dev int nud permanent"));
	wait_cache();
	CHECK(!fwd(MAC_RS1));
	return 0;
}

static int t_longer_packet_mtu(void)
{
	struct pkt_spec big = c2v(5100, 1200, 1);
	struct pkt_spec big_o = c2r(5100, 1200, 1, MAC_RS1);
	struct pkt_spec mid = c2v(5100, 900, 1);
	struct pkt_spec mid_o = c2r(5100, 900, 1, MAC_RS1);
	int v;

	CHECK(!dp_sh("ip link set int mtu 1000"));
	wait_cache();
	/* Cached for 25-byte payloads; 1200 must meet the new MTU. */
	CHECK(!fwd(MAC_RS1));
	v = run(&big, XDP_TX, NULL);
	CHECK(!dp_sh("ip link set int mtu 1500"));
	CHECK(!v);
	/* The MTU back: each longer packet asks the kernel and passes. */
	CHECK(!run(&mid, XDP_REDIRECT, &mid_o));
	CHECK(!run(&big, XDP_REDIRECT, &big_o));
	return 0;
}

static const struct dp_step steps[] = {
	{ "new connection and its next packets forwarded", t_cached },
	{ "neighbour MAC change reaches a known connection", t_neigh_change },
	{ "blackhole route added/removed reaches a known connection", t_route_change },
	{ "neighbour removed: XDP passes to tc, back when re-added", t_neigh_gone },
	{ "longer packet than cached: MTU checked again", t_longer_packet_mtu },
};

static int setup(void)
{
	if (dp_open(&env))
		return -1;
	dp_globals(&env, 1);
	dp_svc(&env, 1, IPPROTO_UDP, VIP, 53, XVS_SCHED_RR);
	dp_dest(&env, 1, 1, RS1, 5353, 1);
	dp_list(&env, 1, (__u32[]){ 1 }, (int[]){ 1 }, 1);
	return 0;
}

int main(void)
{
	int ret;

	if (setup()) {
		printf("0 passed, 1 failed\n");
		return 1;
	}
	ret = dp_steps_run(steps, sizeof(steps) / sizeof(steps[0]));
	xvs__destroy(env.skel);
	return ret;
}
