// SPDX-License-Identifier: GPL-2.0
/*
 * xvslookup N [LOOKUPS]: connection-table lookup cost at N entries, and the
 * table's memory per connection. lookup.bpf.c fills hash maps of the
 * datapath's conn_v4 and conn_out layouts with N connections and looks
 * LOOKUPS of them up in conn_v4 in a scattered order (one PROG_TEST_RUN,
 * timed by the kernel); a run that only computes the keys is subtracted.
 * Memory per connection: both maps' memlock over N, plus the conn_pool
 * slot share (one 16-byte array entry per XVS_POOL_SHARE connections).
 * Prints one line of key=value results. Refuses, changing nothing, when the
 * machine has not the memory for N entries.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xvs/abi.h>
#include "lookup.skel.h"

#define MAX_ENTRIES	(16u << 20)
#define MAX_LOOKUPS	(1u << 23)	/* bpf_loop's limit */
#define EST_BYTES	320	/* per connection (two map entries), with room to spare */
#define RUNS		3

static unsigned long long avail_bytes(void)
{
	unsigned long long kb = 0;
	char line[256];
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
			break;
	fclose(f);
	return kb * 1024;
}

/* The kernel's own account of a map's memory (fdinfo "memlock"). */
static unsigned long long map_memlock(int fd)
{
	unsigned long long v = 0;
	char path[64], line[256];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "memlock: %llu", &v) == 1)
			break;
	fclose(f);
	return v;
}

static __u32 gcd(__u32 a, __u32 b)
{
	while (b) {
		__u32 t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/* A stride coprime with n: i * stride mod n visits every key once per n. */
static __u32 pick_stride(__u32 n)
{
	__u32 s = 2654435761u % n;

	while (n > 1 && (s < 2 || gcd(s, n) != 1))
		s++;
	return n > 1 ? s : 1;
}

/* Insert keys 0..n-1 from the fill program, bpf_loop's limit at a time. */
static int fill(struct lookup_bpf *skel, __u32 n)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .repeat = 1);
	unsigned char pkt[64] = {};
	__u32 i;

	opts.data_in = pkt;
	opts.data_size_in = sizeof(pkt);
	for (i = 0; i < n; i += skel->bss->fill_count) {
		skel->bss->fill_start = i;
		skel->bss->fill_count = n - i < MAX_LOOKUPS ? n - i : MAX_LOOKUPS;
		if (bpf_prog_test_run_opts(bpf_program__fd(skel->progs.fill_xdp), &opts))
			return -errno;
	}
	return skel->bss->fill_errors ? -ENOSPC : 0;
}

/* Fastest of RUNS timed runs, ns per loop iteration. */
static int timed(struct lookup_bpf *skel, int lookup, __u32 nlookups, double *ns)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .repeat = 1);
	unsigned char pkt[64] = {};
	int i;

	opts.data_in = pkt;
	opts.data_size_in = sizeof(pkt);
	skel->bss->do_lookup = lookup;
	*ns = 0;
	for (i = 0; i < RUNS; i++) {
		skel->bss->hits = 0;
		if (bpf_prog_test_run_opts(bpf_program__fd(skel->progs.lookup_xdp), &opts))
			return -errno;
		if (!*ns || opts.duration < *ns)
			*ns = opts.duration;
	}
	*ns /= nlookups;
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	unsigned long long need, have, mem, mem_out;
	struct lookup_bpf *skel;
	double base, full, t0, fill_s;
	__u32 n, nl = 1u << 20;
	char *end;
	int err;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: xvslookup ENTRIES [LOOKUPS]\n");
		return 2;
	}
	n = strtoul(argv[1], &end, 10);
	if (*end || n < 1 || n > MAX_ENTRIES) {
		fprintf(stderr, "xvslookup: entries must be 1..%u\n", MAX_ENTRIES);
		return 2;
	}
	if (argc == 3) {
		nl = strtoul(argv[2], &end, 10);
		if (*end || nl < 1 || nl > MAX_LOOKUPS) {
			fprintf(stderr, "xvslookup: lookups must be 1..%u\n", MAX_LOOKUPS);
			return 2;
		}
	}
	need = (unsigned long long)n * EST_BYTES;
	have = avail_bytes();
	if (need > have / 2) {
		fprintf(stderr, "xvslookup: %u entries need about %llu MiB, only %llu MiB available\n",
			n, need >> 20, have >> 20);
		return 3;
	}
	skel = lookup_bpf__open();
	if (!skel)
		return 1;
	bpf_map__set_max_entries(skel->maps.conns, n);
	bpf_map__set_max_entries(skel->maps.outs, n);
	skel->rodata->nkeys = n;
	skel->rodata->stride = pick_stride(n);
	skel->rodata->nlookups = nl;
	err = lookup_bpf__load(skel);
	if (err) {
		fprintf(stderr, "xvslookup: load: %s\n", strerror(-err));
		goto out;
	}
	mem = map_memlock(bpf_map__fd(skel->maps.conns));
	mem_out = map_memlock(bpf_map__fd(skel->maps.outs));
	t0 = now();
	err = fill(skel, n);
	fill_s = now() - t0;
	if (err) {
		fprintf(stderr, "xvslookup: fill: %s\n", strerror(-err));
		goto out;
	}
	err = timed(skel, 0, nl, &base) ?: timed(skel, 1, nl, &full);
	if (err) {
		fprintf(stderr, "xvslookup: run: %s\n", strerror(-err));
		goto out;
	}
	if (skel->bss->hits != nl) {
		fprintf(stderr, "xvslookup: %llu of %u lookups hit\n",
			(unsigned long long)skel->bss->hits, nl);
		err = -1;
		goto out;
	}
	printf("entries=%u lookups=%u ns_lookup=%.1f ns_gross=%.1f mlookups_s=%.2f "
	       "bytes_entry=%.0f bytes_out=%.0f bytes_conn=%.0f fill_s=%.2f\n",
	       n, nl, full - base, full, 1e3 / full, (double)mem / n, (double)mem_out / n,
	       (double)(mem + mem_out) / n +
	       (double)sizeof(struct xvs_pool_slot) / XVS_POOL_SHARE, fill_s);
out:
	lookup_bpf__destroy(skel);
	return err ? 1 : 0;
}
