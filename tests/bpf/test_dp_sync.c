// SPDX-License-Identifier: GPL-2.0
/*
 * Connection sync in the datapath (docs/ha.md) on build/xvs.bpf.o with
 * BPF_PROG_TEST_RUN (dp_env.h). Master side: sync_ring gets a record when
 * a connection is created and when its state changes, and nothing while
 * globals.sync_master is 0. Backup side (xvs_sync_in): a synced connection
 * gets both entries and is counted active or inactive as its state says,
 * a state change moves the count, the reply entry forwards the server's
 * packets, a CONTROLLED connection makes its template (persist count,
 * n_control) when that is not synced yet, a client moved to another
 * server is re-created there, a connection the master closed follows it
 * (CLOSE, 10 s) and is collected when its synced time is up, and a bad
 * request changes nothing. An fwmark service's template (protocol 0, the
 * mark for VIP) goes in as the master keyed it, a connection it controls
 * finds it, and the backup's next connection to another port of the mark
 * follows it; a port-0 service's connection makes its template with port 0
 * and another port of the VIP follows it.
 *
 * Services: 1 TCP VIP:80 rr [1 RS1:80, 2 RS2:80]
 *           3 FWM 7 rr -p 60 [5 RS1:0, 6 RS2:0]  (rule: TCP VIP:443,8443 -> 7)
 *           4 TCP VIP:0 rr -p 60 [7 RS1:0, 8 RS2:0]
 */
#include "dp_steps.h"

static struct dp_env env;
static struct ring_buffer *ring;
static struct xvs_sync_rec recs[8];
static int nrecs;

static int on_rec(void *ctx, void *data, size_t size)
{
	(void)ctx;
	if (size == sizeof(recs[0]) && nrecs < 8)
		memcpy(&recs[nrecs++], data, size);
	return 0;
}

/* Collect what sync_ring holds now; returns the record count. */
static int drain(void)
{
	nrecs = 0;
	ring_buffer__consume(ring);
	return nrecs;
}

static void set_master(__u32 on)
{
	struct xvs_globals g;
	__u32 zero = 0;

	bpf_map_lookup_elem(dp_fd(env.skel->maps.globals), &zero, &g);
	g.sync_master = on;
	bpf_map_update_elem(dp_fd(env.skel->maps.globals), &zero, &g, BPF_ANY);
}

static int xdp(struct pkt_spec in, int ifindex)
{
	uint8_t ib[PKT_MAX];
	size_t ilen = pkt_build(ib, &in);
	struct dp_run r;

	if (dp_run_xdp(&env, ib, ilen, ifindex, &r))
		return -1;
	return r.retval;
}

static struct pkt_spec c2v(uint16_t cport, uint8_t flags)
{
	return (struct pkt_spec){ .smac = MAC_CLI, .dmac = MAC_EXT, .saddr = CLI,
				  .daddr = VIP, .sport = cport, .dport = 80,
				  .proto = IPPROTO_TCP, .flags = flags };
}

/* A synced entry as the backup's xvsd hands it over (our ids). */
static struct xvs_sync_ent ent(uint16_t cport, __u32 dest_id, __u32 state, __u16 flags)
{
	struct xvs_sync_ent e = {
		.conn = { .caddr = dp_ip(CLI), .vaddr = dp_ip(VIP),
			  .daddr = dp_ip(dest_id == 1 ? RS1 : RS2), .cport = htons(cport),
			  .vport = htons(80), .dport = htons(80), .flags = flags,
			  .dest_id = dest_id, .svc_id = 1, .state = state, .timeout = 900 },
		.proto = IPPROTO_TCP,
		.svc_timeout = 300,
	};

	if (flags & XVS_CONN_F_CONTROLLED)
		e.conn.tpl_addr = dp_ip("192.168.1.0");
	return e;
}

