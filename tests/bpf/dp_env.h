/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The packet tests' world: the test process enters a network namespace of
 * its own and builds the seed's director there (ext 192.168.1.100/24 + VIP
 * 192.168.1.200 towards the client, int 10.0.0.1/24 towards the real
 * servers, permanent neighbours, fixed MACs), so bpf_fib_lookup() answers
 * the same on every run and nothing outlives the process. Then it loads
 * build/xvs.bpf.o through the skeleton, primes maps directly and runs the
 * programs with BPF_PROG_TEST_RUN.
 */
#ifndef XVS_TEST_DP_ENV_H
#define XVS_TEST_DP_ENV_H

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xvs/abi.h>
#include "xvs.skel.h"
#include "xvsd/local.h"
#include "pktgen.h"
#include "lib/sched_wrr.h"

#define MAC_EXT		"02:00:00:00:00:01"	/* director ext */
#define MAC_INT		"02:00:00:00:00:02"	/* director int */
#define MAC_CLI		"02:00:00:00:01:50"	/* client 192.168.1.50 */
#define MAC_GW		"02:00:00:00:01:01"	/* ext gateway 192.168.1.1 */
#define MAC_RS1		"02:00:00:00:02:02"	/* 10.0.0.2 */
#define MAC_RS2		"02:00:00:00:02:03"	/* 10.0.0.3 */
#define VIP		"192.168.1.200"
#define CLI		"192.168.1.50"
#define RS1		"10.0.0.2"
#define RS2		"10.0.0.3"
#define RS_NONEIGH	"10.0.1.5"		/* routed, no neighbour entry */

struct dp_env {
	struct xvs *skel;
	int ext, int_;		/* ifindexes */
	int ncpu;
};

static inline int dp_sh(const char *cmd)
{
	int rc = system(cmd);

	if (rc)
		fprintf(stderr, "setup failed (%d): %s\n", rc, cmd);
	return rc;
}

