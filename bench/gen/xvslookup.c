// SPDX-License-Identifier: GPL-2.0
/*
 * xvslookup N [LOOKUPS]: connection-table lookup cost at N entries, and the
 * table's memory per connection. lookup.bpf.c fills hash maps of the
 * datapath's conn_v4 and conn_out layouts with N connections and looks
 * LOOKUPS of them up in conn_v4 in a scattered order (one PROG_TEST_RUN,
 * timed by the kernel); a run that only computes the keys is subtracted.
 * Memory per connection: both maps' memlock over N, plus the conn_pool
 * slot share (one 16-byte array entry per XVS_POOL_SHARE connections).
 * For reference, the machine's own cost of one random read in as many bytes
 * as the two maps hold (mem_read_ns()): a lookup is about two of those.
 * Prints one line of key=value results. Refuses, changing nothing, when the
 * machine has not the memory for N entries.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xvs/abi.h>
#include "lookup.skel.h"

#define MAX_ENTRIES	(16u << 20)
#define MAX_LOOKUPS	(1u << 23)	/* bpf_loop's limit */
#define EST_BYTES	320	/* per connection (two map entries), with room to spare */
#define RUNS		3
#define LINE		64	/* bytes */
#define MEM_LINES	(1u << 20)	/* lines the reference chain visits */

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

/*
 * ns per read of a chain of dependent loads through up to MEM_LINES distinct
 * cache lines of a @bytes buffer in random order, with 4 KiB pages as
 * vmalloc maps a BPF map's memory: each read waits for the one before, as a
 * lookup's element read waits for its bucket read. Fastest of RUNS passes
 * of @reads reads; 0 when the buffer cannot be had.
 */
static double mem_read_ns(unsigned long long bytes, __u32 reads)
{
	unsigned long long lines = bytes / LINE, i, j, t, *idx;
	__u32 n = lines < MEM_LINES ? lines : MEM_LINES, r, run;
	volatile unsigned long long *buf;
	double best = 0, t0;
	unsigned long long p;

	if (n < 2)
		return 0;
	buf = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		return 0;
	madvise((void *)buf, bytes, MADV_NOHUGEPAGE);
	idx = malloc(n * sizeof(*idx));
	if (!idx)
		goto out;
	memset((void *)buf, 0, bytes);
	/* One line from each of n equal blocks, then the order shuffled. */
	srandom(1);
	for (i = 0; i < n; i++)
		idx[i] = i * (lines / n) + (unsigned long long)random() % (lines / n);
	for (i = n - 1; i > 0; i--) {
		j = (unsigned long long)random() % (i + 1);
		t = idx[i];
		idx[i] = idx[j];
		idx[j] = t;
	}
	for (i = 0; i < n; i++)
		buf[idx[i] * (LINE / 8)] = idx[(i + 1) % n] * (LINE / 8);
	for (run = 0; run < RUNS; run++) {
		p = idx[0] * (LINE / 8);
		t0 = now();
		for (r = 0; r < reads; r++)
			p = buf[p];
		t0 = now() - t0;
		if (p == ~0ull)		/* keeps the chain live */
			break;
		if (!best || t0 < best)
			best = t0;
	}
	best = best * 1e9 / reads;
	free(idx);
out:
	munmap((void *)buf, bytes);
	return best;
}

int main(int argc, char **argv)
{
	unsigned long long need, have, mem, mem_out;
	struct lookup_bpf *skel;
	double base, full, t0, fill_s, mem_ns;
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
	/* The maps go first: the reference buffer is as large as both. */
	lookup_bpf__destroy(skel);
	skel = NULL;
	mem_ns = mem_read_ns(mem + mem_out, nl);
	printf("entries=%u lookups=%u ns_lookup=%.1f ns_gross=%.1f mlookups_s=%.2f "
	       "bytes_entry=%.0f bytes_out=%.0f bytes_conn=%.0f fill_s=%.2f ns_mem=%.1f\n",
	       n, nl, full - base, full, 1e3 / full, (double)mem / n, (double)mem_out / n,
	       (double)(mem + mem_out) / n +
	       (double)sizeof(struct xvs_pool_slot) / XVS_POOL_SHARE, fill_s, mem_ns);
out:
	lookup_bpf__destroy(skel);
	return err ? 1 : 0;
}
