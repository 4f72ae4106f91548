/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xvs datapath ABI: the keys, values and constants of every map shared by
 * the BPF programs (bpf/) and xvsd (src/xvsd/). Fixed-width types, explicit
 * padding, no pointers. Bump XVS_ABI_VERSION whenever a layout below changes:
 * xvsd refuses to adopt pinned maps of another version (see docs/pinning.md).
 *
 * Addresses and ports are kept in network byte order everywhere, as they sit
 * in the packet, so the fast path never swaps bytes.
 */
#ifndef XVS_ABI_H
#define XVS_ABI_H

#include <linux/types.h>
#include <linux/bpf.h>

#define XVS_ABI_VERSION		8

/*
 * Capacity limits. XVS_MAX_SVC and XVS_MAX_DEST are the id maps' default
 * sizes: xvsd's --max-services/--max-servers resize them before load, so
 * nothing but the maps' own bounds may limit an id. The others are
 * compile-time: they size values and bound loops.
 */
#define XVS_MAX_SVC		1024	/* virtual services, ids 1..XVS_MAX_SVC-1 */
#define XVS_MAX_DEST		8192	/* real servers over all services, ids 1.. */
#define XVS_MAX_RS		128	/* real servers in one service (a power of 2, <= 255) */
#define XVS_CONN_DEFAULT	262144	/* default connection table entries */
#define XVS_FRAG_MAX		8192	/* fragmented datagrams remembered (LRU) */
/*
 * Connections that never saw a reply live in a pool of conn_max /
 * XVS_POOL_SHARE slots (docs/conn-pressure.md): the oldest is dropped to
 * make room, and under pressure xvsd expires those idle XVS_POOL_TIMEOUT s.
 */
#define XVS_POOL_SHARE		4
#define XVS_POOL_DEFAULT	(XVS_CONN_DEFAULT / XVS_POOL_SHARE)
#define XVS_POOL_TIMEOUT	5

/* Hash-table schedulers (ipvs.md 1.2, 1.3): bucket counts as IPVS's defaults. */
#define XVS_SH_TAB_SIZE		256	/* sh and dh: IP_VS_{SH,DH}_TAB_BITS = 8 */
#define XVS_MH_TAB_SIZE		4093	/* mh: CONFIG_IP_VS_MH_TAB_INDEX = 12 */

/* IPVS service flags (same values as the kernel's IP_VS_SVC_F_*). */
#define XVS_SVC_F_PERSISTENT	0x0001
#define XVS_SVC_F_HASHED	0x0002
#define XVS_SVC_F_ONEPACKET	0x0004
#define XVS_SVC_F_SCHED1	0x0008
#define XVS_SVC_F_SCHED2	0x0010
#define XVS_SVC_F_SCHED3	0x0020

/*
 * xvs-private service flags, above the kernel's range; never shown by
 * listings. STANDBY: the VRRP instance owning the VIP is not MASTER here
 * (docs/ha.md): the datapath schedules no new connection for the service,
 * known connections go on.
 */
#define XVS_SVC_F_STANDBY	0x10000
/* FWMARK: a firewall-mark service (docs/fwmark.md), keyed in svc_map as below. */
#define XVS_SVC_F_FWMARK	0x20000
/*
 * PORT0: a port-0 service (-t VIP:0 -p), IPVS's catch-all for every port of
 * the VIP without a service of its own; its templates are keyed with port 0,
 * so a client sticks to one server across ports. svc_port0 counts them.
 */
#define XVS_SVC_F_PORT0		0x40000

/* IPVS forwarding methods (the kernel's IP_VS_CONN_F_FWD_MASK values). */
enum xvs_fwd {
	XVS_FWD_MASQ = 0,
	XVS_FWD_LOCAL = 1,
	XVS_FWD_TUNNEL = 2,
	XVS_FWD_ROUTE = 3,
};

/* Schedulers. Names and order as ipvsadm's help lists them. */
enum xvs_sched {
	XVS_SCHED_RR = 0,
	XVS_SCHED_WRR,
	XVS_SCHED_LC,
	XVS_SCHED_WLC,
	XVS_SCHED_LBLC,
	XVS_SCHED_LBLCR,
	XVS_SCHED_DH,
	XVS_SCHED_SH,
	XVS_SCHED_SED,
	XVS_SCHED_NQ,
	XVS_SCHED_FO,
	XVS_SCHED_OVF,
	XVS_SCHED_MH,
	XVS_SCHED_MAX,
};

