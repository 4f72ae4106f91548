/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xvsd's view of the configuration: services and real servers by id, a cache
 * of what the pinned maps hold (the maps are the truth; after a restart
 * state_adopt() rebuilds this from them), plus what only xvsd needs: rate
 * estimators and the IPVS "trash" of removed servers still referenced by
 * connections.
 */
#ifndef XVSD_STATE_H
#define XVSD_STATE_H

#include <stdbool.h>
#include <linux/types.h>
#include <xvs/abi.h>

#include "ctl_proto.h"
#include "estimator.h"
#include "mapset.h"

struct addrset;
struct vrrp;
struct ka;
struct sync;

struct xvsd_svc {
	__u32 id;
	struct xvs_svc_key key;
	struct xvs_svc cfg;	/* as in svc_map */
	struct est est;
	struct xvsd_svc *hash_next;	/* chain of its svc_hash bucket */
};

struct xvsd_dest {
	__u32 id;
	struct xvs_dest info;	/* as in dest_info */
	struct xvs_svc_key vs;	/* service it belongs (belonged) to */
	bool vs_known;		/* false: adopted trash of a service gone before the restart */
	bool trashed;
	__u64 trashed_at;	/* CLOCK_MONOTONIC ns */
	struct xvsd_dest *trash_next;	/* chain of its trash bucket */
	__u32 trash_svc;		/* info.svc_id when it was trashed */
	struct est est;
};

#define XVSD_SVC_BUCKETS 16384	/* power of two */

struct xvsd {
	struct xvsd_maps maps;
	struct xvsd_svc **svcs;		/* by id, max_svc of them; 0 unused */
	struct xvsd_dest **dests;	/* by id, max_dest of them; 0 unused */
	__u32 max_svc;			/* svc_dests' entries: ids 1..max_svc-1 */
	__u32 max_dest;			/* dest_info's entries: ids 1..max_dest-1 */
	__u32 nsvcs;
	struct xvsd_svc *svc_hash[XVSD_SVC_BUCKETS];	/* services by key */
	__u32 *svc_trash;	/* by service id: trashed servers still naming it */
	/* The trash with a known service, by (service, address, port). */
	struct xvsd_dest **trash;	/* 1 << trash_bits buckets, about 4 ids each */
	__u32 trash_bits;
	__u32 dest_id_low;	/* every dest id below it is taken */
	__u32 svc_id_low;	/* every service id below it is taken (state_svc_id_free) */
	bool addrset_stale;	/* addr_set may differ from the above: rebuild it whole */
	struct addrset *aset;	/* addr_set's counts as xvsd wrote them (addrset.c) */
	struct xvs_globals globals;
	struct est est_total;
	__u32 conn_count;	/* XVS_DIR_IN entries at the last sweep */
	__u64 gc_expired;	/* connections expired by the sweeper, total */
	struct vrrp *vrrp;	/* VRRP follower (vrrp.h); NULL: serve every service */
	struct ka *ka;		/* keepalived.conf's services (ka_apply.h); NULL: none */
	struct sync *sync;	/* connection sync daemons (sync.h); NULL: none possible */
};

/* CLOCK_MONOTONIC in ns: the clock of bpf_ktime_get_ns(). */
__u64 state_now_ns(void);

/*
 * Bind st to maps and rebuild the view from them: services from svc_map, their
 * lists from svc_dests, servers from dest_info (linked ones live, the others
 * trash), globals (written with IPVS defaults when still empty).
 */
int state_adopt(struct xvsd *st, const struct xvsd_maps *maps);

/* Free everything in memory (maps untouched). */
void state_free(struct xvsd *st);

/* Service by identity, or NULL. */
struct xvsd_svc *state_find_svc(struct xvsd *st, const struct xvs_svc_key *key);

/* Enter service @s (id and key set) in svcs[] and the key index, or take it out. */
void state_svc_link(struct xvsd *st, struct xvsd_svc *s);
void state_svc_unlink(struct xvsd *st, struct xvsd_svc *s);

/* No service has id @id and no trashed server still names it. */
bool state_svc_id_free(const struct xvsd *st, __u32 id);

/* Read / write a service's list with the datapath's lock held by the kernel. */
int state_read_list(struct xvsd *st, __u32 svc_id, struct xvs_svc_dests *sd);
int state_write_list(struct xvsd *st, __u32 svc_id, struct xvs_svc_dests *sd);

/* Connection counts of a server (zeros if unreadable). */
void state_dest_cnt(struct xvsd *st, __u32 id, struct xvs_dest_cnt *cnt);

/* The same for @n servers @ids into @cnt[]: one batch read of their id
 * range when it is not much wider than @n, else one read each. */
void state_dest_cnts(struct xvsd *st, const __u32 *ids, __u32 n, struct xvs_dest_cnt *cnt);

/* Move live server @d to the trash, removed at @now_ns. */
void state_trash_put(struct xvsd *st, struct xvsd_dest *d, __u64 now_ns);

/* Take trashed server @d out of the trash (it comes back, or is freed). */
void state_trash_take(struct xvsd *st, struct xvsd_dest *d);

/* IPVS ip_vs_trash_get_dest(): the trashed server of service @vs at @addr:@port. */
struct xvsd_dest *state_trash_find(struct xvsd *st, const struct xvs_svc_key *vs, __u32 addr,
				   __u16 port);

/* Drop the trashed servers no connection references any more. Returns how many. */
int state_trash_gc(struct xvsd *st, __u64 now_ns);

/*
 * Out of server ids: drop every trashed server no connection references,
 * however recently removed (it can then no longer be resurrected with its
 * counters, which IPVS, having no id limit, never has to give up).
 */
int state_trash_reclaim(struct xvsd *st);

/* Default IPVS timeouts and knobs (ipvs.md 2.2, 2.5). */
void state_default_globals(struct xvs_globals *g);

#endif /* XVSD_STATE_H */
