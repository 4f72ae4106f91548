// SPDX-License-Identifier: GPL-2.0
/*
 * The STANDBY service flag (docs/ha.md) on build/xvs.bpf.o with
 * BPF_PROG_TEST_RUN (dp_env.h): a SYN to a standby service is passed on
 * untouched with no connection made, in XDP and in tc; a connection made
 * before the flag was set keeps being forwarded both ways (a synced or
 * in-flight connection on a director that lost the VIP is not reset); a
 * SYN that would reschedule a TIME_WAIT connection of a standby service
 * is passed too; clearing the flag serves new connections again.
 *
 * Service: 1 TCP VIP:80 rr [1 RS1:80]
 */
#include "dp_steps.h"

static struct dp_env env;

static struct pkt_spec c2v(uint16_t cport, uint8_t flags)
{
	return (struct pkt_spec){ .smac = MAC_CLI, .dmac = MAC_EXT, .saddr = CLI,
				  .daddr = VIP, .sport = cport, .dport = 80,
				  .proto = IPPROTO_TCP, .flags = flags };
}

static struct pkt_spec r2c(uint16_t cport, uint8_t flags)
{
	return (struct pkt_spec){ .smac = MAC_RS1, .dmac = MAC_INT, .saddr = RS1,
				  .daddr = CLI, .sport = 80, .dport = cport,
				  .proto = IPPROTO_TCP, .flags = flags };
}

/* Run through XDP (or tc); verdict and, for a pass, the bytes untouched. */
static int run(int tc, const struct pkt_spec *in, int ifindex, int verdict)
{
	uint8_t ib[PKT_MAX];
	size_t ilen = pkt_build(ib, in);
	struct dp_run r;
	int err;

	err = tc ? dp_run_tc(&env, ib, ilen, ifindex, &r) :
		   dp_run_xdp(&env, ib, ilen, ifindex, &r);
	if (err || r.retval != verdict) {
		fprintf(stderr, "  run: err %d verdict %d, want %d\n", err, r.retval, verdict);
		return -1;
	}
	if ((verdict == XDP_PASS && !tc) || (verdict == TC_ACT_OK && tc)) {
		if (r.outlen - r.metalen != ilen || memcmp(r.out + r.metalen, ib, ilen)) {
			fprintf(stderr, "  passed packet was changed\n");
			return -1;
		}
	}
	return 0;
}

static void set_standby(int on)
{
	struct xvs_svc_key k = { .addr = dp_ip(VIP), .port = htons(80), .proto = IPPROTO_TCP };
	struct xvs_svc v;

	bpf_map_lookup_elem(dp_fd(env.skel->maps.svc_map), &k, &v);
	v.flags = on ? v.flags | XVS_SVC_F_STANDBY : v.flags & ~XVS_SVC_F_STANDBY;
	bpf_map_update_elem(dp_fd(env.skel->maps.svc_map), &k, &v, BPF_EXIST);
}

static int state_of(uint16_t cport)
{
	struct xvs_conn cn;

	if (dp_conn(&env, IPPROTO_TCP, CLI, cport, VIP, 80, &cn))
		return -1;
	return cn.state & XVS_CONN_STATE_MASK;
}

static int t_existing_goes_on(void)
{
	struct pkt_spec syn = c2v(41000, TH_SYN), ack = c2v(41000, TH_ACK);
	struct pkt_spec synack = r2c(41000, TH_SYN | TH_ACK);

	CHECK(!run(0, &syn, env.ext, XDP_REDIRECT));
	set_standby(1);
	CHECK(!run(0, &synack, env.int_, XDP_REDIRECT));
	CHECK(!run(0, &ack, env.ext, XDP_REDIRECT));
	CHECK(state_of(41000) == XVS_TCP_S_ESTABLISHED);
	CHECK(dp_cnt(&env, 1).active == 1);
	return 0;
}

static int t_new_passes(void)
{
	struct pkt_spec syn = c2v(41001, TH_SYN);
	__u32 n = dp_conn_count(&env);

	CHECK(!run(0, &syn, env.ext, XDP_PASS));
	CHECK(!run(1, &syn, env.ext, TC_ACT_OK));
	CHECK(dp_conn_count(&env) == n);
	CHECK(state_of(41001) == -1);
	CHECK(dp_stats(&env, env.skel->maps.svc_stats, 1).conns == 1);
	return 0;
}

static int t_reschedule_passes(void)
{
	struct pkt_spec fin = c2v(41000, TH_FIN | TH_ACK), syn = c2v(41000, TH_SYN);
	struct pkt_spec rfin = r2c(41000, TH_FIN | TH_ACK), rack = r2c(41000, TH_ACK);
	struct pkt_spec ack = c2v(41000, TH_ACK);

	/* Client closes first, then the server: TIME_WAIT, still forwarded. */
	CHECK(!run(0, &fin, env.ext, XDP_REDIRECT));
	CHECK(!run(0, &rack, env.int_, XDP_REDIRECT));
	CHECK(!run(0, &rfin, env.int_, XDP_REDIRECT));
	CHECK(!run(0, &ack, env.ext, XDP_REDIRECT));
	CHECK(state_of(41000) == XVS_TCP_S_TIME_WAIT);
	/* conn_reuse_mode 1 would schedule this SYN afresh: not while standby. */
	CHECK(!run(0, &syn, env.ext, XDP_PASS));
	CHECK(state_of(41000) == -1);
	return 0;
}

static int t_serving_again(void)
{
	struct pkt_spec syn = c2v(41002, TH_SYN);

	set_standby(0);
	CHECK(!run(0, &syn, env.ext, XDP_REDIRECT));
	CHECK(state_of(41002) == XVS_TCP_S_SYN_RECV);
	return 0;
}

static const struct dp_step steps[] = {
	{ "connection made before STANDBY goes on both ways", t_existing_goes_on },
	{ "SYN to a STANDBY service passes untouched, no connection (XDP, tc)", t_new_passes },
	{ "SYN on TIME_WAIT of a STANDBY service: expired, passed, not rescheduled",
	  t_reschedule_passes },
	{ "STANDBY cleared: new connections scheduled again", t_serving_again },
};

/* One service, as the steps expect it. */
static int setup(void)
{
	if (dp_open(&env))
		return -1;
	dp_globals(&env, 1);
	dp_svc(&env, 1, IPPROTO_TCP, VIP, 80, XVS_SCHED_RR);
	dp_dest(&env, 1, 1, RS1, 80, 1);
	dp_list(&env, 1, (__u32[]){ 1 }, (int[]){ 1 }, 1);
	return 0;
}

int main(void)
{
	return dp_steps_main(&env, setup, steps, sizeof(steps) / sizeof(steps[0]));
}