/*
 * IPVS TCP states, numbered as the kernel numbers them (IP_VS_TCP_S_*), so
 * listings and the transition table read like the kernel's. UDP connections
 * have the single state XVS_S_UDP.
 */
enum xvs_state {
	XVS_TCP_S_NONE = 0,
	XVS_TCP_S_ESTABLISHED,
	XVS_TCP_S_SYN_SENT,
	XVS_TCP_S_SYN_RECV,
	XVS_TCP_S_FIN_WAIT,
	XVS_TCP_S_TIME_WAIT,
	XVS_TCP_S_CLOSE,
	XVS_TCP_S_CLOSE_WAIT,
	XVS_TCP_S_LAST_ACK,
	XVS_TCP_S_LISTEN,
	XVS_TCP_S_SYNACK,
	XVS_S_UDP,
	XVS_S_MAX,
};

/* ---- virtual services -------------------------------------------------- */

/* svc_map key: one virtual service (IPv4 TCP/UDP). */
struct xvs_svc_key {
	__u32 addr;		/* VIP, network order */
	__u16 port;		/* network order */
	__u8 proto;		/* IPPROTO_TCP / IPPROTO_UDP */
	__u8 pad;
};

/* svc_map value: the service's configuration. */
struct xvs_svc {
	__u32 id;		/* index into svc_dests / svc_stats */
	__u32 flags;		/* XVS_SVC_F_* */
	__u32 sched;		/* enum xvs_sched */
	__u32 timeout;		/* persistence timeout, seconds */
	__u32 netmask;		/* persistence granularity, network order */
	__u32 origin;		/* enum xvs_origin: who made it (xvsd only) */
};

/*
 * Who configured a service, kept in the pinned map so a restarted xvsd
 * still knows: a keepalived.conf reload changes only its own services and
 * never one made with xvsadm/ipvsadm or ipvsadm-restore (both CLI).
 */
enum xvs_origin {
	XVS_ORIGIN_CLI = 0,
	XVS_ORIGIN_KACONF = 1,
};

/*
 * svc_dests value, indexed by service id: the service's real servers in
 * IPVS list order (newest first) and the round-robin cursors. xvsd writes it
 * whole with BPF_F_LOCK; the datapath steps rr/wrr under the lock and reads
 * the rest lock-free (a torn read can only name a dest whose AVAILABLE flag
 * it then checks in dest_info).
 */
struct xvs_svc_dests {
	struct bpf_spin_lock lock;
	__u32 count;			/* valid entries in dest[] */
	__u32 rr_cursor;		/* index of the last pick; >= count: none yet */
	__s32 wrr_cw;			/* wrr current weight */
	__s32 wrr_mw;			/* wrr max weight - (gcd - 1) */
	__s32 wrr_di;			/* wrr gcd of weights */
	__u32 gen;			/* bumped by xvsd on each rewrite */
	__u32 dest[XVS_MAX_RS];		/* dest ids */
	__s32 weight[XVS_MAX_RS];	/* copy of each dest's weight */
	__u8 overload[XVS_MAX_RS];	/* 1: dest[i] is OVERLOADED (a byte: no word to share) */
	/*
	 * Hash-table schedulers' tables, built by xvsd from the list above on
	 * every change and written with it in one locked update, so a table
	 * never names a list it was not built from. A byte is a dest[] index
	 * plus one; 0 is an empty bucket. All three are kept for every
	 * service so that -E to sh, dh or mh finds its table ready.
	 */
	__s32 last_weight[XVS_MAX_RS];	/* mh: weight at add, then the last non-zero one */
	__u8 sh_tab[XVS_SH_TAB_SIZE];	/* sh: weighted fill */
	__u8 dh_tab[XVS_SH_TAB_SIZE];	/* dh: one bucket per dest, round robin */
	__u8 mh_tab[XVS_MH_TAB_SIZE + 3];	/* mh: Maglev lookup table (+3: 8-byte size) */
};

/*
 * Firewall-mark services (docs/fwmark.md). An fwmark service is the svc_map
 * entry { addr = mark in network order (IPVS's "0.0.0.<mark>"), port 0,
 * proto 0 } with XVS_SVC_F_FWMARK; svc_fwmark[id] holds its mark for the
 * persistence templates, keyed (proto 0, client net, 0, mark, 0) as IPVS
 * keys them. XDP and tc run before netfilter, so no iptables or nftables
 * mark is set yet: xvs's own mark rules give a packet its mark. The first
 * rule that matches names the mark.
 */
#define XVS_MAX_MARK_RULES	64
#define XVS_MARK_PORTS		8	/* port ranges in one rule */