static inline int dp_netns(struct dp_env *e)
{
	static const char *const cmds[] = {
		"ip link set lo up",
		"ip link add ext type veth peer name extp",
		"ip link add int type veth peer name intp",
		"ip link set ext address " MAC_EXT " up",
		"ip link set int address " MAC_INT " up",
		"ip link set extp up",
		"ip link set intp up",
		"ip addr add 192.168.1.100/24 dev ext",
		"ip addr add " VIP "/32 dev ext",
		"ip addr add 10.0.0.1/24 dev int",
		"ip route add 10.0.1.0/24 dev int",
		"ip route add default via 192.168.1.1",
		"ip route add blackhole 203.0.113.0/24",
		"ip route add unreachable 198.51.100.0/24",
		"ip neigh add " CLI " lladdr " MAC_CLI " dev ext nud permanent",
		"ip neigh add 192.168.1.1 lladdr " MAC_GW " dev ext nud permanent",
		"ip neigh add " RS1 " lladdr " MAC_RS1 " dev int nud permanent",
		"ip neigh add " RS2 " lladdr " MAC_RS2 " dev int nud permanent",
		"sysctl -qw net.ipv4.ip_forward=1",
	};
	size_t i;

	if (unshare(CLONE_NEWNET)) {
		perror("unshare(CLONE_NEWNET) (run as root)");
		return -1;
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (dp_sh(cmds[i]))
			return -1;
	e->ext = if_nametoindex("ext");
	e->int_ = if_nametoindex("int");
	return e->ext && e->int_ ? 0 : -1;
}

static inline int dp_open(struct dp_env *e)
{
	memset(e, 0, sizeof(*e));
	if (dp_netns(e))
		return -1;
	e->ncpu = libbpf_num_possible_cpus();
	e->skel = xvs__open();
	if (!e->skel) {
		fprintf(stderr, "open build/xvs.bpf.o: %s\n", strerror(errno));
		return -1;
	}
	/* No packet test runs the cgroup programs; t0510 loads them. */
	local_skip_load(e->skel);
	if (xvs__load(e->skel)) {
		fprintf(stderr, "load build/xvs.bpf.o: %s\n", strerror(errno));
		xvs__destroy(e->skel);
		e->skel = NULL;
		return -1;
	}
	return 0;
}

static inline int dp_fd(struct bpf_map *m)
{
	return bpf_map__fd(m);
}

static inline __u32 dp_ip(const char *s)
{
	__u32 a;

	inet_pton(AF_INET, s, &a);
	return a;
}

/* ---- priming maps, as xvsd would ------------------------------------- */

static inline void dp_svc(struct dp_env *e, __u32 id, uint8_t proto,
			  const char *vip, uint16_t port, __u32 sched)
{
	struct xvs_svc_key k = { .addr = dp_ip(vip), .port = htons(port),
				 .proto = proto };
	struct xvs_svc v = { .id = id, .sched = sched };

	bpf_map_update_elem(dp_fd(e->skel->maps.svc_map), &k, &v, BPF_ANY);
}

static inline void dp_dest(struct dp_env *e, __u32 id, __u32 svc_id,
			   const char *rip, uint16_t port, int weight)
{
	struct xvs_dest d = { .addr = dp_ip(rip), .port = htons(port),
			      .fwd = XVS_FWD_MASQ, .weight = weight,
			      .flags = XVS_DEST_F_AVAILABLE, .svc_id = svc_id };

	bpf_map_update_elem(dp_fd(e->skel->maps.dest_info), &id, &d, BPF_ANY);
}

/* globals as xvsd writes them at start: IPVS defaults (0 = default). */
static inline void dp_globals(struct dp_env *e, __u32 conn_reuse_mode)
{
	struct xvs_globals g = { .conn_reuse_mode = conn_reuse_mode };
	__u32 zero = 0;

	bpf_map_update_elem(dp_fd(e->skel->maps.globals), &zero, &g, BPF_ANY);
}

/* The service's list, newest first, with weights; wrr state recomputed. */
static inline void dp_list(struct dp_env *e, __u32 svc_id, const __u32 *ids,
			   const int *w, int n)
{
	struct xvs_svc_dests sd;
	int i;

	memset(&sd, 0, sizeof(sd));
	sd.count = n;
	for (i = 0; i < n; i++) {
		sd.dest[i] = ids[i];
		sd.weight[i] = w[i];
	}
	sd.rr_cursor = XVS_MAX_RS;
	sched_wrr_init(&sd);
	bpf_map_update_elem(dp_fd(e->skel->maps.svc_dests), &svc_id, &sd,
			    BPF_ANY);
}

static inline struct xvs_dest_cnt dp_cnt(struct dp_env *e, __u32 id)
{
	struct xvs_dest_cnt c = { 0 };

	bpf_map_lookup_elem(dp_fd(e->skel->maps.dest_cnt), &id, &c);
	return c;
}

/* Per-CPU counters summed, as xvsd does. */
static inline struct xvs_stats dp_stats(struct dp_env *e, struct bpf_map *m,
					__u32 id)
{
	struct xvs_stats sum = { 0 }, v[e->ncpu];
	int i;

	if (bpf_map_lookup_elem(dp_fd(m), &id, v))
		return sum;
	for (i = 0; i < e->ncpu; i++) {
		sum.conns += v[i].conns;
		sum.inpkts += v[i].inpkts;
		sum.outpkts += v[i].outpkts;
		sum.inbytes += v[i].inbytes;
		sum.outbytes += v[i].outbytes;
	}
	return sum;
}

static inline __u64 dp_drops(struct dp_env *e, __u32 reason)
{
	__u64 v[e->ncpu], sum = 0;
	int i;

	if (bpf_map_lookup_elem(dp_fd(e->skel->maps.drop_stats), &reason, v))
		return 0;
	for (i = 0; i < e->ncpu; i++)
		sum += v[i];
	return sum;
}

/* IN entry of client @cli:@cport -> @vip:@vport; 0 when found. */
static inline int dp_conn(struct dp_env *e, uint8_t proto, const char *cli,
			  uint16_t cport, const char *vip, uint16_t vport,
			  struct xvs_conn *out)
{
	struct xvs_conn_key k = { .saddr = dp_ip(cli), .daddr = dp_ip(vip),
				  .sport = htons(cport), .dport = htons(vport),
				  .proto = proto, .dir = XVS_DIR_IN };

	return bpf_map_lookup_elem(dp_fd(e->skel->maps.conn_v4), &k, out);
}

static inline int dp_conn_put(struct dp_env *e, const struct xvs_conn *cn,
			      uint8_t proto)
{
	struct xvs_conn_key k = { .saddr = cn->caddr, .daddr = cn->vaddr,
				  .sport = cn->cport, .dport = cn->vport,
				  .proto = proto, .dir = XVS_DIR_IN };

	return bpf_map_update_elem(dp_fd(e->skel->maps.conn_v4), &k, cn,
				   BPF_EXIST);
}

/* Entries in @m. */
static inline __u32 dp_map_count(struct bpf_map *m)
{
	struct xvs_conn_key k, next;
	__u32 n = 0;
	void *prev = NULL;

	while (!bpf_map_get_next_key(dp_fd(m), prev, &next)) {
		k = next;
		prev = &k;
		n++;
	}
	return n;
}

/* Connection-table entries: conn_v4's and conn_out's (two per connection). */
static inline __u32 dp_conn_count(struct dp_env *e)
{
	return dp_map_count(e->skel->maps.conn_v4) +
	       dp_map_count(e->skel->maps.conn_out);
}

/* ---- running the programs -------------------------------------------- */

struct dp_run {
	int retval;
	uint8_t out[PKT_MAX];
	__u32 outlen;		/* packet bytes, without metadata */
	__u32 metalen;		/* XDP metadata bytes in front of out */
};

static inline int dp_run_xdp(struct dp_env *e, const void *in, size_t len,
			     int ifindex, struct dp_run *r)
{
	struct xdp_md ctx_in = { .data_end = len, .ingress_ifindex = ifindex };
	struct xdp_md ctx_out = { 0 };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = in, .data_size_in = len,
		    .data_out = r->out, .data_size_out = sizeof(r->out),
		    .ctx_in = &ctx_in, .ctx_size_in = sizeof(ctx_in),
		    .ctx_out = &ctx_out, .ctx_size_out = sizeof(ctx_out),
		    .repeat = 1);
	int err;

	err = bpf_prog_test_run_opts(bpf_program__fd(e->skel->progs.xvs_xdp), &o);
	if (err)
		return err;
	r->retval = o.retval;
	r->metalen = ctx_out.data;
	r->outlen = o.data_size_out - r->metalen;
	return 0;
}

static inline int dp_run_tc(struct dp_env *e, const void *in, size_t len,
			    int ifindex, struct dp_run *r)
{
	struct __sk_buff ctx_in = { .ifindex = ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = in, .data_size_in = len,
		    .data_out = r->out, .data_size_out = sizeof(r->out),
		    .ctx_in = &ctx_in, .ctx_size_in = sizeof(ctx_in),
		    .repeat = 1);
	int err;

	err = bpf_prog_test_run_opts(bpf_program__fd(e->skel->progs.xvs_tc), &o);
	if (err)
		return err;
	r->retval = o.retval;
	r->metalen = 0;
	r->outlen = o.data_size_out;
	return 0;
}

/* Where two frames differ, for failure messages. */
static inline void dp_diff(const uint8_t *got, size_t glen, const uint8_t *want,
			   size_t wlen)
{
	size_t i;

	fprintf(stderr, "  length got %zu want %zu\n", glen, wlen);
	for (i = 0; i < glen && i < wlen; i++)
		if (got[i] != want[i])
			fprintf(stderr, "  byte %zu: got %02x want %02x\n", i,
				got[i], want[i]);
}

#endif /* XVS_TEST_DP_ENV_H */
