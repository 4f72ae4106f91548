/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The set of datapath maps xvsd works on, as plain fds. Everything that reads
 * or writes a map (svc, dest, stats, gc, list) goes through this struct, so
 * tests can hand it maps of an unpinned, unattached skeleton.
 */
#ifndef XVSD_MAPSET_H
#define XVSD_MAPSET_H

#include <stddef.h>
#include <linux/types.h>
#include <xvs/abi.h>

struct xvs;

struct xvsd_maps {
	int svc_map;
	int svc_dests;
	int dest_info;
	int dest_cnt;
	int conn_v4;
	int globals;
	int svc_stats;
	int dest_stats;
	int glob_stats;
	int drop_stats;
	int addr_set;		/* VIPs and NAT servers (addrset.c) */
	int lblc_v4;		/* lblc / lblcr locality caches (sched_lblc.c) */
	int svc_port0;		/* how many port-0 services (addrset.c) */
	int mark_rules;		/* xvs's mark rules, two banks (markrule.c) */
	int svc_fwmark;		/* fwmark services' marks by id (svc.c) */
	int gc_prog;		/* xvs_gc program */
	int sync_in_prog;	/* xvs_sync_in program (sync.c) */
	int sync_ring;		/* master sync records (sync.c) */
	int nr_cpus;		/* possible CPUs: per-CPU value count */
	__u32 conn_entries;	/* conn_v4 max_entries */
	__u32 pool_size;	/* conn_pool max_entries: unanswered connections */
};

/* Fill m from a loaded skeleton. Returns 0 or -errno. */
int mapset_from_skel(struct xvsd_maps *m, struct xvs *skel);

/* Sum one per-CPU xvs_stats entry of map fd at id. Returns 0 or -errno. */
int mapset_stats_sum(const struct xvsd_maps *m, int fd, __u32 id, struct xvs_stats *sum);

/* Zero one per-CPU xvs_stats entry of map fd at id on every CPU. */
int mapset_stats_zero(const struct xvsd_maps *m, int fd, __u32 id);

/*
 * Values of array map @fd at ids @lo .. @lo + @n - 1 into @vals, @size bytes
 * each as the kernel lays them out (a per-CPU map's: nr_cpus values, each
 * rounded up to 8 bytes), by BPF_MAP_LOOKUP_BATCH: a syscall per
 * MAPSET_BATCH ids instead of one per id. Returns 0 or -errno.
 */
#define MAPSET_BATCH 1024
int mapset_array_read(int fd, __u32 lo, __u32 n, void *vals, size_t size);

/*
 * Per-CPU xvs_stats of map @fd summed for ids @lo .. @hi - 1: @fn(id, sum,
 * @ctx) for each, in id order. Returns 0, -errno, or what @fn returned
 * non-zero (which stops the walk).
 */
typedef int (*mapset_stats_fn)(__u32 id, const struct xvs_stats *sum, void *ctx);
int mapset_stats_walk(const struct xvsd_maps *m, int fd, __u32 lo, __u32 hi,
		      mapset_stats_fn fn, void *ctx);

#endif /* XVSD_MAPSET_H */
