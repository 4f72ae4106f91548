/* SPDX-License-Identifier: GPL-2.0 */
/*
 * keepalived.conf, parsed: the model xvsd's keepalived support works from.
 * kaconf_load() reads a file (with its includes) into a struct ka_conf;
 * nothing in here touches the datapath. Who uses what:
 *   - ka_apply.c and check/ : virtual_server(_group) blocks, real servers,
 *     their checkers, global lvs_timeouts;
 *   - vrrp.c (the HA side): global_defs (vrrp_notify_fifo), vrrp_instance
 *     names with their virtual_ipaddress lists, vrrp_sync_group members.
 * Keywords and defaults are keepalived 2.2's (docs/keepalived.md). Values a
 * block does not set are resolved when the block closes (a real server
 * inherits from its virtual server, a checker from its real server), so
 * users read final values only. Addresses and ports are network order.
 * Times are milliseconds (keepalived timers are seconds, fractions allowed).
 */
#ifndef XVSD_KACONF_H
#define XVSD_KACONF_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#define KA_NAME_LEN		64	/* instance, group and router names */
#define KA_SCHED_LEN		16
#define KA_MD5_HEX		33	/* 32 hex digits and NUL */

/* keepalived 2.2 defaults (check_data.c, check_parser.c). */
#define KA_DEF_DELAY_LOOP_MS	60000
#define KA_DEF_CONNECT_TO_MS	5000
#define KA_DEF_RETRY_DELAY_MS	1000
#define KA_DEF_HTTP_RETRY_DELAY_MS 3000
#define KA_DEF_PERSIST_S	360	/* persistence_timeout without a value */

/* Where a statement came from, for messages: "(FILE: Line N)". */
struct ka_pos {
	const char *file;	/* owned by the ka_conf (its file list) */
	int line;
};

/* ---- global_defs ---------------------------------------------------- */

/*
 * lvs_sync_daemon IF [[inst] VRRP_INST] [id N] [maxlen L] [port P] [ttl T]
 * [group ADDR]: a connection sync daemon that is master while the VRRP
 * instance is MASTER and backup otherwise. 0 / "" where not given (IPVS's
 * defaults; the syncid defaults to the instance's virtual_router_id).
 */
struct ka_syncd {
	char ifname[16];		/* "": no lvs_sync_daemon */
	char vrrp[KA_NAME_LEN];		/* "": none named */
	int syncid;			/* -1: the instance's virtual_router_id */
	__u16 maxlen;
	__u16 port;			/* host order */
	__u8 ttl;
	__u32 group;			/* network order */
	struct ka_pos pos;
};

struct ka_global {
	char router_id[KA_NAME_LEN];
	char *notify_fifo;		/* notify_fifo PATH: VRRP and LVS events */
	char *vrrp_notify_fifo;		/* vrrp_notify_fifo PATH (the HA side reads it) */
	char *lvs_notify_fifo;		/* lvs_notify_fifo PATH */
	bool lvs_timeouts_set;
	__u32 lvs_tcp, lvs_tcpfin, lvs_udp;	/* seconds; 0 = leave as it is */
	bool lvs_flush;
	bool checker_log_all_failures;
	struct ka_syncd syncd;
};

/* ---- vrrp (read by the HA side; xvsd runs no VRRP itself) ----------- */

/* One virtual_ipaddress line: "192.168.1.200", "192.168.1.200/32 dev eth0 ...". */
struct ka_vip {
	int af;			/* AF_INET or AF_INET6 */
	__u32 addr[4];		/* IPv4 in addr[0] */
	int prefix;		/* -1 when not given */
	char dev[16];		/* "dev IF", or "" */
	struct ka_pos pos;
	struct ka_vip *next;
};

struct ka_vrrp {
	char name[KA_NAME_LEN];	/* vrrp_instance NAME */
	char interface[16];
	int state;		/* KA_VRRP_* as configured ("state MASTER") */
	int vrid;		/* virtual_router_id, -1 unset */
	int priority;		/* -1 unset */
	struct ka_vip *vips;		/* virtual_ipaddress */
	struct ka_vip *vips_excluded;	/* virtual_ipaddress_excluded */
	struct ka_pos pos;
	struct ka_vrrp *next;
};

enum { KA_VRRP_UNSET = 0, KA_VRRP_BACKUP, KA_VRRP_MASTER };

struct ka_sync_group {
	char name[KA_NAME_LEN];
	int ninstances;
	char (*instances)[KA_NAME_LEN];	/* member instance names, as written */
	struct ka_pos pos;
	struct ka_sync_group *next;
};

