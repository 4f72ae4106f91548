// SPDX-License-Identifier: GPL-2.0
/*
 * dp_prof [FLOWS] [ROUNDS]: the datapath's cost per packet, path by path,
 * as the kernel's own bpf_stats count it (run_time_ns / run_cnt of xvs_xdp,
 * kernel.bpf_stats_enabled on for the run). Runs in the packet tests' world
 * (tests/bpf/dp_env.h: a private namespace, build/xvs.bpf.o, maps primed as
 * xvsd would) with one UDP service VIP:53 -> RS1:5353, and times, one
 * BPF_PROG_TEST_RUN per packet (a repeat would run the packet the program
 * just rewrote): non-VIP traffic, client -> VIP of a known connection, the
 * server's reply, and new connections; the first two again over FLOWS known
 * connections visited in a scattered order (cache misses). Prints one
 * line of ns/packet per round, and the connection table's memory per
 * connection as the kernel accounts it (memlock of conn_v4, conn_out and
 * conn_pool over conn_v4's size) and the verifier's figures for xvs_xdp
 * and xvs_tc. docs/benchmarks.md says how to read it.
 */
#include <stdio.h>
#include <stdlib.h>
#include "../bpf/dp_env.h"

#define DEFAULT_FLOWS	50000
#define MAX_FLOWS	60000	/* under the default pool of unanswered ones */
#define DEFAULT_ROUNDS	3
#define RUNS_PER_CASE	100000
#define FRAME		64

struct prof {
	struct dp_env env;
	int prog;
	uint8_t *frames;	/* FLOWS frames of FRAME bytes */
	size_t *lens;
	unsigned int flows;
};

static int stats_on(int on)
{
	FILE *f = fopen("/proc/sys/kernel/bpf_stats_enabled", "w");

	if (!f)
		return -1;
	fprintf(f, "%d\n", on);
	return fclose(f);
}

static int prog_stats(int fd, __u64 *ns, __u64 *cnt)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -1;
	*ns = info.run_time_ns;
	*cnt = info.run_cnt;
	return 0;
}

/* The kernel's own account of a map's memory (fdinfo "memlock", as bpftool). */
static unsigned long long memlock(struct bpf_map *m)
{
	unsigned long long v = 0;
	char path[64], line[256];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", bpf_map__fd(m));
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "memlock: %llu", &v) == 1)
			break;
	fclose(f);
	return v;
}

/* What the verifier saw of the fast-path programs. */
static void print_verifier(struct prof *p)
{
	struct bpf_program *progs[] = { p->env.skel->progs.xvs_xdp,
					p->env.skel->progs.xvs_tc };
	struct bpf_prog_info info;
	__u32 len;
	size_t i;

	for (i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
		len = sizeof(info);
		memset(&info, 0, sizeof(info));
		if (bpf_obj_get_info_by_fd(bpf_program__fd(progs[i]), &info, &len))
			continue;
		printf("%s: verified_insns %u xlated %u B jited %u B\n",
		       bpf_program__name(progs[i]), info.verified_insns,
		       info.xlated_prog_len, info.jited_prog_len);
	}
}

static void print_memory(struct prof *p)
{
	struct xvs *s = p->env.skel;
	double n = bpf_map__max_entries(s->maps.conn_v4);

	printf("bytes/conn at %.0f connections: conn_v4 %.1f + conn_out %.1f + "
	       "conn_pool %.1f = %.1f\n", n, memlock(s->maps.conn_v4) / n,
	       memlock(s->maps.conn_out) / n, memlock(s->maps.conn_pool) / n,
	       (memlock(s->maps.conn_v4) + memlock(s->maps.conn_out) +
		memlock(s->maps.conn_pool)) / n);
}

/* One UDP frame client @n -> @dst:@dport (or the reply, @reply). */
static size_t frame(uint8_t *buf, unsigned int n, const char *dst, int reply)
{
	char cli[INET_ADDRSTRLEN];
	struct pkt_spec s = { .proto = IPPROTO_UDP, .paylen = 18 };

	snprintf(cli, sizeof(cli), "172.16.%u.%u", (n >> 8) & 0xff, n & 0xff);
	if (reply) {
		s.smac = MAC_RS1;
		s.dmac = MAC_INT;
		s.saddr = RS1;
		s.daddr = cli;
		s.sport = 5353;
		s.dport = 1024 + (n >> 16);
	} else {
		s.smac = MAC_CLI;
		s.dmac = MAC_EXT;
		s.saddr = cli;
		s.daddr = dst;
		s.sport = 1024 + (n >> 16);
		s.dport = 53;
	}
	/* Not one whose checksum reads as a partial one (the datapath passes those). */
	do {
		size_t len = pkt_build(buf, &s);
		struct iphdr *ip = (void *)(buf + sizeof(struct ethhdr));
		struct udphdr *uh = (void *)(ip + 1);
		uint16_t partial = htons((uint16_t)pkt_sum(NULL, 0,
				pkt_pseudo(ip, ntohs(uh->len))));

		if (uh->check != partial)
			return len;
		s.paylen++;
	} while (1);
}

static int run_one(struct prof *p, const uint8_t *f, size_t len, int ifindex)
{
	struct dp_run r;

	return dp_run_xdp(&p->env, f, len, ifindex, &r) ? -1 : r.retval;
}