/* Run xvs_sync_in on @n entries; *created / *updated from its answer. */
static int sync_in(const struct xvs_sync_ent *e, __u32 n, __u32 magic, __u32 *created,
		   __u32 *updated)
{
	static struct xvs_sync_req req;
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = &req, .data_size_in = sizeof(req),
		    .data_out = &req, .data_size_out = sizeof(req), .repeat = 1);

	memset(&req, 0, sizeof(req));
	req.magic = magic;
	req.count = n;
	memcpy(req.ents, e, n * sizeof(*e));
	if (bpf_prog_test_run_opts(bpf_program__fd(env.skel->progs.xvs_sync_in), &opts))
		return -1;
	*created = req.created;
	*updated = req.updated;
	return opts.retval;
}

static int conn_of(uint16_t cport, const char *cli, struct xvs_conn *cn)
{
	return dp_conn(&env, IPPROTO_TCP, cli, cport, VIP, 80, cn);
}

static int t_master_off(void)
{
	set_master(0);
	CHECK(xdp(c2v(40000, TH_SYN), env.ext) == XDP_REDIRECT);
	CHECK(drain() == 0);
	return 0;
}

static int t_master_records(void)
{
	struct xvs_conn cn;

	set_master(1);
	CHECK(xdp(c2v(40001, TH_SYN), env.ext) == XDP_REDIRECT);
	/* created (NONE), then moved by the SYN itself (SYN_RECV) */
	CHECK(drain() == 2);
	CHECK(recs[0].proto == IPPROTO_TCP);
	CHECK(recs[0].conn.cport == htons(40001) && recs[0].conn.caddr == dp_ip(CLI));
	CHECK(recs[0].conn.state == (XVS_TCP_S_NONE | XVS_CONN_INACTIVE));
	CHECK(recs[1].conn.state == XVS_TCP_S_SYN_RECV);
	CHECK(!conn_of(40001, CLI, &cn));
	CHECK(recs[1].conn.daddr == cn.daddr && recs[1].conn.dest_id == cn.dest_id);
	/* SYN again: no state change, no record */
	CHECK(xdp(c2v(40001, TH_SYN), env.ext) == XDP_REDIRECT);
	CHECK(drain() == 0);
	/* the client's ACK (no reply seen, as IPVS: SYN_RECV -> ESTABLISHED) */
	CHECK(xdp(c2v(40001, TH_ACK), env.ext) == XDP_REDIRECT);
	CHECK(drain() == 1);
	CHECK((recs[0].conn.state & XVS_CONN_STATE_MASK) == XVS_TCP_S_ESTABLISHED);
	set_master(0);
	return 0;
}

static int t_backup_insert(void)
{
	struct xvs_sync_ent e = ent(42000, 2, XVS_TCP_S_ESTABLISHED, XVS_CONN_F_SEEN_REPLY);
	struct xvs_dest_cnt before = dp_cnt(&env, 2);
	struct pkt_spec reply = { .smac = MAC_RS2, .dmac = MAC_INT, .saddr = RS2, .daddr = CLI,
				  .sport = 80, .dport = 42000, .proto = IPPROTO_TCP,
				  .flags = TH_ACK };
	__u32 c, u;
	struct xvs_conn cn;

	CHECK(sync_in(&e, 1, XVS_SYNC_MAGIC, &c, &u) == XDP_PASS);
	CHECK(c == 1 && u == 0);
	CHECK(!conn_of(42000, CLI, &cn));
	CHECK(cn.state == XVS_TCP_S_ESTABLISHED && cn.dest_id == 2 && cn.timeout == 900);
	CHECK(dp_cnt(&env, 2).active == before.active + 1);
	CHECK(dp_cnt(&env, 2).inactive == before.inactive);
	/* the OUT entry: the server's packet is SNATed and forwarded */
	CHECK(xdp(reply, env.int_) == XDP_REDIRECT);
	/* the master says FIN_WAIT: active -> inactive, once */
	e.conn.state = XVS_TCP_S_FIN_WAIT;
	e.conn.timeout = 120;
	CHECK(sync_in(&e, 1, XVS_SYNC_MAGIC, &c, &u) == XDP_PASS);
	CHECK(c == 0 && u == 1);
	CHECK(sync_in(&e, 1, XVS_SYNC_MAGIC, &c, &u) == XDP_PASS);
	CHECK(!conn_of(42000, CLI, &cn));
	CHECK(cn.state == (XVS_TCP_S_FIN_WAIT | XVS_CONN_INACTIVE) && cn.timeout == 120);
	CHECK(dp_cnt(&env, 2).active == before.active);
	CHECK(dp_cnt(&env, 2).inactive == before.inactive + 1);
	return 0;
}

