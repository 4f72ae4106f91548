// SPDX-License-Identifier: GPL-2.0
/*
 * The scheduler model table (tests/unit/test_dp_sched_cases.h) against the
 * real datapath: build/xvs.bpf.o run with BPF_PROG_TEST_RUN in a private
 * network namespace (dp_env.h). Each case is a TCP service VIP:2000+n whose
 * list and tables are built by xvsd's own code (sched_build.c) and written
 * as xvsd writes them; each SYN goes through xvs_xdp and the server the
 * connection got (or the ICMP answer) is compared with the table, FIN goes
 * through xvs_xdp too, CLOSE runs xvs_gc on the connection. Run as root.
 */
#include "dp_env.h"
#include "xvsd/sched_build.h"
#include "xvsd/sched_tab.h"
#include "../unit/test_dp_sched_cases.h"

#define SCHED_VPORT	2000

static struct dp_env env;

static const char *cli_addr(__u16 a)
{
	static char buf[32];

	snprintf(buf, sizeof(buf), "172.16.%u.%u", a >> 8, a & 255);
	return buf;
}

static const char *rs_addr(__u32 k)
{
	static char buf[32];

	snprintf(buf, sizeof(buf), "10.0.0.%u", 10 + k);
	return buf;
}

static __u32 case_svc(size_t ci)
{
	return ci + 1;
}

/* state_write_list(): mh from the addresses in dest_info, then the list. */
static int list_write(__u32 sid, struct xvs_svc_dests *sd)
{
	if (sched_tab_mh_maps(sd, dp_fd(env.skel->maps.dest_info)))
		return -1;
	return bpf_map_update_elem(dp_fd(env.skel->maps.svc_dests), &sid, sd, BPF_F_LOCK);
}

/* svc_add() + dest_add() for each server, as xvsd would. */
static int case_setup(size_t ci, const struct sched_case *c)
{
	struct xvs_svc_key k = { .addr = dp_ip(VIP), .port = htons(SCHED_VPORT + ci),
				 .proto = IPPROTO_TCP };
	struct xvs_svc v = { .id = case_svc(ci), .sched = c->sched, .flags = c->flags };
	static const struct sched_dest_cfg one = W(1);
	static const struct xvs_dest_cnt zero;
	struct xvs_svc_dests sd;
	__u32 id;

	memset(&sd, 0, sizeof(sd));
	sched_init(&sd);
	for (id = 1; id <= c->ndest; id++) {
		/* Past the table's servers (full_list()): weight 1, no thresholds. */
		const struct sched_dest_cfg *cfg = id <= SCHED_CASE_DESTS ? &c->dest[id - 1] : &one;
		struct xvs_dest d = { .addr = htonl(SCHED_CASE_RS(id)),
				      .port = htons(SCHED_CASE_RS_PORT),
				      .fwd = XVS_FWD_MASQ, .weight = cfg->w,
				      .flags = XVS_DEST_F_AVAILABLE, .svc_id = v.id,
				      .u_threshold = cfg->u, .l_threshold = cfg->l };

		if (bpf_map_update_elem(dp_fd(env.skel->maps.dest_info), &id, &d, BPF_ANY) ||
		    bpf_map_update_elem(dp_fd(env.skel->maps.dest_cnt), &id, &zero, BPF_ANY))
			return -1;
		if (sched_list_add(&sd, id, d.weight, false))
			return -1;
		sched_dests_changed(&sd, c->sched);
	}
	if (list_write(v.id, &sd))
		return -1;
	return bpf_map_update_elem(dp_fd(env.skel->maps.svc_map), &k, &v, BPF_ANY);
}

static struct pkt_spec c2v(__u16 a, __u16 b, uint16_t vport, uint8_t flags)
{
	return (struct pkt_spec){ .smac = MAC_GW, .dmac = MAC_EXT, .saddr = cli_addr(a),
				  .daddr = VIP, .sport = b, .dport = vport,
				  .proto = IPPROTO_TCP, .flags = flags };
}