/*
 * Time @runs packets: frame i % @n of @frames (visited with a stride, so
 * consecutive packets hit unrelated entries). Returns ns per packet.
 */
static double timed(struct prof *p, const uint8_t *frames, const size_t *lens,
		    unsigned int n, unsigned int runs, int ifindex, int want)
{
	__u64 ns0, c0, ns1, c1;
	unsigned int i, j = 0, stride = n > 1 ? 7919 % n : 0;
	int v;

	if (prog_stats(p->prog, &ns0, &c0))
		return -1;
	for (i = 0; i < runs; i++) {
		v = run_one(p, frames + (size_t)j * FRAME, lens[j], ifindex);
		if (v != want) {
			fprintf(stderr, "dp_prof: frame %u: verdict %d, not %d\n", j, v, want);
			return -1;
		}
		j = n > 1 ? (j + stride) % n : 0;
	}
	if (prog_stats(p->prog, &ns1, &c1) || c1 == c0)
		return -1;
	return (double)(ns1 - ns0) / (double)(c1 - c0);
}

/* Frames of flows @first.. @first + @n - 1: requests to @dst, or replies. */
static void fill(struct prof *p, unsigned int first, unsigned int n,
		 const char *dst, int reply)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		p->lens[i] = frame(p->frames + (size_t)i * FRAME, first + i, dst,
				   reply);
}

static int setup(struct prof *p)
{
	__u32 ids[] = { 1 };
	int w[] = { 1 };

	if (dp_open(&p->env))
		return -1;
	dp_globals(&p->env, 1);
	dp_svc(&p->env, 1, IPPROTO_UDP, VIP, 53, XVS_SCHED_RR);
	dp_dest(&p->env, 1, 1, RS1, 5353, 1);
	dp_list(&p->env, 1, ids, w, 1);
	p->prog = bpf_program__fd(p->env.skel->progs.xvs_xdp);
	return 0;
}

/* One round of every case; round 0 first makes the FLOWS connections. */
static int round_once(struct prof *p, unsigned int round)
{
	unsigned int n = p->flows, nnew = RUNS_PER_CASE / 4;
	int e = p->env.ext, in = p->env.int_;
	double t[6];

	/* The known connections, answered (else the pool would take them). */
	if (round == 0) {
		fill(p, 0, n, VIP, 0);
		if (timed(p, p->frames, p->lens, n, n, e, XDP_REDIRECT) < 0)
			return -1;
		fill(p, 0, n, VIP, 1);
		if (timed(p, p->frames, p->lens, n, n, in, XDP_REDIRECT) < 0)
			return -1;
	}
	fill(p, n + round * nnew, nnew, VIP, 0);
	t[0] = timed(p, p->frames, p->lens, nnew, nnew, e, XDP_REDIRECT);
	fill(p, 0, n, "192.168.1.100", 0);
	t[1] = timed(p, p->frames, p->lens, 1, RUNS_PER_CASE, e, XDP_PASS);
	fill(p, 0, n, VIP, 0);
	t[2] = timed(p, p->frames, p->lens, 1, RUNS_PER_CASE, e, XDP_REDIRECT);
	t[3] = timed(p, p->frames, p->lens, n, RUNS_PER_CASE, e, XDP_REDIRECT);
	fill(p, 0, n, VIP, 1);
	t[4] = timed(p, p->frames, p->lens, 1, RUNS_PER_CASE, in, XDP_REDIRECT);
	t[5] = timed(p, p->frames, p->lens, n, RUNS_PER_CASE, in, XDP_REDIRECT);
	if (t[0] < 0 || t[1] < 0 || t[2] < 0 || t[3] < 0 || t[4] < 0 || t[5] < 0)
		return -1;
	printf("round %u ns/pkt: new %.0f  non-vip %.0f  request %.0f  "
	       "request-%u %.0f  reply %.0f  reply-%u %.0f\n",
	       round, t[0], t[1], t[2], n, t[3], t[4], n, t[5]);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned int rounds = argc > 2 ? atoi(argv[2]) : DEFAULT_ROUNDS, i;
	struct prof p = { .flows = argc > 1 ? atoi(argv[1]) : DEFAULT_FLOWS };
	int rc = 1;

	if (!p.flows || p.flows > MAX_FLOWS || !rounds) {
		fprintf(stderr, "usage: dp_prof [FLOWS <= 60000] [ROUNDS]\n");
		return 2;
	}
	p.frames = calloc(p.flows > RUNS_PER_CASE ? p.flows : RUNS_PER_CASE, FRAME);
	p.lens = calloc(p.flows > RUNS_PER_CASE ? p.flows : RUNS_PER_CASE,
			sizeof(*p.lens));
	if (!p.frames || !p.lens || setup(&p) || stats_on(1))
		goto out;
	for (i = 0; i < rounds; i++)
		if (round_once(&p, i))
			goto out;
	print_memory(&p);
	print_verifier(&p);
	rc = 0;
out:
	stats_on(0);
	if (p.env.skel)
		xvs__destroy(p.env.skel);
	free(p.frames);
	free(p.lens);
	return rc;
}