/* ---- checkers -------------------------------------------------------- */

enum ka_check_type {
	KA_CHECK_TCP = 0,
	KA_CHECK_HTTP,
	KA_CHECK_SSL,
	KA_CHECK_MISC,
	KA_CHECK_DNS,
	KA_CHECK_UDP,
	KA_CHECK_MAX,
};

#define KA_HTTP_STATUS_MIN	100
#define KA_HTTP_STATUS_MAX	599

/* One url { } of HTTP_GET / SSL_GET. */
struct ka_url {
	char *path;
	char digest[KA_MD5_HEX];	/* lower-case hex, "" when not given */
	bool status_set;		/* else 200-299 */
	__u8 status[(KA_HTTP_STATUS_MAX + 1 + 7) / 8];	/* bit per status code */
	char *virtualhost;		/* per url Host:, NULL: the checker's */
	struct ka_url *next;
};

/* Bits of .set in ka_vs, ka_rs, ka_check: which keys the block gave itself. */
enum {
	KA_SET_DELAY_LOOP = 1 << 0,
	KA_SET_CONNECT_TO = 1 << 1,
	KA_SET_RETRY = 1 << 2,
	KA_SET_RETRY_DELAY = 1 << 3,
	KA_SET_WARMUP = 1 << 4,
	KA_SET_ALPHA = 1 << 5,
	KA_SET_INHIBIT = 1 << 6,
	KA_SET_WEIGHT = 1 << 7,
	KA_SET_PROTO = 1 << 8,
	KA_SET_SCHED = 1 << 9,
	KA_SET_FWD = 1 << 10,
	KA_SET_PORT = 1 << 11,
	KA_SET_MISC_TIMEOUT = 1 << 12,
};

/*
 * The check timings a virtual server, a real server and a checker may each
 * set (a KA_SET_* bit in the owner's set); a checker takes each from the
 * first of itself, its real server, its virtual server that set it, else
 * keepalived's default (resolve.c).
 */
struct ka_timers {
	__u64 delay_loop_ms;
	__u64 connect_timeout_ms;
	__u64 delay_before_retry_ms;
	__u64 warmup_ms;
	__u32 retry;
};

struct ka_check {
	enum ka_check_type type;
	unsigned int set;		/* KA_SET_* */
	struct ka_pos pos;
	/* common (check_api.c), resolved: inherited values filled in */
	__u32 connect_ip;		/* RS address unless connect_ip */
	__u16 connect_port;		/* RS port unless connect_port */
	__u32 bindto;			/* 0: none */
	__u16 bind_port;		/* 0: any */
	struct ka_timers tm;
	bool alpha;
	bool log_all_failures;
	/* HTTP_GET / SSL_GET */
	struct ka_url *urls;
	char *virtualhost;		/* Host: default (checker, RS or VS virtualhost) */
	int http_protocol;		/* 10 (1.0, default), 11 (1.1), 100 (1.0C) */
	bool enable_sni;
	char *sni_name;
	/* MISC_CHECK */
	char *misc_path;
	__u64 misc_timeout_ms;		/* default delay_loop */
	bool misc_dynamic;
	/* DNS_CHECK */
	__u16 dns_type;			/* KA_DNS_*; default SOA */
	char *dns_name;			/* default "." */
	/* UDP_CHECK */
	__u8 *payload;
	size_t payload_len;
	bool require_reply;
	__u8 *reply;			/* require_reply HEX, NULL: any reply */
	size_t reply_len;
	__u32 min_reply_len, max_reply_len;	/* 0 and 255 */
	struct ka_check *next;
};

/* DNS query types DNS_CHECK accepts, with their wire numbers. */
enum {
	KA_DNS_A = 1, KA_DNS_NS = 2, KA_DNS_CNAME = 5, KA_DNS_SOA = 6,
	KA_DNS_MX = 15, KA_DNS_TXT = 16, KA_DNS_AAAA = 28,
};

/* ---- virtual and real servers --------------------------------------- */

struct ka_rs {
	unsigned int set;		/* KA_SET_* */
	__u32 addr;
	__u16 port;			/* the VS port when not given */
	__s32 weight;			/* 0..2147483647, default VS weight */
	__u32 u_threshold, l_threshold;
	bool inhibit;			/* inhibit_on_failure */
	bool alpha;			/* resolved: RS, else VS */
	char *notify_up, *notify_down;	/* command lines, NULL: none */
	/* defaults for its checkers when set (KA_SET_*) */
	struct ka_timers tm;
	char *virtualhost;
	struct ka_check *checks;	/* none: always up */
	int nchecks;
	struct ka_pos pos;
	struct ka_rs *next;
};

