// SPDX-License-Identifier: GPL-2.0
/*
 * An fwmark service's servers in addr_set (src/xvsd/addrset.c), on
 * build/xvs.bpf.o with BPF_PROG_TEST_RUN (dp_env.h): the configuration is
 * made with xvsd's own svc_add()/dest_add() on the test's maps, so addr_set
 * is what xvsd writes. Its server (port 0: every port) then counts as a NAT
 * server for TCP and UDP alike: with nat_icmp_send a packet of no
 * connection from it gets ICMP port unreachable, after an incremental
 * change and after a whole rebuild (the sweep's); removed, it passes.
 *
 * Service: FWM 3 rr [RS1:0]
 */
#include "dp_steps.h"
#include "xvsd/addrset.h"
#include "xvsd/mapset.h"
#include "xvsd/state.h"
#include "xvsd/svc.h"

static struct dp_env env;
static struct xvsd st;
static struct xvs_ctl_svc svc;
static struct xvs_ctl_dest dest;

/* A packet of no connection from RS1:@sport to the client: @verdict. */
static int stray(uint8_t proto, uint16_t sport, int verdict)
{
	struct pkt_spec s = { .smac = MAC_RS1, .dmac = MAC_INT, .saddr = RS1, .daddr = CLI,
			      .sport = sport, .dport = 46000, .proto = proto,
			      .flags = TH_ACK };
	uint8_t b[PKT_MAX], want[PKT_MAX];
	size_t len = pkt_build(b, &s), wlen;
	struct dp_run r;

	CHECK(!dp_run_xdp(&env, b, len, env.int_, &r));
	if (r.retval != verdict) {
		fprintf(stderr, "  %s from port %u: verdict %d, want %d\n",
			proto == IPPROTO_TCP ? "TCP" : "UDP", sport, r.retval, verdict);
		return -1;
	}
	if (verdict != XDP_TX)
		return 0;
	wlen = pkt_build_icmp(want, MAC_INT, MAC_RS1, "10.0.0.1", RS1, ICMP_DEST_UNREACH,
			      ICMP_PORT_UNREACH, 0, 0xc0, 64, &s, 8);
	CHECK(dp_same(&r, want, wlen));
	return 0;
}

static int t_added(void)
{
	CHECK(!stray(IPPROTO_TCP, 8080, XDP_TX));
	CHECK(!stray(IPPROTO_UDP, 5353, XDP_TX));
	return 0;
}

static int t_rebuilt(void)
{
	CHECK(addrset_sync(&st) == 0);
	CHECK(!stray(IPPROTO_TCP, 443, XDP_TX));
	CHECK(!stray(IPPROTO_UDP, 53, XDP_TX));
	return 0;
}

static int t_removed(void)
{
	CHECK(dest_del(&st, &svc.id, &dest) == 0);
	CHECK(!stray(IPPROTO_TCP, 8080, XDP_PASS));
	CHECK(!stray(IPPROTO_UDP, 5353, XDP_PASS));
	CHECK(addrset_sync(&st) == 0);
	CHECK(!stray(IPPROTO_UDP, 5353, XDP_PASS));
	return 0;
}

static const struct dp_step steps[] = {
	{ "fwmark server added: its TCP and UDP strays get port unreachable", t_added },
	{ "after a whole rebuild: the same", t_rebuilt },
	{ "removed: its strays pass", t_removed },
};

static int setup(void)
{
	struct xvs_globals g = { .conn_reuse_mode = 1, .nat_icmp_send = 1 };
	struct xvsd_maps m;

	if (dp_open(&env))
		return -1;
	memset(&m, 0, sizeof(m));
	if (mapset_from_skel(&m, env.skel) || state_adopt(&st, &m) || addrset_sync(&st))
		return -1;
	svc.id.af = AF_INET;
	svc.id.fwmark = 3;
	snprintf(svc.sched, sizeof(svc.sched), "rr");
	dest.af = AF_INET;
	dest.addr[0] = dp_ip(RS1);
	dest.fwd = XVS_FWD_MASQ;
	dest.weight = 1;
	if (svc_add(&st, &svc) || dest_add(&st, &svc.id, &dest))
		return -1;
	/* After xvsd's writes: its service changes write globals too. */
	dp_set_globals(&env, &g);
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
	state_free(&st);
	xvs__destroy(env.skel);
	return ret;
}