struct xvs_mark_ports {
	__u16 lo;		/* host order, lo <= hi */
	__u16 hi;
};

struct xvs_mark_rule {
	__u32 daddr;		/* network order, already masked */
	__u32 dmask;		/* network order; 0: any destination */
	__u32 saddr;
	__u32 smask;		/* 0: any source */
	__u32 mark;		/* > 0 */
	__u8 proto;		/* IPPROTO_TCP / IPPROTO_UDP; 0: both */
	__u8 nports;		/* port[] entries used; 0: any port */
	__u16 pad;
	struct xvs_mark_ports port[XVS_MARK_PORTS];	/* destination ports */
};

/*
 * mark_rules value: a whole ordered rule list. xvsd writes the bank not in
 * use, then points globals.mark_bank at it, so the datapath never reads a
 * list half written.
 */
struct xvs_mark_set {
	__u32 count;
	__u32 pad;
	struct xvs_mark_rule rule[XVS_MAX_MARK_RULES];
};

/* ---- real servers ------------------------------------------------------ */

#define XVS_DEST_F_AVAILABLE	0x0001	/* linked in its service (IPVS AVAILABLE) */
/* OVERLOAD is svc_dests.overload[i], flipped by the datapath at bind/unbind. */

/* dest_info value, indexed by dest id. Written by xvsd only. */
struct xvs_dest {
	__u32 addr;		/* RIP, network order */
	__u16 port;		/* network order */
	__u16 fwd;		/* enum xvs_fwd */
	__s32 weight;
	__u32 flags;		/* XVS_DEST_F_* */
	__u32 svc_id;
	__u32 u_threshold;
	__u32 l_threshold;
	__u32 pad;
};

/* dest_cnt value, indexed by dest id: connection counts, atomic adds only. */
struct xvs_dest_cnt {
	__s32 active;
	__s32 inactive;
	__s32 persist;
	__s32 pad;
};

/* ---- locality caches (lblc, lblcr) ------------------------------------ */

/*
 * IPVS's max_size of one service's cache (1024 * 16): beyond it xvsd trims
 * idle entries. The map is shared by all services and holds more.
 */
#define XVS_LBLC_MAX		16384
#define XVS_LBLC_ENTRIES	(4 * XVS_LBLC_MAX)

/* lblc_v4 key: a service and a packet destination address (network order). */
struct xvs_lblc_key {
	__u32 svc_id;
	__u32 addr;
};

/*
 * lblc_v4 value (bpf/lib/sched_lblc.h): lblc's server for the address in
 * dest[0], or lblcr's server set, oldest member first. xvsd expires entries
 * idle for lblc(r)_expiration as IPVS's timer does (docs/datapath.md).
 */
struct xvs_lblc {
	__u64 lastuse;		/* bpf_ktime_get_ns() of the last pick through it */
	__u64 lastmod;		/* lblcr: when a member last joined the set */
	__u32 count;		/* members in dest[] (lblc: 1) */
	__u32 svc_id;		/* as in the key */
	__u32 dest[XVS_MAX_RS];	/* dest ids */
};

/* ---- connections ------------------------------------------------------- */

enum xvs_conn_dir {
	XVS_DIR_IN = 0,		/* client -> VIP: the primary entry */
	XVS_DIR_OUT = 1,	/* real server -> client: the reply entry */
};

/* conn_v4 key: the packet's own 5-tuple plus the direction it belongs to. */
struct xvs_conn_key {
	__u32 saddr;
	__u32 daddr;
	__u16 sport;
	__u16 dport;
	__u8 proto;
	__u8 dir;		/* enum xvs_conn_dir */
	__u16 pad;
};

/* Bits of xvs_conn.state besides the state number (low 8 bits). */
#define XVS_CONN_STATE_MASK	0x00ff
#define XVS_CONN_INACTIVE	0x0100	/* counted in dest inactive, not active */
#define XVS_CONN_DEAD		0x0200	/* being expired: nobody may count it */

/* States of a persistence template (its own two-state table in IPVS). */
#define XVS_TPL_S_NONE		0
#define XVS_TPL_S_ASSURED	1	/* a connection it controls got established/answered */

/* xvs_conn.flags */
#define XVS_CONN_F_TEMPLATE	0x0001	/* persistence template */
#define XVS_CONN_F_SEEN_REPLY	0x0002	/* a packet went RS -> client */
#define XVS_CONN_F_CONTROLLED	0x0004	/* made through a persistence template */
#define XVS_CONN_F_FWMARK	0x0008	/* CONTROLLED by an fwmark service's template */
#define XVS_CONN_F_OPS		0x0010	/* of a one-packet (-o) service: lives to carry the answer */
#define XVS_CONN_F_PORT0	0x0020	/* of a port-0 service: its template's key has port 0 */

