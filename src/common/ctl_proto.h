/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Control protocol between xvsadm (client) and xvsd (server) over a unix
 * stream socket (default /run/xvs/xvsd.sock, mode 0600, root only).
 *
 * Each request is one struct xvs_ctl_hdr followed by hdr.len payload bytes;
 * xvsd answers with one header (status = 0 or -errno, the errno the kernel's
 * IPVS would return, so xvsadm prints ipvsadm's messages) and its payload,
 * then reads the next request on the same connection (ipvsadm -R sends many).
 * All integers are host order except addresses and ports, which are network
 * order as in the packet. Requests carry the protocol version; xvsd rejects
 * another with -EPROTO.
 */
#ifndef XVS_CTL_PROTO_H
#define XVS_CTL_PROTO_H

#include <linux/types.h>

#define XVS_CTL_MAGIC		0x5856534d	/* "XVSM" */
#define XVS_CTL_VERSION		1
#define XVS_CTL_SOCKET		"/run/xvs/xvsd.sock"
#define XVS_CTL_MAX_REQ		(1 << 20)	/* largest request payload */
#define XVS_CTL_MAX_DESTS	1024		/* servers in one XVS_CMD_ADD_DESTS */

#define XVS_IFNAMSIZ		16
#define XVS_SCHED_NAME_LEN	16	/* IP_VS_SCHEDNAME_MAXLEN */
#define XVS_PE_NAME_LEN		32	/* IP_VS_PENAME_MAXLEN */

enum xvs_ctl_cmd {
	XVS_CMD_GET_INFO = 1,	/* -> xvs_ctl_info */
	XVS_CMD_ADD_SVC,	/* xvs_ctl_svc */
	XVS_CMD_EDIT_SVC,	/* xvs_ctl_svc */
	XVS_CMD_DEL_SVC,	/* xvs_ctl_svc (id only) */
	XVS_CMD_FLUSH,		/* - */
	XVS_CMD_ADD_DEST,	/* xvs_ctl_svc (id only) + xvs_ctl_dest */
	XVS_CMD_EDIT_DEST,	/* xvs_ctl_svc (id only) + xvs_ctl_dest */
	XVS_CMD_DEL_DEST,	/* xvs_ctl_svc (id only) + xvs_ctl_dest (addr, port) */
	XVS_CMD_ZERO,		/* xvs_ctl_svc (id only), or no payload for all */
	XVS_CMD_SET_TIMEOUT,	/* xvs_ctl_timeout; 0 = leave unchanged */
	XVS_CMD_GET_TIMEOUT,	/* -> xvs_ctl_timeout */
	XVS_CMD_LIST,		/* optional xvs_ctl_svc (id only) ->
				 * per service: xvs_ctl_svc, then num_dests xvs_ctl_dest;
				 * services and dests in kernel order (xvsadm sorts).
				 * One service asked and absent: -ESRCH. */
	XVS_CMD_LIST_CONN,	/* -> n x xvs_ctl_conn */
	XVS_CMD_START_DAEMON,	/* xvs_ctl_daemon; running already: -EEXIST */
	XVS_CMD_STOP_DAEMON,	/* xvs_ctl_daemon (state only); none: -ESRCH */
	XVS_CMD_LIST_DAEMON,	/* -> n x xvs_ctl_daemon, master first */
	XVS_CMD_MARK_LIST,	/* -> n x xvs_ctl_mark_rule, in match order */
	XVS_CMD_MARK_ADD,	/* xvs_ctl_mark_req: insert at .pos (0: append) */
	XVS_CMD_MARK_DEL,	/* xvs_ctl_mark_req: the rule at .pos, or (0) equal to .rule */
	XVS_CMD_MARK_SET,	/* n x xvs_ctl_mark_rule: the whole new list (n = 0: flush) */
	XVS_CMD_ADD_DESTS,	/* xvs_ctl_svc (id only) + n x xvs_ctl_dest, n 1..XVS_CTL_MAX_DESTS
				 * -> n x __s32: what n XVS_CMD_ADD_DEST in order would
				 * answer (0 or -errno), one list write (ipvsadm -R) */
	XVS_CMD_MULTI,		/* n x (xvs_ctl_hdr + payload): requests of any command
				 * but XVS_CMD_MULTI, XVS_CMD_LIST, XVS_CMD_LIST_CONN
				 * -> n x (xvs_ctl_hdr with status + payload), each
				 * what the request alone would answer, run in order;
				 * a malformed one: -EINVAL and none is run (ipvsadm -R) */
	XVS_CMD_MAX,
};

struct xvs_ctl_hdr {
	__u32 magic;		/* XVS_CTL_MAGIC */
	__u16 version;		/* XVS_CTL_VERSION */
	__u16 cmd;		/* enum xvs_ctl_cmd */
	__u32 len;		/* payload bytes after this header */
	__s32 status;		/* reply: 0 or -errno; request: 0 */
};

struct xvs_ctl_info {
	__u32 version_code;	/* IPVS version shown in listings: 0x010201 */
	__u32 conn_tab_size;	/* "size=" of the banner (hash buckets) */
	__u32 num_services;
	__u32 conn_max;		/* connection table capacity */
	__u32 conn_count;	/* connections (XVS_DIR_IN entries) now */
	__u32 pad;
};

/* A virtual service by its identity (exactly one of: proto+addr+port, fwmark). */
struct xvs_ctl_svc_id {
	__u16 af;		/* AF_INET (AF_INET6 later) */
	__u16 proto;		/* IPPROTO_TCP / IPPROTO_UDP / IPPROTO_SCTP; 0 for fwmark */
	__u32 addr[4];		/* IPv4 in addr[0] */
	__u16 port;
	__u16 pad;
	__u32 fwmark;
};

struct xvs_ctl_stats {
	__u64 conns;
	__u64 inpkts;
	__u64 outpkts;
	__u64 inbytes;
	__u64 outbytes;
};

/* Rates as ipvsadm prints them: per second, bps in bytes per second. */
struct xvs_ctl_rates {
	__u64 cps;
	__u64 inpps;
	__u64 outpps;
	__u64 inbps;
	__u64 outbps;
};

struct xvs_ctl_svc {
	struct xvs_ctl_svc_id id;
	char sched[XVS_SCHED_NAME_LEN];
	char pe[XVS_PE_NAME_LEN];
	__u32 flags;		/* XVS_SVC_F_* */
	__u32 timeout;		/* persistence, seconds */
	__u32 netmask;		/* network order (IPv4), prefix length (IPv6) */
	__u32 num_dests;	/* list replies only */
	struct xvs_ctl_stats stats;	/* list replies only */
	struct xvs_ctl_rates rates;	/* list replies only */
};

struct xvs_ctl_dest {
	__u16 af;
	__u16 port;
	__u32 addr[4];
	__u32 fwd;		/* enum xvs_fwd */
	__s32 weight;
	__u32 u_threshold;
	__u32 l_threshold;
	__u32 active;		/* list replies only from here on */
	__u32 inactive;
	__u32 persist;
	__u32 pad;
	struct xvs_ctl_stats stats;
	struct xvs_ctl_rates rates;
};

struct xvs_ctl_timeout {
	__u32 tcp;		/* ESTABLISHED */
	__u32 tcp_fin;		/* FIN_WAIT */
	__u32 udp;
};

/* One line of `ipvsadm -L -c`. */
struct xvs_ctl_conn {
	__u16 af;
	__u16 proto;		/* 0 (IP) for fwmark templates */
	__u32 caddr[4];
	__u32 vaddr[4];
	__u32 daddr[4];
	__u16 cport;
	__u16 vport;
	__u16 dport;
	__u16 flags;		/* XVS_CONN_F_* */
	__u32 state;		/* enum xvs_state (templates: 0 NONE, 1 ASSURED) */
	__u32 expire;		/* seconds left */
};

/* A connection sync daemon (ipvsadm --start-daemon; IPVS's defaults when 0). */
#define XVS_DAEMON_MASTER	1
#define XVS_DAEMON_BACKUP	2

struct xvs_ctl_daemon {
	__u32 state;		/* XVS_DAEMON_MASTER / XVS_DAEMON_BACKUP */
	__u32 syncid;		/* 0..255 */
	char mcast_ifn[XVS_IFNAMSIZ];
	__u32 mcast_group;	/* IPv4, network order; 0: 224.0.0.81 */
	__u16 mcast_port;	/* network order; 0: 8848 */
	__u8 mcast_ttl;		/* 0: 1 */
	__u8 pad;
	__u32 sync_maxlen;	/* datagram payload bytes; 0: 1472 */
	__u32 set;		/* XVS_DAEMON_SET_*: what was given, for listings */
};

#define XVS_DAEMON_SET_GROUP	0x1
#define XVS_DAEMON_SET_PORT	0x2
#define XVS_DAEMON_SET_TTL	0x4
#define XVS_DAEMON_SET_MAXLEN	0x8

/*
 * One of xvs's mark rules (docs/fwmark.md): a new packet matching it gets
 * the mark, which selects the fwmark service; the first match wins. Port
 * ranges are inclusive and, unlike other ports here, in host order.
 */
#define XVS_CTL_MARK_PORTS	8

struct xvs_ctl_mark_rule {
	__u32 daddr;		/* network order, no bits outside dmask */
	__u32 dmask;		/* network order, contiguous; 0: any */
	__u32 saddr;
	__u32 smask;
	__u32 mark;		/* 1..4294967295 */
	__u16 proto;		/* IPPROTO_TCP / IPPROTO_UDP; 0: both */
	__u16 nports;		/* ranges used; 0: any destination port */
	__u16 port_lo[XVS_CTL_MARK_PORTS];
	__u16 port_hi[XVS_CTL_MARK_PORTS];
};

struct xvs_ctl_mark_req {
	__u32 pos;		/* 1-based rule number; 0: see the command */
	__u32 pad;
	struct xvs_ctl_mark_rule rule;
};

#endif /* XVS_CTL_PROTO_H */
