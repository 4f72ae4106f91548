/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every map of the datapath. Layouts are in include/xvs/abi.h; the table in
 * docs/architecture.md says who writes what. xvsd pins each map by name under
 * its pin dir and sets conn_v4's size before load.
 */
#ifndef XVS_BPF_MAPS_H
#define XVS_BPF_MAPS_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <xvs/abi.h>

/* Virtual services: (proto, VIP, port) -> configuration. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XVS_MAX_SVC);
	__type(key, struct xvs_svc_key);
	__type(value, struct xvs_svc);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} svc_map SEC(".maps");

/* Per service: its real servers in IPVS order and the rr/wrr cursors. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XVS_MAX_SVC);
	__type(key, __u32);
	__type(value, struct xvs_svc_dests);
} svc_dests SEC(".maps");

/* Real servers by id. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XVS_MAX_DEST);
	__type(key, __u32);
	__type(value, struct xvs_dest);
} dest_info SEC(".maps");

/* Active/inactive/persistent connection counts by dest id (atomic adds). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XVS_MAX_DEST);
	__type(key, __u32);
	__type(value, struct xvs_dest_cnt);
} dest_cnt SEC(".maps");

/* Connections and templates by XVS_DIR_IN key. Size set by xvsd (conn_max). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XVS_CONN_DEFAULT);
	__type(key, struct xvs_conn_key);
	__type(value, struct xvs_conn);
} conn_v4 SEC(".maps");

/* Each connection's reply (XVS_DIR_OUT key) -> its VIP side. Sized as conn_v4. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XVS_CONN_DEFAULT);
	__type(key, struct xvs_conn_key);
	__type(value, struct xvs_conn_out);
} conn_out SEC(".maps");

/* Real server addresses some connection had (conn.h, conn_rs_bit()). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XVS_RS_FILTER_WORDS);
	__type(key, __u32);
	__type(value, __u64);
} rs_filter SEC(".maps");

/*
 * Connections that may be unanswered, oldest first from pool_head: a ring
 * of conn_max / XVS_POOL_SHARE slots (size set by xvsd). pool.h.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XVS_POOL_DEFAULT);
	__type(key, __u32);
	__type(value, struct xvs_pool_slot);
} conn_pool SEC(".maps");

/* Slots handed out so far (atomic add): the next one is head % size. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} pool_head SEC(".maps");

/*
 * First fragments' ports, for the later fragments of the same datagram
 * (frag.h). An LRU: an entry is a hint that only matters for a datagram's
 * lifetime, and losing an old one drops only a straggler.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, XVS_FRAG_MAX);
	__type(key, struct xvs_frag_key);
	__type(value, struct xvs_frag);
} frag_v4 SEC(".maps");

/* VIPs and NAT real servers, kept by xvsd from its services (addrset.c). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XVS_MAX_SVC + XVS_MAX_DEST);
	__type(key, struct xvs_addr_key);
	__type(value, __u32);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} addr_set SEC(".maps");

/*
 * Scratch space for a rare path's route lookup (noconn.h): the parameters
 * are 64 bytes, too many for a stack the fast path already nearly fills.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bpf_fib_lookup);
} scratch_fib SEC(".maps");

/* Mark rules, two banks: globals.mark_bank names the one in use (fwmark.h). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct xvs_mark_set);
} mark_rules SEC(".maps");

/* Firewall mark of each fwmark service by service id, for its templates. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XVS_MAX_SVC);
	__type(key, __u32);
	__type(value, __u32);
} svc_fwmark SEC(".maps");

/* How many port-0 services exist: no second lookup for a VIP without one. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} svc_port0 SEC(".maps");

/* lblc / lblcr locality caches: (service, destination address) -> server(s). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XVS_LBLC_ENTRIES);
	__type(key, struct xvs_lblc_key);
	__type(value, struct xvs_lblc);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} lblc_v4 SEC(".maps");

/* Runtime settings (timeouts, sysctl-like knobs). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xvs_globals);
} globals SEC(".maps");

/* IPVS counters per service, per real server and in total. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XVS_MAX_SVC);
	__type(key, __u32);
	__type(value, struct xvs_stats);
} svc_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XVS_MAX_DEST);
	__type(key, __u32);
	__type(value, struct xvs_stats);
} dest_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xvs_stats);
} glob_stats SEC(".maps");

/* Packets dropped or refused, by enum xvs_drop. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XVS_DROP_MAX);
	__type(key, __u32);
	__type(value, __u64);
} drop_stats SEC(".maps");

/* ICMP errors the datapath generates: a token bucket per CPU. */
struct xvs_icmp_bucket {
	__u64 tokens;		/* scaled by NSEC_PER_SEC */
	__u64 last_ns;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xvs_icmp_bucket);
} icmp_bucket SEC(".maps");

/*
 * Connection sync records for xvsd's master sync daemon (sync.h), written
 * only while globals.sync_master is set.
 */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, XVS_SYNC_RING_SIZE);
} sync_ring SEC(".maps");

#endif /* XVS_BPF_MAPS_H */
