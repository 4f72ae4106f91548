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
 * request changes nothing.
 *
 * Service: 1 TCP VIP:80 rr [1 RS1:80, 2 RS2:80]
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
};

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