/*
 * A connection the master closes: the master's RST record says CLOSE with
 * its 10 s timeout; the backup's ESTABLISHED copy follows (inactive, 10 s)
 * rather than living on 15 min, and a record with 1 s left (the master's
 * refresh near its end) makes xvs_gc collect it on time.
 */
static int t_backup_close(void)
{
	struct xvs_sync_ent e = ent(43000, 1, XVS_TCP_S_ESTABLISHED, XVS_CONN_F_SEEN_REPLY);
	struct xvs_dest_cnt before = dp_cnt(&env, 1);
	struct xvs_conn_key k = { .saddr = dp_ip(CLI), .daddr = dp_ip(VIP),
				  .sport = htons(43000), .dport = htons(80),
				  .proto = IPPROTO_TCP, .dir = XVS_DIR_IN };
	struct xvs_conn cn;
	__u32 c, u;

	/* master: SYN, ACK, then the client's RST */
	set_master(1);
	CHECK(xdp(c2v(40002, TH_SYN), env.ext) == XDP_REDIRECT);
	CHECK(xdp(c2v(40002, TH_ACK), env.ext) == XDP_REDIRECT);
	CHECK(drain() == 3);
	CHECK(xdp(c2v(40002, TH_RST), env.ext) == XDP_REDIRECT);
	CHECK(drain() == 1);
	set_master(0);
	CHECK((recs[0].conn.state & XVS_CONN_STATE_MASK) == XVS_TCP_S_CLOSE);
	CHECK(recs[0].conn.timeout == 10);
	/* backup: ESTABLISHED, then that CLOSE */
	CHECK(sync_in(&e, 1, XVS_SYNC_MAGIC, &c, &u) == XDP_PASS && c == 1);
	CHECK(dp_cnt(&env, 1).active == before.active + 1);
	e.conn.state = XVS_TCP_S_CLOSE;
	e.conn.timeout = recs[0].conn.timeout;
	CHECK(sync_in(&e, 1, XVS_SYNC_MAGIC, &c, &u) == XDP_PASS && u == 1);
	CHECK(!conn_of(43000, CLI, &cn));
	CHECK(cn.state == (XVS_TCP_S_CLOSE | XVS_CONN_INACTIVE) && cn.timeout == 10);
	CHECK(dp_cnt(&env, 1).active == before.active);
	CHECK(dp_cnt(&env, 1).inactive == before.inactive + 1);
	CHECK(dp_gc(&env, &k, 1, 0) == 0);
	/* 1 s left on the master: gone from the backup a second later */
	e.conn.timeout = 1;
	CHECK(sync_in(&e, 1, XVS_SYNC_MAGIC, &c, &u) == XDP_PASS && u == 1);
	usleep(1100 * 1000);
	CHECK(dp_gc(&env, &k, 1, 0) == 1);
	CHECK(conn_of(43000, CLI, &cn));
	CHECK(dp_cnt(&env, 1).inactive == before.inactive);
	return 0;
}

