/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The set of datapath maps xvsd works on, as plain fds. Everything that reads
 * or writes a map (svc, dest, stats, gc, list) goes through this struct, so
 * tests can hand it maps of an unpinned, unattached skeleton.
 */
#ifndef XVSD_MAPSET_H
#define XVSD_MAPSET_H

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

#endif /* XVSD_MAPSET_H */
