/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The connection sync wire format between a master and a backup director
 * (docs/ha.md): one UDP datagram is an 8-byte header and up to
 * SYNC_MSG_MAX_CONNS 32-byte connection records, all integers in network
 * order. Pure code (unit tested); sync.c does the sockets.
 *
 *   header  magic "XVSY" (4)  version 1 (1)  syncid (1)  count (2)
 *   record  proto (1)  state (1)  flags (2)  caddr vaddr daddr (4 each)
 *           cport vport dport (2 each)  pad (2)  timeout s (4)  tpl_addr (4)
 *
 * A record's timeout is the time the connection has left on the master.
 */
#ifndef XVSD_SYNC_MSG_H
#define XVSD_SYNC_MSG_H

#include <stddef.h>
#include <linux/types.h>
#include <xvs/abi.h>

#define SYNC_MSG_MAGIC		0x58565359	/* "XVSY" */
#define SYNC_MSG_VERSION	1
#define SYNC_MSG_HDR_LEN	8
#define SYNC_MSG_CONN_LEN	32
#define SYNC_MSG_MAX_CONNS	((65507 - SYNC_MSG_HDR_LEN) / SYNC_MSG_CONN_LEN)
/* xvs_conn.flags that travel: what the backup's entry must carry. */
#define SYNC_MSG_FLAGS		(XVS_CONN_F_TEMPLATE | XVS_CONN_F_SEEN_REPLY | \
				 XVS_CONN_F_CONTROLLED)

/* One connection or template; addresses and ports in network order. */
struct sync_conn {
	__u8 proto;
	__u8 state;		/* enum xvs_state, or XVS_TPL_S_* for a template */
	__u16 flags;		/* SYNC_MSG_FLAGS bits of xvs_conn.flags */
	__u32 caddr, vaddr, daddr;
	__u16 cport, vport, dport;
	__u32 timeout;		/* seconds */
	__u32 tpl_addr;		/* CONTROLLED: its template's client net */
};

/* The record of a connection's IN entry (@proto from its key). */
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

/* Encode @n records into @buf (SYNC_MSG_HDR_LEN + n * SYNC_MSG_CONN_LEN bytes). */
size_t sync_msg_encode(void *buf, __u8 syncid, const struct sync_conn *c, size_t n);

/*
 * Decode a datagram into at most @max records. Returns the count, or
 * -EPROTO (not ours: magic, version) or -EINVAL (length, count, a record
 * with an unknown protocol, state or flag); nothing is returned then.
 */
int sync_msg_decode(const void *buf, size_t len, __u8 *syncid, struct sync_conn *out,
		    size_t max);

#endif /* XVSD_SYNC_MSG_H */