static int t_backup_template(void)
{
	struct xvs_sync_ent e[2] = {
		ent(43000, 1, XVS_TCP_S_FIN_WAIT, XVS_CONN_F_CONTROLLED),
		ent(43001, 1, XVS_TCP_S_ESTABLISHED, XVS_CONN_F_CONTROLLED),
	};
	struct xvs_sync_ent tpl = ent(0, 1, XVS_TPL_S_ASSURED, XVS_CONN_F_TEMPLATE);
	struct xvs_dest_cnt before = dp_cnt(&env, 1);
	struct xvs_conn cn;
	__u32 c, u;

	tpl.conn.caddr = dp_ip("192.168.1.0");
	CHECK(sync_in(e, 2, XVS_SYNC_MAGIC, &c, &u) == XDP_PASS);
	CHECK(c == 2 && u == 0);
	CHECK(!conn_of(0, "192.168.1.0", &cn));
	CHECK((cn.flags & XVS_CONN_F_TEMPLATE) && cn.n_control == 2 && cn.timeout == 300);
	CHECK(cn.state == (XVS_TPL_S_NONE | XVS_CONN_INACTIVE));
	CHECK(dp_cnt(&env, 1).persist == before.persist + 1);
	CHECK(dp_cnt(&env, 1).inactive == before.inactive + 1);
	CHECK(dp_cnt(&env, 1).active == before.active + 1);
	/* the template's own record: updated to ASSURED, counted once */
	CHECK(sync_in(&tpl, 1, XVS_SYNC_MAGIC, &c, &u) == XDP_PASS);
	CHECK(c == 0 && u == 1);
	CHECK(!conn_of(0, "192.168.1.0", &cn));
	CHECK(cn.state == (XVS_TPL_S_ASSURED | XVS_CONN_INACTIVE) && cn.n_control == 2);
	CHECK(dp_cnt(&env, 1).persist == before.persist + 1);
	return 0;
}

static int t_backup_moved(void)
{
	struct xvs_sync_ent e = ent(44000, 1, XVS_TCP_S_ESTABLISHED, 0);
	struct xvs_dest_cnt b1 = dp_cnt(&env, 1), b2 = dp_cnt(&env, 2);
	struct xvs_conn cn;
	__u32 c, u;

	CHECK(sync_in(&e, 1, XVS_SYNC_MAGIC, &c, &u) == XDP_PASS && c == 1);
	e = ent(44000, 2, XVS_TCP_S_ESTABLISHED, 0);
	CHECK(sync_in(&e, 1, XVS_SYNC_MAGIC, &c, &u) == XDP_PASS && c == 1);
	CHECK(!conn_of(44000, CLI, &cn) && cn.dest_id == 2 && cn.daddr == dp_ip(RS2));
	CHECK(dp_cnt(&env, 1).active == b1.active);
	CHECK(dp_cnt(&env, 2).active == b2.active + 1);
	return 0;
}

static int t_bad_request(void)
{
	struct xvs_sync_ent e = ent(45000, 1, XVS_TCP_S_ESTABLISHED, 0);
	__u32 n = dp_conn_count(&env), c = 9, u = 9;

	CHECK(sync_in(&e, 1, XVS_GC_MAGIC, &c, &u) == XDP_ABORTED);
	e.proto = IPPROTO_ICMP;
	CHECK(sync_in(&e, 1, XVS_SYNC_MAGIC, &c, &u) == XDP_PASS && c == 0 && u == 0);
	e = ent(45000, 1, XVS_S_MAX, 0);
	CHECK(sync_in(&e, 1, XVS_SYNC_MAGIC, &c, &u) == XDP_PASS && c == 0 && u == 0);
	CHECK(dp_conn_count(&env) == n);
	return 0;
}

/* A template's entry under @k, with its server, VIP and ports checked. */
static int tpl_is(const struct xvs_conn_key *k, __u32 dest_id, __u32 vaddr, __u32 n_control)
{
	struct xvs_conn t;

	CHECK(!bpf_map_lookup_elem(dp_fd(env.skel->maps.conn_v4), k, &t));
	CHECK(t.flags & XVS_CONN_F_TEMPLATE);
	CHECK(t.dest_id == dest_id && t.vaddr == vaddr && !t.vport && !t.dport && !t.cport);
	CHECK(t.n_control == n_control);
	return 0;
}