/*
 * conn_v4 value, keyed by the connection's XVS_DIR_IN key: the whole address
 * mapping, state, timer and counts. The reply's key leads to it through the
 * small conn_out entry (struct xvs_conn_out). A persistence template
 * (XVS_CONN_F_TEMPLATE) is a lone XVS_DIR_IN entry keyed (proto, client
 * address & svc netmask, port 0, VIP, vport); it lives while n_control > 0.
 */
struct xvs_conn {
	__u32 caddr;		/* client */
	__u32 vaddr;		/* VIP */
	__u32 daddr;		/* real server */
	__u16 cport;
	__u16 vport;
	__u16 dport;
	__u16 flags;		/* XVS_CONN_F_* */
	__u32 dest_id;
	__u32 svc_id;
	__u32 state;		/* enum xvs_state | XVS_CONN_INACTIVE | XVS_CONN_DEAD; CAS only */
	__u32 timeout;		/* seconds, of the current state */
	__u32 n_control;	/* template: live connections made through it */
	__u64 last_seen;	/* bpf_ktime_get_ns() of the last packet */
	__u32 tpl_addr;		/* CONTROLLED: client net in its template's key */
	__u32 pool_slot;	/* conn_pool index + 1 while it may be unanswered; 0: none */
};

/*
 * conn_out value, keyed by a connection's XVS_DIR_OUT key (the reply's own
 * 5-tuple): what the reply is rewritten to, which with the reply's
 * destination (the client) is also the connection's conn_v4 key. A third of
 * a full entry's memory (docs/conn-pressure.md).
 */
struct xvs_conn_out {
	__u32 vaddr;
	__u16 vport;
	__u16 pad;
};

/*
 * rs_filter: one bit per hash of a real server address (conn_rs_bit()), set
 * by the datapath for every connection's server and never cleared. A packet
 * whose source bit is clear cannot be a reply, so it costs no conn_out
 * lookup; a set bit only means "look".
 */
#define XVS_RS_FILTER_WORDS	4096	/* __u64 words: 262144 bits, 32 KiB */

/* conn_pool value: the IN key of the connection that took the slot last. */
struct xvs_pool_slot {
	struct xvs_conn_key key;
};

/* ---- IP fragments ---------------------------------------------------- */

/* frag_v4 key: one fragmented datagram, as the IP header names it. */
struct xvs_frag_key {
	__u32 saddr;
	__u32 daddr;
	__u16 id;		/* IP identification, network order */
	__u8 proto;
	__u8 pad;
};

/* frag_v4 value: the ports of the first fragment, for the later ones. */
struct xvs_frag {
	__u16 sport;
	__u16 dport;
};

/* ---- address sets (written by xvsd from its services) ---------------- */

enum xvs_addr_kind {
	XVS_ADDR_VIP = 1,	/* a service's address; port and proto 0 */
	XVS_ADDR_RS = 2,	/* a NAT real server's address, port and proto */
};

/* addr_set key; the value is a __u32 count of services / servers. */
struct xvs_addr_key {
	__u32 addr;
	__u16 port;
	__u8 proto;
	__u8 kind;		/* enum xvs_addr_kind */
};

/* ---- global configuration ---------------------------------------------- */

/* globals value (ARRAY, one entry): runtime settings written by xvsd. */
struct xvs_globals {
	__u32 timeout[XVS_S_MAX];	/* seconds per state; --set edits ESTABLISHED, FIN_WAIT, UDP */
	__u32 conn_reuse_mode;		/* IPVS conn_reuse_mode, default 1 */
	__u32 expire_nodest_conn;
	__u32 icmp_rate;		/* ICMP errors generated per second (token refill) */
	__u32 icmp_burst;
	__u32 expire_quiescent_template;	/* IPVS sysctls of the same names, */
	__u32 sloppy_tcp;			/* default 0 (docs/conn-settings.md) */
	__u32 nat_icmp_send;
	__u32 pool_pressure;	/* set by xvsd's sweeper (docs/conn-pressure.md) */
	__u32 sync_master;	/* 1: a master sync daemon runs: feed sync_ring (docs/ha.md) */
	__u32 mark_bank;	/* mark_rules entry in use + 1; 0: no mark rules */
};

/* ---- counters ---------------------------------------------------------- */

