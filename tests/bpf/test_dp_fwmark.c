// SPDX-License-Identifier: GPL-2.0
/*
 * Firewall-mark services (docs/fwmark.md) on build/xvs.bpf.o with
 * BPF_PROG_TEST_RUN (dp_env.h): xvs's mark rules send VIP:80 and VIP:443
 * to one fwmark service in one rr order; traffic no rule matches passes
 * untouched; the mark is looked up before (proto, VIP, port) as IPVS does,
 * and a mark without a service falls back to it; the first matching rule
 * names the mark; in tc a mark the skb already carries (skb->mark)
 * counts; persistence makes one template (IP, client, 0, mark, 0) for every
 * port, and expiring a connection finds it.
 *
 * Services: 1 FWM 1 rr [2 RS2:0, 1 RS1:0]; 2 TCP VIP:8080 rr [3 RS1:80]
 * Rules:    TCP VIP/32 dports 80,443 -> 1 (unless a step says otherwise)
 */
#include "dp_steps.h"

static struct dp_env env;

static struct pkt_spec c2v(uint16_t cport, uint16_t vport, uint8_t proto)
{
	return (struct pkt_spec){ .smac = MAC_CLI, .dmac = MAC_EXT, .saddr = CLI,
				  .daddr = VIP, .sport = cport, .dport = vport,
				  .proto = proto, .flags = TH_SYN };
}

/* Run @in through XDP (or tc with skb->mark @mark); verdict, and a pass leaves it untouched. */
static int run(int tc, __u32 mark, const struct pkt_spec *in, int verdict)
{
	uint8_t ib[PKT_MAX];
	size_t ilen = pkt_build(ib, in);
	struct __sk_buff skb = { .ifindex = env.ext, .mark = mark };
	struct dp_run r;
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = ib, .data_size_in = ilen,
		    .data_out = r.out, .data_size_out = sizeof(r.out),
		    .ctx_in = &skb, .ctx_size_in = sizeof(skb), .repeat = 1);

	if (tc) {
		if (bpf_prog_test_run_opts(bpf_program__fd(env.skel->progs.xvs_tc), &o))
			return -1;
		r.retval = o.retval;
		r.metalen = 0;
		r.outlen = o.data_size_out;
	} else if (dp_run_xdp(&env, ib, ilen, env.ext, &r)) {
		return -1;
	}
	if (r.retval != verdict) {
		fprintf(stderr, "  verdict %d, want %d\n", r.retval, verdict);
		return -1;
	}
	if (((verdict == XDP_PASS && !tc) || (verdict == TC_ACT_OK && tc)) &&
	    (r.outlen != ilen || memcmp(r.out + r.metalen, ib, ilen))) {
		fprintf(stderr, "  passed packet was changed\n");
		return -1;
	}
	return 0;
}

static struct xvs_mark_rule rule(uint8_t proto, const char *dst, __u32 mark,
				 uint16_t p1, uint16_t p2)
{
	struct xvs_mark_rule r = { .daddr = dp_ip(dst), .dmask = 0xffffffff,
				   .proto = proto, .mark = mark };

	r.port[r.nports].lo = r.port[r.nports].hi = p1;
	r.nports++;
	if (p2) {
		r.port[r.nports].lo = r.port[r.nports].hi = p2;
		r.nports++;
	}
	return r;
}

/* Rules as xvsd writes them: the bank not in use, then globals.mark_bank. */
static void set_rules(const struct xvs_mark_rule *r, __u32 n)
{
	static __u32 bank;
	struct xvs_globals g = { .conn_reuse_mode = 1 };
	struct xvs_mark_set set;
	__u32 zero = 0;

	memset(&set, 0, sizeof(set));
	memcpy(set.rule, r, n * sizeof(*r));
	set.count = n;
	bank ^= 1;
	bpf_map_update_elem(dp_fd(env.skel->maps.mark_rules), &bank, &set, BPF_ANY);
	g.mark_bank = n ? bank + 1 : 0;
	bpf_map_update_elem(dp_fd(env.skel->maps.globals), &zero, &g, BPF_ANY);
}

static void recipe_rules(void)
{
	struct xvs_mark_rule r = rule(IPPROTO_TCP, VIP, 1, 80, 443);

	set_rules(&r, 1);
}