static int t_backup_fwmark(void)
{
	struct xvs_conn_key tk = { .saddr = dp_ip("192.168.1.77"), .daddr = htonl(7),
				   .dir = XVS_DIR_IN };
	struct xvs_sync_ent e[2] = {
		ent(0, 2, XVS_TPL_S_ASSURED, XVS_CONN_F_TEMPLATE),
		ent(46000, 2, XVS_TCP_S_ESTABLISHED, XVS_CONN_F_CONTROLLED | XVS_CONN_F_FWMARK),
	};
	struct pkt_spec syn = c2v(46001, TH_SYN);
	struct xvs_dest_cnt before = dp_cnt(&env, 6);
	struct xvs_conn cn;
	__u32 c, u, i;

	/* as the backup's xvsd resolves them by the mark: service 3, server 6 */
	e[0].proto = 0;
	e[0].conn.vaddr = htonl(7);
	e[0].conn.vport = e[0].conn.dport = 0;
	e[1].conn.vport = e[1].conn.dport = htons(443);
	e[1].conn.tpl_addr = tk.saddr;
	for (i = 0; i < 2; i++) {
		e[i].conn.caddr = tk.saddr;
		e[i].conn.dest_id = 6;
		e[i].conn.svc_id = 3;
	}
	CHECK(sync_in(e, 2, XVS_SYNC_MAGIC, &c, &u) == XDP_PASS);
	CHECK(c == 2 && u == 0);
	CHECK(!tpl_is(&tk, 6, htonl(7), 1));
	CHECK(dp_cnt(&env, 6).persist == before.persist + 1);
	/* after failover: the client's next connection, to another port of the mark */
	syn.saddr = "192.168.1.77";
	syn.dport = 8443;
	CHECK(xdp(syn, env.ext) == XDP_REDIRECT);
	CHECK(!dp_conn(&env, IPPROTO_TCP, "192.168.1.77", 46001, VIP, 8443, &cn));
	CHECK(cn.dest_id == 6 && (cn.flags & XVS_CONN_F_FWMARK));
	CHECK(!tpl_is(&tk, 6, htonl(7), 2));
	return 0;
}

static int t_backup_port0(void)
{
	struct xvs_conn_key tk = { .saddr = dp_ip("192.168.1.78"), .daddr = dp_ip(VIP),
				   .proto = IPPROTO_TCP, .dir = XVS_DIR_IN };
	struct xvs_sync_ent e = ent(47000, 2, XVS_TCP_S_ESTABLISHED,
				    XVS_CONN_F_CONTROLLED | XVS_CONN_F_PORT0);
	struct pkt_spec syn = c2v(47001, TH_SYN);
	struct xvs_conn cn;
	__u32 c, u;

	e.conn.caddr = e.conn.tpl_addr = tk.saddr;
	e.conn.vport = e.conn.dport = htons(2000);
	e.conn.dest_id = 8;
	e.conn.svc_id = 4;
	CHECK(sync_in(&e, 1, XVS_SYNC_MAGIC, &c, &u) == XDP_PASS && c == 1);
	CHECK(!tpl_is(&tk, 8, dp_ip(VIP), 1));
	syn.saddr = "192.168.1.78";
	syn.dport = 2001;
	CHECK(xdp(syn, env.ext) == XDP_REDIRECT);
	CHECK(!dp_conn(&env, IPPROTO_TCP, "192.168.1.78", 47001, VIP, 2001, &cn));
	CHECK(cn.dest_id == 8 && cn.dport == htons(2001) && (cn.flags & XVS_CONN_F_PORT0));
	CHECK(!tpl_is(&tk, 8, dp_ip(VIP), 2));
	return 0;
}

static const struct dp_step steps[] = {
	{ "sync_master 0: no records", t_master_off },
	{ "sync_master 1: a record on create and on each state change only", t_master_records },
	{ "backup: inserted with both entries and counted; state change moves the count",
	  t_backup_insert },
	{ "backup: a connection the master closed follows it to CLOSE and expires on time",
	  t_backup_close },
	{ "backup: CONTROLLED connections make their template; its record updates it",
	  t_backup_template },
	{ "backup: a client moved to another server is re-created there", t_backup_moved },
	{ "backup: bad magic, protocol or state change nothing", t_bad_request },
	{ "backup: an fwmark template (protocol 0) and its connection; another port follows it",
	  t_backup_fwmark },
	{ "backup: a port-0 connection makes its template with port 0; another port follows it",
	  t_backup_port0 },
};