static int xdp(const struct pkt_spec *in, int want_verdict)
{
	uint8_t ib[PKT_MAX];
	size_t ilen = pkt_build(ib, in);
	struct dp_run r;

	if (dp_run_xdp(&env, ib, ilen, env.ext, &r))
		return -1;
	if (r.retval != want_verdict) {
		fprintf(stderr, "  verdict %d, want %d\n", r.retval, want_verdict);
		return -1;
	}
	return 0;
}

static int gc_force(__u16 a, __u16 b, uint16_t vport)
{
	struct xvs_gc_req req = { .magic = XVS_GC_MAGIC, .flags = XVS_GC_F_FORCE, .count = 1 };
	struct xvs_gc_req out;
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = &req, .data_size_in = sizeof(req),
		    .data_out = &out, .data_size_out = sizeof(out), .repeat = 1);

	req.keys[0] = (struct xvs_conn_key){ .saddr = dp_ip(cli_addr(a)), .daddr = dp_ip(VIP),
					     .sport = htons(b), .dport = htons(vport),
					     .proto = IPPROTO_TCP, .dir = XVS_DIR_IN };
	if (bpf_prog_test_run_opts(bpf_program__fd(env.skel->progs.xvs_gc), &o))
		return -1;
	return out.expired == 1 ? 0 : -1;
}

/* dest_edit() of the weight: read the list (with the datapath's bits), set, rebuild. */
static int set_weight(size_t ci, const struct sched_case *c, __u32 id, __s32 w)
{
	__u32 sid = case_svc(ci);
	struct xvs_svc_dests sd;
	struct xvs_dest d;
	int i;

	if (bpf_map_lookup_elem_flags(dp_fd(env.skel->maps.svc_dests), &sid, &sd, BPF_F_LOCK))
		return -1;
	i = sched_list_find(&sd, id);
	if (i < 0 || bpf_map_lookup_elem(dp_fd(env.skel->maps.dest_info), &id, &d))
		return -1;
	d.weight = w;
	if (bpf_map_update_elem(dp_fd(env.skel->maps.dest_info), &id, &d, BPF_ANY))
		return -1;
	sched_list_set(&sd, i, w, sd.overload[i]);
	sched_dests_changed(&sd, c->sched);
	sd.gen++;
	return list_write(sid, &sd);
}

static int step(size_t ci, const struct sched_case *c, const struct sched_step *s)
{
	uint16_t vport = SCHED_VPORT + ci;
	struct pkt_spec in;
	struct xvs_conn cn;

	switch (s->op) {
	case OP_SYN:
		in = c2v(s->a, s->b, vport, TH_SYN);
		if (!s->want) {
			__u64 before = dp_drops(&env, XVS_DROP_NO_DEST);

			if (xdp(&in, XDP_TX))
				return -1;
			return dp_drops(&env, XVS_DROP_NO_DEST) == before + 1 ? 0 : -1;
		}
		if (xdp(&in, XDP_REDIRECT))
			return -1;
		if (dp_conn(&env, IPPROTO_TCP, cli_addr(s->a), s->b, VIP, vport, &cn))
			return -1;
		if (cn.dest_id != s->want) {
			fprintf(stderr, "  SYN %u:%u: got dest %u, want %u (%s)\n", s->a, s->b,
				cn.dest_id, s->want, s->rule);
			return -1;
		}
		return 0;
	case OP_FIN:
		in = c2v(s->a, s->b, vport, TH_FIN | TH_ACK);
		return xdp(&in, XDP_REDIRECT);
	case OP_CLOSE:
		return gc_force(s->a, s->b, vport);
	case OP_WEIGHT:
		return set_weight(ci, c, s->a, s->b);
	}
	return -1;
}

/*
 * A full list: XVS_MAX_RS servers under rr, server 1 (the oldest, the last
 * entry) with -x 1. One cycle picks every entry in list order; the bind to
 * the last entry sets its OVERLOADED flag (sched_thresh_update() finding it
 * past index 64), the next cycle skips it, its unbind clears the flag.
 */
