// SPDX-License-Identifier: GPL-2.0
/*
 * Packet tests of port-0 persistent services (-t VIP:0 -p, bpf/lib/port0.h)
 * on build/xvs.bpf.o, run with BPF_PROG_TEST_RUN in a private network
 * namespace (dp_env.h), against IPVS's rules (ipvs.md 2.4, ip_vs_service_find()):
 *   1. a SYN to any port of the VIP without a service of its own goes to
 *      the port-0 service; its template is keyed (client, 0, VIP, 0), so
 *      the client's next connection, to another port, goes to the same
 *      server, at that port (servers of port 0 keep the packet's port);
 *   2. another client is scheduled (rr) to the other server;
 *   3. a port with a service of its own is that service's;
 *   4. a connection's expiry finds its template by the port-0 key;
 *   5. with svc_port0 at 0 (no port-0 service, as xvsd keeps it) the VIP's
 *      other ports are not looked up a second time: the SYN passes.
 *
 * Services: 1 TCP VIP:0 rr -p 360 [RS1:0 RS2:0]; 2 TCP VIP:22 rr [RS2:22].
 */
#include "dp_steps.h"

#define CLI2	"192.168.1.51"

static struct dp_env env;

static struct pkt_spec syn(const char *cli, uint16_t sport, uint16_t dport)
{
	return (struct pkt_spec){ .smac = MAC_GW, .dmac = MAC_EXT, .saddr = cli,
				  .daddr = VIP, .sport = sport, .dport = dport,
				  .proto = IPPROTO_TCP, .flags = TH_SYN };
}

/* SYN through XDP, redirected; the connection it made into @cn. */
static int open_conn(const char *cli, uint16_t sport, uint16_t dport, struct xvs_conn *cn)
{
	struct pkt_spec in = syn(cli, sport, dport);
	uint8_t ib[PKT_MAX];
	size_t n = pkt_build(ib, &in);
	struct dp_run r;

	CHECK(!dp_frame(&env, 0, ib, n, env.ext, XDP_REDIRECT, &r));
	CHECK(!dp_conn(&env, IPPROTO_TCP, cli, sport, VIP, dport, cn));
	return 0;
}

static int template_of(const char *cli, struct xvs_conn *tpl)
{
	struct xvs_conn_key k = { .saddr = dp_ip(cli), .daddr = dp_ip(VIP),
				  .proto = IPPROTO_TCP, .dir = XVS_DIR_IN };

	return bpf_map_lookup_elem(dp_fd(env.skel->maps.conn_v4), &k, tpl);
}

static __u32 first;

static int t_across_ports(void)
{
	struct xvs_conn cn, tpl;

	CHECK(!open_conn(CLI, 40000, 80, &cn));
	first = cn.dest_id;
	CHECK(first == 1 || first == 2);
	CHECK(cn.svc_id == 1 && cn.dport == htons(80));
	CHECK(!template_of(CLI, &tpl));
	CHECK((tpl.flags & XVS_CONN_F_TEMPLATE) && tpl.dest_id == first);
	CHECK(tpl.vport == 0 && tpl.dport == 0);
	CHECK(!open_conn(CLI, 40001, 443, &cn));
	CHECK(cn.dest_id == first && cn.dport == htons(443));
	CHECK(!open_conn(CLI, 40002, 8080, &cn));
	CHECK(cn.dest_id == first);
	return 0;
}

static int t_other_client(void)
{
	struct xvs_conn cn;

	CHECK(!open_conn(CLI2, 40000, 80, &cn));
	CHECK(cn.dest_id == 3 - first);
	return 0;
}

static int t_own_service(void)
{
	struct xvs_conn cn;

	CHECK(!open_conn(CLI, 40003, 22, &cn));
	CHECK(cn.svc_id == 2 && cn.dest_id == 3);
	return 0;
}

static int t_no_port0(void)
{
	struct pkt_spec in = syn(CLI2, 40001, 8081);
	uint8_t ib[PKT_MAX];
	size_t n = pkt_build(ib, &in);
	__u32 zero = 0, none = 0, one = 1;
	struct xvs_conn cn;
	struct dp_run r;
	int bad;

	bpf_map_update_elem(dp_fd(env.skel->maps.svc_port0), &zero, &none, BPF_ANY);
	bad = dp_frame(&env, 0, ib, n, env.ext, XDP_PASS, &r) ||
	      !dp_conn(&env, IPPROTO_TCP, CLI2, 40001, VIP, 8081, &cn);
	bpf_map_update_elem(dp_fd(env.skel->maps.svc_port0), &zero, &one, BPF_ANY);
	CHECK(!bad);
	return 0;
}

/* Expiry finds the template by its port-0 key (conn_key_tpl): n_control drops. */
static int t_expiry(void)
{
	struct xvs_conn_key k = { .saddr = dp_ip(CLI), .daddr = dp_ip(VIP),
				  .sport = htons(40001), .dport = htons(443),
				  .proto = IPPROTO_TCP, .dir = XVS_DIR_IN };
	struct xvs_conn tpl;

	CHECK(!template_of(CLI, &tpl));
	CHECK(tpl.n_control == 3);
	CHECK(dp_gc(&env, &k, 1, XVS_GC_F_FORCE) == 1);
	CHECK(!template_of(CLI, &tpl));
	CHECK(tpl.n_control == 2);
	return 0;
}

static const struct dp_step steps[] = {
	{ "port 0 -p: one server for the client across ports, template port 0", t_across_ports },
	{ "port 0: another client is scheduled", t_other_client },
	{ "a port with its own service is that service's", t_own_service },
	{ "a connection's expiry finds its port-0 template", t_expiry },
	{ "svc_port0 0: no second lookup, the SYN passes", t_no_port0 },
};

static int setup(void)
{
	struct xvs_svc_key k0 = { .addr = dp_ip(VIP), .proto = IPPROTO_TCP };
	struct xvs_svc v0 = { .id = 1, .sched = XVS_SCHED_RR, .timeout = 360,
			      .netmask = 0xffffffff,
			      .flags = XVS_SVC_F_PERSISTENT | XVS_SVC_F_PORT0 };
	__u32 ids[] = { 1, 2 }, ids2[] = { 3 }, zero = 0, one = 1;
	int w[] = { 1, 1 };

	if (dp_open(&env))
		return -1;
	dp_globals(&env, 1);
	bpf_map_update_elem(dp_fd(env.skel->maps.svc_map), &k0, &v0, BPF_ANY);
	dp_dest(&env, 1, 1, RS1, 0, 1);
	dp_dest(&env, 2, 1, RS2, 0, 1);
	dp_list(&env, 1, ids, w, 2);
	dp_svc(&env, 2, IPPROTO_TCP, VIP, 22, XVS_SCHED_RR);
	dp_dest(&env, 3, 2, RS2, 22, 1);
	dp_list(&env, 2, ids2, w, 1);
	return bpf_map_update_elem(dp_fd(env.skel->maps.svc_port0), &zero, &one, BPF_ANY);
}

int main(void)
{
	return dp_steps_main(&env, setup, steps, sizeof(steps) / sizeof(steps[0]));
}