/* The connection of @cport -> VIP:@vport goes to @rs:@dport of service @svc. */
static int conn_is(uint16_t cport, uint16_t vport, const char *rs, uint16_t dport, __u32 svc)
{
	struct xvs_conn cn;

	CHECK(!dp_conn(&env, IPPROTO_TCP, CLI, cport, VIP, vport, &cn));
	CHECK(cn.daddr == dp_ip(rs) && cn.dport == htons(dport) && cn.svc_id == svc);
	return 0;
}

static __u64 conns_of(__u32 svc)
{
	return dp_stats(&env, env.skel->maps.svc_stats, svc).conns;
}

static int t_two_ports_one_service(void)
{
	struct pkt_spec a = c2v(42000, 80, IPPROTO_TCP), b = c2v(42001, 443, IPPROTO_TCP);
	struct pkt_spec c = c2v(42002, 80, IPPROTO_TCP);

	recipe_rules();
	CHECK(!run(0, 0, &a, XDP_REDIRECT));
	CHECK(!run(0, 0, &b, XDP_REDIRECT));
	CHECK(!run(0, 0, &c, XDP_REDIRECT));
	/* rr from the newest server; port 0 servers take the packet's port */
	CHECK(!conn_is(42000, 80, RS2, 80, 1));
	CHECK(!conn_is(42001, 443, RS1, 443, 1));
	CHECK(!conn_is(42002, 80, RS2, 80, 1));
	CHECK(conns_of(1) == 3);
	return 0;
}

static int t_unmatched_untouched(void)
{
	struct pkt_spec tcp = c2v(42010, 8081, IPPROTO_TCP), udp = c2v(42011, 443, IPPROTO_UDP);
	struct xvs_conn cn;
	__u64 before = conns_of(1);

	recipe_rules();
	CHECK(!run(0, 0, &tcp, XDP_PASS));
	CHECK(!run(1, 0, &tcp, TC_ACT_OK));
	CHECK(!run(0, 0, &udp, XDP_PASS));
	CHECK(dp_conn(&env, IPPROTO_TCP, CLI, 42010, VIP, 8081, &cn));
	CHECK(dp_conn(&env, IPPROTO_UDP, CLI, 42011, VIP, 443, &cn));
	CHECK(conns_of(1) == before);
	return 0;
}

static int t_mark_before_port(void)
{
	struct xvs_mark_rule r = rule(IPPROTO_TCP, VIP, 1, 8080, 0);
	struct pkt_spec s = c2v(42020, 8080, IPPROTO_TCP);
	__u64 before = conns_of(1);

	set_rules(&r, 1);
	CHECK(!run(0, 0, &s, XDP_REDIRECT));
	CHECK(conns_of(1) == before + 1 && conns_of(2) == 0);
	CHECK(!conn_is(42020, 8080, RS1, 8080, 1));
	return 0;
}

static int t_markless_falls_back(void)
{
	struct xvs_mark_rule r = rule(IPPROTO_TCP, VIP, 7, 8080, 0);
	struct pkt_spec s = c2v(42030, 8080, IPPROTO_TCP);

	set_rules(&r, 1);
	CHECK(!run(0, 0, &s, XDP_REDIRECT));
	CHECK(!conn_is(42030, 8080, RS1, 80, 2));
	return 0;
}

static int t_first_match_wins(void)
{
	struct xvs_mark_rule r[2] = { rule(0, VIP, 7, 8080, 0), rule(IPPROTO_TCP, VIP, 1, 8080, 0) };
	struct pkt_spec s = c2v(42040, 8080, IPPROTO_TCP), t = c2v(42041, 8080, IPPROTO_TCP);
	struct xvs_mark_rule swap;

	/* mark 7 first: no such service, so (TCP, VIP, 8080) */
	set_rules(r, 2);
	CHECK(!run(0, 0, &s, XDP_REDIRECT));
	CHECK(!conn_is(42040, 8080, RS1, 80, 2));
	swap = r[0], r[0] = r[1], r[1] = swap;
	set_rules(r, 2);
	CHECK(!run(0, 0, &t, XDP_REDIRECT));
	CHECK(!conn_is(42041, 8080, RS2, 8080, 1));
	return 0;
}

static int t_tc_skb_mark(void)
{
	struct pkt_spec s = c2v(42050, 9000, IPPROTO_TCP), u = c2v(42051, 9000, IPPROTO_TCP);

	set_rules(NULL, 0);
	CHECK(!run(1, 0, &u, TC_ACT_OK));
	CHECK(!run(1, 1, &s, TC_ACT_REDIRECT));
	CHECK(!conn_is(42050, 9000, RS1, 9000, 1));
	return 0;
}