/* svc_stats / dest_stats / glob_stats value (per-CPU): IPVS's counters. */
struct xvs_stats {
	__u64 conns;		/* new connections scheduled */
	__u64 inpkts;		/* client -> real server */
	__u64 outpkts;		/* real server -> client */
	__u64 inbytes;		/* L3 bytes */
	__u64 outbytes;
};

/* drop_stats index (per-CPU __u64): why the datapath dropped or refused. */
enum xvs_drop {
	XVS_DROP_NO_DEST = 0,		/* no server available: ICMP port unreachable */
	XVS_DROP_DEST_GONE,		/* connection's server was removed */
	XVS_DROP_CONN_FULL,		/* connection table full */
	XVS_DROP_FRAG_NEEDED,		/* DF packet too big: ICMP frag-needed */
	XVS_DROP_FIB,			/* blackhole / unreachable / prohibit route */
	XVS_DROP_MALFORMED,		/* truncated or bad headers */
	XVS_DROP_ICMP_RATELIMIT,	/* an ICMP error we did not send */
	XVS_DROP_FRAG_UNMATCHED,	/* later IP fragment to a VIP, first one unseen */
	XVS_DROP_POOL_EVICT,		/* unanswered connection dropped for a new one */
	XVS_DROP_POOL_EXPIRE,		/* unanswered connection expired under pressure */
	XVS_DROP_NO_CONN,		/* server packet of no connection (nat_icmp_send) */
	XVS_DROP_MAX,
};

/*
 * XDP -> tc metadata (bpf_xdp_adjust_meta). XDP sets it when it passes a
 * packet it already did the bookkeeping for (e.g. the neighbour of the next
 * hop was not resolved), so the tc program only rewrites and forwards.
 */
#define XVS_META_MAGIC		0x58565331	/* "XVS1" */

struct xvs_meta {
	__u32 magic;
	__u32 flags;
};

#define XVS_META_F_ACCOUNTED	0x0001

/*
 * Expiry requests. xvsd finds expired connections with batch lookups and asks
 * the xvs_gc program (run with BPF_PROG_TEST_RUN, the request as packet data)
 * to remove them, so the state CAS and the count updates stay in BPF code,
 * atomic with the datapath's. The program rechecks each key, expires only
 * entries still idle past their timeout (any, with XVS_GC_F_FORCE), removes
 * both entries and fixes the counts; it writes the number removed in
 * .expired of the returned data.
 */
#define XVS_GC_MAGIC		0x58564743	/* "XVGC" */
#define XVS_GC_BATCH		64
#define XVS_GC_F_FORCE		0x0001
#define XVS_GC_F_POOL		0x0002	/* only unanswered ones idle XVS_POOL_TIMEOUT s */

struct xvs_gc_req {
	__u32 magic;
	__u32 flags;		/* XVS_GC_F_* */
	__u32 count;		/* keys used, <= XVS_GC_BATCH */
	__u32 expired;		/* out */
	struct xvs_conn_key keys[XVS_GC_BATCH];	/* XVS_DIR_IN keys */
};

/*
 * Connection sync (IPVS's sync daemon, docs/ha.md). On a master director the
 * datapath writes one struct xvs_sync_rec into the sync_ring ringbuf when it
 * creates a connection or changes its state; xvsd sends them to the backup,
 * whose xvsd resolves service and server by address (ids differ between
 * directors) and hands them to the xvs_sync_in program (BPF_PROG_TEST_RUN,
 * struct xvs_sync_req as packet data), which inserts or updates both entries
 * with the counts atomic with the datapath's.
 */
#define XVS_SYNC_RING_SIZE	(256 * 1024)	/* bytes, a power of 2 */
#define XVS_SYNC_MAGIC		0x58565359	/* "XVSY" */
#define XVS_SYNC_BATCH		32

struct xvs_sync_rec {
	struct xvs_conn conn;	/* the IN entry as it is now */
	__u32 proto;
	__u32 pad;
};

/* One connection or template for xvs_sync_in: conn.dest_id / svc_id are the backup's. */
struct xvs_sync_ent {
	struct xvs_conn conn;	/* state word: state | XVS_CONN_INACTIVE as the master had it */
	__u32 proto;
	__u32 svc_timeout;	/* the service's persistence timeout, for a template made here */
};

struct xvs_sync_req {
	__u32 magic;
	__u32 count;		/* entries used, <= XVS_SYNC_BATCH */
	__u32 created;		/* out: connections and templates inserted */
	__u32 updated;		/* out: existing ones updated */
	struct xvs_sync_ent ents[XVS_SYNC_BATCH];
};

#endif /* XVS_ABI_H */