enum ka_vs_kind {
	KA_VS_ADDR = 0,		/* virtual_server IP PORT */
	KA_VS_FWMARK,		/* virtual_server fwmark N (parsed, not served) */
	KA_VS_GROUP,		/* virtual_server group NAME */
	KA_VS_BAD,		/* parse-internal: header invalid, block dropped */
};

struct ka_vs {
	unsigned int set;	/* KA_SET_* */
	enum ka_vs_kind kind;
	int af;			/* AF_INET, or AF_INET6 (parsed, not served) */
	__u32 addr;		/* KA_VS_ADDR, IPv4 */
	__u16 port;
	__u32 fwmark;
	char group[KA_NAME_LEN];
	__u8 proto;		/* IPPROTO_TCP / UDP / SCTP; UDP when unset, as keepalived */
	char sched[KA_SCHED_LEN];	/* default "wlc" */
	__u32 flags;		/* XVS_SVC_F_* (persistent, sched flags, one-packet) */
	__u32 timeout;		/* persistence seconds, 0: not persistent */
	__u32 netmask;		/* persistence granularity, network order */
	int fwd;		/* enum xvs_fwd, default NAT (masquerading) */
	bool ha_suspend;
	char *virtualhost;
	bool alpha, omega;
	__u32 quorum;		/* default 1 */
	__u32 hysteresis;
	char *quorum_up, *quorum_down;
	bool has_sorry;
	__u32 sorry_addr;
	__u16 sorry_port;
	bool sorry_inhibit;
	/* defaults for its real servers and checkers when set (KA_SET_*) */
	__s32 weight;
	bool inhibit;
	struct ka_timers tm;	/* delay_loop always; the rest when set */
	struct ka_rs *rs;
	int nrs;
	struct ka_pos pos;
	struct ka_vs *next;
};

/* One line of a virtual_server_group: an address range and port, or a fwmark. */
struct ka_vsg_entry {
	bool is_fwmark;
	__u32 fwmark;
	int af;
	__u32 addr_first, addr_last;	/* IPv4, host order for easy ranges */
	__u16 port;			/* network order, 0: none */
	struct ka_pos pos;
	struct ka_vsg_entry *next;
};

struct ka_vsg {
	char name[KA_NAME_LEN];
	struct ka_vsg_entry *entries;
	struct ka_pos pos;
	struct ka_vsg *next;
};

/* ---- the whole file ------------------------------------------------- */

struct ka_msg {
	char *text;		/* "(FILE: Line N) ..." or a message without position */
	struct ka_msg *next;
};

struct ka_conf {
	struct ka_global global;
	struct ka_vs *vs;		/* in file order */
	struct ka_vsg *vsgs;
	struct ka_vrrp *vrrp;
	struct ka_sync_group *sync_groups;
	struct ka_msg *warnings;	/* what keepalived would log while parsing */
	int nwarnings;
	char **files;			/* every file read (ka_pos.file points here) */
	int nfiles;
};

/*
 * Read path and its includes into a new model. Warnings (unknown keywords,
 * bad values that are ignored, defaults applied) are kept in ->warnings in
 * keepalived's wording. Returns NULL with errno set and a message in err
 * on a fatal error (file unreadable, unbalanced braces, include loop): the
 * caller keeps whatever configuration it had.
 */
struct ka_conf *kaconf_load(const char *path, char *err, size_t errlen);

/* The same from text; name stands for the file in messages and includes
 * are relative to its directory. */
struct ka_conf *kaconf_parse(const char *name, const char *text, char *err, size_t errlen);

void kaconf_free(struct ka_conf *c);

/* Lookups for the HA side; NULL when absent. */
const struct ka_vrrp *kaconf_vrrp_find(const struct ka_conf *c, const char *name);
const struct ka_sync_group *kaconf_sync_group_of(const struct ka_conf *c, const char *instance);

/* "[10.0.0.2]:tcp:80", keepalived's FMT_RS/FMT_VS spelling; buf >= KA_FMT_LEN. */
#define KA_FMT_LEN 64
char *kaconf_fmt_addr(char *buf, __u32 addr, __u8 proto, __u16 port);
/* A virtual server as keepalived names it: "[IP]:tcp:PORT", "FWM N", "[GROUP]:tcp:PORT"-like. */
char *kaconf_fmt_vs(char *buf, const struct ka_vs *vs);

const char *kaconf_check_name(enum ka_check_type t);

#endif /* XVSD_KACONF_H */