static int t_persistence_across_ports(void)
{
	struct xvs_svc_key sk = { .addr = htonl(1) };
	struct xvs_conn_key tk = { .saddr = dp_ip(CLI), .daddr = htonl(1), .dir = XVS_DIR_IN };
	struct xvs_conn_key ck = { .saddr = dp_ip(CLI), .daddr = dp_ip(VIP), .sport = htons(42061),
				   .dport = htons(443), .proto = IPPROTO_TCP, .dir = XVS_DIR_IN };
	struct pkt_spec a = c2v(42060, 80, IPPROTO_TCP), b = c2v(42061, 443, IPPROTO_TCP);
	struct xvs_conn ca, cb, tpl;
	struct xvs_svc v;
	int fd = dp_fd(env.skel->maps.conn_v4);

	bpf_map_lookup_elem(dp_fd(env.skel->maps.svc_map), &sk, &v);
	v.flags |= XVS_SVC_F_PERSISTENT;
	v.timeout = 60;
	v.netmask = 0xffffffff;
	bpf_map_update_elem(dp_fd(env.skel->maps.svc_map), &sk, &v, BPF_EXIST);
	recipe_rules();
	CHECK(!run(0, 0, &a, XDP_REDIRECT));
	CHECK(!run(0, 0, &b, XDP_REDIRECT));
	CHECK(!dp_conn(&env, IPPROTO_TCP, CLI, 42060, VIP, 80, &ca));
	CHECK(!dp_conn(&env, IPPROTO_TCP, CLI, 42061, VIP, 443, &cb));
	CHECK(ca.daddr == cb.daddr);
	CHECK((ca.flags & (XVS_CONN_F_CONTROLLED | XVS_CONN_F_FWMARK)) ==
	      (XVS_CONN_F_CONTROLLED | XVS_CONN_F_FWMARK));
	CHECK(!bpf_map_lookup_elem(fd, &tk, &tpl));
	CHECK((tpl.flags & XVS_CONN_F_TEMPLATE) && tpl.n_control == 2);
	CHECK(tpl.daddr == ca.daddr && tpl.dport == 0 && tpl.vport == 0 && tpl.timeout == 60);
	/* expiring a connection finds its template through svc_fwmark */
	CHECK(dp_gc(&env, &ck, 1, XVS_GC_F_FORCE) == 1);
	CHECK(!bpf_map_lookup_elem(fd, &tk, &tpl) && tpl.n_control == 1);
	return 0;
}

static const struct dp_step steps[] = {
	{ "VIP:80 and VIP:443 go to one fwmark service, one rr order", t_two_ports_one_service },
	{ "a port or protocol no rule matches passes untouched, uncounted", t_unmatched_untouched },
	{ "the mark is looked up before (proto, VIP, port), as in IPVS", t_mark_before_port },
	{ "a mark without a service falls back to (proto, VIP, port)", t_markless_falls_back },
	{ "the first matching rule names the mark", t_first_match_wins },
	{ "tc: a mark the skb already carries selects the service", t_tc_skb_mark },
	{ "-p: one template (IP, client, 0, mark, 0) for every port; expiry finds it",
	  t_persistence_across_ports },
};

int main(void)
{
	struct xvs_svc_key fk = { .addr = htonl(1) };
	struct xvs_svc fv = { .id = 1, .flags = XVS_SVC_F_FWMARK, .sched = XVS_SCHED_RR };
	__u32 id = 1, mark = 1;
	int ret;

	if (dp_open(&env)) {
		printf("0 passed, 1 failed\n");
		return 1;
	}
	dp_globals(&env, 1);
	bpf_map_update_elem(dp_fd(env.skel->maps.svc_fwmark), &id, &mark, BPF_ANY);
	bpf_map_update_elem(dp_fd(env.skel->maps.svc_map), &fk, &fv, BPF_ANY);
	dp_dest(&env, 1, 1, RS1, 0, 1);
	dp_dest(&env, 2, 1, RS2, 0, 1);
	dp_list(&env, 1, (__u32[]){ 2, 1 }, (int[]){ 1, 1 }, 2);
	dp_svc(&env, 2, IPPROTO_TCP, VIP, 8080, XVS_SCHED_RR);
	dp_dest(&env, 3, 2, RS1, 80, 1);
	dp_list(&env, 2, (__u32[]){ 3 }, (int[]){ 1 }, 1);
	ret = dp_steps_run(steps, sizeof(steps) / sizeof(steps[0]));
	xvs__destroy(env.skel);
	return ret;
}