static int full_list(void)
{
	struct sched_case c = { .name = "full list", .sched = XVS_SCHED_RR,
				.ndest = XVS_MAX_RS, .dest = { W(1), W(1), W(1), W(1) } };
	size_t ci = SCHED_NCASES;
	__u32 sid = case_svc(ci), k, last = XVS_MAX_RS - 1;
	uint16_t vport = SCHED_VPORT + ci;
	struct xvs_svc_dests sd;
	struct xvs_dest d;
	struct xvs_conn cn;
	struct pkt_spec in;
	__u32 id = 1;

	if (case_setup(ci, &c) ||
	    bpf_map_lookup_elem(dp_fd(env.skel->maps.dest_info), &id, &d))
		return -1;
	d.u_threshold = 1;
	if (bpf_map_update_elem(dp_fd(env.skel->maps.dest_info), &id, &d, BPF_ANY))
		return -1;
	for (k = 0; k < 2 * XVS_MAX_RS - 1; k++) {
		/* Cycle 1: ids MAX..1; cycle 2 skips id 1 (index `last`). */
		__u32 want = XVS_MAX_RS - (k < XVS_MAX_RS ? k : k - XVS_MAX_RS);

		in = c2v(500, 1 + k, vport, TH_SYN);
		if (xdp(&in, XDP_REDIRECT) ||
		    dp_conn(&env, IPPROTO_TCP, cli_addr(500), 1 + k, VIP, vport, &cn))
			return -1;
		if (cn.dest_id != want) {
			fprintf(stderr, "  SYN %u: got dest %u, want %u\n", k, cn.dest_id, want);
			return -1;
		}
		if (bpf_map_lookup_elem_flags(dp_fd(env.skel->maps.svc_dests), &sid, &sd,
					      BPF_F_LOCK))
			return -1;
		if (sd.overload[last] != (k >= last)) {
			fprintf(stderr, "  SYN %u: overload[%u] = %u\n", k, last, sd.overload[last]);
			return -1;
		}
	}
	if (gc_force(500, 1 + last, vport) ||
	    bpf_map_lookup_elem_flags(dp_fd(env.skel->maps.svc_dests), &sid, &sd, BPF_F_LOCK))
		return -1;
	return sd.overload[last] == 0 ? 0 : -1;
}

static int setup(void)
{
	char cmd[128];
	__u32 k;

	if (dp_open(&env))
		return -1;
	dp_globals(&env, 1);
	for (k = 1; k <= XVS_MAX_RS; k++) {
		snprintf(cmd, sizeof(cmd),
			 "ip neigh add %s lladdr 02:00:00:00:02:%02x dev int nud permanent",
			 rs_addr(k), 0x10 + k);
		if (dp_sh(cmd))
			return -1;
	}
	return 0;
}

int main(void)
{
	int pass = 0, fail = 0;
	size_t ci, si;

	if (setup()) {
		printf("0 passed, 1 failed\n");
		return 1;
	}
	for (ci = 0; ci < SCHED_NCASES; ci++) {
		const struct sched_case *c = &sched_cases[ci];
		int bad = case_setup(ci, c);

		for (si = 0; !bad && si < SCHED_CASE_STEPS && c->step[si].op != OP_END; si++)
			if (step(ci, c, &c->step[si])) {
				fprintf(stderr, "  step %zu\n", si + 1);
				bad = 1;
			}
		printf("%s %zu - %s\n", bad ? "not ok" : "ok", ci + 1, c->name);
		if (bad)
			fail++;
		else
			pass++;
	}
	if (full_list()) {
		printf("not ok %zu - %d servers in one service\n", ci + 1, XVS_MAX_RS);
		fail++;
	} else {
		printf("ok %zu - %d servers in one service\n", ci + 1, XVS_MAX_RS);
		pass++;
	}
	xvs__destroy(env.skel);
	printf("%d passed, %d failed\n", pass, fail);
	return fail ? 1 : 0;
}
