/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The connection sync wire format between a master and a backup director
 * (docs/ha.md): one UDP datagram is an 8-byte header and connection
 * records, all integers in network order. Pure code (unit tested); sync.c
 * does the sockets.
 *
 *   header  magic "XVSY" (4)  version 2 (1)  syncid (1)  count (2)
 *   record  proto (1)  state (1)  flags (2)  caddr vaddr daddr (4 each)
 *           cport vport dport (2 each)  pad (2)  timeout s (4)  tpl_addr (4)
 *           fwmark (4)
 *
 * A record's timeout is the time the connection has left on the master.
 * fwmark is the mark of the connection's fwmark service (0: none), as
 * IPVS's sync message v1 carries it: the backup finds the service by it.
 * An fwmark service's template has protocol 0 and the mark for its VIP.
 * Version 1 (what an xvs before fwmark sync sends) has 32-byte records
 * without fwmark and none of the FWMARK, OPS or PORT0 flags: still taken.
 */
#ifndef XVSD_SYNC_MSG_H
#define XVSD_SYNC_MSG_H

#include <stddef.h>
#include <linux/types.h>
#include <xvs/abi.h>

#define SYNC_MSG_MAGIC		0x58565359	/* "XVSY" */
#define SYNC_MSG_VERSION	2
#define SYNC_MSG_VERSION_V1	1
#define SYNC_MSG_HDR_LEN	8
#define SYNC_MSG_CONN_LEN	36
#define SYNC_MSG_CONN_LEN_V1	32
/* Records one datagram may hold (version 1's are the smaller). */
#define SYNC_MSG_MAX_CONNS	((65507 - SYNC_MSG_HDR_LEN) / SYNC_MSG_CONN_LEN_V1)
/* xvs_conn.flags that travel: what the backup's entry must carry. */
#define SYNC_MSG_FLAGS_V1	(XVS_CONN_F_TEMPLATE | XVS_CONN_F_SEEN_REPLY | \
				 XVS_CONN_F_CONTROLLED)
#define SYNC_MSG_FLAGS		(SYNC_MSG_FLAGS_V1 | XVS_CONN_F_FWMARK | \
				 XVS_CONN_F_OPS | XVS_CONN_F_PORT0)

/* One connection or template; addresses and ports in network order. */
struct sync_conn {
	__u8 proto;
	__u8 state;		/* enum xvs_state, or XVS_TPL_S_* for a template */
	__u16 flags;		/* SYNC_MSG_FLAGS bits of xvs_conn.flags */
	__u32 caddr, vaddr, daddr;
	__u16 cport, vport, dport;
	__u32 timeout;		/* seconds */
	__u32 tpl_addr;		/* CONTROLLED: its template's client net */
	__u32 fwmark;		/* host order; its fwmark service's mark, or 0 */
};

/* The record of a connection's IN entry (@proto from its key; fwmark 0). */
void sync_conn_from(struct sync_conn *s, const struct xvs_conn *cn, __u8 proto);

/*
 * The timeout a record carries: the seconds @cn has left at @now_ns (the
 * datapath's clock, CLOCK_MONOTONIC), at least 1. The backup arms its copy
 * with it, so the copy ends when the master's does (IPVS's backup follows
 * the master's state and timer; it is never told of an expiry), not a whole
 * timeout after the master's last refresh. A template that still controls
 * connections cannot expire (IPVS re-arms it): its whole timeout.
 */
__u32 sync_conn_left(const struct xvs_conn *cn, __u64 now_ns);

/* Records that fit a datagram of @maxlen payload bytes (at least 1). */
size_t sync_msg_capacity(size_t maxlen);

/* Encode @n records into @buf (SYNC_MSG_HDR_LEN + n * SYNC_MSG_CONN_LEN bytes), version 2. */
size_t sync_msg_encode(void *buf, __u8 syncid, const struct sync_conn *c, size_t n);

/*
 * Decode a version 2 or 1 datagram into at most @max records. Returns the
 * count, or -EPROTO (not ours: magic, version) or -EINVAL (length, count,
 * a record with an unknown protocol, state or flag, an fwmark flag without
 * a mark); nothing is returned then.
 */
int sync_msg_decode(const void *buf, size_t len, __u8 *syncid, struct sync_conn *out,
		    size_t max);

#endif /* XVSD_SYNC_MSG_H */