/* Services 3 (FWM 7) and 4 (TCP VIP:0), both -p 60, and the mark rule. */
static void setup_mark_port0(void)
{
	struct xvs_svc_key fk = { .addr = htonl(7) }, pk = { .addr = dp_ip(VIP),
							     .proto = IPPROTO_TCP };
	struct xvs_svc fv = { .id = 3, .sched = XVS_SCHED_RR, .timeout = 60,
			      .netmask = 0xffffffff,
			      .flags = XVS_SVC_F_FWMARK | XVS_SVC_F_PERSISTENT };
	struct xvs_svc pv = { .id = 4, .sched = XVS_SCHED_RR, .timeout = 60,
			      .netmask = 0xffffffff,
			      .flags = XVS_SVC_F_PORT0 | XVS_SVC_F_PERSISTENT };
	struct xvs_mark_set set = { .count = 1 };
	struct xvs_globals g;
	__u32 id = 3, mark = 7, zero = 0, one = 1;

	bpf_map_update_elem(dp_fd(env.skel->maps.svc_fwmark), &id, &mark, BPF_ANY);
	bpf_map_update_elem(dp_fd(env.skel->maps.svc_map), &fk, &fv, BPF_ANY);
	bpf_map_update_elem(dp_fd(env.skel->maps.svc_map), &pk, &pv, BPF_ANY);
	bpf_map_update_elem(dp_fd(env.skel->maps.svc_port0), &zero, &one, BPF_ANY);
	dp_dest(&env, 5, 3, RS1, 0, 1);
	dp_dest(&env, 6, 3, RS2, 0, 1);
	dp_list(&env, 3, (__u32[]){ 6, 5 }, (int[]){ 1, 1 }, 2);
	dp_dest(&env, 7, 4, RS1, 0, 1);
	dp_dest(&env, 8, 4, RS2, 0, 1);
	dp_list(&env, 4, (__u32[]){ 8, 7 }, (int[]){ 1, 1 }, 2);
	set.rule[0] = (struct xvs_mark_rule){ .daddr = dp_ip(VIP), .dmask = 0xffffffff,
					      .proto = IPPROTO_TCP, .mark = 7, .nports = 2,
					      .port = { { 443, 443 }, { 8443, 8443 } } };
	bpf_map_update_elem(dp_fd(env.skel->maps.mark_rules), &zero, &set, BPF_ANY);
	bpf_map_lookup_elem(dp_fd(env.skel->maps.globals), &zero, &g);
	g.mark_bank = 1;
	bpf_map_update_elem(dp_fd(env.skel->maps.globals), &zero, &g, BPF_ANY);
}

/* The verifier's work on xvs_sync_in, for before/after figures. */
static void print_verified(void)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (!bpf_obj_get_info_by_fd(bpf_program__fd(env.skel->progs.xvs_sync_in), &info, &len))
		printf("xvs_sync_in: verified_insns %u\n", info.verified_insns);
}

int main(void)
{
	int ret;

	if (dp_open(&env)) {
		printf("0 passed, 1 failed\n");
		return 1;
	}
	dp_globals(&env, 1);
	dp_svc(&env, 1, IPPROTO_TCP, VIP, 80, XVS_SCHED_RR);
	dp_dest(&env, 1, 1, RS1, 80, 1);
	dp_dest(&env, 2, 1, RS2, 80, 1);
	dp_list(&env, 1, (__u32[]){ 2, 1 }, (int[]){ 1, 1 }, 2);
	setup_mark_port0();
	print_verified();
	ring = ring_buffer__new(dp_fd(env.skel->maps.sync_ring), on_rec, NULL, NULL);
	if (!ring) {
		printf("0 passed, 1 failed\n");
		return 1;
	}
	ret = dp_steps_run(steps, sizeof(steps) / sizeof(steps[0]));
	ring_buffer__free(ring);
	xvs__destroy(env.skel);
	return ret;
}
